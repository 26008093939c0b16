//! The `Room` aggregate: one room's membership, roles and message timeline.
//!
//! The room's aggregate sequence (1, 2, 3, …) is the total, gap-free order of everything that
//! happens in it; clients resume and de-duplicate by it.

mod aggregate;
mod commands;
mod error;
mod events;
mod kind;
mod view;

pub use aggregate::{PostRef, RECENT_POSTS_PER_MEMBER, Room};
pub use commands::RoomCommand;
pub use error::RoomError;
pub(crate) use events::CATALOG;
pub use events::{MembershipChange, RoomEvent};
pub use kind::{Role, RoomKind, Visibility};
pub use view::{MemberView, RoomView};

#[cfg(test)]
pub(crate) mod tests;
