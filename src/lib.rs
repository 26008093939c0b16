//! The `chat` binary as a library: configuration, telemetry and the subcommands that wire the
//! crates together (`up` runs everything in one process; the others run one role each so that
//! roles scale separately).
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod database;
pub mod events;
pub mod openapi;
pub mod projections;
pub mod roles;
pub mod telemetry;
pub mod users;
