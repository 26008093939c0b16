//! `/v1/rooms…`: create rooms, membership, roles, read markers; list and inspect rooms.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chat_domain::room::{Role, RoomCommand, Visibility};
use chat_domain::text::RoomName;
use chat_domain::{RoomId, UserId};
use chat_projections::queries::rooms::{self, Receipt, RoomCursor, RoomDetail, RoomPage};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::callers::{Caller, Reader, RoomReader};
use super::extract::{ApiJson, ApiPath};
use super::{ApiError, AppState, CommandReply};
use crate::accounts;
use crate::parse::field;
use crate::room_writer::RoomWriters;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/rooms", post(create).get(list))
        .route("/v1/rooms/{room_id}", get(detail))
        .route("/v1/rooms/{room_id}/join", post(join))
        .route("/v1/rooms/{room_id}/leave", post(leave))
        .route("/v1/rooms/{room_id}/members/{user_id}", put(add_member).delete(remove_member))
        .route("/v1/rooms/{room_id}/members/{user_id}/role", put(change_role))
        .route("/v1/rooms/{room_id}/read", post(mark_read))
        .route("/v1/rooms/{room_id}/receipts", get(receipts))
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum CreateRoomRequest {
    Group { name: String, visibility: Option<Visibility> },
    Direct { user_id: UserId },
}

#[derive(Serialize)]
struct Created {
    room_id: RoomId,
    seq: u64,
}

/// 201 for a new room; 200 when the direct room already existed.
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<CreateRoomRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let (room_id, command) = match request {
        CreateRoomRequest::Group { name, visibility } => {
            let name = field("name", RoomName::parse(name))?;
            let visibility = visibility.unwrap_or(Visibility::Public);
            (RoomId::from_uuid(Uuid::now_v7()), RoomCommand::CreateGroup { by: caller.user, name, visibility })
        }
        CreateRoomRequest::Direct { user_id } => {
            existing_user(&state.pool, user_id).await?;
            (RoomId::direct(caller.user, user_id), RoomCommand::OpenDirect { by: caller.user, with: user_id })
        }
    };
    let receipt = state.rooms.execute(room_id, command, caller.meta()).await?;
    let status = if receipt.changed { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(Created { room_id, seq: receipt.seq })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    /// The previous page's `next_before`.
    before: Option<Cursor>,
    /// Page size; default 50, capped at 200.
    limit: Option<PageLimit>,
}

/// The caller's rooms, most recently active first, with unread counts and last message.
async fn list(State(pool): State<PgPool>, reader: Reader<ListParams>) -> Result<Json<RoomPage>, ApiError> {
    let limit = PageLimit::or(reader.query.limit, 50, 200);
    let before = reader.query.before.map(|Cursor(cursor)| cursor);
    Ok(Json(rooms::page(&pool, reader.user, before, limit).await?))
}

#[derive(Serialize)]
struct Receipts {
    receipts: Vec<Receipt>,
}

/// How far each member has read (members only).
async fn receipts(State(pool): State<PgPool>, reader: RoomReader) -> Result<Json<Receipts>, ApiError> {
    Ok(Json(Receipts { receipts: rooms::receipts(&pool, reader.room).await? }))
}

async fn detail(State(pool): State<PgPool>, reader: RoomReader) -> Result<Json<RoomDetail>, ApiError> {
    rooms::detail(&pool, reader.room, reader.user)
        .await?
        .map(Json)
        .ok_or(ApiError::Room(chat_domain::room::RoomError::NotAMember))
}

async fn join(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
) -> Result<Json<CommandReply>, ApiError> {
    let receipt = writers.execute(room, RoomCommand::Join { user: caller.user }, caller.meta()).await?;
    Ok(Json(receipt.into()))
}

async fn leave(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
) -> Result<Json<CommandReply>, ApiError> {
    let receipt = writers.execute(room, RoomCommand::Leave { user: caller.user }, caller.meta()).await?;
    Ok(Json(receipt.into()))
}

async fn add_member(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((room, user)): ApiPath<(RoomId, UserId)>,
) -> Result<Json<CommandReply>, ApiError> {
    existing_user(&state.pool, user).await?;
    let receipt = state.rooms.execute(room, RoomCommand::AddMember { by: caller.user, user }, caller.meta()).await?;
    Ok(Json(receipt.into()))
}

async fn remove_member(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath((room, user)): ApiPath<(RoomId, UserId)>,
) -> Result<Json<CommandReply>, ApiError> {
    let receipt = writers.execute(room, RoomCommand::RemoveMember { by: caller.user, user }, caller.meta()).await?;
    Ok(Json(receipt.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleRequest {
    role: Role,
}

async fn change_role(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath((room, user)): ApiPath<(RoomId, UserId)>,
    ApiJson(request): ApiJson<RoleRequest>,
) -> Result<Json<CommandReply>, ApiError> {
    let command = RoomCommand::ChangeRole { by: caller.user, user, role: request.role };
    Ok(Json(writers.execute(room, command, caller.meta()).await?.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadRequest {
    up_to_seq: u64,
}

async fn mark_read(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
    ApiJson(request): ApiJson<ReadRequest>,
) -> Result<Json<CommandReply>, ApiError> {
    let command = RoomCommand::MarkRead { by: caller.user, up_to_seq: request.up_to_seq };
    Ok(Json(writers.execute(room, command, caller.meta()).await?.into()))
}

/// Checked against the accounts, which registration writes before it answers: a user who
/// registered a moment ago exists even if the users read model has not caught up yet.
async fn existing_user(pool: &PgPool, user: UserId) -> Result<(), ApiError> {
    let missing = accounts::without_account(pool, &[user]).await?;
    if missing.is_empty() { Ok(()) } else { Err(ApiError::UserNotFound) }
}

/// A room-list cursor, checked while the query string is parsed (a bad one is a 400 before
/// any database query).
struct Cursor(RoomCursor);

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map(Cursor).map_err(serde::de::Error::custom)
    }
}

/// A requested page size, at least 1: checked while the query string is parsed, so that a bad
/// one is a 400 before any access check.
#[derive(Clone, Copy, Debug)]
pub(super) struct PageLimit(i64);

impl<'de> Deserialize<'de> for PageLimit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match i64::deserialize(deserializer)? {
            n if n < 1 => Err(serde::de::Error::custom("limit must be at least 1")),
            n => Ok(Self(n)),
        }
    }
}

impl PageLimit {
    /// The page size to use: `default` if none was asked for, never more than `max`.
    pub(super) fn or(requested: Option<Self>, default: i64, max: i64) -> i64 {
        requested.map_or(default, |Self(n)| n.min(max))
    }
}
