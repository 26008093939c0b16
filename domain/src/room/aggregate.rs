//! The `Room` aggregate: `decide` holds every rule, `apply` only assigns (read markers aside:
//! it keeps each member's furthest, see there).
//!
//! State is kept small on purpose (the aggregate is held in memory by a per-room writer):
//! members and roles, each message's author and reactions (for edit/delete/react rules, not
//! its body), read markers, and a bounded window of recent `client_msg_id`s per member for
//! idempotent posts. A member's read marker starts at the sequence of their join (everything
//! before it counts as read, as the read models and docs/api.md say), so marking read at or
//! below it changes nothing, after a rejoin too.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use super::commands::RoomCommand;
use super::error::RoomError;
use super::events::RoomEvent;
use super::invite::InviteState;
use super::kind::{Role, RoomKind, Visibility};
use super::support::SupportState;
use crate::attachment::{self, Attachment};
use crate::ids::{InviteId, MessageId, UserId};
use crate::text::{ClientMsgId, MessageBody, Reaction, RoomDescription, RoomTopic};

/// How many of a member's most recent posts are remembered for `client_msg_id` de-duplication.
/// A retry older than that creates a new message.
pub const RECENT_POSTS_PER_MEMBER: usize = 256;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Room {
    /// Number of events applied, i.e. the sequence of the last event.
    pub(super) version: u64,
    pub(super) kind: Option<RoomKind>,
    pub(super) members: HashMap<UserId, Role>,
    pub(super) messages: HashMap<MessageId, MessageState>,
    recent_posts: HashMap<UserId, VecDeque<PostRef>>,
    /// Per member: how far they have read (see [`Room::read_marker`]).
    pub(super) read_markers: HashMap<UserId, u64>,
    /// Support conversations only: resolved or open, and to whom assigned.
    #[serde(default)]
    support: SupportState,
    /// Group rooms: every invite ever made, revoked and used up ones too (so that an id is
    /// never made twice).
    #[serde(default)]
    invites: HashMap<InviteId, InviteState>,
    /// Group rooms: who may not become a member until unbanned (see `room::moderation`).
    #[serde(default)]
    pub(super) banned: HashSet<UserId>,
    #[serde(default)]
    pub(super) topic: Option<RoomTopic>,
    #[serde(default)]
    pub(super) description: Option<RoomDescription>,
    /// Deleted by its owner: it refuses every command as if it did not exist.
    #[serde(default)]
    pub(super) deleted: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct MessageState {
    author: UserId,
    pub(super) deleted: bool,
    pub(super) reactions: BTreeSet<(UserId, Reaction)>,
}

/// A message as its author's client knows it: its id, its sequence, and the client's key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostRef {
    pub client_msg_id: ClientMsgId,
    pub message_id: MessageId,
    pub seq: u64,
}

impl Room {
    /// The room's sequence: that of its last event, 0 before creation.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Whether the room was ever created (a deleted room too: its id is never used again).
    pub fn exists(&self) -> bool {
        self.kind.is_some()
    }

    /// Whether the owner deleted the room.
    pub fn is_deleted(&self) -> bool {
        self.deleted
    }

    /// A direct room's two people.
    pub fn direct_members(&self) -> Option<[UserId; 2]> {
        match self.kind {
            Some(RoomKind::Direct { members }) => Some(members),
            _ => None,
        }
    }

    pub fn role_of(&self, user: UserId) -> Option<Role> {
        self.members.get(&user).copied()
    }

    /// A support conversation's state (the default for other rooms).
    pub fn support(&self) -> SupportState {
        self.support
    }

    /// How far `user` has read: the sequence of their join until they move their marker past
    /// it, then the furthest they moved it to; 0 if they are not a member.
    pub fn read_marker(&self, user: UserId) -> u64 {
        self.read_markers.get(&user).copied().unwrap_or(0)
    }

    /// The message `author` posted with `client_msg_id`, if it is still in the recent window.
    pub fn recent_post(&self, author: UserId, client_msg_id: &ClientMsgId) -> Option<&PostRef> {
        self.recent_posts.get(&author)?.iter().find(|post| &post.client_msg_id == client_msg_id)
    }

