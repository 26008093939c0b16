//! Typed queries over the read models, shaped for the API's responses.
//!
//! Read models are eventually consistent: a query may not yet show an event whose command has
//! returned (typically milliseconds behind). Authorisation for reads uses [`rooms::access`].

pub mod attachments;
pub mod bans;
pub mod contacts;
pub mod directory;
pub mod history;
pub mod invites;
pub mod rooms;
pub mod search;
pub mod support;
pub mod users;
pub mod websites;
