//! The REST API: one router for commands (through the room writers and accounts) and queries
//! (over the read models), so that authentication and error mapping live in one place.

mod accounts;
mod admin;
mod erasure;
mod error;
mod events;
mod extract;
mod health;
mod messages;
mod rooms;
mod security;
mod time_travel;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, Request};
use axum::http::HeaderName;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use error::ApiError;

use crate::accounts::Accounts;
use crate::limits::Limits;
use crate::room_writer::RoomWriters;
use chat_auth::Tokens;

pub(crate) const REQUEST_ID_HEADER: &str = "x-request-id";

/// A request that takes longer is answered `504 timeout` (it may still complete).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Request bodies larger than this are refused with 413 (a 4000-character message is at most
/// 16 KiB of UTF-8).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub pool: PgPool,
    pub rooms: RoomWriters,
    pub accounts: Accounts,
    pub tokens: Arc<Tokens>,
    pub limits: Arc<Limits>,
    pub proxy: TrustForwardedFor,
}

/// Whether the client address comes from `X-Forwarded-For` (behind one trusted proxy).
#[derive(Clone, Copy, Debug)]
pub struct TrustForwardedFor(pub bool);

pub fn router(state: AppState, cors_origins: &[String]) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID_HEADER);
    let router = Router::new()
        .merge(health::routes())
        .merge(accounts::routes())
        .merge(admin::routes())
        .merge(events::routes())
        .merge(rooms::routes())
        .merge(messages::routes())
        .merge(time_travel::routes())
        .merge(erasure::routes())
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(deadline))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request.headers().get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid));
    security::layers(router, cors_origins)
}

async fn deadline(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout.into_response(),
    }
}

/// What every room command answers.
#[derive(serde::Serialize)]
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
