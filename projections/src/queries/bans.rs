//! A room's bans as its admins list them (projector `bans`, with names from `users`).

use chat_domain::RoomId;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

/// One banned user of a room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Ban {
    #[schema(value_type = Uuid)]
    pub user_id: uuid::Uuid,
    /// `null` once the user is erased.
    #[schema(required = true)]
    pub username: Option<String>,
    #[schema(required = true)]
    pub display_name: Option<String>,
    #[schema(value_type = Uuid)]
    pub banned_by: uuid::Uuid,
    #[schema(required = true)]
    pub reason: Option<String>,
    pub banned_at: DateTime<Utc>,
}

/// At most this many bans are listed (the newest).
pub const MAX_LISTED: i64 = 1000;

/// The room's bans, newest first.
pub async fn list(pool: &PgPool, room: RoomId) -> Result<Vec<Ban>, sqlx::Error> {
    sqlx::query_as(
        "SELECT b.user_id, u.username, u.display_name, b.banned_by, b.reason, b.banned_at
         FROM room_bans b LEFT JOIN users u ON u.user_id = b.user_id
         WHERE b.room_id = $1 ORDER BY b.banned_at DESC, b.user_id LIMIT $2",
    )
    .bind(room.as_uuid())
    .bind(MAX_LISTED)
    .fetch_all(pool)
    .await
}
