//! `users`: every registered user's public profile, and their presence.

use chat_domain::UserId;
use chat_domain::presence::{Presence, PresenceEvent};
use chat_domain::user::{User, UserEvent};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use super::ProjectionError;
use crate::feed::{FeedSink, StoredEvent};

pub struct UsersProjector;

impl UsersProjector {
    pub const NAME: &'static str = "users";
    pub const TABLES: &'static [&'static str] = &["users", "presence"];
}

impl FeedSink for UsersProjector {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        for event in events {
            match event.aggregate_type.as_str() {
                User::TYPE => user_event(conn, event).await?,
                Presence::TYPE => presence_event(conn, event).await?,
                _ => {}
            }
        }
        Ok(())
    }
}

async fn user_event(conn: &mut PgConnection, event: &StoredEvent) -> Result<(), ProjectionError> {
    let user_id: UserId = event.id()?;
    match event.decode::<UserEvent>()? {
        UserEvent::UserRegistered { username, display_name } => {
            sqlx::query("INSERT INTO users (user_id, username, display_name, registered_at) VALUES ($1, $2, $3, $4)")
                .bind(user_id.as_uuid())
                .bind(username.as_str())
                .bind(display_name.as_str())
                .bind(event.recorded_at)
                .execute(conn)
                .await?;
        }
        UserEvent::ProfileUpdated { display_name } => {
            sqlx::query("UPDATE users SET display_name = $2 WHERE user_id = $1")
                .bind(user_id.as_uuid())
                .bind(display_name.as_str())
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

/// The current status and since when; for `offline`, "since" is the last time seen.
async fn presence_event(conn: &mut PgConnection, event: &StoredEvent) -> Result<(), ProjectionError> {
    let PresenceEvent::PresenceChanged { status } = event.decode()?;
    sqlx::query(
        "INSERT INTO presence (user_id, status, since) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET status = $2, since = $3",
    )
    .bind(event.id::<UserId>()?.as_uuid())
    .bind(status.as_str())
    .bind(event.recorded_at)
    .execute(conn)
    .await?;
    Ok(())
}
