//! Runs one named feed consumer: lease, read, apply, checkpoint, repeat.
//!
//! At most one runner per feed name is active across all processes: it holds a session
//! advisory lock on its own connection and does all its work on that connection, so losing
//! the connection loses the lease and any uncommitted batch together. Other runners of the
//! same name wait as standbys. Each batch's effects and its checkpoint commit in one
//! transaction, so a crash at any point neither loses nor repeats an effect.

use std::future::Future;
use std::time::Duration;

use sqlx::{Connection, PgConnection, PgPool};
use tracing::Instrument;

use crate::lease;
use tokio_util::sync::CancellationToken;

use crate::checkpoint::SaveError;
use crate::{Checkpoint, RUNNER_APPLICATION_NAME, StoredEvent, Wakeup, read_batch};

/// Does something with each batch of the feed, inside the transaction that also stores the
/// checkpoint. Writes made through `conn` are exactly-once; effects outside the database
/// (e.g. publishing) are at-least-once and must be idempotent downstream.
pub trait FeedSink: Send {
    type Error: std::error::Error + Send + Sync + 'static;

    fn handle(
        &mut self,
        conn: &mut PgConnection,
        events: &[StoredEvent],
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

#[derive(Clone, Debug)]
pub struct RunnerConfig {
    /// Events per transaction.
    pub batch_size: i64,
    /// How often to look for events without a wake-up (a lost notification costs at most this).
    pub poll_interval: Duration,
    /// The longest wait between retries while events are held back by an older transaction.
    pub max_held_back_wait: Duration,
    /// After a wake-up, how long to let more events arrive before reading: zero for a feed
    /// whose latency clients see (the relay); a few milliseconds for projectors, so that a
    /// busy feed is applied in pages rather than a transaction per event.
    pub gather: Duration,
    /// How long to wait before retrying after an error, and between standby lease attempts.
    pub retry_interval: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            batch_size: 500,
            poll_interval: Duration::from_millis(500),
            max_held_back_wait: Duration::from_millis(50),
            gather: Duration::ZERO,
            retry_interval: Duration::from_secs(1),
        }
    }
}

pub struct FeedRunner<S> {
    name: String,
    pool: PgPool,
    sink: S,
    wakeup: Wakeup,
    config: RunnerConfig,
}

#[derive(Debug, thiserror::Error)]
enum StepError<E> {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Checkpoint(#[from] SaveError),
    #[error(transparent)]
    Sink(E),
}

impl<S: FeedSink> FeedRunner<S> {
    pub fn new(name: impl Into<String>, pool: PgPool, sink: S, wakeup: Wakeup, config: RunnerConfig) -> Self {
        Self { name: name.into(), pool, sink, wakeup, config }
    }

    /// Runs until `shutdown`. Errors are logged and retried after `retry_interval` with a
    /// fresh connection, lease and checkpoint; a batch that keeps failing stops the feed here
    /// (visible as lag) rather than being skipped. A checkpoint moved by a rebuild's swap shows
    /// up as a failed batch and is picked up on the retry.
    pub async fn run(mut self, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            let result = tokio::select! {
                result = self.lease_and_pump(&shutdown) => result,
                _ = shutdown.cancelled() => return,
            };
            if let Err(error) = result {
                tracing::error!(feed = %self.name, %error, "feed runner failed; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(self.config.retry_interval) => {}
                    _ = shutdown.cancelled() => return,
                }
            }
        }
    }

    async fn lease_and_pump(&mut self, shutdown: &CancellationToken) -> Result<(), StepError<S::Error>> {
        let Some(mut conn) = lease::acquire(&self.pool, &self.name, self.config.retry_interval, shutdown).await? else {
            return Ok(());
        };
        // A batch lost to a crash is lost with its checkpoint and simply applied again, so
        // waiting for the flush to disk buys nothing here. The name tells other feeds that
        // this connection's transactions never append events (see `read_batch`).
        sqlx::query("SELECT set_config('synchronous_commit', 'off', false), set_config('application_name', $1, false)")
            .bind(RUNNER_APPLICATION_NAME)
            .execute(&mut conn)
            .await?;
        let mut checkpoint = Checkpoint::load(&mut conn, &self.name).await?;
        let mut held_back_wait = Duration::from_millis(1);
        loop {
            self.wakeup.mark_seen();
            let mut tx = conn.begin().await?;
            lease::enter_batch(&mut tx, &self.name).await?;
            let batch = read_batch(&mut tx, checkpoint, self.config.batch_size).await?;
            let full = batch.events.len() as i64 >= self.config.batch_size;
            if let Some(last) = batch.events.last() {
                let next = last.checkpoint();
                // Context for whatever is logged while the batch applies (error level: enabled
                // whenever an error is, see the API's request span).
                let span = tracing::error_span!(
                    "feed_batch",
                    feed = %self.name,
                    after = %checkpoint,
                    through = %next,
                    events = batch.events.len(),
                );
                async {
                    self.sink.handle(&mut tx, &batch.events).await.map_err(StepError::Sink)?;
                    next.advance(&mut tx, &self.name, checkpoint).await?;
                    tx.commit().await?;
                    Ok::<_, StepError<S::Error>>(())
                }
                .instrument(span)
                .await?;
                checkpoint = next;
                held_back_wait = Duration::from_millis(1);
            } else {
                tx.rollback().await?;
            }
            // A full page: more is waiting. A partial one: everything committed before the
            // read was in it (or held back), so the next read waits for a wake-up.
            if full {
                continue;
            }
            // Held back: the older transaction's own commit usually wakes us (it appended
            // events); the growing timer covers one that appended none and so never notifies.
            if batch.held_back {
                tokio::select! {
                    _ = self.wakeup.changed() => {}
                    _ = tokio::time::sleep(held_back_wait) => {}
                    _ = shutdown.cancelled() => return Ok(()),
                }
                held_back_wait = (held_back_wait * 2).min(self.config.max_held_back_wait);
                continue;
            }
            tokio::select! {
                _ = self.wakeup.changed() => {}
                _ = tokio::time::sleep(self.config.poll_interval) => {}
                _ = shutdown.cancelled() => return Ok(()),
            }
            if !self.config.gather.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(self.config.gather) => {}
                    _ = shutdown.cancelled() => return Ok(()),
                }
            }
        }
    }
}
