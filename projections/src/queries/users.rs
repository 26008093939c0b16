//! Users' public profiles.

use chat_domain::UserId;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct UserView {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub registered_at: DateTime<Utc>,
}

pub async fn get(pool: &PgPool, user: UserId) -> Result<Option<UserView>, sqlx::Error> {
    sqlx::query_as("SELECT user_id, username, display_name, registered_at FROM users WHERE user_id = $1")
        .bind(user.as_uuid())
        .fetch_optional(pool)
        .await
}
