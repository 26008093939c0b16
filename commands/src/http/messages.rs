//! `/v1/rooms/{room_id}/messages…`: post, edit, delete, react; page through history.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use chat_domain::{MessageId, RoomId, UploadId, UserId};
use chat_nats::wire::WireCommand;
use chat_projections::queries::history::{self, HistoryPage};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::callers::{Caller, RoomReader};
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath};
use super::rooms::PageLimit;
use super::{ApiError, AppState, CommandReply};
use crate::limits::Limits;
use crate::parse::room_command;
use crate::room_writer::{Receipt, RoomWriters};
use crate::uploads::Uploads;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(post_message, page))
        .routes(routes!(edit, delete))
        .routes(routes!(react, unreact))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PostMessageRequest)]
struct PostRequest {
    /// 1–4000 characters, not only whitespace; line breaks and tabs allowed. May be left out
    /// (or `null`) when `attachments` names at least one upload.
    #[schema(
        max_length = 4000,
        pattern = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$"
    )]
    #[serde(default)]
    body: Option<String>,
    /// The client's idempotency key: a retry with the same key returns the same message.
    #[schema(pattern = "^[!-~]{1,64}$")]
    client_msg_id: String,
    reply_to: Option<MessageId>,
    /// Members to notify (at most 50); non-members are dropped.
    #[serde(default)]
    #[schema(max_items = 50)]
    mentions: Vec<UserId>,
    /// The caller's uploads to attach (`POST /v1/uploads`), at most 10, each once; an upload
    /// that does not exist, is someone else's or expired is `upload_not_found`.
    #[serde(default)]
    #[schema(max_items = 10)]
    attachments: Vec<UploadId>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = PostedMessage)]
struct Posted {
    message_id: MessageId,
    seq: u64,
    /// `true` when this `client_msg_id` was already posted and nothing new was written.
    duplicate: bool,
}

/// 201 for a new message, 200 for a recognised retry.
#[utoipa::path(post, path = "/v1/rooms/{room_id}/messages", tag = "messages", params(("room_id" = Uuid, Path, description = "The room")),
    request_body = PostRequest,
    responses(
        (status = 201, description = "Posted", body = Posted),
        (status = 200, description = "This `client_msg_id` was already posted: the same message, nothing written", body = Posted),
        (status = 403, description = "`not_a_member`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `invalid_input` (`body`, `client_msg_id`), `reply_target_not_found`, `empty_message` (no body and no attachments), `too_many_attachments`, `upload_not_found`", body = ErrorBody),
        (status = 429, description = "`rate_limited` (posts per user)", body = ErrorBody,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    ))]
async fn post_message(
    State(writers): State<Writers>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
    ApiJson(request): ApiJson<PostRequest>,
) -> Result<(StatusCode, Json<Posted>), ApiError> {
    let PostRequest { body, client_msg_id, reply_to, mentions, attachments } = request;
    let command = WireCommand::Post { body, client_msg_id, reply_to, mentions, attachments };
    let receipt = execute(&writers, &caller, room, command).await?;
    let message_id =
        receipt.message_id.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a post returned no message id")))?;
    let status = if receipt.changed { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(Posted { message_id, seq: receipt.seq, duplicate: !receipt.changed })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageParams {
    /// Only messages with a smaller sequence (the previous page's `next_before`).
    before: Option<i64>,
    /// Page size; default 50, capped at 200.
    limit: Option<PageLimit>,
}

/// The query is checked before access (`RoomReader` parses it first), so bad input is a 400
/// whatever the room.
#[utoipa::path(get, path = "/v1/rooms/{room_id}/messages", operation_id = "list_messages", tag = "messages",
    params(
        ("room_id" = Uuid, Path, description = "The room"),
        ("before" = Option<i64>, Query, description = "Only messages with a smaller sequence (the previous page's `next_before`)"),
        ("limit" = Option<i64>, Query, minimum = 1, description = "Page size; default 50, capped at 200"),
    ),
    responses(
        (status = 200, description = "A page of history, newest first", body = HistoryPage),
        (status = 403, description = "`not_a_member`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
    ))]
async fn page(State(pool): State<PgPool>, reader: RoomReader<PageParams>) -> Result<Json<HistoryPage>, ApiError> {
    let limit = PageLimit::or(reader.query.limit, 50, 200);
    Ok(Json(history::page(&pool, reader.room, reader.query.before, limit).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EditMessageRequest)]
struct EditRequest {
    /// 1–4000 characters, not only whitespace; line breaks and tabs allowed.
    #[schema(
        max_length = 4000,
        pattern = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$"
    )]
    body: String,
}

/// Replace a message's body (its author only).
#[utoipa::path(patch, path = "/v1/rooms/{room_id}/messages/{message_id}", operation_id = "edit_message", tag = "messages", params(("room_id" = Uuid, Path, description = "The room"), ("message_id" = Uuid, Path, description = "The message")),
    request_body = EditRequest,
    responses(
        (status = 200, description = "Edited (`changed: false` if the body was the same)", body = CommandReply),
        (status = 403, description = "`not_a_member`, `not_the_author`", body = ErrorBody),
        (status = 404, description = "`room_not_found`, `message_not_found`", body = ErrorBody),
        (status = 409, description = "`message_deleted`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `invalid_input` (`body`)", body = ErrorBody),
    ))]
