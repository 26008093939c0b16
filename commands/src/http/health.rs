//! Liveness and readiness for operators and load balancers.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chat_feed::lag;
use sqlx::PgPool;

use super::error::ErrorBody;
use super::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(live)).routes(routes!(ready)).routes(routes!(metrics))
}

/// The answer of `/healthz` (`ok`) and `/readyz` (`ready`).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct Health {
    #[schema(value_type = String)]
    status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", operation_id = "healthz", tag = "health", responses((status = 200, description = "`{\"status\": \"ok\"}`", body = Health)))]
async fn live() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Prometheus text format: how far each feed (projectors, relay) is behind the event store.
/// Meant for the operators' network; keep it off the public internet.
#[utoipa::path(get, path = "/metrics", tag = "health",
    responses((status = 200, description = "Prometheus metrics", content_type = "text/plain; version=0.0.4", body = String)))]
async fn metrics(State(pool): State<PgPool>) -> Result<impl IntoResponse, ApiError> {
    let feeds = lag(&pool).await?;
    let mut body = String::from(
        "# HELP chat_feed_events_behind Committed events a feed consumer has not handled yet.\n\
         # TYPE chat_feed_events_behind gauge\n",
    );
    for feed in &feeds {
        body += &format!("chat_feed_events_behind{{feed=\"{}\"}} {}\n", feed.name, feed.events_behind);
    }
    body += "# HELP chat_feed_seconds_behind Age of the oldest event a feed consumer has not handled yet.\n\
             # TYPE chat_feed_seconds_behind gauge\n";
    for feed in &feeds {
        body += &format!("chat_feed_seconds_behind{{feed=\"{}\"}} {:.3}\n", feed.name, feed.seconds_behind);
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body))
}

/// The process can reach its database.
#[utoipa::path(get, path = "/readyz", operation_id = "readyz", tag = "health",
    responses(
        (status = 200, description = "`{\"status\": \"ready\"}`", body = Health),
        (status = 503, description = "`busy`: the database is unreachable", body = ErrorBody,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    ))]
async fn ready(State(pool): State<PgPool>) -> Result<Json<Health>, ApiError> {
    sqlx::query("SELECT 1").execute(&pool).await.map_err(|_| ApiError::Busy)?;
    Ok(Json(Health { status: "ready" }))
}
