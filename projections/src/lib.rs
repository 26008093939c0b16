//! The read models: projectors that build them from the durable feed (`chat_feed`), the typed
//! queries that read them, their rebuild and their erasure. Both edges read through
//! [`queries`]: the REST API for every read, the gateways for a connecting user's room list.
//!
//! # Layout
//! - [`projectors`]: the projectors (`users`: profiles and presence; `rooms`: room list,
//!   memberships, unread counts, receipts, history; `support`: websites and the inbox;
//!   `search`: the full-text index of messages).
//! - [`queries`]: typed read-model queries.
//! - [`rebuild`]: rebuilding a projector's tables from the event store and swapping them in.
//! - [`erasure`]: an erased user's personal data out of every copy of the read models.
//!
//! No projection relies on cqrs-es `Query` dispatch, which is inline, best-effort and lossy.
#![forbid(unsafe_code)]

pub mod erasure;
pub mod projectors;
pub mod queries;
pub mod rebuild;
