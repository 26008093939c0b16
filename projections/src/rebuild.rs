//! Rebuilding a projector's read models from the event store while the system keeps serving.
//!
//! The projector runs over the whole feed on its own connection with `search_path` set to a
//! fresh schema holding empty copies of its tables (its SQL names tables without a schema, the
//! feed's SQL names `public`), while another connection reads the next page of the feed. Once
//! caught up, one transaction locks the live tables, applies the last events, swaps the tables
//! in and sets the live feed's checkpoint. Readers wait for that moment only; the live runner
//! notices the moved checkpoint and continues from it.
//!
//! The same shadow, filled with part of the history ([`Until`]) and never swapped in, is an
//! analyst's what-if replay (`crate::history::replay`).
//!
//! Two things make a rebuild fast where a projector's writes are costly (the search index:
//! two text vectors per message and a GIN index over them). A rebuild's shadow gets its GIN
//! indexes only once it is full: building one from all rows at once took a quarter of the
//! time of keeping it up row by row. And a projector whose rows each belong to one aggregate
//! ([`rebuild_in_lanes`]) applies each page in lanes, one connection each, the aggregates
//! shared out among them (Postgres computes the rows on as many cores), with only its unique
//! indexes kept up until the end.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::{Connection, PgConnection, PgPool, Postgres};

use chat_feed::lease;
use chat_feed::{Checkpoint, FeedSink, Pages, RUNNER_APPLICATION_NAME, StoredEvent, read_ahead, read_batch};

/// Events per transaction while rebuilding. Projectors apply a batch set-wise, so the larger it
/// is, the more of its updates fall on the same rows (a member's counters, a room's summary)
/// and are made once: 10,000 took a fifth less of Postgres's time than 2,000 on a store of
/// 100-room fills, for about 25 MB more memory.
const BATCH: i64 = 10_000;

/// Shares of pages queued for each lane of a [`rebuild_in_lanes`]: enough to keep a lane busy
/// while the reader is a page behind, little enough to bound memory (a few pages of events).
const LANE_QUEUE: usize = 2;

#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("projector failed: {0}")]
    Projector(Box<dyn std::error::Error + Send + Sync>),
}

/// Which events of the feed a shadow takes in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Until {
    /// Every settled event (a rebuild).
    #[default]
    End,
    /// The feed up to and including this position (an export's cursor): exactly what a
    /// projector whose checkpoint is there has seen.
    Checkpoint(Checkpoint),
    /// The events whose `global_position` is at most this. Within each aggregate that is a
    /// prefix of its sequence (an aggregate's later events get later positions).
    Position(i64),
    /// The events recorded at or before this time (likewise a prefix of each aggregate).
    Time(DateTime<Utc>),
}

impl Until {
    fn admits(&self, event: &StoredEvent) -> bool {
        match self {
            Until::End => true,
            Until::Checkpoint(checkpoint) => event.checkpoint() <= *checkpoint,
            Until::Position(position) => event.global_position <= *position,
            Until::Time(time) => event.recorded_at <= *time,
        }
    }

    /// Whether no event at or after `event` in feed order can be admitted any more.
    fn ends_before(&self, event: &StoredEvent) -> bool {
        matches!(self, Until::Checkpoint(checkpoint) if event.checkpoint() > *checkpoint)
    }
}

/// An event a shadow applied: where it is in the feed and when it was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventPoint {
    pub checkpoint: Checkpoint,
    pub recorded_at: DateTime<Utc>,
}

/// How far a shadow has got.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    /// Everything in the feed up to here has been read (and applied, unless left out by
    /// [`Until`]).
    pub checkpoint: Checkpoint,
    /// Events applied.
    pub events: u64,
    /// The last event applied.
    pub last: Option<EventPoint>,
}

impl Progress {
    /// Counts a page as applied.
    fn took(&mut self, page: &Page) {
        self.checkpoint = page.checkpoint;
        self.events += page.events.len() as u64;
        if let Some(event) = page.events.last() {
            self.last = Some(EventPoint { checkpoint: event.checkpoint(), recorded_at: event.recorded_at });
        }
    }
}

