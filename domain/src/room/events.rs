//! Everything that can happen in a room. Stored as JSON with a `type` tag equal to
//! `event_type()`; never rename a variant or a field — add a new version and an upcaster.

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::kind::{Role, RoomKind};
use super::support::{LanguageTag, PageUrl, UserAgent};
use crate::attachment::Attachment;
use crate::catalog::{EventDoc, FieldDoc, FieldType};
use crate::ids::{InviteId, MessageId, UserId};
use crate::redaction::Redactable;
use crate::text::{BanReason, ClientMsgId, MessageBody, Reaction, RoomDescription, RoomTopic};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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
        #[schema(required = true)]
        added_by: Option<UserId>,
    },
    /// `removed_by` is `None` when the user left by themselves.
    MemberLeft {
        user_id: UserId,
        #[schema(required = true)]
        removed_by: Option<UserId>,
    },
    MemberRoleChanged {
        user_id: UserId,
        role: Role,
        changed_by: UserId,
    },
    /// Version 1.1 added `mentions`, 1.2 `attachments`; older events get empty lists from
    /// their upcasters (`crate::upcast`), which every reader applies before decoding. `body` is
    /// empty for a post of attachments only, and redacted (`null`) once the author is erased,
    /// as are the attachments' names.
    MessagePosted {
        message_id: MessageId,
        author: UserId,
        #[schema(value_type = Option<MessageBody>, required = true)]
        body: Redactable<MessageBody>,
        client_msg_id: ClientMsgId,
        #[schema(required = true)]
        reply_to: Option<MessageId>,
        mentions: Vec<UserId>,
        attachments: Vec<Attachment>,
    },
    /// `body` is redacted (`null`) once the author is erased.
    MessageEdited {
        message_id: MessageId,
        #[schema(value_type = Option<MessageBody>, required = true)]
        body: Redactable<MessageBody>,
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
    /// The user has read everything up to and including room sequence `up_to_seq`: always past
    /// their join and their previous marker (a member's marker starts at their join).
    ReadMarkerMoved {
        user_id: UserId,
        up_to_seq: u64,
    },
    /// A support conversation: where its visitor was when they started it. Personal data of
    /// the visitor's (`null` once they are erased).
    VisitorContextRecorded {
        visitor: UserId,
        #[schema(required = true)]
        page_url: Option<PageUrl>,
        #[schema(required = true)]
        referrer: Option<PageUrl>,
        #[schema(required = true)]
        language: Option<LanguageTag>,
        #[schema(required = true)]
        user_agent: Option<UserAgent>,
    },
    /// A support conversation was assigned to an agent (`null`: unassigned).
    ConversationAssigned {
        #[schema(required = true)]
        assignee: Option<UserId>,
        assigned_by: UserId,
    },
    ConversationResolved {
        resolved_by: UserId,
    },
    /// By an agent, or by the visitor writing to it.
    ConversationReopened {
        reopened_by: UserId,
    },
    /// An admin or the owner made an invite. Its code is never stored (see `room::invite`).
    InviteCreated {
        invite_id: InviteId,
        created_by: UserId,
        #[schema(required = true)]
        expires_at: Option<DateTime<Utc>>,
        #[schema(required = true)]
        max_uses: Option<u32>,
    },
    InviteRevoked {
        invite_id: InviteId,
        revoked_by: UserId,
    },
    /// Someone joined with an invite (one use of it): their `MemberJoined` follows in the same
    /// commit.
    InviteAccepted {
        invite_id: InviteId,
        user_id: UserId,
    },
    /// An admin or the owner banned a user: if they were a member, their `MemberLeft`
    /// (`removed_by` the moderator) follows in the same commit. Until unbanned they cannot
    /// become a member by any path.
    MemberBanned {
        user_id: UserId,
        banned_by: UserId,
        #[schema(value_type = Option<BanReason>, required = true)]
        reason: Option<BanReason>,
    },
    /// The user may become a member again (they are not added back).
    MemberUnbanned {
        user_id: UserId,
        unbanned_by: UserId,
    },
    /// A group room's topic was set (`null`: cleared).
    RoomTopicChanged {
        #[schema(value_type = Option<RoomTopic>, required = true)]
        topic: Option<RoomTopic>,
        changed_by: UserId,
    },
    /// A group room's description was set (`null`: cleared).
    RoomDescriptionChanged {
        #[schema(value_type = Option<RoomDescription>, required = true)]
        description: Option<RoomDescription>,
        changed_by: UserId,
    },
    /// The owner deleted the room: every member's `MemberLeft` follows in the same commit, and
    /// the room refuses every command from then on. Its history stays in the event store.
    RoomDeleted {
        deleted_by: UserId,
    },
}

