//! The feed reader against a real Postgres (a fresh migrated database per test): commit-safe
//! order, and which open transactions hold it back.

use std::time::Duration;

use chat_feed::{Batch, Checkpoint, RUNNER_APPLICATION_NAME, read_batch};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::time::Instant;
use uuid::Uuid;

/// Appends event `seq` of stream `stream` (any payload will do for the reader).
async fn append(conn: &mut PgConnection, stream: &str, seq: i64) {
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('test', $1, $2, 'Tested', '1.0', '{\"type\": \"Tested\"}', '{}')",
    )
    .bind(stream)
    .bind(seq)
    .execute(conn)
    .await
    .unwrap();
}

fn stream() -> String {
    Uuid::now_v7().to_string()
}

/// Reads until nothing is held back: other tests' transactions in this cluster (or an
/// autovacuum analyze) may hold the horizon back for a moment, but what a test holds open
/// must not hold it for good.
async fn read_settled(reader: &mut PgConnection, after: Checkpoint, limit: i64) -> Batch {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let batch = read_batch(reader, after, limit).await.unwrap();
        if !batch.held_back {
            return batch;
        }
        assert!(Instant::now() < deadline, "the feed stayed held back");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn ids(batch: &Batch) -> Vec<&str> {
    batch.events.iter().map(|e| e.aggregate_id.as_str()).collect()
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn a_late_committing_transaction_is_held_back_not_skipped(pool: PgPool) {
    let options = pool.connect_options();
    let mut early = PgConnection::connect_with(&options).await.unwrap();
    let mut late = PgConnection::connect_with(&options).await.unwrap();
    let (a, b) = (stream(), stream());

    // A takes its position first but commits last.
    let mut tx_a = early.begin().await.unwrap();
    append(&mut tx_a, &a, 1).await;
    let mut tx_b = late.begin().await.unwrap();
    append(&mut tx_b, &b, 1).await;
    tx_b.commit().await.unwrap();

    let mut reader = pool.acquire().await.unwrap();
    let batch = read_batch(&mut reader, Checkpoint::default(), 100).await.unwrap();
    assert!(batch.events.is_empty(), "B must wait for A, got {:?}", batch.events);
    assert!(batch.held_back);

    tx_a.commit().await.unwrap();
    let batch = read_settled(&mut reader, Checkpoint::default(), 100).await;
    assert_eq!(ids(&batch), [a.as_str(), b.as_str()]);

    let after_a = batch.events[0].checkpoint();
    let rest = read_batch(&mut reader, after_a, 100).await.unwrap();
    assert_eq!(ids(&rest), [b.as_str()]);
}

/// Opens a transaction on `conn` and gives it a transaction id, as a first write would.
async fn writing(conn: &mut PgConnection) -> sqlx::Transaction<'_, sqlx::Postgres> {
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("SELECT pg_current_xact_id()").execute(&mut *tx).await.unwrap();
    tx
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn only_transactions_that_could_append_events_hold_the_feed_back(pool: PgPool) {
    let options = pool.connect_options();
    let mut runner =
        PgConnection::connect_with(&(*options).clone().application_name(RUNNER_APPLICATION_NAME)).await.unwrap();
    let mut elsewhere = PgConnection::connect_with(&(*options).clone().database("postgres")).await.unwrap();
    let mut other = PgConnection::connect_with(&options).await.unwrap();
    let mut reader = pool.acquire().await.unwrap();
    let (a, b) = (stream(), stream());

    // A feed runner's batch and another database's transaction, both open and writing, do not
    // hold back an event committed after they began.
    let runner_tx = writing(&mut runner).await;
    let elsewhere_tx = writing(&mut elsewhere).await;
    append(&mut pool.acquire().await.unwrap(), &a, 1).await;
    let batch = read_settled(&mut reader, Checkpoint::default(), 100).await;
    assert_eq!(ids(&batch), [a.as_str()]);

    // Any other session of this database that writes could still append: it does.
    let other_tx = writing(&mut other).await;
    append(&mut pool.acquire().await.unwrap(), &b, 1).await;
    let after_a = batch.events[0].checkpoint();
    let held = read_batch(&mut reader, after_a, 100).await.unwrap();
    assert!(held.events.is_empty() && held.held_back, "{held:?}");
    other_tx.rollback().await.unwrap();
    let batch = read_settled(&mut reader, after_a, 100).await;
    assert_eq!(ids(&batch), [b.as_str()]);

    runner_tx.rollback().await.unwrap();
    elsewhere_tx.rollback().await.unwrap();
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn pages_cover_the_feed_once_in_order(pool: PgPool) {
    for _ in 0..2 {
        let mut tx = pool.begin().await.unwrap();
        let stream = stream();
        for seq in 1..=27 {
            append(&mut tx, &stream, seq).await;
        }
        tx.commit().await.unwrap();
    }
    let mut conn = pool.acquire().await.unwrap();
    let mut checkpoint = Checkpoint::default();
    let mut seen = Vec::new();
    loop {
        let batch = read_settled(&mut conn, checkpoint, 7).await;
        let Some(last) = batch.events.last() else { break };
        checkpoint = last.checkpoint();
        seen.extend(batch.events.iter().map(|e| e.global_position));
    }
    let all: Vec<i64> = sqlx::query_scalar("SELECT global_position FROM events ORDER BY tx_id, global_position")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(seen, all);
    assert_eq!(seen.len(), 54);
}
