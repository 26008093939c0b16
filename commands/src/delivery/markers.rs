//! Recording a batch of delivery acknowledgements in one statement.

use chat_domain::room::Room;
use chat_domain::{RoomId, UserId};
use chat_nats::wire::DeliveryAck;
use cqrs_es::Aggregate;
use sqlx::PgPool;
use uuid::Uuid;

/// A marker that moved, with what a live notice about it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MovedMarker {
    pub room: RoomId,
    pub user: UserId,
    /// The marker as stored now.
    pub delivered_seq: u64,
    /// The member's read marker in the read model (0 if it does not list them).
    pub read_seq: u64,
    /// The room's member count in the read model (0 if it does not list the room yet).
    pub member_count: i32,
}

/// Records `acks` in one statement; returns the markers that moved.
///
/// - Several acks of one (room, user) count as the furthest.
/// - Each position is clamped to the room's last sequence in the event store (an index scan
///   per room); a room without events records nothing.
/// - A marker only moves forward (`ON CONFLICT … WHERE` the new position is greater); a
///   position at or below the stored one changes nothing and is not returned.
/// - The account fence of room commands (`crate::store`): the users' credentials rows are
///   locked `FOR KEY SHARE SKIP LOCKED`, and acks of users without one (erased) or whose
///   erasure holds it are dropped. Markers written before an erasure's `DELETE` of the
///   credentials row are removed by its cascade; none can be written after it.
/// - Rows are inserted in key order, so two batches of overlapping markers (two gateways) wait
///   for each other in one order and cannot deadlock.
#[tracing::instrument(level = "error", skip_all, fields(acks = acks.len()), err)]
pub async fn record(pool: &PgPool, acks: &[DeliveryAck]) -> Result<Vec<MovedMarker>, sqlx::Error> {
    if acks.is_empty() {
        return Ok(Vec::new());
    }
    let rooms: Vec<Uuid> = acks.iter().map(|ack| ack.room_id.as_uuid()).collect();
    let users: Vec<Uuid> = acks.iter().map(|ack| ack.user_id.as_uuid()).collect();
    let positions: Vec<i64> = acks.iter().map(|ack| ack.up_to_seq.min(i64::MAX as u64) as i64).collect();
    let rows: Vec<(Uuid, Uuid, i64, i64, i32)> = sqlx::query_as(
        "WITH acks AS (
             SELECT room_id, user_id, max(up_to_seq) AS up_to_seq
             FROM UNNEST($1::uuid[], $2::uuid[], $3::int8[]) AS a (room_id, user_id, up_to_seq)
             GROUP BY room_id, user_id
         ), accounts AS MATERIALIZED (
             SELECT user_id FROM user_credentials WHERE user_id IN (SELECT user_id FROM acks)
             FOR KEY SHARE SKIP LOCKED
         ), clamped AS (
             SELECT a.room_id, a.user_id, LEAST(a.up_to_seq, last.seq) AS seq
             FROM acks a JOIN accounts USING (user_id),
                  LATERAL (SELECT COALESCE(max(e.sequence), 0) AS seq FROM events e
                           WHERE e.aggregate_type = $4 AND e.aggregate_id = a.room_id::text) last
         ), moved AS (
             INSERT INTO delivery_markers AS d (room_id, user_id, delivered_seq)
             SELECT room_id, user_id, seq FROM clamped WHERE seq > 0 ORDER BY room_id, user_id
             ON CONFLICT (room_id, user_id) DO UPDATE SET delivered_seq = EXCLUDED.delivered_seq, updated_at = now()
                 WHERE d.delivered_seq < EXCLUDED.delivered_seq
             RETURNING d.room_id, d.user_id, d.delivered_seq
         )
         SELECT moved.room_id, moved.user_id, moved.delivered_seq, COALESCE(m.last_read_seq, 0),
                COALESCE(r.member_count, 0)
         FROM moved
         LEFT JOIN room_members m ON m.room_id = moved.room_id AND m.user_id = moved.user_id
         LEFT JOIN rooms r ON r.room_id = moved.room_id",
    )
    .bind(rooms)
    .bind(users)
    .bind(positions)
    .bind(Room::TYPE)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(room, user, delivered_seq, read_seq, member_count)| MovedMarker {
            room: RoomId::from_uuid(room),
            user: UserId::from_uuid(user),
            delivered_seq: delivered_seq.max(0) as u64,
            read_seq: read_seq.max(0) as u64,
            member_count,
        })
        .collect())
}