    /// The events `command` produces, or why it is refused. Pure: `self` is not changed.
    /// An empty list means the command is already satisfied (an idempotent retry).
    pub fn decide(&self, command: RoomCommand) -> Result<Vec<RoomEvent>, RoomError> {
        use RoomCommand as C;
        match command {
            C::CreateGroup { by, name, visibility } => {
                if self.exists() {
                    return Err(RoomError::RoomAlreadyExists);
                }
                Ok(vec![
                    RoomEvent::RoomCreated { kind: RoomKind::Group { name, visibility }, created_by: by },
                    RoomEvent::MemberJoined { user_id: by, role: Role::Owner, added_by: None },
                ])
            }
            C::OpenDirect { by, with } => {
                if by == with {
                    return Err(RoomError::DirectRoomWithSelf);
                }
                let mut members = [by, with];
                members.sort();
                match &self.kind {
                    Some(RoomKind::Direct { members: existing }) if *existing == members => Ok(vec![]),
                    Some(_) => Err(RoomError::RoomAlreadyExists),
                    None => Ok(vec![
                        RoomEvent::RoomCreated { kind: RoomKind::Direct { members }, created_by: by },
                        RoomEvent::MemberJoined { user_id: members[0], role: Role::Member, added_by: None },
                        RoomEvent::MemberJoined { user_id: members[1], role: Role::Member, added_by: None },
                    ]),
                }
            }
            C::Join { user } => {
                let visibility = self.group_visibility()?;
                if self.members.contains_key(&user) {
                    return Ok(vec![]);
                }
                self.may_join(user)?;
                if visibility == Visibility::Private {
                    return Err(RoomError::RoomIsPrivate);
                }
                Ok(vec![RoomEvent::MemberJoined { user_id: user, role: Role::Member, added_by: None }])
            }
            C::Leave { user } => {
                self.group_visibility()?;
                let Some(role) = self.role_of(user) else {
                    return Ok(vec![]);
                };
                if role == Role::Owner {
                    return Err(RoomError::OwnerCannotLeave);
                }
                Ok(vec![RoomEvent::MemberLeft { user_id: user, removed_by: None }])
            }
            C::AddMember { by, user } => {
                let role = self.member_role(by)?;
                self.group_visibility()?;
                if !role.moderates() {
                    return Err(RoomError::NotAllowed);
                }
                if self.members.contains_key(&user) {
                    return Ok(vec![]);
                }
                self.may_join(user)?;
                Ok(vec![RoomEvent::MemberJoined { user_id: user, role: Role::Member, added_by: Some(by) }])
            }
            C::RemoveMember { by, user } => {
                let role = self.member_role(by)?;
                self.group_visibility()?;
                if !role.moderates() {
                    return Err(RoomError::NotAllowed);
                }
                let Some(target) = self.role_of(user) else {
                    return Ok(vec![]);
                };
                if target >= role {
                    return Err(RoomError::NotAllowed);
                }
                Ok(vec![RoomEvent::MemberLeft { user_id: user, removed_by: Some(by) }])
            }
            C::ChangeRole { by, user, role: new_role } => {
                let role = self.member_role(by)?;
                if role != Role::Owner || by == user || new_role == Role::Owner {
                    return Err(RoomError::NotAllowed);
                }
                let target = self.role_of(user).ok_or(RoomError::TargetNotAMember)?;
                if target == new_role {
                    return Ok(vec![]);
                }
                Ok(vec![RoomEvent::MemberRoleChanged { user_id: user, role: new_role, changed_by: by }])
            }
            C::PostMessage { by, message_id, client_msg_id, body, reply_to, mentions, attachments } => {
                self.kind()?;
                if self.recent_post(by, &client_msg_id).is_some() {
                    return Ok(vec![]);
                }
                self.member_role(by)?;
                let attachments = distinct_attachments(attachments)?;
                let body = match body {
                    Some(body) => body,
                    None if attachments.is_empty() => return Err(RoomError::EmptyMessage),
                    None => MessageBody::attachments_only(),
                };
                if let Some(target) = reply_to
                    && !self.messages.contains_key(&target)
                {
                    return Err(RoomError::ReplyTargetNotFound);
                }
                let mentions: BTreeSet<UserId> =
                    mentions.into_iter().filter(|user| *user != by && self.members.contains_key(user)).collect();
                let mentions = mentions.into_iter().collect();
                let mut events = Vec::with_capacity(2);
                // A visitor writing to a resolved conversation reopens it.
                if let RoomKind::Support { visitor, .. } = self.kind()?
                    && *visitor == by
                    && self.support.resolved
                {
                    events.push(RoomEvent::ConversationReopened { reopened_by: by });
                }
                events.push(RoomEvent::MessagePosted {
                    message_id,
                    author: by,
                    body: body.into(),
                    client_msg_id,
                    reply_to,
                    mentions,
                    attachments,
                });
                Ok(events)
            }
            C::EditMessage { by, message_id, body } => {
                self.member_role(by)?;
                if self.live_message(message_id)?.author != by {
                    return Err(RoomError::NotTheAuthor);
                }
                Ok(vec![RoomEvent::MessageEdited { message_id, body: body.into(), edited_by: by }])
            }
            C::DeleteMessage { by, message_id } => {
                let role = self.member_role(by)?;
                let message = self.messages.get(&message_id).ok_or(RoomError::MessageNotFound)?;
                let moderated = matches!(self.kind()?, RoomKind::Group { .. } | RoomKind::Support { .. });
                if message.author != by && !(moderated && role.moderates()) {
                    return Err(RoomError::NotAllowed);
                }
                if message.deleted {
                    return Ok(vec![]);
                }
                Ok(vec![RoomEvent::MessageDeleted { message_id, deleted_by: by }])
            }
            C::React { by, message_id, reaction } => {
                self.member_role(by)?;
                if self.live_message(message_id)?.reactions.contains(&(by, reaction.clone())) {
                    return Ok(vec![]);
                }
                Ok(vec![RoomEvent::ReactionAdded { message_id, user_id: by, reaction }])
            }
            C::Unreact { by, message_id, reaction } => {
                self.member_role(by)?;
                let message = self.messages.get(&message_id).ok_or(RoomError::MessageNotFound)?;
                if !message.reactions.contains(&(by, reaction.clone())) {
                    return Ok(vec![]);
                }
                Ok(vec![RoomEvent::ReactionRemoved { message_id, user_id: by, reaction }])
            }
            C::MarkRead { by, up_to_seq } => {
                self.member_role(by)?;
                if up_to_seq > self.version {
                    return Err(RoomError::ReadMarkerBeyondEnd);
                }
                // A member's marker starts at their join (everything before it counts as read)
                // and only moves forward from there.
                if up_to_seq <= self.read_marker(by) {
                    return Ok(vec![]);
                }
                Ok(vec![RoomEvent::ReadMarkerMoved { user_id: by, up_to_seq }])
            }
            C::StartSupport { visitor, website_id, agents, context } => {
                if self.exists() {
                    return Err(RoomError::RoomAlreadyExists);
                }
                let agents: BTreeSet<UserId> = agents.into_iter().filter(|agent| *agent != visitor).collect();
                let mut events = vec![
                    RoomEvent::RoomCreated { kind: RoomKind::Support { website_id, visitor }, created_by: visitor },
                    RoomEvent::MemberJoined { user_id: visitor, role: Role::Member, added_by: None },
                ];
                events.extend(agents.into_iter().map(|agent| RoomEvent::MemberJoined {
                    user_id: agent,
                    role: Role::Admin,
                    added_by: None,
                }));
                events.push(RoomEvent::VisitorContextRecorded {
                    visitor,
                    page_url: context.page_url,
                    referrer: context.referrer,
                    language: context.language,
                    user_agent: context.user_agent,
                });
                Ok(events)
            }
            C::JoinAsAgent { user } => {
                self.support_visitor()?;
                match self.role_of(user) {
                    Some(_) => Ok(vec![]),
                    None => Ok(vec![RoomEvent::MemberJoined { user_id: user, role: Role::Admin, added_by: None }]),
                }
            }
            C::Assign { by, to } => {
                let visitor = self.support_agent(by)?;
                if self.support.assignee == to {
                    return Ok(vec![]);
                }
                let mut events = Vec::with_capacity(2);
                if let Some(agent) = to {
                    match self.role_of(agent) {
                        _ if agent == visitor => return Err(RoomError::NotAllowed),
                        Some(_) => {}
                        None => events.push(RoomEvent::MemberJoined {
                            user_id: agent,
                            role: Role::Admin,
                            added_by: Some(by),
                        }),
                    }
                }
                events.push(RoomEvent::ConversationAssigned { assignee: to, assigned_by: by });
                Ok(events)
            }
            C::Resolve { by } => {
                self.support_agent(by)?;
                Ok(if self.support.resolved {
                    vec![]
                } else {
                    vec![RoomEvent::ConversationResolved { resolved_by: by }]
                })
            }
            C::DismissAgent { by, user } => {
                let visitor = self.support_visitor()?;
                if user == visitor {
                    return Err(RoomError::NotAllowed);
                }
                if self.role_of(user).is_none() {
                    return Ok(vec![]);
                }
                let mut events = Vec::with_capacity(2);
                if self.support.assignee == Some(user) {
                    events.push(RoomEvent::ConversationAssigned { assignee: None, assigned_by: by });
                }
                events.push(RoomEvent::MemberLeft { user_id: user, removed_by: Some(by) });
                Ok(events)
            }
            C::Reopen { by } => {
                self.member_role(by)?;
                self.support_visitor()?;
                Ok(if self.support.resolved {
                    vec![RoomEvent::ConversationReopened { reopened_by: by }]
                } else {
                    vec![]
                })
            }
            C::CreateInvite { by, invite, expires_at, max_uses } => {
                self.group_moderator(by)?;
                if self.invites.contains_key(&invite) {
                    return Err(RoomError::InviteExists);
                }
                Ok(vec![RoomEvent::InviteCreated { invite_id: invite, created_by: by, expires_at, max_uses }])
            }
            C::RevokeInvite { by, invite } => {
                self.group_moderator(by)?;
                if self.invites.get(&invite).ok_or(RoomError::InviteNotFound)?.revoked {
                    return Ok(vec![]);
                }
                Ok(vec![RoomEvent::InviteRevoked { invite_id: invite, revoked_by: by }])
            }
            C::AcceptInvite { user, invite, now } => {
                // Only group rooms have invites: any other room, or none, knows no invite.
                let state = self.invites.get(&invite).ok_or(RoomError::InviteNotFound)?;
                self.kind()?;
                if self.members.contains_key(&user) {
                    return Ok(vec![]);
                }
                self.may_join(user)?;
                if let Some(refusal) = state.refusal(now) {
                    return Err(refusal);
                }
                Ok(vec![
                    RoomEvent::InviteAccepted { invite_id: invite, user_id: user },
                    RoomEvent::MemberJoined { user_id: user, role: Role::Member, added_by: None },
                ])
            }
            C::Ban { by, user, reason } => self.decide_ban(by, user, reason),
            C::Unban { by, user } => self.decide_unban(by, user),
            C::ChangeSettings { by, topic, description } => self.decide_settings(by, topic, description),
            C::DeleteRoom { by } => self.decide_delete(by),
        }
    }

