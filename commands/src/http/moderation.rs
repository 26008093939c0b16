//! Moderating a group room (docs/api.md §3.13): bans (`/v1/rooms/{id}/bans…`), its topic and
//! description (`PATCH /v1/rooms/{id}`), and deleting it (`DELETE /v1/rooms/{id}`). Who may
//! do what is the room aggregate's to decide (`chat_domain::room::moderation`); the admins'
//! list of bans is the `bans` read model.

use axum::Json;
use axum::extract::State;
use chat_domain::room::RoomCommand;
use chat_domain::text::{BanReason, RoomDescription, RoomTopic, TextError};
use chat_domain::{RoomId, UserId};
use chat_projections::queries::bans::{self, Ban};
use serde::{Deserialize, Deserializer, Serialize};
use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::callers::{Caller, RoomReader};
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath};
use super::rooms::existing_user;
use super::{ApiError, AppState, CommandReply};
use crate::parse::field;
use crate::room_writer::RoomWriters;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ban, list_bans))
        .routes(routes!(unban))
        .routes(routes!(change_settings, delete_room))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct BanRequest {
    user_id: UserId,
    /// Why (1–500 characters on one line, trimmed); members see it. Empty or none: no reason.
    #[schema(max_length = 500)]
    reason: Option<String>,
}

/// Ban a user from a group room, removing them if they are a member (admins ban members, the
/// owner bans admins too).
#[utoipa::path(post, path = "/v1/rooms/{room_id}/bans", operation_id = "ban_user", tag = "rooms",
    params(("room_id" = Uuid, Path, description = "The room")),
    request_body = BanRequest,
    responses(
        (status = 200, description = "Banned (`changed: false` if they were already)", body = CommandReply),
        (status = 403, description = "`not_a_member`, `not_allowed`", body = ErrorBody),
        (status = 404, description = "`room_not_found`, `user_not_found`", body = ErrorBody),
        (status = 409, description = "`direct_room_membership_fixed`, `membership_managed`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `invalid_input` (`reason`)", body = ErrorBody),
    ))]
async fn ban(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
    ApiJson(request): ApiJson<BanRequest>,
) -> Result<Json<CommandReply>, ApiError> {
    let reason = optional_text("reason", request.reason, BanReason::parse)?;
    existing_user(&state.pool, request.user_id).await?;
    let command = RoomCommand::Ban { by: caller.user, user: request.user_id, reason };
    Ok(Json(state.rooms.execute(room, command, caller.meta()).await?.into()))
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = BanList)]
struct Bans {
    /// Newest first, at most 1000.
    bans: Vec<Ban>,
}

/// Who is banned from the room (admins and the owner).
#[utoipa::path(get, path = "/v1/rooms/{room_id}/bans", operation_id = "list_bans", tag = "rooms",
    params(("room_id" = Uuid, Path, description = "The room")),
    responses(
        (status = 200, description = "The room's bans", body = Bans),
        (status = 403, description = "`not_a_member`, `not_allowed`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
    ))]
async fn list_bans(State(pool): State<PgPool>, reader: RoomReader) -> Result<Json<Bans>, ApiError> {
    let room = reader.moderator()?.room;
    Ok(Json(Bans { bans: bans::list(&pool, room).await? }))
}

/// Lift a ban: the user may join again (they are not added back).
#[utoipa::path(delete, path = "/v1/rooms/{room_id}/bans/{user_id}", operation_id = "unban_user", tag = "rooms",
    params(("room_id" = Uuid, Path, description = "The room"), ("user_id" = Uuid, Path, description = "The banned user")),
    responses(
        (status = 200, description = "Unbanned (`changed: false` if they were not banned)", body = CommandReply),
        (status = 403, description = "`not_a_member`, `not_allowed`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 409, description = "`direct_room_membership_fixed`, `membership_managed`", body = ErrorBody),
    ))]
async fn unban(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath((room, user)): ApiPath<(RoomId, UserId)>,
) -> Result<Json<CommandReply>, ApiError> {
    Ok(Json(writers.execute(room, RoomCommand::Unban { by: caller.user, user }, caller.meta()).await?.into()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RoomSettingsRequest)]
struct SettingsRequest {
    /// 1–250 characters on one line, trimmed; `null` or empty clears it; absent: unchanged.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 250)]
    topic: Option<Option<String>>,
    /// 1–2000 characters (line breaks kept), trimmed; `null` or empty clears it; absent:
    /// unchanged.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    description: Option<Option<String>>,
}

/// A field that is present in the body, `null` or not (absent fields are `None`).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// Set a group room's topic and description (admins and the owner); each change is a room
/// event every member receives.
#[utoipa::path(patch, path = "/v1/rooms/{room_id}", operation_id = "change_room_settings", tag = "rooms",
    params(("room_id" = Uuid, Path, description = "The room")),
    request_body = SettingsRequest,
    responses(
        (status = 200, description = "Changed (`changed: false` if nothing changed)", body = CommandReply),
        (status = 403, description = "`not_a_member`, `not_allowed`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 409, description = "`direct_room_membership_fixed`, `membership_managed`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `invalid_input` (`topic`, `description`)", body = ErrorBody),
    ))]
async fn change_settings(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
    ApiJson(request): ApiJson<SettingsRequest>,
) -> Result<Json<CommandReply>, ApiError> {
    let topic = request.topic.map(|topic| optional_text("topic", topic, RoomTopic::parse)).transpose()?;
    let description = request
        .description
        .map(|description| optional_text("description", description, RoomDescription::parse))
        .transpose()?;
    let command = RoomCommand::ChangeSettings { by: caller.user, topic, description };
    Ok(Json(writers.execute(room, command, caller.meta()).await?.into()))
}

/// Delete a group room (its owner only): every member loses it at once, and it answers
/// `room_not_found` from then on. Its history stays in the event store.
#[utoipa::path(delete, path = "/v1/rooms/{room_id}", operation_id = "delete_room", tag = "rooms",
    params(("room_id" = Uuid, Path, description = "The room")),
    responses(
        (status = 200, description = "Deleted", body = CommandReply),
        (status = 403, description = "`not_a_member`, `not_allowed`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 409, description = "`direct_room_membership_fixed`, `membership_managed`", body = ErrorBody),
    ))]
async fn delete_room(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
) -> Result<Json<CommandReply>, ApiError> {
    Ok(Json(writers.execute(room, RoomCommand::DeleteRoom { by: caller.user }, caller.meta()).await?.into()))
}

/// Optional text as a client sends it: none, or blank, is `None`; anything else must parse.
fn optional_text<T>(
    name: &'static str,
    text: Option<String>,
    parse: impl FnOnce(String) -> Result<T, TextError>,
) -> Result<Option<T>, ApiError> {
    match text {
        Some(text) if !text.trim().is_empty() => Ok(Some(field(name, parse(text))?)),
        _ => Ok(None),
    }
}
