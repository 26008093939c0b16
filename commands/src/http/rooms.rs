//! `/v1/rooms…`: create rooms, membership, roles, read markers; list and inspect rooms.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chat_domain::room::{Role, RoomCommand, Visibility};
use chat_domain::text::RoomName;
use chat_domain::{RoomId, UserId};
use chat_projections::queries::rooms::{self, Receipt, RoomCursor, RoomDetail, RoomPage};
use chat_projections::queries::support;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::callers::{Caller, Reader, RoomReader};
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath};
use super::{ApiError, AppState, CommandReply};
use crate::accounts;
use crate::parse::field;
use crate::room_writer::RoomWriters;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(detail))
        .routes(routes!(join))
        .routes(routes!(leave))
        .routes(routes!(add_member, remove_member))
        .routes(routes!(change_role))
}

/// The routes a website visitor may call too, in their own support conversations.
pub fn shared_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(mark_read)).routes(routes!(receipts))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum CreateRoomRequest {
    Group {
        /// 1–100 characters on one line, trimmed.
        #[schema(
            max_length = 100,
            pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
        )]
        name: String,
        /// Default `public`.
        visibility: Option<Visibility>,
    },
    Direct {
        user_id: UserId,
    },
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = CreatedRoom)]
struct Created {
    room_id: RoomId,
    seq: u64,
}

/// 201 for a new room; 200 when the direct room already existed.
#[utoipa::path(post, path = "/v1/rooms", operation_id = "create_room", tag = "rooms", request_body = CreateRoomRequest,
    responses(
        (status = 201, description = "A new room", body = Created),
        (status = 200, description = "The direct room of this pair already existed; nothing was written", body = Created),
        (status = 404, description = "`user_not_found` (direct)", body = ErrorBody),
        (status = 409, description = "`room_exists`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `invalid_input` (`name`), `direct_room_with_self`", body = ErrorBody),
    ))]
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
#[utoipa::path(get, path = "/v1/rooms", operation_id = "list_rooms", tag = "rooms",
    params(
        ("before" = Option<String>, Query, pattern = "^-?[0-9]{1,19}\\.[0-9a-f]{32}$", description = "The previous page's `next_before`"),
        ("limit" = Option<i64>, Query, minimum = 1, description = "Page size; default 50, capped at 200"),
    ),
    responses((status = 200, description = "A page of the caller's rooms", body = RoomPage)))]
async fn list(State(pool): State<PgPool>, reader: Reader<ListParams>) -> Result<Json<RoomPage>, ApiError> {
    let limit = PageLimit::or(reader.query.limit, 50, 200);
    let before = reader.query.before.map(|Cursor(cursor)| cursor);
    Ok(Json(rooms::page(&pool, reader.user, before, limit).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Receipts {
    receipts: Vec<Receipt>,
}

/// How far each member has read (members only).
#[utoipa::path(get, path = "/v1/rooms/{room_id}/receipts", operation_id = "list_receipts", tag = "rooms", params(("room_id" = Uuid, Path, description = "The room")),
    responses(
        (status = 200, description = "Each member's read marker", body = Receipts),
        (status = 403, description = "`not_a_member`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
    ))]
async fn receipts(State(pool): State<PgPool>, reader: RoomReader) -> Result<Json<Receipts>, ApiError> {
    Ok(Json(Receipts { receipts: rooms::receipts(&pool, reader.room).await? }))
}

/// A room the caller is a member of, with its members.
#[utoipa::path(get, path = "/v1/rooms/{room_id}", operation_id = "get_room", tag = "rooms", params(("room_id" = Uuid, Path, description = "The room")),
    responses(
        (status = 200, description = "The room", body = RoomDetail),
        (status = 403, description = "`not_a_member`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
    ))]
async fn detail(State(pool): State<PgPool>, reader: RoomReader) -> Result<Json<RoomDetail>, ApiError> {
    rooms::detail(&pool, reader.room, reader.user)
        .await?
        .map(Json)
        .ok_or(ApiError::Room(chat_domain::room::RoomError::NotAMember))
}

/// Join a public group room; or, for an agent of its website, a support conversation.
#[utoipa::path(post, path = "/v1/rooms/{room_id}/join", operation_id = "join_room", tag = "rooms", params(("room_id" = Uuid, Path, description = "The room")),
    responses(
        (status = 200, description = "Joined (`changed: false` if already a member)", body = CommandReply),
        (status = 403, description = "`room_private`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 409, description = "`direct_room_membership_fixed`, `membership_managed` (a support conversation of a website one is not an agent of)", body = ErrorBody),
    ))]
