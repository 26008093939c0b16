//! `users`: every registered user's public profile, and their presence.

use chat_domain::UserId;
use chat_domain::presence::{Presence, PresenceEvent};
use chat_domain::user::{User, UserEvent};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use super::ProjectionError;
use chat_feed::{FeedSink, StoredEvent};

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
            // Redacted only once the user is erased; their `UserErased` follows in the feed.
            let (Some(username), Some(display_name)) = (username.into_present(), display_name.into_present()) else {
                return Ok(());
            };
            sqlx::query("INSERT INTO users (user_id, username, display_name, registered_at) VALUES ($1, $2, $3, $4)")
                .bind(user_id.as_uuid())
                .bind(username.as_str())
                .bind(display_name.as_str())
                .bind(event.recorded_at)
                .execute(conn)
                .await?;
        }
        UserEvent::VisitorRegistered { website_id, display_name, email } => {
            let Some(display_name) = display_name.into_present() else {
                return Ok(());
            };
            sqlx::query(
                "INSERT INTO users (user_id, username, display_name, registered_at, website_id, email)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(user_id.as_uuid())
            .bind(format!("visitor-{}", user_id.as_uuid().simple()))
            .bind(display_name.as_str())
            .bind(event.recorded_at)
            .bind(website_id.as_uuid())
            .bind(email.as_ref().map(|email| email.as_str()))
            .execute(conn)
            .await?;
        }
        UserEvent::VisitorIdentified { external_id, email } => {
            let Some(external_id) = external_id else {
                return Ok(());
            };
            sqlx::query("UPDATE users SET external_id = $2, email = COALESCE($3, email) WHERE user_id = $1")
                .bind(user_id.as_uuid())
                .bind(external_id.as_str())
                .bind(email.as_ref().map(|email| email.as_str()))
                .execute(conn)
                .await?;
        }
        UserEvent::ProfileUpdated { display_name } => {
            let Some(display_name) = display_name.into_present() else {
                return Ok(());
            };
            sqlx::query("UPDATE users SET display_name = $2 WHERE user_id = $1")
                .bind(user_id.as_uuid())
                .bind(display_name.as_str())
                .execute(conn)
                .await?;
        }
        // The profile and the last-seen time go; the erasure itself already removed them from
        // the live tables, this keeps a rebuild equal.
        UserEvent::UserErased {} => {
            for table in ["users", "presence"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                    .bind(user_id.as_uuid())
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    Ok(())
}

/// The current status and since when; for `offline`, "since" is the last time seen. Only for
/// users with a profile: an erased user's presence is not recorded again (a gateway may still
/// report their last connection closing).
async fn presence_event(conn: &mut PgConnection, event: &StoredEvent) -> Result<(), ProjectionError> {
    let PresenceEvent::PresenceChanged { status } = event.decode()?;
    sqlx::query(
        "INSERT INTO presence (user_id, status, since) SELECT $1, $2, $3 WHERE EXISTS (SELECT FROM users WHERE user_id = $1)
         ON CONFLICT (user_id) DO UPDATE SET status = $2, since = $3",
    )
    .bind(event.id::<UserId>()?.as_uuid())
    .bind(status.as_str())
    .bind(event.recorded_at)
    .execute(conn)
    .await?;
    Ok(())
}
