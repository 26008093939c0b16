//! Loading and appending aggregate events in postgres-es's `events` table.
//!
//! We load through postgres-es's repository but not cqrs-es's `CqrsFramework`: we need the
//! assigned sequences back, per-command metadata within one batched commit, and our own retry
//! policy. Appends are our own single `INSERT … SELECT FROM UNNEST`: postgres-es inserts one
//! row per statement inside a transaction (BEGIN, n INSERTs, COMMIT: n + 2 round trips), while
//! one statement is atomic on its own and costs one round trip however many rooms and events
//! it carries (see [`crate::group_commit`]). Conflicts (another writer appended first) surface
//! as [`StoreError::Conflict`], exactly as postgres-es reports them: any unique violation.

use std::collections::HashMap;

use chat_domain::UserId;
use cqrs_es::persist::{PersistedEventRepository, PersistenceError};
use cqrs_es::{Aggregate, DomainEvent, EventEnvelope};
use postgres_es::PostgresEventRepository;
use sqlx::PgPool;
use sqlx::error::ErrorKind;

/// Who asked for a command and through which door; stored as each event's metadata.
#[derive(Clone, Debug)]
pub struct CommandMeta {
    pub actor: UserId,
    pub request_id: String,
    /// `rest` or `gateway:<id>`.
    pub via: String,
}

impl CommandMeta {
    fn to_map(&self) -> HashMap<String, String> {
        HashMap::from([
            ("actor".to_owned(), self.actor.to_string()),
            ("request_id".to_owned(), self.request_id.clone()),
            ("via".to_owned(), self.via.clone()),
        ])
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("another writer appended to the aggregate first")]
    Conflict,
    #[error("event store failure: {0}")]
    Persistence(#[source] PersistenceError),
    #[error("event store failure: {0}")]
    Database(#[source] sqlx::Error),
    #[error("cannot encode an event: {0}")]
    Encode(#[source] serde_json::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(database) if database.kind() == ErrorKind::UniqueViolation => StoreError::Conflict,
            _ => StoreError::Database(error),
        }
    }
}

impl From<PersistenceError> for StoreError {
    fn from(error: PersistenceError) -> Self {
        match error {
            PersistenceError::OptimisticLockError => StoreError::Conflict,
            other => StoreError::Persistence(other),
        }
    }
}

/// An aggregate rebuilt from its events, and the sequence of the last one.
pub struct Loaded<A> {
    pub aggregate: A,
    pub version: u64,
}

/// Events for one aggregate (by id), to append after its `version`.
pub type Append<E> = (String, u64, Vec<NewEvent<E>>);

/// An event to append, with the metadata of the command that caused it.
pub struct NewEvent<E> {
    pub event: E,
    pub meta: CommandMeta,
}

/// Appends rows in the order given; one statement, so all or nothing. `global_position` is
/// drawn in that order, which keeps each aggregate's sequence in feed order.
const APPEND: &str = "
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
SELECT $1, e.aggregate_id, e.sequence, e.event_type, e.event_version, e.payload, e.metadata
FROM UNNEST($2::text[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[])
     WITH ORDINALITY AS e(aggregate_id, sequence, event_type, event_version, payload, metadata, position)
ORDER BY e.position";

#[derive(Clone)]
pub struct EventStore {
    repo: std::sync::Arc<PostgresEventRepository>,
    pool: PgPool,
}

impl EventStore {
    pub fn new(pool: PgPool) -> Self {
        Self { repo: std::sync::Arc::new(PostgresEventRepository::new(pool.clone())), pool }
    }

    pub async fn load<A: Aggregate>(&self, id: &str) -> Result<Loaded<A>, StoreError> {
        let mut loaded = Loaded { aggregate: A::default(), version: 0 };
        for serialized in self.repo.get_events::<A>(id).await? {
            // Older versions are brought to the current shape first (postgres-es's repository
            // does not upcast; cqrs-es's event store would, with the same upcasters).
            let envelope = EventEnvelope::<A>::try_from(chat_domain::upcast::upcast_serialized(serialized))?;
            loaded.version = envelope.sequence as u64;
            loaded.aggregate.apply(envelope.payload);
        }
        Ok(loaded)
    }

    /// Appends `events` after `version`; fails with `Conflict` if the aggregate has moved past
    /// `version`.
    pub async fn append<A: Aggregate>(
        &self,
        id: &str,
        version: u64,
        events: Vec<NewEvent<A::Event>>,
    ) -> Result<(), StoreError> {
        self.append_many::<A>(&[(id.to_owned(), version, events)]).await
    }

    /// Appends to several aggregates of one type in one statement: all or nothing.
    pub async fn append_many<A: Aggregate>(&self, streams: &[Append<A::Event>]) -> Result<(), StoreError> {
        let rows = streams.iter().map(|(_, _, events)| events.len()).sum();
        let mut ids = Vec::with_capacity(rows);
        let mut sequences = Vec::with_capacity(rows);
        let mut types = Vec::with_capacity(rows);
        let mut versions = Vec::with_capacity(rows);
        let mut payloads = Vec::with_capacity(rows);
        let mut metadata = Vec::with_capacity(rows);
        for (id, version, events) in streams {
            for (new, sequence) in events.iter().zip(*version as i64 + 1..) {
                ids.push(id.as_str());
                sequences.push(sequence);
                types.push(new.event.event_type());
                versions.push(new.event.event_version());
                payloads.push(serde_json::to_value(&new.event).map_err(StoreError::Encode)?);
                metadata.push(serde_json::to_value(new.meta.to_map()).map_err(StoreError::Encode)?);
            }
        }
        sqlx::query(APPEND)
            .bind(A::TYPE)
            .bind(ids)
            .bind(sequences)
            .bind(types)
            .bind(versions)
            .bind(payloads)
            .bind(metadata)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
