//! `/v1/widget/{website_id}…`: what the support widget calls for a website's visitors —
//! the widget's settings, a visitor's session, and the visitor's conversations. A website
//! takes visitors only once it has a verified domain; before that, and for an unknown id,
//! every route answers `404 website_not_found`.
//!
//! A visitor's token is good on these routes for its own website, and on the message and read
//! marker routes of the rooms it is in (its support conversations); everywhere else it gets
//! `403 visitor_not_allowed` (see `super::authentication`).

use std::net::IpAddr;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use chat_domain::room::{LanguageTag, PageUrl, RoomCommand, RoomError, UserAgent, VisitorContext};
use chat_domain::text::DisplayName;
use chat_domain::user::Email;
use chat_domain::website::WebsiteError;
use chat_domain::{RoomId, WebsiteId};
use chat_projections::queries::support::{self, VisitorConversation, WidgetView};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::callers::Caller;
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath, ClientAddress, RequestId};
use super::{ApiError, AppState};
use crate::accounts::{self, VisitorSession};
use crate::parse::field;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes anyone may call: the widget's settings, and a new visitor.
pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(widget)).routes(routes!(arrive))
}

/// The routes of a website's visitors (behind their token).
pub fn visitor_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(conversations, start))
}

fn no_website() -> ApiError {
    ApiError::Website(WebsiteError::WebsiteNotFound.into())
}

/// The widget of a website: its name, settings and whether an agent is online.
#[utoipa::path(get, path = "/v1/widget/{website_id}", operation_id = "get_widget", tag = "widget",
    params(("website_id" = Uuid, Path, description = "The website")),
    responses(
        (status = 200, description = "The widget", body = WidgetView),
        (status = 404, description = "`website_not_found`: unknown, or no verified domain yet", body = ErrorBody),
    ))]
async fn widget(
    State(state): State<AppState>,
    ApiPath(website): ApiPath<WebsiteId>,
) -> Result<Json<WidgetView>, ApiError> {
    support::widget(&state.pool, website).await?.map(Json).ok_or_else(no_website)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ArriveRequest {
    /// The name the visitor gave (pre-chat form); default `Visitor` and four hex digits.
    #[schema(max_length = 64)]
    display_name: Option<String>,
    /// The email address the visitor gave (pre-chat form), for agents to write back.
    #[schema(max_length = 254)]
    email: Option<String>,
}

/// A new visitor of the website: a session whose token is good for this website's support
/// only. The widget keeps the refresh token (`POST /v1/auth/refresh` renews it as for anyone)
/// so that a returning visitor finds their conversations again.
#[utoipa::path(post, path = "/v1/widget/{website_id}/visitors", operation_id = "create_visitor", tag = "widget",
    params(("website_id" = Uuid, Path, description = "The website")),
    request_body = ArriveRequest,
    responses(
        (status = 201, description = "The visitor's session", body = VisitorSession),
        (status = 404, description = "`website_not_found`: unknown, or no verified domain yet", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `invalid_input` (`display_name`, `email`)", body = ErrorBody),
        (status = 429, description = "`rate_limited` (per address, and per website)", body = ErrorBody),
    ))]
