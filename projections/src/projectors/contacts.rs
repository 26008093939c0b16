//! `contacts`: each user's contacts, pending requests and blocks, from their `contacts` stream
//! (`chat_domain::contacts`), for `GET /v1/contacts` and `GET /v1/blocks`, and the block list
//! that direct rooms, presence and typing consult.
//!
//! Each stream is its owner's side only, so every row is written by its owner's events; an
//! erased user's rows are deleted on both sides when the erasure is read (`UserErased`), as
//! nobody can be in contact with, or be blocked by, an account that no longer exists.

use chat_domain::UserId;
use chat_domain::contacts::{Contacts, ContactsEvent};
use chat_domain::user::{User, UserEvent};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use super::ProjectionError;
use chat_feed::{FeedSink, StoredEvent};

pub struct ContactsProjector;

impl ContactsProjector {
    pub const NAME: &'static str = "contacts";
    pub const TABLES: &'static [&'static str] = &["contacts", "user_blocks"];
}

impl FeedSink for ContactsProjector {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        for event in events {
            if event.aggregate_type == User::TYPE && event.event_type == "UserErased" {
                if let UserEvent::UserErased {} = event.decode::<UserEvent>()? {
                    forget(conn, event.id::<UserId>()?).await?;
                }
                continue;
            }
            if event.aggregate_type != Contacts::TYPE {
                continue;
            }
            let owner = event.id::<UserId>()?.as_uuid();
            let contacts_event = event.decode::<ContactsEvent>()?;
            let other = contacts_event.user().as_uuid();
            let state = match contacts_event {
                ContactsEvent::ContactRequestSent { .. } => Some("outgoing"),
                ContactsEvent::ContactRequestReceived { .. } => Some("incoming"),
                ContactsEvent::ContactAdded { .. } => Some("contact"),
                ContactsEvent::ContactRequestDeclined { .. }
                | ContactsEvent::ContactRequestCancelled { .. }
                | ContactsEvent::ContactRemoved { .. } => None,
                ContactsEvent::UserBlocked { .. } => {
                    sqlx::query("INSERT INTO user_blocks (user_id, blocked_id, since) VALUES ($1, $2, $3)")
                        .bind(owner)
                        .bind(other)
                        .bind(event.recorded_at)
                        .execute(&mut *conn)
                        .await?;
                    continue;
                }
                ContactsEvent::UserUnblocked { .. } => {
                    sqlx::query("DELETE FROM user_blocks WHERE user_id = $1 AND blocked_id = $2")
                        .bind(owner)
                        .bind(other)
                        .execute(&mut *conn)
                        .await?;
                    continue;
                }
            };
            let statement = match state {
                Some(state) => sqlx::query(
                    "INSERT INTO contacts (user_id, other_id, state, since) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (user_id, other_id) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since",
                )
                .bind(owner)
                .bind(other)
                .bind(state)
                .bind(event.recorded_at),
                None => {
                    sqlx::query("DELETE FROM contacts WHERE user_id = $1 AND other_id = $2").bind(owner).bind(other)
                }
            };
            statement.execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// Takes an erased user out of everyone's contacts and block lists, and theirs.
async fn forget(conn: &mut PgConnection, user: UserId) -> Result<(), sqlx::Error> {
    let user = user.as_uuid();
    sqlx::query("DELETE FROM contacts WHERE user_id = $1 OR other_id = $1").bind(user).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM user_blocks WHERE user_id = $1 OR blocked_id = $1").bind(user).execute(&mut *conn).await?;
    Ok(())
}
