//! Reading a room's events from the event store, the source of truth for resume and gaps.

use chat_domain::{RoomId, UserId};
use chat_nats::wire::EventMessage;
use chat_projections::feed;
use sqlx::PgPool;

/// Events read per query while catching up.
pub const PAGE: i64 = 500;

/// Up to [`PAGE`] events of `room` after `after`, in sequence order.
pub async fn page(pool: &PgPool, room: RoomId, after: u64) -> Result<Vec<EventMessage>, sqlx::Error> {
    let events = feed::stream_after(pool, "room", &room.to_string(), after as i64, PAGE).await?;
    Ok(events.iter().map(EventMessage::from).collect())
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

/// The rooms `user` is a member of now, each with the sequence of the user's latest join,
/// read from the event store itself: authoritative, and never behind a membership notice.
pub async fn memberships(pool: &PgPool, user: UserId) -> Result<Vec<(RoomId, u64)>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT aggregate_id, sequence FROM (
             SELECT DISTINCT ON (aggregate_id) aggregate_id, event_type, sequence
             FROM events
             WHERE aggregate_type = 'room' AND event_type IN ('MemberJoined', 'MemberLeft')
               AND payload ->> 'user_id' = $1
             ORDER BY aggregate_id, sequence DESC
         ) latest
         WHERE event_type = 'MemberJoined'",
    )
    .bind(user.to_string())
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().filter_map(|(room, joined)| Some((room.parse().ok()?, joined.max(0) as u64))).collect())
}
