//! Moderating a group room: bans, its topic and description, and deleting it. The rules
//! (docs/api.md §3.13) follow what Discord and Slack users expect:
//!
//! - Admins and the owner moderate. A moderator bans only those below them: an admin bans
//!   members, the owner bans admins and members, nobody bans the owner (or themselves). The
//!   same rule as removing a member, since a ban removes.
//! - A user need not be a member to be banned (a ban may come before they ever join); a
//!   member is removed at once, by the `MemberLeft` that follows `MemberBanned` in the same
//!   commit, so every reader that follows leaves (read models, gateways, search) follows bans
//!   with nothing of its own.
//! - A banned user cannot become a member by any path — joining, an invite, being added —
//!   until a moderator (any admin or the owner) unbans them; every path asks
//!   [`Room::may_join`]. Unbanning does not add them back.
//! - Only the owner deletes the room. Every member leaves in the same commit (so every reader
//!   drops the room as for a removal) and the room refuses every command from then on as if it
//!   did not exist; its events stay in the store for analysts.
//!
//! Banning, unbanning and settings that change nothing are idempotent (no events).

use super::aggregate::Room;
use super::error::RoomError;
use super::events::RoomEvent;
use super::kind::Role;
use crate::ids::UserId;
use crate::text::{BanReason, RoomDescription, RoomTopic};

impl Room {
    /// Whether `user`, not a member, may become one (by joining, an invite or being added).
    pub(super) fn may_join(&self, user: UserId) -> Result<(), RoomError> {
        if self.banned.contains(&user) {
            return Err(RoomError::UserBanned);
        }
        Ok(())
    }

    /// Whether `user` is banned from the room.
    pub fn is_banned(&self, user: UserId) -> bool {
        self.banned.contains(&user)
    }

    /// The role of `by`, an admin or the owner of a group room (direct rooms and support
    /// conversations have no moderation of their own).
    pub(super) fn group_moderator(&self, by: UserId) -> Result<Role, RoomError> {
        let role = self.member_role(by)?;
        self.group_visibility()?;
        if !role.moderates() {
            return Err(RoomError::NotAllowed);
        }
        Ok(role)
    }

    pub(super) fn decide_ban(
        &self,
        by: UserId,
        user: UserId,
        reason: Option<BanReason>,
    ) -> Result<Vec<RoomEvent>, RoomError> {
        let role = self.group_moderator(by)?;
        let target = self.role_of(user);
        if user == by || target.is_some_and(|target| target >= role) {
            return Err(RoomError::NotAllowed);
        }
        if self.is_banned(user) {
            return Ok(vec![]);
        }
        let mut events = vec![RoomEvent::MemberBanned { user_id: user, banned_by: by, reason }];
        if target.is_some() {
            events.push(RoomEvent::MemberLeft { user_id: user, removed_by: Some(by) });
        }
        Ok(events)
    }

    pub(super) fn decide_unban(&self, by: UserId, user: UserId) -> Result<Vec<RoomEvent>, RoomError> {
        self.group_moderator(by)?;
        if !self.is_banned(user) {
            return Ok(vec![]);
        }
        Ok(vec![RoomEvent::MemberUnbanned { user_id: user, unbanned_by: by }])
    }

    pub(super) fn decide_settings(
        &self,
        by: UserId,
        topic: Option<Option<RoomTopic>>,
        description: Option<Option<RoomDescription>>,
    ) -> Result<Vec<RoomEvent>, RoomError> {
        self.group_moderator(by)?;
        let mut events = Vec::with_capacity(2);
        if let Some(topic) = topic
            && topic != self.topic
        {
            events.push(RoomEvent::RoomTopicChanged { topic, changed_by: by });
        }
        if let Some(description) = description
            && description != self.description
        {
            events.push(RoomEvent::RoomDescriptionChanged { description, changed_by: by });
        }
        Ok(events)
    }

    /// `RoomDeleted`, then every member's `MemberLeft` (by user id, so that the commit is the
    /// same whatever order the members are held in).
    pub(super) fn decide_delete(&self, by: UserId) -> Result<Vec<RoomEvent>, RoomError> {
        if self.group_moderator(by)? != Role::Owner {
            return Err(RoomError::NotAllowed);
        }
        let mut members: Vec<UserId> = self.members.keys().copied().collect();
        members.sort();
        let mut events = Vec::with_capacity(members.len() + 1);
        events.push(RoomEvent::RoomDeleted { deleted_by: by });
        events.extend(members.into_iter().map(|user_id| RoomEvent::MemberLeft { user_id, removed_by: Some(by) }));
        Ok(events)
    }
}
