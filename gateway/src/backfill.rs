//! Reading a room's events from the event store, the source of truth for resume and gaps.

use chat_domain::{RoomId, UserId};
use chat_nats::wire::EventMessage;
use chat_projections::feed;
use sqlx::PgPool;

/// Events read per query while catching up.
pub const PAGE: i64 = 500;

/// Up to [`PAGE`] events of `room` after `after`, in sequence order.
pub async fn page(pool: &PgPool, room: RoomId, after: u64) -> Result<Vec<EventMessage>, sqlx::Error> {
    // A client may claim any position: one beyond what a sequence can hold is past every room's end.
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let events = feed::stream_after(pool, "room", &room.to_string(), after, PAGE).await?;
    events.iter().map(|event| EventMessage::try_from(event).map_err(|e| sqlx::Error::Decode(Box::new(e)))).collect()
}

/// The room's latest sequence in the store (0 if it has no events).
pub async fn last_seq(pool: &PgPool, room: RoomId) -> Result<u64, sqlx::Error> {
    let last: Option<i64> =
        sqlx::query_scalar("SELECT max(sequence) FROM events WHERE aggregate_type = 'room' AND aggregate_id = $1")
            .bind(room.to_string())
            .fetch_one(pool)
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
/// first, most recent first, at most `limit`), read from the event store itself: authoritative, and never behind
/// a membership notice.
pub async fn memberships(pool: &PgPool, user: UserId, limit: i64) -> Result<Vec<Membership>, sqlx::Error> {
    let rows: Vec<(String, i64, bool)> = sqlx::query_as(
        "SELECT aggregate_id, sequence, event_type = 'MemberJoined' AS joined FROM (
             SELECT DISTINCT ON (aggregate_id) aggregate_id, event_type, sequence, global_position
             FROM events
             WHERE aggregate_type = 'room' AND event_type IN ('MemberJoined', 'MemberLeft')
               AND payload ->> 'user_id' = $1
             ORDER BY aggregate_id, sequence DESC
         ) latest
         ORDER BY joined DESC, global_position DESC
         LIMIT $2",
    )
    .bind(user.to_string())
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(room, seq, joined)| Some(Membership { room: room.parse().ok()?, seq: seq.max(0) as u64, joined }))
        .collect())
}