/// A projector's fresh tables, caught up as `progress` says, in schema `schema`.
pub struct Shadow {
    pub schema: String,
    pub progress: Progress,
    conn: PgConnection,
    pool: PgPool,
}

#[derive(Debug)]
pub struct Rebuilt {
    pub events: u64,
    pub elapsed: Duration,
}

/// Rebuilds `tables` of projector `name` and swaps them in.
pub async fn rebuild<S: FeedSink>(
    pool: &PgPool,
    name: &str,
    tables: &[&str],
    sink: &mut S,
    progress: impl Fn(u64),
) -> Result<Rebuilt, RebuildError> {
    let started = Instant::now();
    let shadow = build_shadow(pool, name, tables, sink, progress).await?;
    let events = swap(shadow, name, tables, sink).await?;
    Ok(Rebuilt { events, elapsed: started.elapsed() })
}

/// [`rebuild`] for a projector whose writes for one aggregate's events touch no row that
/// another aggregate's events touch, and find the rows they change by a unique key: each page
/// is applied in [`lanes`] at once, on a connection each, every aggregate always in the same
/// lane (so its events stay in order), and only unique indexes are kept up while filling.
pub async fn rebuild_in_lanes<S: FeedSink + Clone + Send + 'static>(
    pool: &PgPool,
    name: &str,
    tables: &[&str],
    sink: &mut S,
    progress: impl Fn(u64),
) -> Result<Rebuilt, RebuildError> {
    let started = Instant::now();
    let shadow = build_shadow_in_lanes(pool, name, tables, sink, lanes(), progress).await?;
    let events = swap(shadow, name, tables, sink).await?;
    Ok(Rebuilt { events, elapsed: started.elapsed() })
}

/// [`build_shadow`] in `lanes` (see [`rebuild_in_lanes`]).
pub async fn build_shadow_in_lanes<S: FeedSink + Clone + Send + 'static>(
    pool: &PgPool,
    name: &str,
    tables: &[&str],
    sink: &S,
    lanes: usize,
    progress: impl Fn(u64),
) -> Result<Shadow, RebuildError> {
    let mut shadow = Shadow::create(pool, shadow_schema(name), tables).await?;
    let deferred = shadow.defer_indexes(Deferred::AllButUnique).await?;
    let started = Instant::now();
    shadow.fill_in_lanes(sink, lanes.max(1), progress).await?;
    let filled = started.elapsed();
    shadow.build_indexes(&deferred).await?;
    tracing::info!(projector = name, lanes, ?filled, indexed = ?started.elapsed() - filled, "shadow built");
    Ok(shadow)
}

/// Lanes of a [`rebuild_in_lanes`]: one more than this machine's cores (where Postgres usually
/// runs too), at most five, so that some lane's backend computes while another waits for its
/// next share. On two cores the search index rebuilt at 44,500 events/s in 2 lanes, 45,300 to
/// 49,300 in 3 and 42,000 to 45,400 in 4 (BENCHMARKS.md, eighth pass).
fn lanes() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from).min(4) + 1
}

/// Which of a shadow's indexes are built once it is full rather than kept up while filling.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Deferred {
    /// GIN indexes: they serve queries (text search), never a projector's writes.
    Gin,
    /// Every index but unique ones (primary keys among them), for projectors whose writes
    /// find rows by a unique key.
    AllButUnique,
}

fn shadow_schema(name: &str) -> String {
    format!("rebuild_{}", name.replace(|c: char| !c.is_ascii_alphanumeric(), "_"))
}

/// Fills fresh copies of `tables` in schema `rebuild_<name>` from the whole feed.
pub async fn build_shadow<S: FeedSink>(
    pool: &PgPool,
    name: &str,
    tables: &[&str],
    sink: &mut S,
    progress: impl Fn(u64),
) -> Result<Shadow, RebuildError> {
    let mut shadow = Shadow::create(pool, shadow_schema(name), tables).await?;
    let deferred = shadow.defer_indexes(Deferred::Gin).await?;
    shadow.fill(sink, Until::End, progress).await?;
    shadow.build_indexes(&deferred).await?;
    Ok(shadow)
}

