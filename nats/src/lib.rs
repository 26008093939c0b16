//! Everything NATS, and the only crate that knows subject strings.
//!
//! # Layout
//! - [`subjects`]: the subject scheme under a configurable prefix (so that several
//!   deployments or test runs can share one NATS server), and the JetStream stream name.
//! - [`wire`]: the JSON messages on those subjects (events, membership notices, typing,
//!   command requests and replies). Versioned by field, never by renaming.
//! - [`stream`]: idempotent JetStream stream set-up at start-up (NATS 2.9 compatible).
//! - [`connect`]: connecting with reconnect notifications.
//! - [`relay`]: the durable-feed sink that publishes every committed event to JetStream with
//!   `Nats-Msg-Id = <aggregate>:<id>:<seq>`, awaiting acks before the checkpoint advances.
#![forbid(unsafe_code)]

pub mod connect;
pub mod relay;
pub mod stream;
pub mod subjects;
pub mod wire;

pub use async_nats::Client;
pub use subjects::Subjects;
