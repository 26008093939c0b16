//! The REST API: one router for commands (through the room writers and accounts) and queries
//! (over the read models), so that authentication and error mapping live in one place.
//!
//! The order of checks of docs/api.md §1 is kept by construction: requests the HTTP layer
//! cannot take are refused first ([`refusals`]: malformed HTTP, a URI or headers too large),
//! then authentication, for every route that needs it, as a route layer
//! ([`authentication`]); then the caller extractors ([`callers`]) check the path, the query
//! (refusing unknown parameters; a public route takes none) and, for reads, the account and
//! the room, while the body comes last (axum extracts it last).
//!
//! Routes are registered only through utoipa-axum's `OpenApiRouter::routes(routes!(…))`, so
//! each route's path and method come from its handler's `#[utoipa::path]`: a route cannot
//! exist without its entry in the OpenAPI document ([`spec`]). Plain `route` calls are
//! refused by clippy (`commands/clippy.toml`), and `spec`'s tests walk the document against
//! the real router.

mod accounts;
mod admin;
mod attachments;
mod authentication;
mod callers;
mod contacts;
mod directory;
mod download;
mod erasure;
mod error;
mod events;
mod extract;
mod health;
mod identity;
mod invites;
mod messages;
mod moderation;
pub mod refusals;
mod rooms;
mod search;
mod security;
pub mod spec;
mod support;
mod time_travel;
mod uploads;
mod web;
mod websites;
mod widget;
mod widget_cors;
mod widget_page;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, MatchedPath, Query, Request};
use axum::http::HeaderName;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use spec::{OpenApiDocument, openapi};
pub use web::{ClientConfig, UploadLimits, WebConfig};

use crate::accounts::Accounts;
use crate::contacts::ContactsService;
use crate::limits::Limits;
use crate::room_writer::RoomWriters;
use crate::uploads::Uploads;
use crate::websites::Websites;
use chat_auth::Tokens;

pub(crate) const REQUEST_ID_HEADER: &str = "x-request-id";

/// A request that takes longer is answered `504 timeout` (it may still complete).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Request bodies larger than this are refused with 413 (a 4000-character message is at most
/// 16 KiB of UTF-8). Uploads stream their body and have limits of their own (`crate::uploads`).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub pool: PgPool,
    pub rooms: RoomWriters,
    pub accounts: Accounts,
    pub tokens: Arc<Tokens>,
    pub limits: Arc<Limits>,
    pub proxy: TrustForwardedFor,
    /// What `GET /openapi.json` serves (assembled by the `chat` binary, see [`spec`]).
    pub openapi: OpenApiDocument,
    pub web: WebConfig,
    pub websites: Websites,
    pub uploads: Uploads,
    pub contacts: ContactsService,
}

/// Whether the client address comes from `X-Forwarded-For` (behind one trusted proxy).
#[derive(Clone, Copy, Debug)]
pub struct TrustForwardedFor(pub bool);

/// The routes anyone may call. They take no query.
fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(health::routes())
        .merge(accounts::public_routes())
        .merge(widget::public_routes())
        .merge(web::routes())
        .merge(spec::routes())
}

/// Public routes that take a query string of their own: the widget's loader and page, and
/// signed attachment URLs (the query is the signature).
fn page_routes() -> OpenApiRouter<AppState> {
    widget_page::routes().merge(attachments::signed_routes())
}

/// The routes behind a member's bearer token (a visitor's is refused).
fn member_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(accounts::routes())
        .merge(admin::routes())
        .merge(events::routes())
        .merge(rooms::routes())
        .merge(invites::routes())
        .merge(moderation::routes())
        .merge(contacts::routes())
        .merge(directory::routes())
        .merge(search::routes())
        .merge(time_travel::routes())
        .merge(erasure::routes())
        .merge(websites::routes())
        .merge(identity::secret_routes())
        .merge(support::routes())
}

/// The routes behind a member's or a website visitor's token: a room's messages and read
/// markers (the room admits its members only, and a visitor is a member of their own support
/// conversations only), and the visitors' own.
fn shared_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(messages::routes())
        .merge(uploads::routes())
        .merge(attachments::routes())
        .merge(rooms::shared_routes())
        .merge(widget::visitor_routes())
        .merge(identity::visitor_routes())
}

/// Every route behind a bearer token (for the document).
fn authenticated_routes() -> OpenApiRouter<AppState> {
    member_routes().merge(shared_routes())
}

pub fn router(state: AppState, cors_origins: &[String]) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID_HEADER);
    // Route layers run only for requests that match one of the routes above them, before any
    // of the handler's extractors. (The documents of these routers are [`openapi`]'s.)
    let (public, _) = public_routes().split_for_parts();
    let public = public.route_layer(middleware::from_fn(no_query));
    let (pages, _) = page_routes().split_for_parts();
    let (members, _) = member_routes().split_for_parts();
    let members =
        members.route_layer(middleware::from_fn_with_state(state.tokens.clone(), authentication::authenticate));
    let (shared, _) = shared_routes().split_for_parts();
    let shared =
        shared.route_layer(middleware::from_fn_with_state(state.tokens.clone(), authentication::authenticate_any));
    let pool = state.pool.clone();
    let router = Router::new()
        .merge(public)
        .merge(pages)
        .merge(members)
        .merge(shared)
        .fallback(web::fallback)
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(deadline))
        .layer(middleware::from_fn(refusals::limit_uri))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        // The cause of a 5xx is logged once, where the response is made (`ApiError`); the
        // layer's own failure line would only repeat the status.
        .layer(TraceLayer::new_for_http().make_span_with(request_span).on_failure(()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid));
    security::layers(router, cors_origins).layer(middleware::from_fn_with_state(pool, widget_cors::per_website))
}

/// The public routes take no query: any parameter is `400 invalid_query` (the authenticated
/// ones parse theirs in their caller extractor, [`callers`]).
async fn no_query(request: Request, next: Next) -> Response {
    match Query::<callers::NoQuery>::try_from_uri(request.uri()) {
        Ok(_) => next.run(request).await,
        Err(rejection) => ApiError::from(rejection).into_response(),
    }
}

/// Every request's span: the method, the route it matched (`/v1/rooms/{room_id}/messages`, not
/// the path with its ids: logs group by route and carry no ids from URLs) and the request id
/// that the client and the command's events also carry. At error level, like every span that
/// only gives context (spans are never printed on their own): it is then there for every
/// error logged inside it, whatever `RUST_LOG` filters out.
fn request_span(request: &Request) -> tracing::Span {
    let id = request.headers().get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str);
    tracing::error_span!("request", method = %request.method(), route, request_id = %id)
}

/// Every request but an upload must be answered within [`REQUEST_TIMEOUT`]; an upload may take
/// as long as its bytes keep coming (it gives up after `uploads::receive::IDLE` without any).
async fn deadline(request: Request, next: Next) -> Response {
    if uploads::is_upload(&request) {
        return next.run(request).await;
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout.into_response(),
    }
}

/// What every room command answers.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct CommandReply {
    /// The room sequence after the command (see `room_writer::Receipt`).
    seq: u64,
    /// `false` when the command was already satisfied and wrote nothing.
    changed: bool,
}

impl From<crate::room_writer::Receipt> for CommandReply {
    fn from(receipt: crate::room_writer::Receipt) -> Self {
        Self { seq: receipt.seq, changed: receipt.changed }
    }
}