impl Shadow {
    /// Empty copies of the live `tables` in a fresh schema `schema` (replacing one of that
    /// name), on a connection of its own ([`connect`]). `schema` must be a plain identifier: it
    /// is written into SQL as it is.
    pub async fn create(pool: &PgPool, schema: String, tables: &[&str]) -> Result<Self, RebuildError> {
        let mut conn = connect(pool, &schema).await?;
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).execute(&mut conn).await?;
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&mut conn).await?;
        for table in tables {
            // `LIKE` copies columns, defaults, constraints and indexes, not storage parameters:
            // the fill factors that leave room for in-place updates count most while rebuilding.
            let parameters: Option<Vec<String>> =
                sqlx::query_scalar("SELECT reloptions FROM pg_class WHERE oid = $1::regclass")
                    .bind(format!("public.{table}"))
                    .fetch_one(&mut conn)
                    .await?;
            let with = parameters.map(|parameters| format!(" WITH ({})", parameters.join(", "))).unwrap_or_default();
            sqlx::query(&format!("CREATE TABLE {schema}.{table} (LIKE public.{table} INCLUDING ALL){with}"))
                .execute(&mut conn)
                .await?;
            // Nor columns' statistics targets (the search index's words need a large one).
            let targets: Vec<(String, i32)> = sqlx::query_as(
                "SELECT attname::text, attstattarget::int4 FROM pg_attribute
                 WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attstattarget > 0",
            )
            .bind(format!("public.{table}"))
            .fetch_all(&mut conn)
            .await?;
            for (column, target) in targets {
                let alter = format!("ALTER TABLE {schema}.{table} ALTER COLUMN {column} SET STATISTICS {target}");
                sqlx::query(&alter).execute(&mut conn).await?;
            }
        }
        Ok(Shadow { schema, progress: Progress::default(), conn, pool: pool.clone() })
    }

    /// Applies the feed from the shadow's checkpoint on, page by page, until nothing settled
    /// that `until` admits is left. The pages are read one ahead, on a pooled connection.
    pub async fn fill<S: FeedSink>(
        &mut self,
        sink: &mut S,
        until: Until,
        progress: impl Fn(u64),
    ) -> Result<(), RebuildError> {
        let feed = FeedPages { conn: self.pool.acquire().await?, after: self.progress.checkpoint, until };
        let mut pages = read_ahead(feed, 1);
        while let Some(page) = pages.recv().await {
            let page = page?;
            apply_page(&mut self.conn, sink, &page.events).await?;
            self.progress.took(&page);
            progress(self.progress.events);
        }
        Ok(())
    }

    /// [`Shadow::fill`] in `lanes` (see [`rebuild_in_lanes`]): each page's events shared out by
    /// aggregate, every lane a task applying its shares in order, each share in a transaction
    /// of its own on the lane's connection. Lanes do not wait for each other between pages (a
    /// lane that got the larger share of one page catches up on the next): the feed is read
    /// ahead into each lane's queue, so that Postgres computes rows on every core throughout.
    async fn fill_in_lanes<S: FeedSink + Clone + Send + 'static>(
        &mut self,
        sink: &S,
        lanes: usize,
        progress: impl Fn(u64),
    ) -> Result<(), RebuildError> {
        let mut workers = tokio::task::JoinSet::new();
        let mut queues = Vec::with_capacity(lanes);
        for _ in 0..lanes {
            let (queue, mut shares) = tokio::sync::mpsc::channel::<Vec<StoredEvent>>(LANE_QUEUE);
            let mut conn = connect(&self.pool, &self.schema).await?;
            let mut sink = sink.clone();
            workers.spawn(async move {
                while let Some(events) = shares.recv().await {
                    apply_page(&mut conn, &mut sink, &events).await?;
                }
                conn.close().await?;
                Ok::<_, RebuildError>(())
            });
            queues.push(queue);
        }
        let feed = FeedPages { conn: self.pool.acquire().await?, after: self.progress.checkpoint, until: Until::End };
        let mut pages = read_ahead(feed, 1);
        let read = async {
            while let Some(page) = pages.recv().await {
                let mut page = page?;
                // Counted as read (an error ends the fill anyway).
                self.progress.took(&page);
                let mut shares = vec![Vec::new(); lanes];
                for event in std::mem::take(&mut page.events) {
                    shares[lane_of(&event.aggregate_id, lanes)].push(event);
                }
                for (queue, share) in queues.iter().zip(shares) {
                    // A lane that stopped failed: its error is what the fill reports.
                    if !share.is_empty() && queue.send(share).await.is_err() {
                        return Ok(());
                    }
                }
                progress(self.progress.events);
            }
            Ok::<_, RebuildError>(())
        };
        let read = read.await;
        drop(queues);
        while let Some(lane) = workers.join_next().await {
            lane.map_err(|panicked| RebuildError::Projector(Box::new(panicked)))??;
        }
        read
    }

    /// Drops the shadow's indexes that `deferred` names and answers their definitions, for
    /// [`Shadow::build_indexes`] once the shadow is full.
    async fn defer_indexes(&mut self, deferred: Deferred) -> Result<Vec<String>, sqlx::Error> {
        let indexes: Vec<(String, String)> = sqlx::query_as(
            "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index i
             JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND (am.amname = 'gin' OR ($2 AND NOT i.indisunique))",
        )
        .bind(&self.schema)
        .bind(deferred == Deferred::AllButUnique)
        .fetch_all(&mut self.conn)
        .await?;
        for (index, _) in &indexes {
            sqlx::query(&format!("DROP INDEX {}.{index}", self.schema)).execute(&mut self.conn).await?;
        }
        Ok(indexes.into_iter().map(|(_, definition)| definition).collect())
    }

    /// Creates the indexes `definitions` (from [`Shadow::defer_indexes`]), each on a connection
    /// of its own and all at once (index builds of one table do not lock each other out, and
    /// PostgreSQL builds a GIN index on one core: the btrees take the others meanwhile), then
    /// gathers the fresh tables' statistics, so that the planner knows them from the swap on
    /// (searches choose their plan by how common a word is).
    async fn build_indexes(&mut self, definitions: &[String]) -> Result<(), sqlx::Error> {
        let search_path = format!("SET LOCAL search_path TO {}", self.schema);
        let builds = definitions.iter().map(|definition| async {
            let mut conn = self.pool.acquire().await?;
            let mut tx = conn.begin().await?;
            sqlx::query(&search_path).execute(&mut *tx).await?;
            // Postgres's default (64 MB) makes a GIN build of a million messages spill in rounds.
            sqlx::query("SET LOCAL maintenance_work_mem = '256MB'").execute(&mut *tx).await?;
            sqlx::query(definition).execute(&mut *tx).await?;
            tx.commit().await
        });
        futures::future::try_join_all(builds).await?;
        let tables: Vec<String> = sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = $1")
            .bind(&self.schema)
            .fetch_all(&mut self.conn)
            .await?;
        for table in tables {
            sqlx::query(&format!("ANALYZE {}.{table}", self.schema)).execute(&mut self.conn).await?;
        }
        Ok(())
    }

    /// Drops the fresh tables without swapping them in (for comparisons).
    pub async fn discard(mut self) -> Result<(), sqlx::Error> {
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema)).execute(&mut self.conn).await?;
        Ok(())
    }

    /// The shadow's own connection (its `search_path` is the shadow's schema).
    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.conn
    }
}

