//! The read side of the chat backend.
//!
//! # Layout
//! - [`feed`]: the durable feed over the `events` table (the outbox): a commit-safe reader,
//!   checkpoints, and a runner that holds one advisory-lock lease per feed name and commits
//!   each batch's effects together with its checkpoint (exactly-once effects).
//! - [`projectors`]: the projectors that build read models from the feed (users, rooms and
//!   memberships, message history).
//! - [`queries`]: typed read-model queries used by the HTTP API.
//!
//! No projection relies on cqrs-es `Query` dispatch, which is inline, best-effort and lossy.
#![forbid(unsafe_code)]

pub mod feed;
pub mod projectors;
pub mod queries;