impl RoomEvent {
    /// This event type's current schema version.
    pub const fn version(&self) -> &'static str {
        match self {
            RoomEvent::MessagePosted { .. } => "1.2",
            RoomEvent::RoomCreated { .. }
            | RoomEvent::MemberJoined { .. }
            | RoomEvent::MemberLeft { .. }
            | RoomEvent::MemberRoleChanged { .. }
            | RoomEvent::MessageEdited { .. }
            | RoomEvent::MessageDeleted { .. }
            | RoomEvent::ReactionAdded { .. }
            | RoomEvent::ReactionRemoved { .. }
            | RoomEvent::ReadMarkerMoved { .. }
            | RoomEvent::VisitorContextRecorded { .. }
            | RoomEvent::ConversationAssigned { .. }
            | RoomEvent::ConversationResolved { .. }
            | RoomEvent::ConversationReopened { .. }
            | RoomEvent::InviteCreated { .. }
            | RoomEvent::InviteRevoked { .. }
            | RoomEvent::InviteAccepted { .. }
            | RoomEvent::MemberBanned { .. }
            | RoomEvent::MemberUnbanned { .. }
            | RoomEvent::RoomTopicChanged { .. }
            | RoomEvent::RoomDescriptionChanged { .. }
            | RoomEvent::RoomDeleted { .. } => "1.0",
        }
    }

    /// The stored name of `MemberJoined`, for queries that select membership changes by name.
    pub const MEMBER_JOINED: &'static str = "MemberJoined";
    /// The stored name of `MemberLeft`.
    pub const MEMBER_LEFT: &'static str = "MemberLeft";

    pub const fn name(&self) -> &'static str {
        match self {
            RoomEvent::RoomCreated { .. } => "RoomCreated",
            RoomEvent::MemberJoined { .. } => Self::MEMBER_JOINED,
            RoomEvent::MemberLeft { .. } => Self::MEMBER_LEFT,
            RoomEvent::MemberRoleChanged { .. } => "MemberRoleChanged",
            RoomEvent::MessagePosted { .. } => "MessagePosted",
            RoomEvent::MessageEdited { .. } => "MessageEdited",
            RoomEvent::MessageDeleted { .. } => "MessageDeleted",
            RoomEvent::ReactionAdded { .. } => "ReactionAdded",
            RoomEvent::ReactionRemoved { .. } => "ReactionRemoved",
            RoomEvent::ReadMarkerMoved { .. } => "ReadMarkerMoved",
            RoomEvent::VisitorContextRecorded { .. } => "VisitorContextRecorded",
            RoomEvent::ConversationAssigned { .. } => "ConversationAssigned",
            RoomEvent::ConversationResolved { .. } => "ConversationResolved",
            RoomEvent::ConversationReopened { .. } => "ConversationReopened",
            RoomEvent::InviteCreated { .. } => "InviteCreated",
            RoomEvent::InviteRevoked { .. } => "InviteRevoked",
            RoomEvent::InviteAccepted { .. } => "InviteAccepted",
            RoomEvent::MemberBanned { .. } => "MemberBanned",
            RoomEvent::MemberUnbanned { .. } => "MemberUnbanned",
            RoomEvent::RoomTopicChanged { .. } => "RoomTopicChanged",
            RoomEvent::RoomDescriptionChanged { .. } => "RoomDescriptionChanged",
            RoomEvent::RoomDeleted { .. } => "RoomDeleted",
        }
    }
}

