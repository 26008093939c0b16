//! Everything that can happen in a room. Stored as JSON with a `type` tag equal to
//! `event_type()`; never rename a variant or a field — add a new version and an upcaster.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::kind::{Role, RoomKind};
use crate::ids::{MessageId, UserId};
use crate::text::{ClientMsgId, MessageBody, Reaction};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum RoomEvent {
    /// The room came into existence; the creator's (or both direct members') `MemberJoined`
    /// follow in the same commit.
    RoomCreated {
        kind: RoomKind,
        created_by: UserId,
    },
    /// `added_by` is `None` when the user joined by themselves or at creation.
    MemberJoined {
        user_id: UserId,
        role: Role,
        added_by: Option<UserId>,
    },
    /// `removed_by` is `None` when the user left by themselves.
    MemberLeft {
        user_id: UserId,
        removed_by: Option<UserId>,
    },
    MemberRoleChanged {
        user_id: UserId,
        role: Role,
        changed_by: UserId,
    },
    /// Version 1.1 added `mentions` (absent in 1.0 events, read as empty).
    MessagePosted {
        message_id: MessageId,
        author: UserId,
        body: MessageBody,
        client_msg_id: ClientMsgId,
        reply_to: Option<MessageId>,
        #[serde(default)]
        mentions: Vec<UserId>,
    },
    MessageEdited {
        message_id: MessageId,
        body: MessageBody,
        edited_by: UserId,
    },
    /// The body is gone from read models; the event history keeps the original post.
    MessageDeleted {
        message_id: MessageId,
        deleted_by: UserId,
    },
    ReactionAdded {
        message_id: MessageId,
        user_id: UserId,
        reaction: Reaction,
    },
    ReactionRemoved {
        message_id: MessageId,
        user_id: UserId,
        reaction: Reaction,
    },
    /// The user has read everything up to and including room sequence `up_to_seq`.
    ReadMarkerMoved {
        user_id: UserId,
        up_to_seq: u64,
    },
}

impl RoomEvent {
    /// This event type's current schema version.
    pub const fn version(&self) -> &'static str {
        match self {
            RoomEvent::MessagePosted { .. } => "1.1",
            _ => "1.0",
        }
    }

    pub const fn name(&self) -> &'static str {
        match self {
            RoomEvent::RoomCreated { .. } => "RoomCreated",
            RoomEvent::MemberJoined { .. } => "MemberJoined",
            RoomEvent::MemberLeft { .. } => "MemberLeft",
            RoomEvent::MemberRoleChanged { .. } => "MemberRoleChanged",
            RoomEvent::MessagePosted { .. } => "MessagePosted",
            RoomEvent::MessageEdited { .. } => "MessageEdited",
            RoomEvent::MessageDeleted { .. } => "MessageDeleted",
            RoomEvent::ReactionAdded { .. } => "ReactionAdded",
            RoomEvent::ReactionRemoved { .. } => "ReactionRemoved",
            RoomEvent::ReadMarkerMoved { .. } => "ReadMarkerMoved",
        }
    }
}

impl DomainEvent for RoomEvent {
    fn event_type(&self) -> String {
        self.name().to_owned()
    }

    fn event_version(&self) -> String {
        self.version().to_owned()
    }
}
