//! Loading and appending aggregate events in postgres-es's `events` table.
//!
//! We load through postgres-es's repository but not cqrs-es's `CqrsFramework`: we need the
//! assigned sequences back, per-command metadata within one batched commit, and our own retry
//! policy. Appends are our own single `INSERT … SELECT FROM UNNEST`: postgres-es inserts one
//! row per statement inside a transaction (BEGIN, n INSERTs, COMMIT: n + 2 round trips), while
//! one statement is atomic on its own and costs one round trip however many rooms and events
//! it carries (see [`crate::group_commit`]). Conflicts (another writer appended first) surface
//! as [`StoreError::Conflict`], exactly as postgres-es reports them: any unique violation.
//!
//! # The account fence
//!
//! Room commands are appended only while their actors have an account, checked in the append
//! statement itself ([`EventStore::append_fenced`]): it locks the actors' `user_credentials`
//! rows `FOR KEY SHARE SKIP LOCKED` in a `MATERIALIZED` CTE and inserts only if it locked every
//! one. The erasure deletes that row first in its transaction (`crate::erasure`), and the two
//! meet on the row lock (PostgreSQL, "Explicit Locking", row-level locks: `DELETE` takes
//! `FOR UPDATE`, the one mode `FOR KEY SHARE` conflicts with):
//! - the append locked the row first: the erasure's `DELETE` waits until the append's
//!   statement (its own transaction) commits, and every later statement of the erasure, in
//!   READ COMMITTED, sees the appended events and redacts them;
//! - the erasure's `DELETE` came first (committed or not): the append cannot lock the row
//!   (`SKIP LOCKED` skips a row held in a conflicting mode, and a row whose deleter committed
//!   after the statement's snapshot is not returned by a locking read in READ COMMITTED), or
//!   does not see it at all (deleted before its snapshot), and appends nothing.
//!
//! `SKIP LOCKED` rather than waiting: an erasure holds its lock until it commits, after
//! scanning the events table, and a waiting append would hold up its whole group (and the
//! process's few group commits in flight) that long. Skipped actors whose row the statement
//! still sees are reported as being erased (the caller says "busy": a retry after the erasure
//! commits is refused for good, or goes through if the erasure rolled back); invisible ones as
//! erased. `FOR KEY SHARE` does not conflict with `UPDATE`s that leave the key alone (granting
//! admin rights): those neither wait for appends nor make them skip the row; an updated row is
//! locked in its latest version and re-checked (READ COMMITTED's re-evaluation of the `WHERE`
//! clause), as a foreign key check would.
//!
//! The CTE is `MATERIALIZED`, so that it is evaluated once, shared by the insert's condition
//! and the reported actors: the locks taken, the decision and the report agree. It is fully
//! read (by `count(*)`, which gates the insert as a one-time filter, and by the reported list)
//! before any row is inserted, so no event is written before every lock is held.

use std::collections::{HashMap, HashSet};

use chat_domain::UserId;
use cqrs_es::persist::{PersistedEventRepository, PersistenceError};
use cqrs_es::{Aggregate, DomainEvent, EventEnvelope};
use postgres_es::PostgresEventRepository;
use sqlx::PgPool;
use sqlx::error::ErrorKind;
use uuid::Uuid;

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

/// Why a fenced append appended nothing.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Actors without an account: erased (or never registered).
    pub erased: HashSet<UserId>,
    /// Actors whose erasure is in progress: it holds their credentials row and has not
    /// committed yet.
    pub erasing: HashSet<UserId>,
}

impl Refusal {
    /// Whether `actor` is one of the refused.
    pub fn refuses(&self, actor: &UserId) -> bool {
        self.erased.contains(actor) || self.erasing.contains(actor)
    }

    /// The part of the refusal that concerns `actors`.
    pub fn of<'a>(&self, actors: impl IntoIterator<Item = &'a UserId>) -> Refusal {
        let mut refusal = Refusal::default();
        for actor in actors {
            if self.erased.contains(actor) {
                refusal.erased.insert(*actor);
            } else if self.erasing.contains(actor) {
                refusal.erasing.insert(*actor);
            }
        }
        refusal
    }

    fn is_empty(&self) -> bool {
        self.erased.is_empty() && self.erasing.is_empty()
    }
}

/// What a fenced append did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fenced {
    Appended,
    /// Some actor has no account (any more) or is being erased: nothing was appended.
    Refused(Refusal),
}

