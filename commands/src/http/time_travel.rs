//! `GET /v1/admin/rooms/{room_id}/at?seq=N | ?time=RFC3339`: a room as it was at a sequence or
//! a moment, folded from its events (`chat_history::time_travel`), for
//! administrators. The same answer as `chat events at`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chat_domain::RoomId;
use chat_domain::room::RoomError;
use chat_history::time_travel::{AsOf, RoomAt, TimeTravelError, room_at};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::PgPool;

use super::callers::Admin;
use super::extract::ApiPath;
use super::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/admin/rooms/{room_id}/at", get(at))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AtQuery {
    seq: Option<u64>,
    time: Option<DateTime<Utc>>,
}

/// 400 `invalid_query` unless exactly one of `seq` and `time` is given; 404 `room_not_found`
/// for a room the event store has never seen.
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
