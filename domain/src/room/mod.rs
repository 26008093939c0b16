//! The `Room` aggregate: one room's membership, roles and message timeline.
//!
//! Support conversations (kind `support`) are rooms too, with a few rules of their own
//! ([`support`]): they get every guarantee of a room (sequences, resume, read markers).
//!
//! The room's aggregate sequence (1, 2, 3, …) is the total, gap-free order of everything that
//! happens in it; clients resume and de-duplicate by it.

mod aggregate;
mod commands;
mod error;
mod events;
mod invite;
mod kind;
mod moderation;
mod support;
mod system_lines;
mod view;

pub use aggregate::{PostRef, RECENT_POSTS_PER_MEMBER, Room};
pub use commands::RoomCommand;
pub use error::RoomError;
pub(crate) use events::CATALOG;
pub use events::{MembershipChange, RoomEvent};
pub use invite::{InviteCode, InviteState, MAX_USES, SECRET_BYTES, invite_lifetime, invite_max_uses};
pub use kind::{Role, RoomKind, Visibility};
pub use support::{LanguageTag, PageUrl, SupportState, UserAgent, VisitorContext};
pub use view::{MemberView, RoomView};

#[cfg(test)]
pub(crate) mod tests;
