//! `users`: every registered user's public profile.

use chat_domain::UserId;
use chat_domain::user::{User, UserEvent};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use super::ProjectionError;
use crate::feed::{FeedSink, StoredEvent};

pub struct UsersProjector;

impl UsersProjector {
    pub const NAME: &'static str = "users";
}

impl FeedSink for UsersProjector {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        for event in events.iter().filter(|e| e.aggregate_type == User::TYPE) {
            let user_id: UserId = event.id()?;
            match event.decode::<UserEvent>()? {
                UserEvent::UserRegistered { username, display_name } => {
                    sqlx::query(
                        "INSERT INTO users (user_id, username, display_name, registered_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(user_id.as_uuid())
                    .bind(username.as_str())
                    .bind(display_name.as_str())
                    .bind(event.recorded_at)
                    .execute(&mut *conn)
                    .await?;
                }
                UserEvent::ProfileUpdated { display_name } => {
                    sqlx::query("UPDATE users SET display_name = $2 WHERE user_id = $1")
                        .bind(user_id.as_uuid())
                        .bind(display_name.as_str())
                        .execute(&mut *conn)
                        .await?;
                }
            }
        }
        Ok(())
    }
}