    /// The visitor of a support conversation; `NotSupport` for any other room.
    fn support_visitor(&self) -> Result<UserId, RoomError> {
        match self.kind()? {
            RoomKind::Support { visitor, .. } => Ok(*visitor),
            RoomKind::Group { .. } | RoomKind::Direct { .. } => Err(RoomError::NotSupport),
        }
    }

    /// The visitor of the support conversation `by` is an agent in (its admins are the agents).
    fn support_agent(&self, by: UserId) -> Result<UserId, RoomError> {
        let role = self.member_role(by)?;
        let visitor = self.support_visitor()?;
        if role < Role::Admin {
            return Err(RoomError::NotAllowed);
        }
        Ok(visitor)
    }

    /// What sort of room this is: `RoomNotFound` if there is none, or it was deleted.
    pub(super) fn kind(&self) -> Result<&RoomKind, RoomError> {
        match &self.kind {
            Some(kind) if !self.deleted => Ok(kind),
            _ => Err(RoomError::RoomNotFound),
        }
    }

    /// The visibility of a group room; direct rooms have fixed membership, and support
    /// conversations have theirs managed by their own commands.
    pub(super) fn group_visibility(&self) -> Result<Visibility, RoomError> {
        match self.kind()? {
            RoomKind::Group { visibility, .. } => Ok(*visibility),
            RoomKind::Direct { .. } => Err(RoomError::DirectRoomMembershipIsFixed),
            RoomKind::Support { .. } => Err(RoomError::MembershipManaged),
        }
    }

