//! Reading a room's events from the event store, the source of truth for resume and gaps.

use chat_domain::RoomId;
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
