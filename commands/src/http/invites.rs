//! `/v1/rooms/{id}/invites…` and `/v1/invites/{code}…`: invites to group rooms (docs/api.md
//! §3.12). Admins make, list and revoke them; anyone signed in previews a code and accepts it.
//! A code is made here (the domain takes randomness from its caller) and answered once: only
//! the invite's id, derived from it, is ever stored. Accepting goes to the room named by the
//! code, whose aggregate decides (expiry, uses, revocation) — never the read models.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chat_domain::room::{InviteCode, RoomCommand, RoomError, SECRET_BYTES, invite_lifetime, invite_max_uses};
use chat_domain::{InviteId, RoomId};
use chat_projections::queries::invites::{self, InvitePreview, InviteSummary};
use chrono::{DateTime, SubsecRound, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::callers::{Caller, Reader, RoomReader};
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath};
use super::{ApiError, AppState, CommandReply};
use crate::parse::field;
use crate::room_writer::RoomWriters;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(revoke))
        .routes(routes!(preview))
        .routes(routes!(accept))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateInviteRequest {
    /// Seconds from now until the invite expires, 1 to 31,622,400 (366 days); none: never.
    #[schema(minimum = 1, maximum = 31_622_400)]
    expires_in_secs: Option<u64>,
    /// How many people may join with it, 1 to 100,000; none: no limit.
    #[schema(minimum = 1, maximum = 100_000)]
    max_uses: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct CreatedInvite {
    /// The code: answered this once (lists name the invite by its id).
    code: String,
    /// Where the web client opens it: `/#/invite/<code>` (a page of the client, by its hash).
    url_path: String,
    invite_id: InviteId,
    #[schema(required = true)]
    expires_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    max_uses: Option<u32>,
    uses: u32,
    /// The room's sequence after `InviteCreated`.
    seq: u64,
}

/// Make an invite to a group room (admins and the owner).
#[utoipa::path(post, path = "/v1/rooms/{room_id}/invites", operation_id = "create_invite", tag = "rooms",
    params(("room_id" = Uuid, Path, description = "The room")),
    request_body = CreateInviteRequest,
    responses(
        (status = 201, description = "The invite, with its code (answered this once)", body = CreatedInvite),
        (status = 403, description = "`not_a_member`, `not_allowed`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 409, description = "`direct_room_membership_fixed`, `membership_managed`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `invalid_input` (`expires_in_secs`, `max_uses`)", body = ErrorBody),
    ))]
async fn create(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
    ApiJson(request): ApiJson<CreateInviteRequest>,
) -> Result<(StatusCode, Json<CreatedInvite>), ApiError> {
    let lifetime = request.expires_in_secs.map(|secs| field("expires_in_secs", invite_lifetime(secs))).transpose()?;
    let max_uses = request.max_uses.map(|uses| field("max_uses", invite_max_uses(uses))).transpose()?;
    let expires_at = lifetime.map(|lifetime| Utc::now().trunc_subsecs(0) + lifetime);
    let mut secret = [0; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let code = InviteCode::new(room, secret);
    let command = RoomCommand::CreateInvite { by: caller.user, invite: code.id(), expires_at, max_uses };
    let receipt = writers.execute(room, command, caller.meta()).await?;
    let created = CreatedInvite {
        url_path: format!("/#/invite/{code}"),
        code: code.to_string(),
        invite_id: code.id(),
        expires_at,
        max_uses,
        uses: 0,
        seq: receipt.seq,
    };
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = InviteList)]
struct Invites {
    invites: Vec<InviteSummary>,
}

/// The room's invites that can still let someone in, newest first (admins and the owner).
#[utoipa::path(get, path = "/v1/rooms/{room_id}/invites", operation_id = "list_invites", tag = "rooms",
    params(("room_id" = Uuid, Path, description = "The room")),
    responses(
        (status = 200, description = "Live invites (never their codes)", body = Invites),
        (status = 403, description = "`not_a_member`, `not_allowed`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
    ))]
