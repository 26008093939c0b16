//! `POST /v1/admin/users/{user_id}/erase`: erase a user's personal data (`crate::erasure`),
//! for administrators. The same as `chat users erase <user id>`.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use chat_domain::UserId;
use sqlx::PgPool;

use super::callers::Admin;
use super::extract::ApiPath;
use super::{ApiError, AppState};
use crate::erasure::{Erasure, erase};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/admin/users/{user_id}/erase", post(erase_user))
}

/// 200 with what was done (also when the user was erased before: the clean-up runs again);
/// 404 `user_not_found` for a user who never registered.
async fn erase_user(
    State(pool): State<PgPool>,
    Admin(admin): Admin,
    ApiPath(user): ApiPath<UserId>,
) -> Result<Json<Erasure>, ApiError> {
    Ok(Json(erase(&pool, user, &admin.meta()).await?))
}
