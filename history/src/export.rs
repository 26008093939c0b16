//! Reading the event store for an export: the durable feed's order and horizon, in pages.
//!
//! The export covers every event after the start cursor whose transaction is older than the
//! feed's horizon when the export began (the oldest transaction in flight that could append
//! events, see [`chat_feed::read_batch`]): no event can ever join that range later, while an
//! event of a younger transaction could still be preceded by a late commit with a smaller
//! position. The end cursor — "everything before that horizon" — is therefore known at the
//! start, and a run from it continues with no gap and no duplicate. Rows are read in
//! `(tx_id, global_position)` order, as the feed runner reads them, a page at a time, so
//! memory stays constant whatever the size of the store.

use std::sync::LazyLock;

use sqlx::PgPool;
use tokio::sync::mpsc;

use chat_feed::reader::{EVENT_COLUMNS, stored_event};
use chat_feed::{Pages, StoredEvent, horizon, read_ahead};

use crate::{Cursor, Filter};

/// Events per page (one query each).
pub const PAGE_SIZE: i64 = 2_000;

/// One export in progress.
pub struct Export {
    pool: PgPool,
    filter: Filter,
    position: Cursor,
    horizon: u64,
    end: Cursor,
    page_size: i64,
    done: bool,
}

impl Export {
    /// Fixes the horizon now; the export covers events after `after` and before it.
    pub async fn begin(pool: PgPool, filter: Filter, after: Cursor) -> Result<Self, sqlx::Error> {
        let horizon = horizon(&pool).await?;
        let end = after.max(Cursor::before_transaction(horizon));
        Ok(Self { pool, filter, position: after, horizon, end, page_size: PAGE_SIZE, done: false })
    }

    /// Pages of this many events (tests use small pages to cross page boundaries).
    pub fn with_page_size(mut self, page_size: i64) -> Self {
        self.page_size = page_size.max(1);
        self
    }

    /// Where a later export resumes once this one has been read to the end.
    pub fn end_cursor(&self) -> Cursor {
        self.end
    }

    /// Reads ahead on a task of its own, `depth` pages at most, so that the database and the
    /// encoder work at the same time (see [`read_ahead`]; e.g. an HTTP client that went away
    /// drops the receiver).
    pub fn spawn(self, depth: usize) -> mpsc::Receiver<Result<Vec<StoredEvent>, sqlx::Error>> {
        read_ahead(self, depth)
    }
}

/// A page of matching events, in the feed's order, up to the horizon.
static PAGE_QUERY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {EVENT_COLUMNS}
         FROM public.events
         WHERE (tx_id, global_position) > ($1::text::xid8, $2)
           AND tx_id < $3::text::xid8
           AND ($4::timestamptz IS NULL OR recorded_at >= $4)
           AND ($5::timestamptz IS NULL OR recorded_at < $5)
           AND ($6::text IS NULL OR aggregate_type = $6)
           AND ($7::text IS NULL OR aggregate_id = $7)
           AND (cardinality($8::text[]) = 0 OR event_type = ANY($8))
         ORDER BY tx_id, global_position
         LIMIT $9"
    )
});

impl Pages for Export {
    type Page = Vec<StoredEvent>;

    /// The next page of matching events (upcast), or `None` at the end.
    async fn next_page(&mut self) -> Result<Option<Vec<StoredEvent>>, sqlx::Error> {
        if self.done {
            return Ok(None);
        }
        let filter = &self.filter;
        let rows = sqlx::query(&PAGE_QUERY)
            .bind(self.position.0.tx_id.to_string())
            .bind(self.position.0.position)
            .bind(self.horizon.to_string())
            .bind(filter.since)
            .bind(filter.until)
            .bind(&filter.aggregate_type)
            .bind(&filter.aggregate_id)
            .bind(&filter.event_types)
            .bind(self.page_size)
            .fetch_all(&self.pool)
            .await?;
        if (rows.len() as i64) < self.page_size {
            self.done = true;
        }
        let events = rows.iter().map(stored_event).collect::<Result<Vec<_>, _>>()?;
        match events.last() {
            Some(last) => {
                self.position = Cursor(last.checkpoint());
                Ok(Some(events))
            }
            None => Ok(None),
        }
    }
}
