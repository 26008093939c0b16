//! The durable feed: every committed event, once, in a commit-safe global order.
//!
//! Order is `(tx_id, global_position)`. A reader only passes events of transactions older than
//! the oldest transaction still in flight that could append events, so an event that commits
//! late with a smaller position can never be skipped — a plain `global_position > checkpoint`
//! read would skip it. The price is latency while such a transaction is open (an append is one
//! short statement); the runner retries quickly when it sees events held back. Transactions of
//! feed runners and of other databases are known not to append and do not hold feeds back
//! (see [`read_batch`]).

mod checkpoint;
mod event;
mod lag;
mod read_ahead;
pub(crate) mod reader;
mod runner;
mod wakeup;

pub use checkpoint::{Checkpoint, CheckpointMoved};
pub use event::{DecodeError, StoredEvent};
pub use lag::{FeedLag, lag};
pub use read_ahead::{Pages, read_ahead};
pub use reader::{Batch, RUNNER_APPLICATION_NAME, read_batch, stream_after};
pub use runner::{FeedRunner, FeedSink, RunnerConfig};
pub use wakeup::Wakeup;
