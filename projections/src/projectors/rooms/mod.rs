//! `rooms`: everything a member sees of their rooms — the room list (summary, last message
//! preview, member count), memberships with read markers and unread counts, the message history
//! with reactions. One projector, so that these always agree with each other.
//!
//! Unread rules: a member's unread count is the number of messages after their read marker that
//! others posted and that are not deleted; mentions likewise, for messages that mention them.
//! A member who joins starts with everything before their join read (marker = join sequence).
//! The count is kept as counters that a post changes for its author only (see the
//! `room_members` migration): `posted_total - read_ordinal - own_since_read - deleted_since_read`.
//!
//! # Layout
//! A page of the feed is applied set-wise, a few statements per page rather than one or two
//! per event (a round trip each): [`plan`] orders the page's events into layers of groups of
//! one kind each, and each kind's module applies a group in one statement — [`membership`]
//! (rooms, members, roles), [`posts`], [`messages`] (edits and deletes), [`reactions`],
//! [`markers`] (read markers) and [`settings`] (topic, description, deletion).

mod markers;
mod membership;
mod messages;
mod plan;
mod posts;
mod reactions;
mod settings;

use chat_domain::RoomId;
use chat_domain::room::{Room, RoomEvent};
use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use sqlx::PgConnection;
use uuid::Uuid;

use super::ProjectionError;
use chat_feed::{FeedSink, StoredEvent};

pub struct RoomsProjector;

impl RoomsProjector {
    pub const NAME: &'static str = "rooms";
    pub const TABLES: &'static [&'static str] =
        &["rooms", "room_members", "messages", "message_reactions", "message_attachments"];
}

/// Where and when an event happened: what every group needs besides the event's own fields.
#[derive(Clone, Copy)]
struct At {
    room: Uuid,
    seq: i64,
    recorded_at: DateTime<Utc>,
}

impl FeedSink for RoomsProjector {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        let mut plan = plan::Plan::default();
        for event in events.iter().filter(|e| e.aggregate_type == Room::TYPE) {
            let at = At { room: event.id::<RoomId>()?.as_uuid(), seq: event.sequence, recorded_at: event.recorded_at };
            plan.push(at, event.decode::<RoomEvent>()?);
        }
        plan.apply(conn).await?;
        Ok(())
    }
}
