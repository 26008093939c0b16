//! The events table's read side: every committed event, once, in a commit-safe global order,
//! and the typed reads of one stream that resume and gap filling need. Used by the projectors,
//! the relay, the gateways (backfill), the analysts' export and whatever feed consumer comes
//! next (notifier, webhooks), none of which needs another's code for it.
//!
//! Order is `(tx_id, global_position)`. A reader only passes events of transactions older than
//! the oldest transaction still in flight that could append events, so an event that commits
//! late with a smaller position can never be skipped — a plain `global_position > checkpoint`
//! read would skip it. The price is latency while such a transaction is open (an append is one
//! short statement); the runner retries quickly when it sees events held back. Transactions of
//! feed runners and of other databases are known not to append and do not hold feeds back
//! (see [`read_batch`]).
//!
//! # Layout
//! - [`event`]: a stored event as readers get it (payload upcast, JSON text until decoded).
//! - [`reader`]: one page of the feed after a checkpoint; the horizon; one stream's events.
//! - [`rooms`]: a room's stream and a user's memberships, typed (for gateways).
//! - [`users`]: whether users were erased, from their own streams (for gateways).
//! - [`checkpoint`]: where a named consumer has got to.
//! - [`runner`]: one active runner per feed name; effects and checkpoint in one transaction.
//! - [`wakeup`]: `LISTEN`/`NOTIFY` wake-ups when events commit.
//! - [`lease`]: one holder of a named job across processes (advisory locks).
//! - [`read_ahead`]: reading the next page while the current one is consumed.
//! - [`lag`]: how far each consumer is behind.
#![forbid(unsafe_code)]

pub mod checkpoint;
pub mod event;
pub mod lag;
pub mod lease;
pub mod read_ahead;
pub mod reader;
pub mod rooms;
pub mod runner;
#[cfg(test)]
mod test_events;
pub mod users;
pub mod wakeup;

pub use checkpoint::{Checkpoint, CheckpointMoved};
pub use event::{DecodeError, StoredEvent};
pub use lag::{FeedLag, lag};
pub use read_ahead::{Pages, read_ahead};
pub use reader::{Batch, RUNNER_APPLICATION_NAME, horizon, read_batch, stream_after};
pub use runner::{FeedRunner, FeedSink, RunnerConfig};
pub use wakeup::Wakeup;
