//! `rooms`: everything a member sees of their rooms — the room list (summary, last message
//! preview, member count), memberships with read markers and unread counts, the message history
//! with reactions. One projector, so that these always agree with each other.
//!
//! Unread rules: a member's unread count is the number of messages after their read marker that
//! others posted and that are not deleted; mentions likewise, for messages that mention them.
//! A member who joins starts with everything before their join read (marker = join sequence).
//! The count is kept as counters that a post changes for its author only (see the
//! `room_members` migration): `posted_total - read_ordinal - own_since_read - deleted_since_read`.

mod membership;
mod messages;

use std::collections::HashMap;

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
        let mut last_seqs: HashMap<uuid::Uuid, i64> = HashMap::new();
        // Consecutive posts (the bulk of any busy feed) are applied together.
        let mut posts = messages::PostRun::default();
        for event in events.iter().filter(|e| e.aggregate_type == Room::TYPE) {
            let at = Applied { room: event.id::<RoomId>()?.as_uuid(), event };
            last_seqs.insert(at.room, event.sequence);
            let decoded = event.decode::<RoomEvent>()?;
            if !matches!(decoded, RoomEvent::MessagePosted { .. }) && !posts.is_empty() {
                messages::posted(conn, std::mem::take(&mut posts)).await?;
            }
            match decoded {
                RoomEvent::MessagePosted { message_id, author, body, client_msg_id, reply_to, mentions } => {
                    posts.push(&at, messages::Posted { message_id, author, body, client_msg_id, reply_to, mentions })
                }
                RoomEvent::RoomCreated { kind, created_by } => membership::created(conn, &at, kind, created_by).await?,
                RoomEvent::MemberJoined { user_id, role, .. } => membership::joined(conn, &at, user_id, role).await?,
                RoomEvent::MemberLeft { user_id, .. } => membership::left(conn, &at, user_id).await?,
                RoomEvent::MemberRoleChanged { user_id, role, .. } => {
                    membership::role_changed(conn, &at, user_id, role).await?
                }
                RoomEvent::ReadMarkerMoved { user_id, up_to_seq } => {
                    membership::marker_moved(conn, &at, user_id, up_to_seq).await?
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
        }
        if !posts.is_empty() {
            messages::posted(conn, posts).await?;
        }
        // Each room's latest sequence, once per batch.
        let (rooms, seqs): (Vec<uuid::Uuid>, Vec<i64>) = last_seqs.into_iter().unzip();
        sqlx::query(
            "UPDATE rooms SET last_seq = latest.seq FROM unnest($1::uuid[], $2::bigint[]) AS latest(room_id, seq)
             WHERE rooms.room_id = latest.room_id",
        )
        .bind(&rooms)
        .bind(&seqs)
        .execute(conn)
        .await?;
        Ok(())
    }
}
