//! `messages` and `message_reactions`: each room's message history as clients page through it.

use chat_domain::RoomId;
use chat_domain::room::{Room, RoomEvent};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use super::ProjectionError;
use crate::feed::{FeedSink, StoredEvent};

pub struct HistoryProjector;

impl HistoryProjector {
    pub const NAME: &'static str = "history";
}

impl FeedSink for HistoryProjector {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        for event in events.iter().filter(|e| e.aggregate_type == Room::TYPE) {
            let room = event.id::<RoomId>()?.as_uuid();
            let touched = match event.decode::<RoomEvent>()? {
                RoomEvent::MessagePosted { message_id, author, body, client_msg_id, reply_to } => {
                    sqlx::query(
                        "INSERT INTO messages (room_id, seq, message_id, author_id, client_msg_id, body, reply_to,
                                               created_at, updated_seq)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $2)",
                    )
                    .bind(room)
                    .bind(event.sequence)
                    .bind(message_id.as_uuid())
                    .bind(author.as_uuid())
                    .bind(client_msg_id.as_str())
                    .bind(body.as_str())
                    .bind(reply_to.map(|id| id.as_uuid()))
                    .bind(event.recorded_at)
                    .execute(&mut *conn)
                    .await?;
                    None
                }
                RoomEvent::MessageEdited { message_id, body, .. } => {
                    sqlx::query("UPDATE messages SET body = $2, edited_at = $3 WHERE message_id = $1")
                        .bind(message_id.as_uuid())
                        .bind(body.as_str())
                        .bind(event.recorded_at)
                        .execute(&mut *conn)
                        .await?;
                    Some(message_id)
                }
                RoomEvent::MessageDeleted { message_id, deleted_by } => {
                    sqlx::query(
                        "UPDATE messages SET body = NULL, deleted_at = $2, deleted_by = $3 WHERE message_id = $1",
                    )
                    .bind(message_id.as_uuid())
                    .bind(event.recorded_at)
                    .bind(deleted_by.as_uuid())
                    .execute(&mut *conn)
                    .await?;
                    sqlx::query("DELETE FROM message_reactions WHERE message_id = $1")
                        .bind(message_id.as_uuid())
                        .execute(&mut *conn)
                        .await?;
                    Some(message_id)
                }
                RoomEvent::ReactionAdded { message_id, user_id, reaction } => {
                    sqlx::query(
                        "INSERT INTO message_reactions (message_id, reaction, user_id, seq) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(message_id.as_uuid())
                    .bind(reaction.as_str())
                    .bind(user_id.as_uuid())
                    .bind(event.sequence)
                    .execute(&mut *conn)
                    .await?;
                    Some(message_id)
                }
                RoomEvent::ReactionRemoved { message_id, user_id, reaction } => {
                    sqlx::query(
                        "DELETE FROM message_reactions WHERE message_id = $1 AND reaction = $2 AND user_id = $3",
                    )
                    .bind(message_id.as_uuid())
                    .bind(reaction.as_str())
                    .bind(user_id.as_uuid())
                    .execute(&mut *conn)
                    .await?;
                    Some(message_id)
                }
                RoomEvent::RoomCreated { .. }
                | RoomEvent::MemberJoined { .. }
                | RoomEvent::MemberLeft { .. }
                | RoomEvent::MemberRoleChanged { .. }
                | RoomEvent::ReadMarkerMoved { .. } => None,
            };
            if let Some(message_id) = touched {
                sqlx::query("UPDATE messages SET updated_seq = $2 WHERE message_id = $1")
                    .bind(message_id.as_uuid())
                    .bind(event.sequence)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    }
}
