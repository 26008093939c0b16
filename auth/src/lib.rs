//! Access tokens, shared by every process that accepts them: the REST API issues and checks
//! them, the WebSocket gateways check them. Neither edge depends on the other for this.
//!
//! # Layout
//! - [`secret`]: key material that never shows in logs or `Debug` output.
//! - [`tokens`]: signing keys with ids (rotation), issuing and verifying HS256 access tokens.
//!
//! Refresh tokens and passwords are the write side's business (`chat_commands::credentials`):
//! only the process that logs users in needs them.
#![forbid(unsafe_code)]

pub mod secret;
pub mod tokens;

pub use secret::Secret;
pub use tokens::{Issued, SigningKey, TokenError, Tokens, Verified};
