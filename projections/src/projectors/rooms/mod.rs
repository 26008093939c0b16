//! `rooms`: everything a member sees of their rooms — the room list (summary, last message
//! preview, member count), memberships with read markers and unread counts, the message history
//! with reactions. One projector, so that these always agree with each other.
//!
//! Unread rules: a member's unread count is the number of messages after their read marker that
//! others posted and that are not deleted; mentions likewise, for messages that mention them.
//! A member who joins starts with everything before their join read (marker = join sequence).

mod membership;
mod messages;

use chat_domain::RoomId;
use chat_domain::room::{Room, RoomEvent};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use super::ProjectionError;
use crate::feed::{FeedSink, StoredEvent};

pub struct RoomsProjector;

impl RoomsProjector {
    pub const NAME: &'static str = "rooms";
    pub const TABLES: &'static [&'static str] = &["rooms", "room_members", "messages", "message_reactions"];
}

/// One event, with what every handler needs to know about it.
struct Applied<'a> {
    room: uuid::Uuid,
    event: &'a StoredEvent,
}

impl FeedSink for RoomsProjector {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        for event in events.iter().filter(|e| e.aggregate_type == Room::TYPE) {
            let at = Applied { room: event.id::<RoomId>()?.as_uuid(), event };
            match event.decode::<RoomEvent>()? {
                RoomEvent::RoomCreated { kind, created_by } => membership::created(conn, &at, kind, created_by).await?,
                RoomEvent::MemberJoined { user_id, role, .. } => membership::joined(conn, &at, user_id, role).await?,
                RoomEvent::MemberLeft { user_id, .. } => membership::left(conn, &at, user_id).await?,
                RoomEvent::MemberRoleChanged { user_id, role, .. } => {
                    membership::role_changed(conn, &at, user_id, role).await?
                }
                RoomEvent::ReadMarkerMoved { user_id, up_to_seq } => {
                    membership::marker_moved(conn, &at, user_id, up_to_seq).await?
                }
                RoomEvent::MessagePosted { message_id, author, body, client_msg_id, reply_to, mentions } => {
                    let posted = messages::Posted { message_id, author, body, client_msg_id, reply_to, mentions };
                    messages::posted(conn, &at, posted).await?
                }
                RoomEvent::MessageEdited { message_id, body, .. } => {
                    messages::edited(conn, &at, message_id, body).await?
                }
                RoomEvent::MessageDeleted { message_id, deleted_by } => {
                    messages::deleted(conn, &at, message_id, deleted_by).await?
                }
                RoomEvent::ReactionAdded { message_id, user_id, reaction } => {
                    messages::reacted(conn, &at, message_id, user_id, reaction).await?
                }
                RoomEvent::ReactionRemoved { message_id, user_id, reaction } => {
                    messages::unreacted(conn, &at, message_id, user_id, reaction).await?
                }
            }
            sqlx::query("UPDATE rooms SET last_seq = $2 WHERE room_id = $1")
                .bind(at.room)
                .bind(event.sequence)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}
