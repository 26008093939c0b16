//! `/v1/rooms/{room_id}/messages…`: post, edit, delete, react; page through history.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{patch, post, put};
use axum::{Json, Router};
use chat_domain::room::RoomCommand;
use chat_domain::text::{ClientMsgId, MessageBody, Reaction};
use chat_domain::{MessageId, RoomId};
use chat_projections::queries::history::{self, HistoryPage};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::error::field;
use super::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use super::rooms::{page_limit, require_member};
use super::{ApiError, CommandReply};
use crate::room_writer::RoomWriters;

pub fn routes() -> axum::Router<super::AppState> {
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
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
    ApiJson(request): ApiJson<PostRequest>,
) -> Result<(StatusCode, Json<Posted>), ApiError> {
    let command = RoomCommand::PostMessage {
        by: caller.user,
        message_id: MessageId::from_uuid(Uuid::now_v7()),
        client_msg_id: field("client_msg_id", ClientMsgId::parse(&request.client_msg_id))?,
        body: field("body", MessageBody::parse(request.body))?,
        reply_to: request.reply_to,
    };
    let receipt = writers.execute(room, command, caller.meta()).await?;
    let message_id =
        receipt.message_id.ok_or_else(|| ApiError::Internal("a post returned no message id".to_owned()))?;
    let status = if receipt.changed { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(Posted { message_id, seq: receipt.seq, duplicate: !receipt.changed })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageParams {
    /// Only messages with a smaller sequence (the previous page's `next_before`).
    before: Option<i64>,
    /// Page size; default 50, capped at 200.
    limit: Option<i64>,
}

async fn page(
    State(pool): State<PgPool>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<HistoryPage>, ApiError> {
    let limit = page_limit(params.limit, 50, 200)?;
    require_member(&pool, room, caller.user).await?;
    Ok(Json(history::page(&pool, room, params.before, limit).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditRequest {
    body: String,
}

async fn edit(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath((room, message_id)): ApiPath<(RoomId, MessageId)>,
    ApiJson(request): ApiJson<EditRequest>,
) -> Result<Json<CommandReply>, ApiError> {
    let body = field("body", MessageBody::parse(request.body))?;
    let command = RoomCommand::EditMessage { by: caller.user, message_id, body };
    Ok(Json(writers.execute(room, command, caller.meta()).await?.into()))
}

async fn delete(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath((room, message_id)): ApiPath<(RoomId, MessageId)>,
) -> Result<Json<CommandReply>, ApiError> {
    let command = RoomCommand::DeleteMessage { by: caller.user, message_id };
    Ok(Json(writers.execute(room, command, caller.meta()).await?.into()))
}

async fn react(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath((room, message_id, reaction)): ApiPath<(RoomId, MessageId, String)>,
) -> Result<Json<CommandReply>, ApiError> {
    let reaction = field("reaction", Reaction::parse(reaction))?;
    let command = RoomCommand::React { by: caller.user, message_id, reaction };
    Ok(Json(writers.execute(room, command, caller.meta()).await?.into()))
}

async fn unreact(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath((room, message_id, reaction)): ApiPath<(RoomId, MessageId, String)>,
) -> Result<Json<CommandReply>, ApiError> {
    let reaction = field("reaction", Reaction::parse(reaction))?;
    let command = RoomCommand::Unreact { by: caller.user, message_id, reaction };
    Ok(Json(writers.execute(room, command, caller.meta()).await?.into()))
}
