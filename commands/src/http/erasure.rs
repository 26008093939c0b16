//! `POST /v1/admin/users/{user_id}/erase`: erase a user's personal data (`crate::erasure`),
//! for administrators. The same as `chat users erase <user id>`.

use axum::Json;
use axum::extract::State;
use chat_domain::UserId;
use sqlx::PgPool;

use super::callers::Admin;
use super::error::ErrorBody;
use super::extract::ApiPath;
use super::{ApiError, AppState};
use crate::erasure::{Erasure, erase};
use crate::uploads::Uploads;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(erase_user))
}

/// 200 with what was done (also when the user was erased before: the clean-up runs again);
/// 404 `user_not_found` for a user who never registered. The user's files leave the object
/// store before the answer (or, if the store fails, at the upkeep's next round).
#[utoipa::path(post, path = "/v1/admin/users/{user_id}/erase", tag = "admin",
    params(("user_id" = Uuid, Path, description = "The user to erase")),
    responses(
        (status = 200, description = "What the erasure did", body = Erasure),
        (status = 403, description = "`admin_only`", body = ErrorBody),
        (status = 404, description = "`user_not_found` (never registered)", body = ErrorBody),
    ))]
async fn erase_user(
    State(pool): State<PgPool>,
    State(uploads): State<Uploads>,
    Admin(admin): Admin,
    ApiPath(user): ApiPath<UserId>,
) -> Result<Json<Erasure>, ApiError> {
    let erasure = erase(&pool, user, &admin.meta()).await?;
    if let Err(error) = uploads.delete_orphans().await {
        tracing::warn!(%error, "an erased user's files stay in the store until the next upkeep round");
    }
    Ok(Json(erasure))
}
