//! WebSocket gateways: stateless apart from their connections, any number of them.
//!
//! # Layout
//! - [`protocol`]: client and server frames and close codes (documented in `docs/protocol.md`).
//! - [`openapi`]: those frames and the room events as OpenAPI components (for `/openapi.json`).
//! - [`session`]: one connection — identify, reader, writer.
//! - [`commands`]: a connection's commands to the command service, in order per room.
//! - [`connection`]: the handle others hold of a connection (bounded outbox, closer).
//! - [`hub`]: room feeds ref-counted by connections, users' connections, membership changes.
//! - [`limits`]: per-connection rate limits.
//! - [`acks`]: clients' delivery acknowledgements, coalesced and sent to the command service in
//!   batches.
//! - [`presence`]: reporting this gateway's users; batched delivery of presence changes, each
//!   frame encoded once and shared.
//! - [`room_feed`]: one subscription per room per gateway; ordered, gap-free dispatch and
//!   typing state, over a [`room_feed::RoomSource`] (unit-tested without NATS or Postgres).
//! - [`room_source`]: that source in a running gateway (NATS and Postgres).
//! - [`backfill`]: reading a room's events from the event store a page at a time (resume and
//!   gaps).
//! - [`lock`]: locking the shared maps.
//! - [`server`]: the buildable service (`Gateway::build` → `run_until_stopped`).
#![forbid(unsafe_code)]

pub mod acks;
pub mod backfill;
pub mod commands;
pub mod config;
pub mod connection;
pub mod contacts;
pub mod hub;
pub mod limits;
mod lock;
pub mod openapi;
pub mod presence;
pub mod protocol;
pub mod room_feed;
pub mod room_source;
pub mod server;
pub mod session;

pub use config::GatewayConfig;
pub use server::Gateway;
