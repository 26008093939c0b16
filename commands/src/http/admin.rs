//! `/v1/admin/*`: operations endpoints for global administrators.

use axum::Json;
use axum::extract::State;
use chat_feed::{FeedLag, lag};
use sqlx::PgPool;

use super::callers::Admin;
use super::error::ErrorBody;
use super::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(feeds))
}

/// How far each feed (projectors, relay) is behind the event store.
#[utoipa::path(get, path = "/v1/admin/feeds", operation_id = "feed_lag", tag = "admin",
    responses((status = 200, description = "Each feed's lag", body = Vec<FeedLag>), (status = 403, description = "`admin_only`", body = ErrorBody)))]
async fn feeds(State(pool): State<PgPool>, _: Admin) -> Result<Json<Vec<FeedLag>>, ApiError> {
    Ok(Json(lag(&pool).await?))
}