/// A page of the feed as a shadow takes it in.
struct Page {
    /// Everything in the feed up to here has been read.
    checkpoint: Checkpoint,
    /// The page's events that `until` admits.
    events: Vec<StoredEvent>,
}

/// The page after `after` (the events of it that `until` admits); `None` once nothing settled
/// is left, or nothing `until` could admit. Events held back by transactions still in flight
/// are not waited for: under steady traffic there may always be some; the swap leaves them to
/// the live runner.
async fn read_page(conn: &mut PgConnection, after: Checkpoint, until: Until) -> Result<Option<Page>, sqlx::Error> {
    let mut batch = read_batch(conn, after, BATCH).await?;
    if let Some(end) = batch.events.iter().position(|event| until.ends_before(event)) {
        batch.events.truncate(end);
    }
    let Some(last) = batch.events.last() else {
        return Ok(None);
    };
    let checkpoint = last.checkpoint();
    batch.events.retain(|event| until.admits(event));
    Ok(Some(Page { checkpoint, events: batch.events }))
}

/// The feed's pages for a shadow's [`Shadow::fill`], read on a connection of their own.
struct FeedPages {
    conn: PoolConnection<Postgres>,
    after: Checkpoint,
    until: Until,
}

impl Pages for FeedPages {
    type Page = Page;

