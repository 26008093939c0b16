//! Liveness and readiness for operators and load balancers.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use sqlx::PgPool;

use super::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(live)).route("/readyz", get(ready))
}

/// The process is up.
async fn live() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The process can reach its database.
async fn ready(State(pool): State<PgPool>) -> Result<Json<Value>, ApiError> {
    sqlx::query("SELECT 1").execute(&pool).await.map_err(|_| ApiError::Busy)?;
    Ok(Json(json!({"status": "ready"})))
}
