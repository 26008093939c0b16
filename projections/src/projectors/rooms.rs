//! `rooms` and `room_members`: each room's summary and who is in it with which role.

use chat_domain::RoomId;
use chat_domain::room::{Room, RoomEvent, RoomKind, Visibility};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use super::ProjectionError;
use crate::feed::{FeedSink, StoredEvent};

pub struct RoomsProjector;

impl RoomsProjector {
    pub const NAME: &'static str = "rooms";
}

/// How one event changes a room's counters.
#[derive(Default)]
struct Deltas {
    members: i32,
    messages: i64,
    is_activity: bool,
}

impl FeedSink for RoomsProjector {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        for event in events.iter().filter(|e| e.aggregate_type == Room::TYPE) {
            let room = event.id::<RoomId>()?.as_uuid();
            let mut deltas = Deltas::default();
            match event.decode::<RoomEvent>()? {
                RoomEvent::RoomCreated { kind, created_by } => {
                    let (kind, name, visibility) = match kind {
                        RoomKind::Group { name, visibility } => {
                            let visibility = match visibility {
                                Visibility::Public => "public",
                                Visibility::Private => "private",
                            };
                            ("group", Some(name.into_string()), Some(visibility))
                        }
                        RoomKind::Direct { .. } => ("direct", None, None),
                    };
                    sqlx::query(
                        "INSERT INTO rooms (room_id, kind, name, visibility, created_by, created_at, last_seq,
                                            last_activity_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $6)",
                    )
                    .bind(room)
                    .bind(kind)
                    .bind(name)
                    .bind(visibility)
                    .bind(created_by.as_uuid())
                    .bind(event.recorded_at)
                    .bind(event.sequence)
                    .execute(&mut *conn)
                    .await?;
                }
                RoomEvent::MemberJoined { user_id, role, .. } => {
                    sqlx::query(
                        "INSERT INTO room_members (room_id, user_id, role, joined_seq, joined_at)
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(room)
                    .bind(user_id.as_uuid())
                    .bind(role.as_str())
                    .bind(event.sequence)
                    .bind(event.recorded_at)
                    .execute(&mut *conn)
                    .await?;
                    deltas.members = 1;
                }
                RoomEvent::MemberLeft { user_id, .. } => {
                    sqlx::query("DELETE FROM room_members WHERE room_id = $1 AND user_id = $2")
                        .bind(room)
                        .bind(user_id.as_uuid())
                        .execute(&mut *conn)
                        .await?;
                    deltas.members = -1;
                }
                RoomEvent::MemberRoleChanged { user_id, role, .. } => {
                    sqlx::query("UPDATE room_members SET role = $3 WHERE room_id = $1 AND user_id = $2")
                        .bind(room)
                        .bind(user_id.as_uuid())
                        .bind(role.as_str())
                        .execute(&mut *conn)
                        .await?;
                }
                RoomEvent::ReadMarkerMoved { user_id, up_to_seq } => {
                    sqlx::query(
                        "UPDATE room_members SET last_read_seq = GREATEST(last_read_seq, $3)
                         WHERE room_id = $1 AND user_id = $2",
                    )
                    .bind(room)
                    .bind(user_id.as_uuid())
                    .bind(i64::try_from(up_to_seq).unwrap_or(i64::MAX))
                    .execute(&mut *conn)
                    .await?;
                }
                RoomEvent::MessagePosted { .. } => {
                    deltas.messages = 1;
                    deltas.is_activity = true;
                }
                RoomEvent::MessageDeleted { .. } => deltas.messages = -1,
                RoomEvent::MessageEdited { .. }
                | RoomEvent::ReactionAdded { .. }
                | RoomEvent::ReactionRemoved { .. } => {}
            }
            sqlx::query(
                "UPDATE rooms SET last_seq = $2, member_count = member_count + $3, message_count = message_count + $4,
                                  last_activity_at = CASE WHEN $5 THEN $6 ELSE last_activity_at END
                 WHERE room_id = $1",
            )
            .bind(room)
            .bind(event.sequence)
            .bind(deltas.members)
            .bind(deltas.messages)
            .bind(deltas.is_activity)
            .bind(event.recorded_at)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}
