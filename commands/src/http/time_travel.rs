//! `GET /v1/admin/rooms/{room_id}/at?seq=N | ?time=RFC3339`: a room as it was at a sequence or
//! a moment, folded from its events (`chat_history::time_travel`), for
//! administrators. The same answer as `chat events at`.

use axum::Json;
use axum::extract::State;
use chat_domain::RoomId;
use chat_domain::room::RoomError;
use chat_history::time_travel::{AsOf, RoomAt, TimeTravelError, room_at};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::PgPool;

use super::callers::Admin;
use super::error::ErrorBody;
use super::extract::ApiPath;
use super::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(at))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AtQuery {
    seq: Option<u64>,
    time: Option<DateTime<Utc>>,
}

/// 400 `invalid_query` unless exactly one of `seq` and `time` is given; 404 `room_not_found`
/// for a room the event store has never seen.
#[utoipa::path(get, path = "/v1/admin/rooms/{room_id}/at", operation_id = "room_at", tag = "admin",
    params(
        ("room_id" = Uuid, Path, description = "The room"),
        ("seq" = Option<u64>, Query, description = "After the event with this sequence (exactly one of `seq` and `time`)"),
        ("time" = Option<String>, Query, format = DateTime, description = "After every event recorded by then (exactly one of `seq` and `time`)"),
    ),
    responses(
        (status = 200, description = "The room as it was", body = RoomAt),
        (status = 403, description = "`admin_only`", body = ErrorBody),
        (status = 404, description = "`room_not_found` (no event of that room in the store)", body = ErrorBody),
    ))]
async fn at(
    State(pool): State<PgPool>,
    Admin(admin): Admin<AtQuery>,
    ApiPath(room): ApiPath<RoomId>,
) -> Result<Json<RoomAt>, ApiError> {
    let as_of =
        AsOf::from_params(admin.query.seq, admin.query.time).map_err(|e| ApiError::InvalidQuery(e.to_string()))?;
    room_at(&pool, room, as_of).await?.map(Json).ok_or(ApiError::Room(RoomError::RoomNotFound))
}

impl From<TimeTravelError> for ApiError {
    fn from(error: TimeTravelError) -> Self {
        ApiError::Internal(error.into())
    }
}