    async fn next_page(&mut self) -> Result<Option<Page>, sqlx::Error> {
        let page = read_page(&mut self.conn, self.after, self.until).await?;
        if let Some(page) = &page {
            self.after = page.checkpoint;
        }
        Ok(page)
    }
}

/// Applies `events` through the projector in a transaction of their own on `conn`.
async fn apply_page<S: FeedSink>(
    conn: &mut PgConnection,
    sink: &mut S,
    events: &[StoredEvent],
) -> Result<(), RebuildError> {
    let mut tx = conn.begin().await?;
    // Fresh tables nobody reads yet: a crash just means rebuilding again.
    sqlx::query("SET LOCAL synchronous_commit = off").execute(&mut *tx).await?;
    apply(&mut tx, sink, events).await?;
    tx.commit().await?;
    Ok(())
}

/// A connection for a shadow: `search_path` set to its `schema`, and going by the feed runners'
/// name (like theirs, its transactions write read models, never events, so live feeds need not
/// wait for them).
async fn connect(pool: &PgPool, schema: &str) -> Result<PgConnection, sqlx::Error> {
    let options = pool.connect_options().as_ref().clone().application_name(RUNNER_APPLICATION_NAME);
    let mut conn = PgConnection::connect_with(&options).await?;
    sqlx::query(&format!("SET search_path TO {schema}")).execute(&mut conn).await?;
    Ok(conn)
}

/// The lane of `aggregate_id` among `lanes` (FNV-1a: stable, and spreads UUIDs evenly).
fn lane_of(aggregate_id: &str, lanes: usize) -> usize {
    let hash = aggregate_id
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3));
    (hash % lanes as u64) as usize
}

/// Applies a page's events through the projector.
async fn apply<S: FeedSink>(conn: &mut PgConnection, sink: &mut S, events: &[StoredEvent]) -> Result<(), RebuildError> {
    if !events.is_empty() {
        sink.handle(conn, events).await.map_err(|e| RebuildError::Projector(Box::new(e)))?;
    }
    Ok(())
}

/// Attempts at the swap. All but the last take the live tables' locks only if they are free at
/// once (`NOWAIT`), so that the swap never waits while holding some of them — which is how it
/// would deadlock with a reader that holds one and wants another; readers' queries are short,
/// so a free moment comes. The last attempt waits (bounded by `lock_timeout`).
const SWAP_ATTEMPTS: u32 = 200;

/// Swaps the tables in, retrying when a lock race aborts the attempt. Returns the number of
/// events applied in total.
async fn swap<S: FeedSink>(mut shadow: Shadow, name: &str, tables: &[&str], sink: &mut S) -> Result<u64, RebuildError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let before = shadow.progress;
        match try_swap(&mut shadow, name, tables, sink, attempt == SWAP_ATTEMPTS).await {
            Err(RebuildError::Database(sqlx::Error::Database(error)))
                if attempt < SWAP_ATTEMPTS && matches!(error.code().as_deref(), Some("40P01" | "55P03")) =>
            {
                tracing::debug!(attempt, %error, "rebuild swap could not lock the live tables yet; retrying");
                shadow.progress = before;
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            Err(error) => return Err(error),
            Ok(()) => return Ok(shadow.progress.events),
        }
    }
}

