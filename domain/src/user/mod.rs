//! The `User` aggregate: a registered user's public identity (name and profile).
//!
//! Credentials are not here: password hashes never enter the event store, which analysts
//! export. Username uniqueness is enforced by the credentials table on the write side.

mod aggregate;
mod commands;
mod contact;
mod error;
mod events;

pub use aggregate::User;
pub use commands::UserCommand;
pub use contact::{Email, ExternalUserId};
pub use error::UserError;
pub(crate) use events::CATALOG;
pub use events::UserEvent;
