//! What sort of room it is and what a member may do in it.

use serde::{Deserialize, Serialize};

use crate::ids::{UserId, WebsiteId};
use crate::text::RoomName;

/// Who may join a group room without being added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Anyone may join.
    Public,
    /// Only an admin or the owner can add members.
    Private,
}

/// A group room has a name and an owner; a direct room is the one conversation of two users
/// and its membership never changes; a support room is one website visitor's conversation with
/// the website's agents (its members: the visitor, and agents as admins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RoomKind {
    Group {
        name: RoomName,
        visibility: Visibility,
    },
    Direct {
        #[schema(min_items = 2, max_items = 2)]
        members: [UserId; 2],
    },
    Support {
        website_id: WebsiteId,
        visitor: UserId,
    },
}

/// A member's role, in increasing power. The owner created the room; admins moderate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Admin,
    Owner,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }

    /// Admins and the owner moderate: add and remove members, delete others' messages.
    pub fn moderates(self) -> bool {
        self >= Role::Admin
    }
}