    /// The role of `user` in this room: `RoomNotFound` if there is no room, `NotAMember` if
    /// they are not in it.
    pub(super) fn member_role(&self, user: UserId) -> Result<Role, RoomError> {
        self.kind()?;
        self.role_of(user).ok_or(RoomError::NotAMember)
    }

    fn live_message(&self, id: MessageId) -> Result<&MessageState, RoomError> {
        match self.messages.get(&id) {
            None => Err(RoomError::MessageNotFound),
            Some(message) if message.deleted => Err(RoomError::MessageDeleted),
            Some(message) => Ok(message),
        }
    }
}

/// A post's attachments, each upload once (in the order first given), at most
/// [`attachment::MAX_PER_MESSAGE`].
fn distinct_attachments(attachments: Vec<Attachment>) -> Result<Vec<Attachment>, RoomError> {
    let mut distinct: Vec<Attachment> = Vec::with_capacity(attachments.len());
    for attachment in attachments {
        if !distinct.iter().any(|seen| seen.id == attachment.id) {
            distinct.push(attachment);
        }
    }
    if distinct.len() > attachment::MAX_PER_MESSAGE {
        return Err(RoomError::TooManyAttachments);
    }
    Ok(distinct)
}

impl Aggregate for Room {
    const TYPE: &'static str = "room";
    type Command = RoomCommand;
    type Event = RoomEvent;
    type Error = RoomError;
    type Services = ();