async fn list(State(pool): State<PgPool>, reader: RoomReader) -> Result<Json<Invites>, ApiError> {
    let room = reader.moderator()?.room;
    Ok(Json(Invites { invites: invites::live(&pool, room, Utc::now()).await? }))
}

/// Revoke an invite, named by its id or its code (admins and the owner).
#[utoipa::path(delete, path = "/v1/rooms/{room_id}/invites/{invite}", operation_id = "revoke_invite", tag = "rooms",
    params(
        ("room_id" = Uuid, Path, description = "The room"),
        ("invite" = String, Path, description = "The invite's id, or its code"),
    ),
    responses(
        (status = 200, description = "Revoked (`changed: false` if it was already)", body = CommandReply),
        (status = 403, description = "`not_a_member`, `not_allowed`", body = ErrorBody),
        (status = 404, description = "`room_not_found`, `invite_not_found`", body = ErrorBody),
        (status = 409, description = "`direct_room_membership_fixed`, `membership_managed`", body = ErrorBody),
    ))]
async fn revoke(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath((room, invite)): ApiPath<(RoomId, String)>,
) -> Result<Json<CommandReply>, ApiError> {
    let invite = match invite.parse::<InviteId>() {
        Ok(id) => id,
        Err(_) => InviteCode::parse(&invite)
            .filter(|code| code.room() == room)
            .map(|code| code.id())
            .ok_or(RoomError::InviteNotFound)?,
    };
    let command = RoomCommand::RevokeInvite { by: caller.user, invite };
    Ok(Json(writers.execute(room, command, caller.meta()).await?.into()))
}

/// The room an invite leads to, without joining it (anyone signed in).
#[utoipa::path(get, path = "/v1/invites/{code}", operation_id = "preview_invite", tag = "rooms",
    params(("code" = String, Path, description = "The invite's code")),
    responses(
        (status = 200, description = "The room's name and size, and the invite's limits", body = InvitePreview),
        (status = 404, description = "`invite_not_found`", body = ErrorBody),
        (status = 410, description = "`invite_expired`, `invite_revoked`, `invite_used_up` (for non-members)", body = ErrorBody),
    ))]
async fn preview(
    State(pool): State<PgPool>,
    reader: Reader,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<InvitePreview>, ApiError> {
    let code = InviteCode::parse(&code).ok_or(RoomError::InviteNotFound)?;
    let found = invites::preview(&pool, code.id(), code.room(), reader.user).await?.ok_or(RoomError::InviteNotFound)?;
    if !found.is_member
        && let Some(refusal) = found.state().refusal(Utc::now())
    {
        return Err(refusal.into());
    }
    Ok(Json(found))
}

#[derive(Serialize, utoipa::ToSchema)]
struct AcceptedInvite {
    /// The room joined.
    room_id: RoomId,
    /// The room sequence after the command (see `CommandReply`).
    seq: u64,
    /// `false` when the caller was a member already (no use was taken).
    changed: bool,
}

/// Join the room of an invite (anyone signed in; a member changes nothing).
#[utoipa::path(post, path = "/v1/invites/{code}/accept", operation_id = "accept_invite", tag = "rooms",
    params(("code" = String, Path, description = "The invite's code")),
    responses(
        (status = 200, description = "Joined (`changed: false` if a member already)", body = AcceptedInvite),
        (status = 404, description = "`invite_not_found`", body = ErrorBody),
        (status = 410, description = "`invite_expired`, `invite_revoked`, `invite_used_up`", body = ErrorBody),
    ))]
async fn accept(
    State(writers): State<RoomWriters>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<AcceptedInvite>, ApiError> {
    let code = InviteCode::parse(&code).ok_or(RoomError::InviteNotFound)?;
    let command = RoomCommand::AcceptInvite { user: caller.user, invite: code.id(), now: Utc::now() };
    let receipt = writers.execute(code.room(), command, caller.meta()).await?;
    Ok(Json(AcceptedInvite { room_id: code.room(), seq: receipt.seq, changed: receipt.changed }))
}
