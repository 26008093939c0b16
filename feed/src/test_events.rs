//! Appending events straight into the store, for this crate's tests of the reads.

use cqrs_es::{Aggregate, DomainEvent};
use sqlx::PgPool;

/// Appends `event` to the stream `id` of aggregate `A` at `sequence`.
pub async fn append<A: Aggregate>(pool: &PgPool, id: impl ToString, sequence: i64, event: A::Event) {
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ($1, $2, $3, $4, $5, $6, '{}')",
    )
    .bind(A::TYPE)
    .bind(id.to_string())
    .bind(sequence)
    .bind(event.event_type())
    .bind(event.event_version())
    .bind(serde_json::to_value(&event).unwrap())
    .execute(pool)
    .await
    .unwrap();
}
