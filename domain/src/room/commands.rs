//! What a client can ask a room to do. Every command names the acting user (`by`/`user`);
//! authentication happened at the edge, authorisation happens in the aggregate.

use super::kind::{Role, Visibility};
use super::support::VisitorContext;
use crate::attachment::Attachment;
use chrono::{DateTime, Utc};

use crate::ids::{InviteId, MessageId, UserId, WebsiteId};
use crate::text::{BanReason, ClientMsgId, MessageBody, Reaction, RoomDescription, RoomName, RoomTopic};

#[derive(Clone, Debug, PartialEq)]
pub enum RoomCommand {
    CreateGroup {
        by: UserId,
        name: RoomName,
        visibility: Visibility,
    },
    /// Must be sent to the aggregate `RoomId::direct(by, with)`; opening it again is a no-op.
    OpenDirect {
        by: UserId,
        with: UserId,
    },
    Join {
        user: UserId,
    },
    Leave {
        user: UserId,
    },
    AddMember {
        by: UserId,
        user: UserId,
    },
    RemoveMember {
        by: UserId,
        user: UserId,
    },
    ChangeRole {
        by: UserId,
        user: UserId,
        role: Role,
    },
    /// `message_id` is a fresh id from the caller; it is unused when `client_msg_id` turns out
    /// to be a retry.
    /// `mentions` are kept only for current members other than the author. `attachments` are
    /// the poster's uploads, resolved by the caller (they exist and are `by`'s); a post has a
    /// body, attachments, or both.
    PostMessage {
        by: UserId,
        message_id: MessageId,
        client_msg_id: ClientMsgId,
        body: Option<MessageBody>,
        reply_to: Option<MessageId>,
        mentions: Vec<UserId>,
        attachments: Vec<Attachment>,
    },
    EditMessage {
        by: UserId,
        message_id: MessageId,
        body: MessageBody,
    },
    DeleteMessage {
        by: UserId,
        message_id: MessageId,
    },
    React {
        by: UserId,
        message_id: MessageId,
        reaction: Reaction,
    },
    Unreact {
        by: UserId,
        message_id: MessageId,
        reaction: Reaction,
    },
    MarkRead {
        by: UserId,
        up_to_seq: u64,
    },
    /// A visitor starts a support conversation with `website_id`'s agents (the caller read them
    /// from the website), who join as admins.
    StartSupport {
        visitor: UserId,
        website_id: WebsiteId,
        agents: Vec<UserId>,
        context: VisitorContext,
    },
    /// An agent of the conversation's website (the caller checked) who is not in it joins.
    JoinAsAgent {
        user: UserId,
    },
    /// An agent assigns the conversation to an agent of its website (the caller checked; one
    /// not in it yet joins), or unassigns it (`to: None`).
    Assign {
        by: UserId,
        to: Option<UserId>,
    },
    Resolve {
        by: UserId,
    },
    /// `user` is no longer an agent of the conversation's website (the caller checked; `by`
    /// took them off the team, or is them): they leave it, unassigned first if it was theirs.
    DismissAgent {
        by: UserId,
        user: UserId,
    },
    Reopen {
        by: UserId,
    },
    /// `invite` is the id of a fresh code (`InviteCode::id`); the caller keeps the code.
    CreateInvite {
        by: UserId,
        invite: InviteId,
        expires_at: Option<DateTime<Utc>>,
        max_uses: Option<u32>,
    },
    RevokeInvite {
        by: UserId,
        invite: InviteId,
    },
    /// `user` holds the invite's code; `now` is when they asked (for its expiry).
    AcceptInvite {
        user: UserId,
        invite: InviteId,
        now: DateTime<Utc>,
    },
    /// `user` need not be a member (a ban may come first); a member is removed.
    Ban {
        by: UserId,
        user: UserId,
        reason: Option<BanReason>,
    },
    Unban {
        by: UserId,
        user: UserId,
    },
    /// Each field: `None` leaves it as it is, `Some(None)` clears it, `Some(Some(_))` sets it.
    ChangeSettings {
        by: UserId,
        topic: Option<Option<RoomTopic>>,
        description: Option<Option<RoomDescription>>,
    },
    DeleteRoom {
        by: UserId,
    },
}

impl RoomCommand {
    /// What kind of command this is, for logs and traces.
    pub const fn kind(&self) -> &'static str {
        match self {
            RoomCommand::CreateGroup { .. } => "create_group",
            RoomCommand::OpenDirect { .. } => "open_direct",
            RoomCommand::Join { .. } => "join",
            RoomCommand::Leave { .. } => "leave",
            RoomCommand::AddMember { .. } => "add_member",
            RoomCommand::RemoveMember { .. } => "remove_member",
            RoomCommand::ChangeRole { .. } => "change_role",
            RoomCommand::PostMessage { .. } => "post",
            RoomCommand::EditMessage { .. } => "edit",
            RoomCommand::DeleteMessage { .. } => "delete",
            RoomCommand::React { .. } => "react",
            RoomCommand::Unreact { .. } => "unreact",
            RoomCommand::MarkRead { .. } => "mark_read",
            RoomCommand::StartSupport { .. } => "start_support",
            RoomCommand::JoinAsAgent { .. } => "join_as_agent",
            RoomCommand::Assign { .. } => "assign",
            RoomCommand::Resolve { .. } => "resolve",
            RoomCommand::DismissAgent { .. } => "dismiss_agent",
            RoomCommand::Reopen { .. } => "reopen",
            RoomCommand::CreateInvite { .. } => "create_invite",
            RoomCommand::RevokeInvite { .. } => "revoke_invite",
            RoomCommand::AcceptInvite { .. } => "accept_invite",
            RoomCommand::Ban { .. } => "ban",
            RoomCommand::Unban { .. } => "unban",
            RoomCommand::ChangeSettings { .. } => "change_settings",
            RoomCommand::DeleteRoom { .. } => "delete_room",
        }
    }

    /// The user on whose behalf the command runs.
    pub fn actor(&self) -> UserId {
        match self {
            RoomCommand::CreateGroup { by, .. }
            | RoomCommand::OpenDirect { by, .. }
            | RoomCommand::AddMember { by, .. }
            | RoomCommand::RemoveMember { by, .. }
            | RoomCommand::ChangeRole { by, .. }
            | RoomCommand::PostMessage { by, .. }
            | RoomCommand::EditMessage { by, .. }
            | RoomCommand::DeleteMessage { by, .. }
            | RoomCommand::React { by, .. }
            | RoomCommand::Unreact { by, .. }
            | RoomCommand::MarkRead { by, .. }
            | RoomCommand::Assign { by, .. }
            | RoomCommand::Resolve { by }
            | RoomCommand::DismissAgent { by, .. }
            | RoomCommand::Reopen { by }
            | RoomCommand::CreateInvite { by, .. }
            | RoomCommand::RevokeInvite { by, .. }
            | RoomCommand::Ban { by, .. }
            | RoomCommand::Unban { by, .. }
            | RoomCommand::ChangeSettings { by, .. }
            | RoomCommand::DeleteRoom { by } => *by,
            RoomCommand::Join { user }
            | RoomCommand::Leave { user }
            | RoomCommand::JoinAsAgent { user }
            | RoomCommand::AcceptInvite { user, .. } => *user,
            RoomCommand::StartSupport { visitor, .. } => *visitor,
        }
    }
}