    async fn handle(&mut self, command: RoomCommand, _: &(), sink: &EventSink<Self>) -> Result<(), RoomError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: RoomEvent) {
        self.version += 1;
        match event {
            RoomEvent::RoomCreated { kind, .. } => self.kind = Some(kind),
            RoomEvent::MemberJoined { user_id, role, .. } => {
                self.members.insert(user_id, role);
                // A member has read everything up to their join: their marker starts there.
                self.read_markers.insert(user_id, self.version);
            }
            RoomEvent::MemberRoleChanged { user_id, role, .. } => {
                self.members.insert(user_id, role);
            }
            RoomEvent::MemberLeft { user_id, .. } => {
                self.members.remove(&user_id);
                self.read_markers.remove(&user_id);
            }
            RoomEvent::MessagePosted { message_id, author, client_msg_id, .. } => {
                self.messages.insert(message_id, MessageState { author, deleted: false, reactions: BTreeSet::new() });
                let recent = self.recent_posts.entry(author).or_default();
                if recent.len() == RECENT_POSTS_PER_MEMBER {
                    recent.pop_front();
                }
                recent.push_back(PostRef { client_msg_id, message_id, seq: self.version });
            }
            RoomEvent::MessageEdited { .. } => {}
            RoomEvent::MessageDeleted { message_id, .. } => {
                if let Some(message) = self.messages.get_mut(&message_id) {
                    message.deleted = true;
                    message.reactions.clear();
                }
            }
            RoomEvent::ReactionAdded { message_id, user_id, reaction } => {
                if let Some(message) = self.messages.get_mut(&message_id) {
                    message.reactions.insert((user_id, reaction));
                }
            }
            RoomEvent::ReactionRemoved { message_id, user_id, reaction } => {
                if let Some(message) = self.messages.get_mut(&message_id) {
                    message.reactions.remove(&(user_id, reaction));
                }
            }
            RoomEvent::VisitorContextRecorded { .. } => {}
            RoomEvent::ConversationAssigned { assignee, .. } => self.support.assignee = assignee,
            RoomEvent::ConversationResolved { .. } => self.support.resolved = true,
            RoomEvent::ConversationReopened { .. } => self.support.resolved = false,
            RoomEvent::InviteCreated { invite_id, expires_at, max_uses, .. } => {
                self.invites.insert(invite_id, InviteState { expires_at, max_uses, uses: 0, revoked: false });
            }
            RoomEvent::InviteRevoked { invite_id, .. } => {
                if let Some(invite) = self.invites.get_mut(&invite_id) {
                    invite.revoked = true;
                }
            }
            RoomEvent::InviteAccepted { invite_id, .. } => {
                if let Some(invite) = self.invites.get_mut(&invite_id) {
                    invite.uses += 1;
                }
            }
            RoomEvent::MemberBanned { user_id, .. } => {
                self.banned.insert(user_id);
            }
            RoomEvent::MemberUnbanned { user_id, .. } => {
                self.banned.remove(&user_id);
            }
            RoomEvent::RoomTopicChanged { topic, .. } => self.topic = topic,
            RoomEvent::RoomDescriptionChanged { description, .. } => self.description = description,
            RoomEvent::RoomDeleted { .. } => self.deleted = true,
            RoomEvent::ReadMarkerMoved { user_id, up_to_seq } => {
                // `decide` only writes markers that move forward, but rooms whose history was
                // written before markers started at the join hold some at or below it. The read
                // models keep the furthest marker, so those never moved a marker back there;
                // here too, or the member's next stale marker would be written once more.
                let marker = self.read_markers.entry(user_id).or_default();
                *marker = (*marker).max(up_to_seq);
            }
        }
    }
}
