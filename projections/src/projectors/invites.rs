//! `invites`: each group room's invites — who made them, until when and for how many people,
//! how often they were used, whether they were revoked — for admins' lists and the preview of
//! a code. Never their codes, which no event holds. Accepting an invite never reads these
//! tables: the room's aggregate decides, so a read model that trails cannot let anyone in.

use chat_domain::RoomId;
use chat_domain::room::{Room, RoomEvent};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use super::ProjectionError;
use chat_feed::{FeedSink, StoredEvent};

pub struct InvitesProjector;

impl InvitesProjector {
    pub const NAME: &'static str = "invites";
    pub const TABLES: &'static [&'static str] = &["room_invites"];
}

/// The room events this projector reads (the others it skips undecoded).
const INVITE_EVENTS: [&str; 3] = ["InviteCreated", "InviteRevoked", "InviteAccepted"];

impl FeedSink for InvitesProjector {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        for event in events {
            if event.aggregate_type != Room::TYPE || !INVITE_EVENTS.contains(&event.event_type.as_str()) {
                continue;
            }
            let room = event.id::<RoomId>()?.as_uuid();
            let statement = match event.decode::<RoomEvent>()? {
                RoomEvent::InviteCreated { invite_id, created_by, expires_at, max_uses } => sqlx::query(
                    "INSERT INTO room_invites (invite_id, room_id, created_by, created_at, expires_at, max_uses)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(invite_id.as_uuid())
                .bind(room)
                .bind(created_by.as_uuid())
                .bind(event.recorded_at)
                .bind(expires_at)
                .bind(max_uses.map(|uses| i32::try_from(uses).unwrap_or(i32::MAX))),
                RoomEvent::InviteRevoked { invite_id, .. } => {
                    sqlx::query("UPDATE room_invites SET revoked = true WHERE invite_id = $1").bind(invite_id.as_uuid())
                }
                RoomEvent::InviteAccepted { invite_id, .. } => {
                    sqlx::query("UPDATE room_invites SET uses = uses + 1 WHERE invite_id = $1")
                        .bind(invite_id.as_uuid())
                }
                _ => continue,
            };
            statement.execute(&mut *conn).await?;
        }
        Ok(())
    }
}
