//! One page of the feed after a checkpoint, in commit-safe order; the feed's horizon; one
//! stream's events in sequence order.

use serde_json::Value;
use serde_json::value::{RawValue, to_raw_value};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgExecutor, Row};

use crate::{Checkpoint, StoredEvent};

/// Events after a checkpoint that are safe to pass, and whether newer committed events exist
/// that must wait for an older transaction still in flight.
#[derive(Debug, Default)]
pub struct Batch {
    pub events: Vec<StoredEvent>,
    pub held_back: bool,
}

/// What feed runners call their connections in `pg_stat_activity`. Their transactions write
/// read models and checkpoints, never events, so the horizon below does not wait for them.
pub const RUNNER_APPLICATION_NAME: &str = "chat feed runner";

/// The feed's horizon (see [`read_batch`]) as one scalar subquery, evaluated once per statement;
/// the argument names the parameter bound to [`RUNNER_APPLICATION_NAME`].
macro_rules! horizon {
    ($runner_name:literal) => {
        concat!(
            "(SELECT coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot()))
              FROM pg_snapshot_xip(pg_current_snapshot()) AS x
              WHERE (x::text::bigint % 4294967296)::text::xid NOT IN (
                  SELECT backend_xid FROM pg_stat_activity
                  WHERE backend_xid IS NOT NULL
                    AND (datname IS DISTINCT FROM current_database() OR application_name = ",
            $runner_name,
            ")))"
        )
    };
}

/// The columns [`stored_event`] reads, in its order. `tx_text`, not `tx_id`: an output column
/// named `tx_id` would make an `ORDER BY tx_id` sort by the text (`'99' > '100'`) and miss
/// the index.
macro_rules! event_columns {
    () => {
        "global_position, tx_id::text AS tx_text, aggregate_type, aggregate_id, sequence,
         event_type, event_version, payload, metadata, recorded_at"
    };
}

/// Where every reader's row starts (see [`stored_event`]): a query that selects these first
/// can decode its rows with it.
pub const EVENT_COLUMNS: &str = event_columns!();

/// The feed's horizon now (see [`read_batch`]): every event of a transaction older than it is
/// committed or never will be, so a reader that stops before it (an export fixing its end at
/// the start) can be continued later with no gap.
pub async fn horizon(executor: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    let horizon: String = sqlx::query_scalar(concat!("SELECT ", horizon!("$1"), "::text"))
        .bind(RUNNER_APPLICATION_NAME)
        .fetch_one(executor)
        .await?;
    horizon.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Reads up to `limit` events after `after`. Rows of transactions that are not yet older than
/// every in-flight transaction that could still append events come last in `(tx_id, position)`
/// order; they are cut off and reported as `held_back`, all in one statement and hence one
/// snapshot.
///
/// The horizon is the oldest transaction in flight in the statement's snapshot, except those
/// that are certainly not appending: still running when `pg_stat_activity` is read (after the
/// snapshot) and either another database's or a feed runner's. Without the exception, every
/// projector batch held back every feed, the relay's too, for as long as it wrote, and so did
/// any long transaction anywhere on the server. A transaction that ended in between, or whose
/// session we may not see, counts as a possible appender, exactly as before. The horizon is
/// computed once per statement, not once per row (that was a tenth of a page read).
pub async fn read_batch(conn: &mut PgConnection, after: Checkpoint, limit: i64) -> Result<Batch, sqlx::Error> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        event_columns!(),
        ", tx_id < ",
        horizon!("$4"),
        " AS settled
         FROM public.events
         WHERE (tx_id, global_position) > ($1::text::xid8, $2)
         ORDER BY tx_id, global_position
         LIMIT $3"
    ))
    .bind(after.tx_id.to_string())
    .bind(after.position)
    .bind(limit)
    .bind(RUNNER_APPLICATION_NAME)
    .fetch_all(conn)
    .await?;

    let mut batch = Batch::default();
    for row in &rows {
        if !row.try_get::<bool, _>(SETTLED)? {
            batch.held_back = true;
            break;
        }
        batch.events.push(stored_event(row)?);
    }
    Ok(batch)
}

/// Up to `limit` events of one aggregate after `after`, in sequence order (read by primary key;
/// for resume and gap filling, not for the global feed).
pub async fn stream_after(
    executor: impl PgExecutor<'_>,
    aggregate_type: &str,
    aggregate_id: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        event_columns!(),
        " FROM public.events
         WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3
         ORDER BY sequence
         LIMIT $4"
    ))
    .bind(aggregate_type)
    .bind(aggregate_id)
    .bind(after)
    .bind(limit)
    .fetch_all(executor)
    .await?;
    rows.iter().map(stored_event).collect()
}

/// Where a feed read puts its `settled` flag: after the columns [`stored_event`] reads.
const SETTLED: usize = 10;

/// A row of a feed read as the current code reads it. The row's first columns are, in this
/// order: `global_position`, `tx_id` as text, `aggregate_type`, `aggregate_id`, `sequence`,
/// `event_type`, `event_version`, `payload`, `metadata`, `recorded_at`. Older event versions
/// are upcast here, so every reader of the feed (projectors, relay, backfill, export) sees
/// current shapes only; a current event's JSON is taken as it is, unparsed.
pub fn stored_event(row: &PgRow) -> Result<StoredEvent, sqlx::Error> {
    let decode = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
    let aggregate_type: String = row.try_get(2)?;
    let event_type: String = row.try_get(5)?;
    let mut event_version: String = row.try_get(6)?;
    let mut payload = row.try_get::<&RawValue, _>(7)?.to_owned();
    if chat_domain::upcast::is_outdated(&aggregate_type, &event_type, &event_version) {
        let mut value: Value = serde_json::from_str(payload.get()).map_err(decode)?;
        chat_domain::upcast::upcast(&aggregate_type, &event_type, &mut event_version, &mut value);
        payload = to_raw_value(&value).map_err(decode)?;
    }
    let tx_id: &str = row.try_get(1)?;
    Ok(StoredEvent {
        global_position: row.try_get(0)?,
        tx_id: tx_id.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        aggregate_type,
        aggregate_id: row.try_get(3)?,
        sequence: row.try_get(4)?,
        event_type,
        event_version,
        payload,
        metadata: row.try_get::<&RawValue, _>(8)?.to_owned(),
        recorded_at: row.try_get(9)?,
    })
}