async fn edit(
    State(writers): State<Writers>,
    caller: Caller,
    ApiPath((room, message_id)): ApiPath<(RoomId, MessageId)>,
    ApiJson(request): ApiJson<EditRequest>,
) -> Result<Json<CommandReply>, ApiError> {
    let command = WireCommand::Edit { message_id, body: request.body };
    Ok(Json(execute(&writers, &caller, room, command).await?.into()))
}

/// Delete a message (its author, or an admin or the owner of a group room).
#[utoipa::path(delete, path = "/v1/rooms/{room_id}/messages/{message_id}", operation_id = "delete_message", tag = "messages", params(("room_id" = Uuid, Path, description = "The room"), ("message_id" = Uuid, Path, description = "The message")),
    responses(
        (status = 200, description = "Deleted (`changed: false` if it already was)", body = CommandReply),
        (status = 403, description = "`not_a_member`, `not_allowed`", body = ErrorBody),
        (status = 404, description = "`room_not_found`, `message_not_found`", body = ErrorBody),
    ))]
async fn delete(
    State(writers): State<Writers>,
    caller: Caller,
    ApiPath((room, message_id)): ApiPath<(RoomId, MessageId)>,
) -> Result<Json<CommandReply>, ApiError> {
    Ok(Json(execute(&writers, &caller, room, WireCommand::Delete { message_id }).await?.into()))
}

/// Add the caller's reaction to a message.
#[utoipa::path(put, path = "/v1/rooms/{room_id}/messages/{message_id}/reactions/{reaction}", operation_id = "add_reaction", tag = "messages",
    params(("room_id" = Uuid, Path, description = "The room"), ("message_id" = Uuid, Path, description = "The message"), ("reaction" = String, Path, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]{1,32}$", description = "An emoji or a code such as `:thumbsup:` (URL-encoded); 1–32 characters, no whitespace")),
    responses(
        (status = 200, description = "Added (`changed: false` if it was there)", body = CommandReply),
        (status = 403, description = "`not_a_member`", body = ErrorBody),
        (status = 404, description = "`room_not_found`, `message_not_found`", body = ErrorBody),
        (status = 409, description = "`message_deleted`", body = ErrorBody),
        (status = 422, description = "`invalid_input` (`reaction`)", body = ErrorBody),
    ))]
async fn react(
    State(writers): State<Writers>,
    caller: Caller,
    ApiPath((room, message_id, reaction)): ApiPath<(RoomId, MessageId, String)>,
) -> Result<Json<CommandReply>, ApiError> {
    Ok(Json(execute(&writers, &caller, room, WireCommand::React { message_id, reaction }).await?.into()))
}

/// Remove the caller's reaction from a message.
#[utoipa::path(delete, path = "/v1/rooms/{room_id}/messages/{message_id}/reactions/{reaction}", operation_id = "remove_reaction", tag = "messages",
    params(("room_id" = Uuid, Path, description = "The room"), ("message_id" = Uuid, Path, description = "The message"), ("reaction" = String, Path, pattern = r"^[^\s\u0000-\u001f\u007f-\u009f]{1,32}$", description = "An emoji or a code such as `:thumbsup:` (URL-encoded); 1–32 characters, no whitespace")),
    responses(
        (status = 200, description = "Removed (`changed: false` if it was not there)", body = CommandReply),
        (status = 403, description = "`not_a_member`", body = ErrorBody),
        (status = 404, description = "`room_not_found`, `message_not_found`", body = ErrorBody),
        (status = 409, description = "`message_deleted`", body = ErrorBody),
        (status = 422, description = "`invalid_input` (`reaction`)", body = ErrorBody),
    ))]
async fn unreact(
    State(writers): State<Writers>,
    caller: Caller,
    ApiPath((room, message_id, reaction)): ApiPath<(RoomId, MessageId, String)>,
) -> Result<Json<CommandReply>, ApiError> {
    Ok(Json(execute(&writers, &caller, room, WireCommand::Unreact { message_id, reaction }).await?.into()))
}

/// What message commands need: the room writers, the rate limits and the uploads that posts
/// attach.
#[derive(Clone)]
struct Writers {
    rooms: RoomWriters,
    limits: Arc<Limits>,
    uploads: Uploads,
}

impl FromRef<AppState> for Writers {
    fn from_ref(state: &AppState) -> Self {
        Self { rooms: state.rooms.clone(), limits: state.limits.clone(), uploads: state.uploads.clone() }
    }
}

/// Validates and rate-limits a message command exactly as the WebSocket bus does, and runs it.
async fn execute(writers: &Writers, caller: &Caller, room: RoomId, command: WireCommand) -> Result<Receipt, ApiError> {
    writers.limits.admit(caller.user, &command)?;
    let attachments = writers.uploads.attachments_of(caller.user, &command).await?;
    let command = room_command(caller.user, command, attachments)?;
    Ok(writers.rooms.execute(room, command, caller.meta()).await?)
}
