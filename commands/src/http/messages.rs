//! `/v1/rooms/{room_id}/messages…`: post, edit, delete, react; page through history.

use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::{patch, post, put};
use axum::{Json, Router};
use chat_domain::{MessageId, RoomId, UserId};
use chat_nats::wire::WireCommand;
use chat_projections::queries::history::{self, HistoryPage};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::callers::{Caller, RoomReader};
use super::extract::{ApiJson, ApiPath};
use super::rooms::PageLimit;
use super::{ApiError, AppState, CommandReply};
use crate::limits::Limits;
use crate::parse::room_command;
use crate::room_writer::{Receipt, RoomWriters};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/rooms/{room_id}/messages", post(post_message).get(page))
        .route("/v1/rooms/{room_id}/messages/{message_id}", patch(edit).delete(delete))
        .route("/v1/rooms/{room_id}/messages/{message_id}/reactions/{reaction}", put(react).delete(unreact))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PostRequest {
    body: String,
    /// The client's idempotency key: a retry with the same key returns the same message.
    client_msg_id: String,
    reply_to: Option<MessageId>,
    /// Members to notify (at most 50); non-members are dropped.
    #[serde(default)]
    mentions: Vec<UserId>,
}

#[derive(Serialize)]
struct Posted {
    message_id: MessageId,
    seq: u64,
    /// `true` when this `client_msg_id` was already posted and nothing new was written.
    duplicate: bool,
}

/// 201 for a new message, 200 for a recognised retry.
async fn post_message(
    State(writers): State<Writers>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
    ApiJson(request): ApiJson<PostRequest>,
) -> Result<(StatusCode, Json<Posted>), ApiError> {
    let PostRequest { body, client_msg_id, reply_to, mentions } = request;
    let command = WireCommand::Post { body, client_msg_id, reply_to, mentions };
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
async fn page(State(pool): State<PgPool>, reader: RoomReader<PageParams>) -> Result<Json<HistoryPage>, ApiError> {
    let limit = PageLimit::or(reader.query.limit, 50, 200);
    Ok(Json(history::page(&pool, reader.room, reader.query.before, limit).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditRequest {
    body: String,
}

async fn edit(
    State(writers): State<Writers>,
    caller: Caller,
    ApiPath((room, message_id)): ApiPath<(RoomId, MessageId)>,
    ApiJson(request): ApiJson<EditRequest>,
) -> Result<Json<CommandReply>, ApiError> {
    let command = WireCommand::Edit { message_id, body: request.body };
    Ok(Json(execute(&writers, &caller, room, command).await?.into()))
}

async fn delete(
    State(writers): State<Writers>,
    caller: Caller,
    ApiPath((room, message_id)): ApiPath<(RoomId, MessageId)>,
) -> Result<Json<CommandReply>, ApiError> {
    Ok(Json(execute(&writers, &caller, room, WireCommand::Delete { message_id }).await?.into()))
}

async fn react(
    State(writers): State<Writers>,
    caller: Caller,
    ApiPath((room, message_id, reaction)): ApiPath<(RoomId, MessageId, String)>,
) -> Result<Json<CommandReply>, ApiError> {
    Ok(Json(execute(&writers, &caller, room, WireCommand::React { message_id, reaction }).await?.into()))
}

async fn unreact(
    State(writers): State<Writers>,
    caller: Caller,
    ApiPath((room, message_id, reaction)): ApiPath<(RoomId, MessageId, String)>,
) -> Result<Json<CommandReply>, ApiError> {
    Ok(Json(execute(&writers, &caller, room, WireCommand::Unreact { message_id, reaction }).await?.into()))
}

/// What message commands need: the room writers and the rate limits.
#[derive(Clone)]
struct Writers {
    rooms: RoomWriters,
    limits: Arc<Limits>,
}

impl FromRef<AppState> for Writers {
    fn from_ref(state: &AppState) -> Self {
        Self { rooms: state.rooms.clone(), limits: state.limits.clone() }
    }
}

/// Validates and rate-limits a message command exactly as the WebSocket bus does, and runs it.
async fn execute(writers: &Writers, caller: &Caller, room: RoomId, command: WireCommand) -> Result<Receipt, ApiError> {
    writers.limits.admit(caller.user, &command)?;
    let command = room_command(caller.user, command)?;
    Ok(writers.rooms.execute(room, command, caller.meta()).await?)
}
