//! Recording delivery acknowledgements against a real Postgres (a fresh migrated database per
//! test): one statement per batch, markers only forward, clamped to the room's last sequence,
//! one per member however many acknowledgements a batch carries, and none for a user whose
//! erasure is under way or done (their markers go with their credentials).

mod common;

use chat_commands::delivery::{MovedMarker, record};
use chat_domain::{RoomId, UserId};
use chat_nats::wire::DeliveryAck;
use sqlx::PgPool;
use uuid::Uuid;

use common::account;

/// A room whose stream holds `events` events (their content does not matter here).
async fn room(pool: &PgPool, events: i64) -> RoomId {
    let room = RoomId::from_uuid(Uuid::now_v7());
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT 'room', $1, s, 'MessagePosted', '1.1', '{}', '{}' FROM generate_series(1, $2) AS s",
    )
    .bind(room.to_string())
    .bind(events)
    .execute(pool)
    .await
    .unwrap();
    room
}

fn ack(room_id: RoomId, user_id: UserId, up_to_seq: u64) -> DeliveryAck {
    DeliveryAck { room_id, user_id, up_to_seq }
}

/// What moved, as `(room, user, delivered_seq)`, sorted.
fn moved(markers: Vec<MovedMarker>) -> Vec<(RoomId, UserId, u64)> {
    let mut moved: Vec<_> = markers.into_iter().map(|m| (m.room, m.user, m.delivered_seq)).collect();
    moved.sort();
    moved
}

async fn stored(pool: &PgPool) -> Vec<(RoomId, UserId, i64)> {
    let rows: Vec<(Uuid, Uuid, i64)> =
        sqlx::query_as("SELECT room_id, user_id, delivered_seq FROM delivery_markers ORDER BY room_id, user_id")
            .fetch_all(pool)
            .await
            .unwrap();
    rows.into_iter().map(|(room, user, seq)| (RoomId::from_uuid(room), UserId::from_uuid(user), seq)).collect()
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn markers_move_forward_only_once_per_member_and_never_past_the_room(pool: PgPool) {
    let (ada, bob) = (account(&pool, "ada").await, account(&pool, "bob").await);
    let room = room(&pool, 5).await;
    let empty = RoomId::from_uuid(Uuid::now_v7());

    let batch = [ack(room, ada, 3), ack(room, ada, 4), ack(room, ada, 1), ack(room, bob, u64::MAX), ack(empty, ada, 2)];
    let first = moved(record(&pool, &batch).await.unwrap());
    let mut expected = vec![(room, ada, 4), (room, bob, 5)];
    expected.sort();
    assert_eq!(
        first, expected,
        "the furthest of a member's acks, clamped to the room; nothing in a room without events"
    );

    let again =
        record(&pool, &[ack(room, ada, 2), ack(room, ada, 4), ack(room, bob, 5), ack(room, bob, 0)]).await.unwrap();
    assert_eq!(again, [], "at or below the marker: nothing moves");
    assert_eq!(moved(record(&pool, &[ack(room, ada, 5)]).await.unwrap()), [(room, ada, 5)]);
    let mut rows = vec![(room, ada, 5), (room, bob, 5)];
    rows.sort();
    assert_eq!(stored(&pool).await, rows, "one row per member and room");
    assert_eq!(record(&pool, &[]).await.unwrap(), []);
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn no_marker_is_recorded_for_a_user_being_erased_or_erased_and_the_erasure_takes_theirs(pool: PgPool) {
    let (ada, bob) = (account(&pool, "ada").await, account(&pool, "bob").await);
    let room = room(&pool, 5).await;
    record(&pool, &[ack(room, ada, 2), ack(room, bob, 2)]).await.unwrap();

    // Bob's erasure has deleted his credentials (the fence) and not committed yet: his
    // acknowledgements are dropped without waiting for it, Ada's go through.
    let mut erasure = pool.begin().await.unwrap();
    sqlx::query("DELETE FROM user_credentials WHERE user_id = $1")
        .bind(bob.as_uuid())
        .execute(&mut *erasure)
        .await
        .unwrap();
    let during = record(&pool, &[ack(room, ada, 3), ack(room, bob, 3)]).await.unwrap();
    assert_eq!(moved(during), [(room, ada, 3)]);
    erasure.commit().await.unwrap();

    assert_eq!(stored(&pool).await, [(room, ada, 3)], "Bob's marker went with his credentials");
    assert_eq!(record(&pool, &[ack(room, bob, 4)]).await.unwrap(), [], "and none comes back");
}
