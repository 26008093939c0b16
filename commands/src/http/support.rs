//! The agents' side of support chat: a website's inbox (`GET /v1/websites/{id}/conversations`)
//! and the conversation commands — assign (and transfer), resolve, reopen — which append
//! events that clients show as system lines in the conversation. An agent added to a website
//! after a conversation started joins it with `POST /v1/rooms/{room_id}/join` (see
//! `super::rooms`).

use axum::Json;
use axum::extract::State;
use chat_domain::room::{RoomCommand, RoomError};
use chat_domain::website::WebsiteError;
use chat_domain::{RoomId, UserId, WebsiteId};
use chat_projections::queries::support::{self, InboxConversation, InboxFilter};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::callers::{Caller, Reader};
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath};
use super::rooms::PageLimit;
use super::{ApiError, AppState, CommandReply};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Takes `user`, no longer on `website`'s team, out of its conversations (unassigning those
/// that were theirs), so that a former agent receives and reads nothing of them any more.
/// Right after the team change, for the conversations the read models show; what this misses (a
/// conversation not projected yet, a failure, a process that stopped) the support upkeep finds
/// within a minute (`crate::upkeep`).
pub(super) async fn dismiss_from_conversations(state: &AppState, website: WebsiteId, caller: &Caller, user: UserId) {
    let rooms = match support::conversations_with(&state.pool, website, user).await {
        Ok(rooms) => rooms,
        Err(error) => {
            tracing::error!(%error, "cannot list a former agent's conversations");
            return;
        }
    };
    for room in rooms {
        let command = RoomCommand::DismissAgent { by: caller.user, user };
        if let Err(error) = state.rooms.execute(room, command, caller.meta()).await {
            tracing::error!(%error, room_id = %room, "cannot take a former agent out of a conversation");
        }
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(inbox)).routes(routes!(assign)).routes(routes!(resolve)).routes(routes!(reopen))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InboxParams {
    status: Option<InboxStatus>,
    limit: Option<PageLimit>,
}

/// Which conversations: `open` (default), `mine` (open, assigned to the caller), `unassigned`
/// (open, nobody's), `resolved`.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum InboxStatus {
    Open,
    Mine,
    Unassigned,
    Resolved,
}

impl From<InboxStatus> for InboxFilter {
    fn from(status: InboxStatus) -> Self {
        match status {
            InboxStatus::Open => InboxFilter::Open,
            InboxStatus::Mine => InboxFilter::Mine,
            InboxStatus::Unassigned => InboxFilter::Unassigned,
            InboxStatus::Resolved => InboxFilter::Resolved,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
struct Inbox {
    conversations: Vec<InboxConversation>,
}

/// A website's support conversations, most recently active first (its team only).
#[utoipa::path(get, path = "/v1/websites/{website_id}/conversations", operation_id = "website_inbox", tag = "websites",
    params(
        ("website_id" = Uuid, Path, description = "The website"),
        ("status" = Option<String>, Query, pattern = "^(open|mine|unassigned|resolved)$", description = "`open` (default), `mine` (open, assigned to the caller), `unassigned` (open, nobody's) or `resolved`"),
        ("limit" = Option<i64>, Query, minimum = 1, description = "How many; default 50, capped at 200"),
    ),
    responses(
        (status = 200, description = "The conversations", body = Inbox),
        (status = 404, description = "`website_not_found` (also for anyone outside its team)", body = ErrorBody),
    ))]
async fn inbox(
    State(pool): State<PgPool>,
    reader: Reader<InboxParams>,
    ApiPath(website): ApiPath<WebsiteId>,
) -> Result<Json<Inbox>, ApiError> {
    if !support::is_agent(&pool, website, reader.user).await? {
        return Err(ApiError::Website(WebsiteError::WebsiteNotFound.into()));
    }
    let filter = reader.query.status.unwrap_or(InboxStatus::Open).into();
    let limit = PageLimit::or(reader.query.limit, 50, 200);
    Ok(Json(Inbox { conversations: support::inbox(&pool, website, reader.user, filter, limit).await? }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AssignRequest {
    /// An agent of the conversation's website (one not in it yet joins it); null: unassign.
    #[schema(required = true)]
    user_id: Option<UserId>,
}

/// Assign a support conversation to an agent of its website, transfer it, or unassign it
/// (agents in the conversation).
#[utoipa::path(post, path = "/v1/rooms/{room_id}/assign", operation_id = "assign_conversation", tag = "websites",
    params(("room_id" = Uuid, Path, description = "The support conversation")),
    request_body = AssignRequest,
    responses(
        (status = 200, description = "Assigned (`changed: false` if it was already)", body = CommandReply),
        (status = 403, description = "`not_a_member`, `not_allowed` (the visitor)", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 409, description = "`not_a_support_conversation`", body = ErrorBody),
        (status = 422, description = "`target_not_a_member`: not an agent of the website", body = ErrorBody),
    ))]
async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
    ApiJson(request): ApiJson<AssignRequest>,
) -> Result<Json<CommandReply>, ApiError> {
    if let Some(agent) = request.user_id {
        // Only agents of the conversation's website can be assigned it.
        let website = support::website_of(&state.pool, room).await?;
        let on_team = match website {
            Some(website) => support::is_agent(&state.pool, website, agent).await?,
            None => false,
        };
        if website.is_some() && !on_team {
            return Err(ApiError::Room(RoomError::TargetNotAMember));
        }
    }
    let command = RoomCommand::Assign { by: caller.user, to: request.user_id };
    Ok(Json(state.rooms.execute(room, command, caller.meta()).await?.into()))
}

/// Mark a support conversation resolved (agents in it).
#[utoipa::path(post, path = "/v1/rooms/{room_id}/resolve", operation_id = "resolve_conversation", tag = "websites",
    params(("room_id" = Uuid, Path, description = "The support conversation")),
    responses(
        (status = 200, description = "Resolved (`changed: false` if it was)", body = CommandReply),
        (status = 403, description = "`not_a_member`, `not_allowed` (the visitor)", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 409, description = "`not_a_support_conversation`", body = ErrorBody),
    ))]
async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
) -> Result<Json<CommandReply>, ApiError> {
    Ok(Json(state.rooms.execute(room, RoomCommand::Resolve { by: caller.user }, caller.meta()).await?.into()))
}

/// Reopen a resolved support conversation (its members; a visitor reopens one by writing).
#[utoipa::path(post, path = "/v1/rooms/{room_id}/reopen", operation_id = "reopen_conversation", tag = "websites",
    params(("room_id" = Uuid, Path, description = "The support conversation")),
    responses(
        (status = 200, description = "Open (`changed: false` if it was)", body = CommandReply),
        (status = 403, description = "`not_a_member`", body = ErrorBody),
        (status = 404, description = "`room_not_found`", body = ErrorBody),
        (status = 409, description = "`not_a_support_conversation`", body = ErrorBody),
    ))]
async fn reopen(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(room): ApiPath<RoomId>,
) -> Result<Json<CommandReply>, ApiError> {
    Ok(Json(state.rooms.execute(room, RoomCommand::Reopen { by: caller.user }, caller.meta()).await?.into()))
}