/// In one transaction: keeps the live runner out, locks the live tables, applies what arrived
/// meanwhile, swaps the tables in under their original index names, and moves the live
/// checkpoint.
async fn try_swap<S: FeedSink>(
    shadow: &mut Shadow,
    name: &str,
    tables: &[&str],
    sink: &mut S,
    wait: bool,
) -> Result<(), RebuildError> {
    let mut tx = shadow.conn.begin().await?;
    sqlx::query("SET LOCAL lock_timeout = '10s'").execute(&mut *tx).await?;
    lease::exclude_batches(&mut tx, name).await?;
    let live: Vec<String> = tables.iter().map(|table| format!("public.{table}")).collect();
    let nowait = if wait { "" } else { " NOWAIT" };
    sqlx::query(&format!("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE{nowait}", live.join(", "))).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO public.feed_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
        .bind(name)
        .execute(&mut *tx)
        .await?;
    Checkpoint::read(&mut tx, name, "FOR UPDATE").await?;
    while let Some(page) = read_page(&mut tx, shadow.progress.checkpoint, Until::End).await? {
        apply(&mut tx, sink, &page.events).await?;
        shadow.progress.took(&page);
    }
    let names = index_names(&mut tx, tables).await?;
    for table in tables {
        sqlx::query(&format!("DROP TABLE public.{table}")).execute(&mut *tx).await?;
        sqlx::query(&format!("ALTER TABLE {}.{table} SET SCHEMA public", shadow.schema)).execute(&mut *tx).await?;
    }
    for (definition, index) in index_names(&mut tx, tables).await? {
        if let Some(original) = names.get(&definition)
            && *original != index
        {
            sqlx::query(&format!("ALTER INDEX public.{index} RENAME TO {original}")).execute(&mut *tx).await?;
        }
    }
    shadow.progress.checkpoint.store(&mut tx, name).await?;
    sqlx::query(&format!("DROP SCHEMA {}", shadow.schema)).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The indexes of the `public` tables, by definition (without the index's name) — so that the
/// copies, which Postgres names by default, can be given the names the migrations chose.
async fn index_names(conn: &mut PgConnection, tables: &[&str]) -> Result<HashMap<String, String>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT regexp_replace(indexdef, 'INDEX \\S+ ON', 'INDEX ON'), indexname FROM pg_indexes
         WHERE schemaname = 'public' AND tablename = ANY($1)",
    )
    .bind(tables)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shadow's transaction stays open as long as a page takes to apply. Like a feed
    /// runner's, it never appends events, so live feeds (the relay's among them) must not
    /// wait for it.
    #[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
    async fn a_page_being_applied_to_a_shadow_holds_no_live_feed_back(pool: PgPool) {
        let mut shadow = Shadow::create(&pool, "rebuild_test".to_owned(), &["users"]).await.unwrap();
        let mut page = shadow.conn().begin().await.unwrap();
        sqlx::query("INSERT INTO users VALUES (gen_random_uuid(), 'ada', 'Ada', now())")
            .execute(&mut *page)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO public.events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
             VALUES ('presence', 'u', 1, 'PresenceChanged', '1.0', '{}', '{}')",
        )
        .execute(&pool)
        .await
        .unwrap();
        let mut reader = pool.acquire().await.unwrap();
        // Another session of the cluster (an autovacuum's analyze, say) may hold the feed for a
        // moment; the shadow's open page would hold it for good.
        for _ in 0..1000 {
            let batch = read_batch(&mut reader, Checkpoint::default(), 10).await.unwrap();
            if !batch.held_back {
                assert_eq!(batch.events.len(), 1);
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("the live feed waited for the shadow's page");
    }
}
