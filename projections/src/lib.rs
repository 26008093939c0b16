//! The read side of the chat backend.
//!
//! # Layout
//! - [`erasure`]: an erased user's personal data out of every copy of the read models.
//! - [`feed`]: the durable feed over the `events` table (the outbox): a commit-safe reader,
//!   checkpoints, and a runner that holds one advisory-lock lease per feed name and commits
//!   each batch's effects together with its checkpoint (exactly-once effects).
//! - [`history`]: the event history for analysts — export in feed order as NDJSON, CSV or
//!   Parquet, with filters and a resume cursor (CLI and admin HTTP endpoint).
//! - [`lease`]: one holder of a named job across processes (Postgres advisory locks).
//! - [`projectors`]: the projectors that build read models from the feed (`users`: profiles and
//!   presence; `rooms`: room list, memberships, unread counts, receipts, history).
//! - [`queries`]: typed read-model queries used by the HTTP API.
//! - [`rebuild`]: rebuilding a projector's tables from the event store and swapping them in.
//!
//! No projection relies on cqrs-es `Query` dispatch, which is inline, best-effort and lossy.
#![forbid(unsafe_code)]

pub mod erasure;
pub mod feed;
pub mod history;
pub mod lease;
pub mod projectors;
pub mod queries;
pub mod rebuild;
