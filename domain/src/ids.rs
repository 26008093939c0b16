//! Newtype identifiers, so that a user id can never be passed where a room id is expected.
//!
//! Identifiers are UUIDs chosen by the caller (v7 where time order helps); the domain never
//! generates randomness itself. The one derived identifier is the id of a direct room, which
//! is a UUIDv5 of the two member ids so that "the direct room of A and B" is unique.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

uuid_id!(
    /// A registered user.
    UserId
);
uuid_id!(
    /// A room (group or direct); also the id of its `Room` aggregate.
    RoomId
);
uuid_id!(
    /// A website with support chat; also the id of its `Website` aggregate.
    WebsiteId
);
uuid_id!(
    /// A message within a room, chosen by the server when the message is first posted.
    MessageId
);
uuid_id!(
    /// An invite to a group room, derived from its code (`room::InviteCode::id`).
    InviteId
);
uuid_id!(
    /// An uploaded file (UUIDv7), chosen by the server; once posted, also the attachment's id.
    UploadId
);

/// Namespace for direct-room ids (a fixed random UUID; changing it would orphan every direct room).
const DIRECT_ROOM_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a8e_5d3b_4c77_9a0e_21d4_b8f3_0c5e);

impl RoomId {
    /// The one room id for the direct conversation between `a` and `b`, whichever opens it.
    pub fn direct(a: UserId, b: UserId) -> Self {
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        let mut name = [0u8; 32];
        name[..16].copy_from_slice(low.0.as_bytes());
        name[16..].copy_from_slice(high.0.as_bytes());
        Self(Uuid::new_v5(&DIRECT_ROOM_NAMESPACE, &name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_room_id_does_not_depend_on_who_opens_it() {
        let a = UserId::from_uuid(Uuid::from_u128(1));
        let b = UserId::from_uuid(Uuid::from_u128(2));
        let c = UserId::from_uuid(Uuid::from_u128(3));
        assert_eq!(RoomId::direct(a, b), RoomId::direct(b, a));
        assert_ne!(RoomId::direct(a, b), RoomId::direct(a, c));
    }
}