/// A change of who is in a room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MembershipChange {
    pub user_id: UserId,
    /// `true`: they are a member from this event on; `false`: no longer.
    pub joined: bool,
}

impl RoomEvent {
    /// Whose membership this event changes, if anyone's: what the relay and the gateways act on
    /// (start or stop delivering the room to that user). Exhaustive on purpose: a new event
    /// that adds or removes a member must say so here.
    pub const fn membership_change(&self) -> Option<MembershipChange> {
        match *self {
            RoomEvent::MemberJoined { user_id, .. } => Some(MembershipChange { user_id, joined: true }),
            RoomEvent::MemberLeft { user_id, .. } => Some(MembershipChange { user_id, joined: false }),
            RoomEvent::RoomCreated { .. }
            | RoomEvent::MemberRoleChanged { .. }
            | RoomEvent::MessagePosted { .. }
            | RoomEvent::MessageEdited { .. }
            | RoomEvent::MessageDeleted { .. }
            | RoomEvent::ReactionAdded { .. }
            | RoomEvent::ReactionRemoved { .. }
            | RoomEvent::ReadMarkerMoved { .. }
            | RoomEvent::VisitorContextRecorded { .. }
            | RoomEvent::ConversationAssigned { .. }
            | RoomEvent::ConversationResolved { .. }
            | RoomEvent::ConversationReopened { .. }
            | RoomEvent::InviteCreated { .. }
            | RoomEvent::InviteRevoked { .. }
            | RoomEvent::MemberUnbanned { .. }
            | RoomEvent::RoomTopicChanged { .. }
            | RoomEvent::RoomDescriptionChanged { .. }
            // The `MemberJoined` or `MemberLeft` events that follow in the same commit say it.
            | RoomEvent::InviteAccepted { .. }
            | RoomEvent::MemberBanned { .. }
            | RoomEvent::RoomDeleted { .. } => None,
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

/// `room` events for the catalog (`crate::catalog`, rendered into `docs/events.md`); the
/// catalog tests fail when this and the enum above disagree.
pub(crate) const CATALOG: &[EventDoc] = &[
    EventDoc {
        aggregate: "room",
        name: "RoomCreated",
        version: "1.0",
        summary: "The room came into existence (always sequence 1). The creator's `MemberJoined` (as owner), or \
                  both members' for a direct room, follow in the same commit.",
        history: "",
        fields: &[
            FieldDoc { name: "kind", ty: FieldType::Tagged(ROOM_KINDS), meaning: "What sort of room." },
            FieldDoc { name: "created_by", ty: FieldType::Uuid, meaning: "The user who created the room." },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "MemberJoined",
        version: "1.0",
        summary: "A user became a member: by joining a public room, by being added, or at creation.",
        history: "",
        fields: &[
            FieldDoc { name: "user_id", ty: FieldType::Uuid, meaning: "The new member." },
            FieldDoc { name: "role", ty: ROLE, meaning: "The role they joined with." },
            FieldDoc {
                name: "added_by",
                ty: FieldType::Nullable(&FieldType::Uuid),
                meaning: "Who added them; null when they joined by themselves or at creation.",
            },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "MemberLeft",
        version: "1.0",
        summary: "A member left or was removed.",
        history: "",
        fields: &[
            FieldDoc { name: "user_id", ty: FieldType::Uuid, meaning: "The former member." },
            FieldDoc {
                name: "removed_by",
                ty: FieldType::Nullable(&FieldType::Uuid),
                meaning: "The admin or owner who removed them; null when they left by themselves.",
            },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "MemberRoleChanged",
        version: "1.0",
        summary: "A member's role changed.",
        history: "",
        fields: &[
            FieldDoc { name: "user_id", ty: FieldType::Uuid, meaning: "The member." },
            FieldDoc { name: "role", ty: ROLE, meaning: "Their new role." },
            FieldDoc { name: "changed_by", ty: FieldType::Uuid, meaning: "Who changed it (the owner)." },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "MessagePosted",
        version: "1.2",
        summary: "A member posted a message: text, files, or both. Its kind (`text`, `image`, `file`) follows from its \
                  attachments (`chat_domain::attachment::MessageKind`) and is not stored.",
        history: "1.0 had no `mentions`, 1.1 no `attachments`; older events are upcast with empty lists.",
        fields: &[
            FieldDoc { name: "message_id", ty: FieldType::Uuid, meaning: "The message (UUIDv7: time-ordered)." },
            FieldDoc { name: "author", ty: FieldType::Uuid, meaning: "The member who posted it." },
            FieldDoc {
                name: "body",
                ty: FieldType::Text,
                meaning: "The text as sent (1–4000 characters); empty for a post of attachments only (since 1.2).",
            },
            FieldDoc {
                name: "client_msg_id",
                ty: FieldType::Text,
                meaning: "The client's idempotency key; a retry with the same key posts nothing new.",
            },
            FieldDoc {
                name: "reply_to",
                ty: FieldType::Nullable(&FieldType::Uuid),
                meaning: "The message this one replies to, if any.",
            },
            FieldDoc {
                name: "mentions",
                ty: FieldType::List(&FieldType::Uuid),
                meaning: "Users the message mentions (since 1.1).",
            },
            FieldDoc {
                name: "attachments",
                ty: FieldType::List(&FieldType::Object(ATTACHMENT)),
                meaning: "The files posted with it, in the order given, at most 10 (since 1.2).",
            },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "MessageEdited",
        version: "1.0",
        summary: "The author replaced a message's text.",
        history: "",
        fields: &[
            FieldDoc { name: "message_id", ty: FieldType::Uuid, meaning: "The message." },
            FieldDoc { name: "body", ty: FieldType::Text, meaning: "The new text." },
            FieldDoc { name: "edited_by", ty: FieldType::Uuid, meaning: "Who edited it (the author)." },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "MessageDeleted",
        version: "1.0",
        summary: "A message was deleted: its body is gone from the read models; the history keeps the original post.",
        history: "",
        fields: &[
            FieldDoc { name: "message_id", ty: FieldType::Uuid, meaning: "The message." },
            FieldDoc { name: "deleted_by", ty: FieldType::Uuid, meaning: "The author, or an admin or owner." },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "ReactionAdded",
        version: "1.0",
        summary: "A member reacted to a message.",
        history: "",
        fields: &[
            FieldDoc { name: "message_id", ty: FieldType::Uuid, meaning: "The message." },
            FieldDoc { name: "user_id", ty: FieldType::Uuid, meaning: "Who reacted." },
            FieldDoc { name: "reaction", ty: FieldType::Text, meaning: "An emoji or a short code such as `:tada:`." },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "ReactionRemoved",
        version: "1.0",
        summary: "A member took a reaction back.",
        history: "",
        fields: &[
            FieldDoc { name: "message_id", ty: FieldType::Uuid, meaning: "The message." },
            FieldDoc { name: "user_id", ty: FieldType::Uuid, meaning: "Who had reacted." },
            FieldDoc { name: "reaction", ty: FieldType::Text, meaning: "The reaction removed." },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "ReadMarkerMoved",
        version: "1.0",
        summary: "A member has read everything up to a room sequence. A member's marker starts at the sequence of their \
                  join (everything before it counts as read), and this event is only written when it moves past that \
                  and past their previous marker. Older histories may hold some at or below the member's join: those \
                  moved nothing.",
        history: "",
        fields: &[
            FieldDoc { name: "user_id", ty: FieldType::Uuid, meaning: "The member." },
            FieldDoc {
                name: "up_to_seq",
                ty: FieldType::Count,
                meaning: "The room sequence read up to, inclusive (markers only move forward, from the member's join).",
            },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "VisitorContextRecorded",
        version: "1.0",
        summary: "A support conversation was started: where its visitor was (written right after the members joined).",
        history: "",
        fields: &[
            FieldDoc { name: "visitor", ty: FieldType::Uuid, meaning: "The visitor." },
            FieldDoc {
                name: "page_url",
                ty: FieldType::Nullable(&FieldType::Text),
                meaning: "The page they wrote from (an http(s) URL), if the widget knew it.",
            },
            FieldDoc {
                name: "referrer",
                ty: FieldType::Nullable(&FieldType::Text),
                meaning: "The page that led them there, if any.",
            },
            FieldDoc {
                name: "language",
                ty: FieldType::Nullable(&FieldType::Text),
                meaning: "Their browser's language (a BCP 47 tag).",
            },
            FieldDoc {
                name: "user_agent",
                ty: FieldType::Nullable(&FieldType::Text),
                meaning: "Their browser's `User-Agent`.",
            },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "ConversationAssigned",
        version: "1.0",
        summary: "An agent assigned a support conversation to an agent of its website, or unassigned it. An agent \
                  not in the conversation yet joins it first (their `MemberJoined` precedes this event).",
        history: "",
        fields: &[
            FieldDoc {
                name: "assignee",
                ty: FieldType::Nullable(&FieldType::Uuid),
                meaning: "The agent it is assigned to; null: nobody.",
            },
            FieldDoc { name: "assigned_by", ty: FieldType::Uuid, meaning: "The agent who did it." },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "ConversationResolved",
        version: "1.0",
        summary: "An agent marked a support conversation resolved.",
        history: "",
        fields: &[FieldDoc { name: "resolved_by", ty: FieldType::Uuid, meaning: "The agent." }],
    },
    EventDoc {
        aggregate: "room",
        name: "ConversationReopened",
        version: "1.0",
        summary: "A resolved support conversation is open again: an agent reopened it, or its visitor wrote to it \
                  (then their `MessagePosted` follows in the same commit).",
        history: "",
        fields: &[FieldDoc { name: "reopened_by", ty: FieldType::Uuid, meaning: "The agent, or the visitor." }],
    },
    EventDoc {
        aggregate: "room",
        name: "InviteCreated",
        version: "1.0",
        summary: "An admin or the owner of a group room made an invite. Its code (which lets its holder join) is never \
                  stored: the invite's id is derived from it and cannot be turned back into it.",
        history: "",
        fields: &[
            FieldDoc { name: "invite_id", ty: FieldType::Uuid, meaning: "The invite." },
            FieldDoc { name: "created_by", ty: FieldType::Uuid, meaning: "The admin or owner who made it." },
            FieldDoc {
                name: "expires_at",
                ty: FieldType::Nullable(&FieldType::Text),
                meaning: "When it stops letting people in (RFC 3339, UTC); null: never.",
            },
            FieldDoc {
                name: "max_uses",
                ty: FieldType::Nullable(&FieldType::Count),
                meaning: "How many people may join with it; null: no limit.",
            },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "InviteRevoked",
        version: "1.0",
        summary: "An admin or the owner revoked an invite: it lets no one in any more.",
        history: "",
        fields: &[
            FieldDoc { name: "invite_id", ty: FieldType::Uuid, meaning: "The invite." },
            FieldDoc { name: "revoked_by", ty: FieldType::Uuid, meaning: "The admin or owner." },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "InviteAccepted",
        version: "1.0",
        summary: "Someone joined with an invite, using it once; their `MemberJoined` follows in the same commit. A \
                  member accepting again writes nothing.",
        history: "",
        fields: &[
            FieldDoc { name: "invite_id", ty: FieldType::Uuid, meaning: "The invite used." },
            FieldDoc { name: "user_id", ty: FieldType::Uuid, meaning: "The new member." },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "MemberBanned",
        version: "1.0",
        summary: "An admin or the owner banned a user from a group room. If they were a member, their `MemberLeft` \
                  (`removed_by` the moderator) follows in the same commit. Until `MemberUnbanned` they cannot \
                  become a member again: not by joining, an invite, or being added.",
        history: "",
        fields: &[
            FieldDoc { name: "user_id", ty: FieldType::Uuid, meaning: "The banned user." },
            FieldDoc { name: "banned_by", ty: FieldType::Uuid, meaning: "The admin or owner." },
            FieldDoc {
                name: "reason",
                ty: FieldType::Nullable(&FieldType::Text),
                meaning: "Why, as the moderator wrote it (1–500 characters), or null. Members see it.",
            },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "MemberUnbanned",
        version: "1.0",
        summary: "A ban was lifted: the user may join again (they are not added back).",
        history: "",
        fields: &[
            FieldDoc { name: "user_id", ty: FieldType::Uuid, meaning: "The user no longer banned." },
            FieldDoc { name: "unbanned_by", ty: FieldType::Uuid, meaning: "The admin or owner." },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "RoomTopicChanged",
        version: "1.0",
        summary: "An admin or the owner set a group room's topic.",
        history: "",
        fields: &[
            FieldDoc {
                name: "topic",
                ty: FieldType::Nullable(&FieldType::Text),
                meaning: "The new topic (1–250 characters on one line); null: cleared.",
            },
            FieldDoc { name: "changed_by", ty: FieldType::Uuid, meaning: "The admin or owner." },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "RoomDescriptionChanged",
        version: "1.0",
        summary: "An admin or the owner set a group room's description.",
        history: "",
        fields: &[
            FieldDoc {
                name: "description",
                ty: FieldType::Nullable(&FieldType::Text),
                meaning: "The new description (1–2000 characters, line breaks kept); null: cleared.",
            },
            FieldDoc { name: "changed_by", ty: FieldType::Uuid, meaning: "The admin or owner." },
        ],
    },
    EventDoc {
        aggregate: "room",
        name: "RoomDeleted",
        version: "1.0",
        summary: "The owner deleted a group room. Every member's `MemberLeft` follows in the same commit; the room \
                  refuses every command from then on and read models answer as if it did not exist. The event \
                  store keeps its whole history (exports, time travel, replays).",
        history: "",
        fields: &[FieldDoc { name: "deleted_by", ty: FieldType::Uuid, meaning: "The owner." }],
    },
];

/// One attachment of a `MessagePosted` ([`Attachment`]).
const ATTACHMENT: &[FieldDoc] = &[
    FieldDoc {
        name: "id",
        ty: FieldType::Uuid,
        meaning: "The upload; members download it as `/v1/rooms/{room}/attachments/{id}`.",
    },
    FieldDoc {
        name: "name",
        ty: FieldType::Nullable(&FieldType::Text),
        meaning: "The sanitised file name (at most 200 characters); null once the uploader is erased.",
    },
    FieldDoc { name: "mime", ty: FieldType::Text, meaning: "The media type sniffed from the bytes, e.g. `image/png`." },
    FieldDoc { name: "size", ty: FieldType::Count, meaning: "Bytes." },
    FieldDoc { name: "sha256", ty: FieldType::Text, meaning: "Lower-case hex SHA-256 of the bytes." },
    FieldDoc { name: "width", ty: FieldType::Nullable(&FieldType::Count), meaning: "Pixels, for images; else null." },
    FieldDoc { name: "height", ty: FieldType::Nullable(&FieldType::Count), meaning: "Pixels, for images; else null." },
    FieldDoc { name: "thumbnail", ty: FieldType::Flag, meaning: "Whether a thumbnail was made (images only)." },
];

const ROLE: FieldType = FieldType::Enum(&["member", "admin", "owner"]);

const ROOM_KINDS: &[(&str, &[FieldDoc])] = &[
    (
        "group",
        &[
            FieldDoc { name: "name", ty: FieldType::Text, meaning: "The room's name (1–100 characters)." },
            FieldDoc {
                name: "visibility",
                ty: FieldType::Enum(&["public", "private"]),
                meaning: "Whether anyone may join, or only those an admin adds.",
            },
        ],
    ),
    (
        "direct",
        &[FieldDoc {
            name: "members",
            ty: FieldType::List(&FieldType::Uuid),
            meaning: "The two users of a direct conversation (its id is derived from them).",
        }],
    ),
    (
        "support",
        &[
            FieldDoc { name: "website_id", ty: FieldType::Uuid, meaning: "The website the visitor wrote to." },
            FieldDoc { name: "visitor", ty: FieldType::Uuid, meaning: "The visitor (a user of the website's)." },
        ],
    ),
];
