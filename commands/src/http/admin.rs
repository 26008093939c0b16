//! `/v1/admin/*`: operations endpoints for global administrators.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chat_feed::{FeedLag, lag};
use sqlx::PgPool;

use super::callers::Admin;
use super::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/admin/feeds", get(feeds))
}

/// How far each feed (projectors, relay) is behind the event store.
async fn feeds(State(pool): State<PgPool>, _: Admin) -> Result<Json<Vec<FeedLag>>, ApiError> {
    Ok(Json(lag(&pool).await?))
}