async fn arrive(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    RequestId(request_id): RequestId,
    ApiPath(website): ApiPath<WebsiteId>,
    ApiJson(request): ApiJson<ArriveRequest>,
) -> Result<(StatusCode, Json<VisitorSession>), ApiError> {
    admit_visitor(&state, address, website).await?;
    let name = request.display_name.map(|name| field("display_name", DisplayName::parse(name))).transpose()?;
    let email = request.email.map(|email| field("email", Email::parse(email))).transpose()?;
    let session = state.accounts.register_visitor(website, name, email, request_id).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// Rate limits first (cheap), then whether the website takes visitors.
pub(super) async fn admit_visitor(state: &AppState, address: IpAddr, website: WebsiteId) -> Result<(), ApiError> {
    state.limits.visitor(address, website)?;
    match support::widget(&state.pool, website).await? {
        Some(_) => Ok(()),
        None => Err(no_website()),
    }
}

/// The caller, if they are a visitor of `website`: anyone else is refused as if the website
/// took no visitors from them (a member: `403 not_allowed`; another website's visitor: `404`).
pub(super) fn visitor_of(caller: &Caller, website: WebsiteId) -> Result<(), ApiError> {
    match caller.visitor_of {
        Some(theirs) if theirs == website => Ok(()),
        Some(_) => Err(no_website()),
        None => Err(ApiError::Room(RoomError::NotAllowed)),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
struct VisitorConversations {
    conversations: Vec<VisitorConversation>,
}

/// The visitor's conversations with the website, most recently active first.
#[utoipa::path(get, path = "/v1/widget/{website_id}/conversations", operation_id = "list_visitor_conversations", tag = "widget",
    params(("website_id" = Uuid, Path, description = "The website")),
    responses(
        (status = 200, description = "The visitor's conversations", body = VisitorConversations),
        (status = 403, description = "`not_allowed` (not a visitor's token)", body = ErrorBody),
        (status = 404, description = "`website_not_found` (another website's visitor)", body = ErrorBody),
    ))]
async fn conversations(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(website): ApiPath<WebsiteId>,
) -> Result<Json<VisitorConversations>, ApiError> {
    visitor_of(&caller, website)?;
    if !accounts::without_account(&state.pool, &[caller.user]).await?.is_empty() {
        return Err(ApiError::AccountErased);
    }
    Ok(Json(VisitorConversations { conversations: support::visitor_conversations(&state.pool, caller.user).await? }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct StartRequest {
    /// The page the visitor writes from (an http(s) URL).
    #[schema(max_length = 2048)]
    page_url: Option<String>,
    /// The page that led them there.
    #[schema(max_length = 2048)]
    referrer: Option<String>,
    /// Their browser's language (BCP 47, e.g. `de-DE`).
    #[schema(max_length = 35)]
    language: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct StartedConversation {
    room_id: RoomId,
    /// The room's sequence after it started (its members' joins and the visitor's context).
    seq: u64,
}

/// Start a support conversation with the website's agents (the visitor's browser is recorded
/// from `User-Agent`). Then post to it as to any room (`POST /v1/rooms/{room_id}/messages`, or
/// over the WebSocket).
#[utoipa::path(post, path = "/v1/widget/{website_id}/conversations", operation_id = "start_conversation", tag = "widget",
    params(("website_id" = Uuid, Path, description = "The website")),
    request_body = StartRequest,
    responses(
        (status = 201, description = "The new conversation", body = StartedConversation),
        (status = 403, description = "`not_allowed` (not a visitor's token)", body = ErrorBody),
        (status = 404, description = "`website_not_found`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `invalid_input` (`page_url`, `referrer`, `language`)", body = ErrorBody),
    ))]
async fn start(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(website): ApiPath<WebsiteId>,
    ApiJson(request): ApiJson<StartRequest>,
) -> Result<(StatusCode, Json<StartedConversation>), ApiError> {
    visitor_of(&caller, website)?;
    let context = VisitorContext {
        page_url: request.page_url.map(|url| field("page_url", PageUrl::parse(url))).transpose()?,
        referrer: request.referrer.map(|url| field("referrer", PageUrl::parse(url))).transpose()?,
        language: request.language.map(|tag| field("language", LanguageTag::parse(tag))).transpose()?,
        // What the browser sent, if it is one line of sane length; otherwise not recorded.
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| UserAgent::parse(v).ok()),
    };
    let agents = state.websites.agents(website).await?;
    let room = RoomId::from_uuid(Uuid::now_v7());
    let command = RoomCommand::StartSupport { visitor: caller.user, website_id: website, agents, context };
    let receipt = state.rooms.execute(room, command, caller.meta()).await?;
    Ok((StatusCode::CREATED, Json(StartedConversation { room_id: room, seq: receipt.seq })))
}