async fn join(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
) -> Result<Json<CommandReply>, ApiError> {
    let user = caller.user;
    let command = match support::website_of(&state.pool, room).await? {
        Some(website) if support::is_agent(&state.pool, website, user).await? => RoomCommand::JoinAsAgent { user },
        _ => RoomCommand::Join { user },
    };
    let receipt = state.rooms.execute(room, command, caller.meta()).await?;
    Ok(Json(receipt.into()))
}

/// Leave a group room.
#[utoipa::path(post, path = "/v1/rooms/{room_id}/leave", operation_id = "leave_room", tag = "rooms", params(("room_id" = Uuid, Path, description = "The room")),
    responses(
        (status = 200, description = "Left (`changed: false` if not a member)", body = CommandReply),
        (status = 403, description = "`not_a_member`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 409, description = "`direct_room_membership_fixed`, `owner_cannot_leave`", body = ErrorBody),
    ))]
async fn leave(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
) -> Result<Json<CommandReply>, ApiError> {
    let receipt = writers.execute(room, RoomCommand::Leave { user: caller.user }, caller.meta()).await?;
    Ok(Json(receipt.into()))
}

/// Add a user to a group room (admins and the owner).
#[utoipa::path(put, path = "/v1/rooms/{room_id}/members/{user_id}", tag = "rooms", params(("room_id" = Uuid, Path, description = "The room"), ("user_id" = Uuid, Path, description = "The member")),
    responses(
        (status = 200, description = "Added (`changed: false` if already a member)", body = CommandReply),
        (status = 403, description = "`not_a_member`, `not_allowed`", body = ErrorBody),
        (status = 404, description = "`user_not_found`, `room_not_found`", body = ErrorBody),
        (status = 409, description = "`direct_room_membership_fixed`", body = ErrorBody),
    ))]
async fn add_member(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((room, user)): ApiPath<(RoomId, UserId)>,
) -> Result<Json<CommandReply>, ApiError> {
    existing_user(&state.pool, user).await?;
    let receipt = state.rooms.execute(room, RoomCommand::AddMember { by: caller.user, user }, caller.meta()).await?;
    Ok(Json(receipt.into()))
}

/// Remove a member from a group room (someone the caller outranks).
#[utoipa::path(delete, path = "/v1/rooms/{room_id}/members/{user_id}", tag = "rooms", params(("room_id" = Uuid, Path, description = "The room"), ("user_id" = Uuid, Path, description = "The member")),
    responses(
        (status = 200, description = "Removed (`changed: false` if not a member)", body = CommandReply),
        (status = 403, description = "`not_a_member`, `not_allowed`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 409, description = "`direct_room_membership_fixed`", body = ErrorBody),
    ))]
async fn remove_member(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath((room, user)): ApiPath<(RoomId, UserId)>,
) -> Result<Json<CommandReply>, ApiError> {
    let receipt = writers.execute(room, RoomCommand::RemoveMember { by: caller.user, user }, caller.meta()).await?;
    Ok(Json(receipt.into()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ChangeRoleRequest)]
struct RoleRequest {
    role: Role,
}

/// Make a member an admin or a plain member (the owner only).
#[utoipa::path(put, path = "/v1/rooms/{room_id}/members/{user_id}/role", tag = "rooms", params(("room_id" = Uuid, Path, description = "The room"), ("user_id" = Uuid, Path, description = "The member")),
    request_body = RoleRequest,
    responses(
        (status = 200, description = "Changed (`changed: false` if the member had that role)", body = CommandReply),
        (status = 403, description = "`not_a_member`, `not_allowed`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `target_not_a_member`", body = ErrorBody),
    ))]
async fn change_role(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath((room, user)): ApiPath<(RoomId, UserId)>,
    ApiJson(request): ApiJson<RoleRequest>,
) -> Result<Json<CommandReply>, ApiError> {
    let command = RoomCommand::ChangeRole { by: caller.user, user, role: request.role };
    Ok(Json(writers.execute(room, command, caller.meta()).await?.into()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = MarkReadRequest)]
struct ReadRequest {
    up_to_seq: u64,
}

/// Move the caller's read marker forward.
#[utoipa::path(post, path = "/v1/rooms/{room_id}/read", tag = "rooms", params(("room_id" = Uuid, Path, description = "The room")),
    request_body = ReadRequest,
    responses(
        (status = 200, description = "Moved (`changed: false` if not forward)", body = CommandReply),
        (status = 403, description = "`not_a_member`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `seq_out_of_range`", body = ErrorBody),
    ))]
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
pub(super) async fn existing_user(pool: &PgPool, user: UserId) -> Result<(), ApiError> {
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
