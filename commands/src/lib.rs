//! The write side and the HTTP API.
//!
//! # Layout
//! - [`store`]: load aggregate events through postgres-es and append them in one statement,
//!   with per-command metadata and conflicts as a typed error.
//! - [`room_writer`]: one writer task per active room that batches commands into one commit
//!   and returns each command's assigned sequence.
//! - [`group_commit`]: one committer per process that appends many rooms' batches together.
//! - [`parse`]: client input to domain commands, shared by REST and the command bus.
//! - [`bus`]: room commands from gateways over NATS request/reply (queue group).
//! - [`presence`]: the presence tracker (gateway reports → recorded transitions).
//! - [`accounts`]: registration, login and profiles (`User` aggregate plus credentials).
//! - [`erasure`]: erasing a user's personal data (events redacted in place, read models,
//!   credentials), in one transaction.
//! - [`limits`]: rate limits (posts per user, logins per address).
//! - [`auth`]: access tokens and password hashing.
//! - [`http`]: the REST router — commands and read-model queries behind one auth and error
//!   model.
//! - [`api`]: the buildable HTTP service (`Api::build` → `run_until_stopped`).
#![forbid(unsafe_code)]

pub mod accounts;
pub mod api;
pub mod auth;
pub mod bus;
pub mod erasure;
pub mod group_commit;
pub mod http;
pub mod limits;
pub mod parse;
pub mod presence;
pub mod room_writer;
pub mod store;