/// Appends rows if every actor in `$8` (distinct) still has an account; one statement, so all
/// or nothing. Rows go in by aggregate and sequence, and `global_position` is drawn in that
/// order, which keeps each aggregate's sequence in feed order. That order is the same for
/// every append, so two appends of overlapping rooms (two processes' groups) never wait for
/// each other's keys in a cycle: in the order the group gave them, each could wait on the
/// other's uncommitted key of one room while holding one of another's, and PostgreSQL would
/// abort one as a deadlock after `deadlock_timeout`. Returns the actors whose credentials row
/// it locked, and those it sees (in its snapshot) at all; see the module documentation for the
/// locking.
const APPEND: &str = "
WITH actors AS MATERIALIZED (
    SELECT user_id FROM user_credentials WHERE user_id = ANY($8::uuid[]) FOR KEY SHARE SKIP LOCKED
), appended AS (
    INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
    SELECT $1, e.aggregate_id, e.sequence, e.event_type, e.event_version, e.payload, e.metadata
    FROM UNNEST($2::text[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[])
         AS e(aggregate_id, sequence, event_type, event_version, payload, metadata)
    WHERE (SELECT count(*) FROM actors) = cardinality($8::uuid[])
    ORDER BY e.aggregate_id, e.sequence
)
SELECT ARRAY(SELECT user_id FROM actors) AS locked,
       ARRAY(SELECT user_id FROM user_credentials WHERE user_id = ANY($8::uuid[])) AS visible";

#[derive(Clone)]
pub struct EventStore {
    repo: std::sync::Arc<PostgresEventRepository>,
    pool: PgPool,
}

impl EventStore {
    pub fn new(pool: PgPool) -> Self {
        Self { repo: std::sync::Arc::new(PostgresEventRepository::new(pool.clone())), pool }
    }

    /// The pool the store writes through, for the few reads that decide a command (blocks).
    pub fn pool(&self) -> &PgPool {
        &self.pool
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

    /// Appends to several aggregates of one type in one statement: all or nothing. Not fenced
    /// by accounts (for aggregates whose events need no fence: users, presence).
    pub async fn append_many<A: Aggregate>(&self, streams: &[Append<A::Event>]) -> Result<(), StoreError> {
        self.insert::<A>(streams, &HashSet::new()).await.map(drop)
    }

    /// Appends to several aggregates of one type in one statement, only if every one of
    /// `actors` still has an account and is not being erased; all or nothing either way.
    pub async fn append_fenced<'a, A: Aggregate>(
        &self,
        streams: impl IntoIterator<Item = &'a Append<A::Event>>,
        actors: impl IntoIterator<Item = &'a UserId>,
    ) -> Result<Fenced, StoreError>
    where
        A::Event: 'a,
    {
        // Distinct, as the statement compares the rows it locked with the actors' count.
        let actors: HashSet<UserId> = actors.into_iter().copied().collect();
        let (locked, visible) = self.insert::<A>(streams, &actors).await?;
        let mut refusal = Refusal::default();
        for actor in actors.into_iter().filter(|actor| !locked.contains(actor)) {
            if visible.contains(&actor) {
                refusal.erasing.insert(actor);
            } else {
                refusal.erased.insert(actor);
            }
        }
        Ok(if refusal.is_empty() { Fenced::Appended } else { Fenced::Refused(refusal) })
    }

    /// Runs [`APPEND`]; the actors whose credentials it locked, and those it saw.
    async fn insert<'a, A: Aggregate>(
        &self,
        streams: impl IntoIterator<Item = &'a Append<A::Event>>,
        actors: &HashSet<UserId>,
    ) -> Result<(HashSet<UserId>, HashSet<UserId>), StoreError>
    where
        A::Event: 'a,
    {
        let streams: Vec<&Append<A::Event>> = streams.into_iter().collect();
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
        let actors: Vec<Uuid> = actors.iter().map(UserId::as_uuid).collect();
        let (locked, visible): (Vec<Uuid>, Vec<Uuid>) = sqlx::query_as(APPEND)
            .bind(A::TYPE)
            .bind(ids)
            .bind(sequences)
            .bind(types)
            .bind(versions)
            .bind(payloads)
            .bind(metadata)
            .bind(&actors)
            .fetch_one(&self.pool)
            .await?;
        let users = |ids: Vec<Uuid>| ids.into_iter().map(UserId::from_uuid).collect();
        Ok((users(locked), users(visible)))
    }
}
