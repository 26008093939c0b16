//! A room's own stream in the event store, read directly where the feed's global order is not
//! what is needed: a gateway catching a client up (resume, gaps) reads one room by sequence,
//! and a connecting user's rooms come from their membership events. The store is the source of
//! truth here, never behind a notice the relay sent. Typed: ids, the room aggregate's type name
//! and the membership events' names come from the domain.

use chat_domain::room::{Room, RoomEvent};
use chat_domain::{RoomId, UserId};
use cqrs_es::Aggregate;
use sqlx::PgExecutor;
use std::sync::LazyLock;

use crate::{StoredEvent, stream_after};

/// Up to `limit` events of `room` after sequence `after`, in sequence order.
pub async fn events_after(
    executor: impl PgExecutor<'_>,
    room: RoomId,
    after: u64,
    limit: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    // A client may claim any position: one beyond what a sequence can hold is past every end.
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    stream_after(executor, Room::TYPE, &room.to_string(), after, limit).await
}

/// The room's latest sequence (0 if it has no events).
pub async fn last_seq(executor: impl PgExecutor<'_>, room: RoomId) -> Result<u64, sqlx::Error> {
    let last: Option<i64> =
        sqlx::query_scalar("SELECT max(sequence) FROM public.events WHERE aggregate_type = $1 AND aggregate_id = $2")
            .bind(Room::TYPE)
            .bind(room.to_string())
            .fetch_one(executor)
            .await?;
    Ok(last.unwrap_or(0).max(0) as u64)
}

/// A user's latest membership change in one room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Membership {
    pub room: RoomId,
    /// The sequence of the `MemberJoined` or `MemberLeft` event.
    pub seq: u64,
    pub joined: bool,
}

/// The latest membership change of `user` in each room they ever joined (current memberships
/// first, most recent first, at most `limit`).
pub async fn memberships(
    executor: impl PgExecutor<'_>,
    user: UserId,
    limit: i64,
) -> Result<Vec<Membership>, sqlx::Error> {
    let rows: Vec<(String, i64, bool)> =
        sqlx::query_as(&MEMBERSHIPS).bind(user.to_string()).bind(limit).fetch_all(executor).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(room, seq, joined)| Some(Membership { room: room.parse().ok()?, seq: seq.max(0) as u64, joined }))
        .collect())
}

/// The type and event names are written into the statement, not bound: only then can the
/// planner use the partial index `events_room_membership` (whose predicate names them) in the
/// generic plan a prepared statement settles on.
static MEMBERSHIPS: LazyLock<String> = LazyLock::new(|| {
    let (room, joined, left) = (Room::TYPE, RoomEvent::MEMBER_JOINED, RoomEvent::MEMBER_LEFT);
    format!(
        "SELECT aggregate_id, sequence, event_type = '{joined}' AS joined FROM (
             SELECT DISTINCT ON (aggregate_id) aggregate_id, event_type, sequence, global_position
             FROM public.events
             WHERE aggregate_type = '{room}' AND event_type IN ('{joined}', '{left}')
               AND payload ->> 'user_id' = $1
             ORDER BY aggregate_id, sequence DESC
         ) latest
         ORDER BY joined DESC, global_position DESC
         LIMIT $2"
    )
});
