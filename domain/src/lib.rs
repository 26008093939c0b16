//! The chat domain, free of I/O.
//!
//! # Layout
//! - [`error_code`]: the stable error codes clients see, whatever the transport.
//! - [`ids`]: newtype identifiers (`UserId`, `RoomId`, `MessageId`, `UploadId`).
//! - [`attachment`]: files attached to posts, as events record them, and message kinds.
//! - [`text`]: validated text values parsed at the edge (`MessageBody`, `RoomName`, …).
//! - [`room`]: the `Room` aggregate — membership, roles, the message timeline, reactions and
//!   read markers. Its aggregate sequence is the room's total, gap-free event order.
//! - [`user`]: the `User` aggregate — registration and profile.
//! - [`website`]: the `Website` aggregate — a site with support chat: its domains and their
//!   verification, the widget's settings, its team of agents.
//! - [`presence`]: the `Presence` aggregate — a user's recorded online/away/offline transitions.
//! - [`upcast`]: upcasters that bring stored events of older versions to the current shape.
//! - [`catalog`]: every event type, version and field, described for analysts (`docs/events.md`).
//! - [`redaction`]: personal data in stored events ([`redaction::Redactable`] fields) and where
//!   an erasure finds it.
//!
//! Everything here is deterministic: identifiers and time come from the caller, so every rule
//! is covered by given/when/then tests without a database.
#![forbid(unsafe_code)]

pub mod attachment;
pub mod catalog;
pub mod contacts;
pub mod error_code;
pub mod ids;
pub mod presence;
pub mod redaction;
pub mod room;
pub mod text;
pub mod upcast;
pub mod user;
pub mod website;

pub use error_code::ErrorCode;
pub use ids::{InviteId, MessageId, RoomId, UploadId, UserId, WebsiteId};
