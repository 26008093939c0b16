//! Loading and appending aggregate events through postgres-es's repository.
//!
//! We use postgres-es for the SQL but not cqrs-es's `CqrsFramework`: we need the assigned
//! sequences back, per-command metadata within one batched commit, and our own retry policy.
//! Conflicts (another writer appended first) surface as [`StoreError::Conflict`].

use std::collections::HashMap;

use chat_domain::UserId;
use cqrs_es::persist::{PersistedEventRepository, PersistenceError, SerializedEvent};
use cqrs_es::{Aggregate, EventEnvelope};
use postgres_es::PostgresEventRepository;
use sqlx::PgPool;

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

#[derive(Clone)]
pub struct EventStore {
    repo: std::sync::Arc<PostgresEventRepository>,
}

impl EventStore {
    pub fn new(pool: PgPool) -> Self {
        Self { repo: std::sync::Arc::new(PostgresEventRepository::new(pool)) }
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

    /// Appends `events` after `version` in one transaction and returns them with their
    /// sequences; fails with `Conflict` if the aggregate has moved past `version`.
    pub async fn append<A: Aggregate>(
        &self,
        id: &str,
        version: u64,
        events: Vec<NewEvent<A::Event>>,
    ) -> Result<Vec<EventEnvelope<A>>, StoreError> {
        self.append_many::<A>(vec![(id.to_owned(), version, events)]).await
    }

    /// Appends to several aggregates of one type in one transaction: all or nothing.
    pub async fn append_many<A: Aggregate>(
        &self,
        streams: Vec<Append<A::Event>>,
    ) -> Result<Vec<EventEnvelope<A>>, StoreError> {
        let envelopes: Vec<EventEnvelope<A>> = streams
            .into_iter()
            .flat_map(|(id, version, events)| {
                events.into_iter().zip(version as usize + 1..).map(move |(new, sequence)| EventEnvelope {
                    aggregate_id: id.clone(),
                    sequence,
                    metadata: new.meta.to_map(),
                    payload: new.event,
                })
            })
            .collect();
        let serialized = envelopes.iter().map(SerializedEvent::try_from).collect::<Result<Vec<_>, _>>()?;
        self.repo.persist::<A>(&serialized, None).await?;
        Ok(envelopes)
    }
}
