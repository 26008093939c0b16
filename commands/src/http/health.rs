//! Liveness and readiness for operators and load balancers.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use chat_feed::lag;
use serde_json::{Value, json};
use sqlx::PgPool;

use super::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(live)).route("/readyz", get(ready)).route("/metrics", get(metrics))
}

/// The process is up.
async fn live() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Prometheus text format: how far each feed (projectors, relay) is behind the event store.
/// Meant for the operators' network; keep it off the public internet.
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
async fn ready(State(pool): State<PgPool>) -> Result<Json<Value>, ApiError> {
    sqlx::query("SELECT 1").execute(&pool).await.map_err(|_| ApiError::Busy)?;
    Ok(Json(json!({"status": "ready"})))
}
