//! The read side of the chat backend.
//!
//! # Layout
//! - [`feed`]: the durable feed over the `events` table (the outbox): a commit-safe reader,
//!   checkpoints, and a runner that holds one advisory-lock lease per feed name and commits
//!   each batch's effects together with its checkpoint (exactly-once effects).
//! - [`lease`]: one holder of a named job across processes (Postgres advisory locks).
//! - [`projectors`]: the projectors that build read models from the feed (`users`: profiles and
//!   presence; `rooms`: room list, memberships, unread counts, receipts, history).
//! - [`queries`]: typed read-model queries used by the HTTP API.
//! - [`rebuild`]: rebuilding a projector's tables from the event store and swapping them in.
//!
//! No projection relies on cqrs-es `Query` dispatch, which is inline, best-effort and lossy.
#![forbid(unsafe_code)]

pub mod feed;
pub mod lease;
pub mod projectors;
pub mod queries;
pub mod rebuild;
