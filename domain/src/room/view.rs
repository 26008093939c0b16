//! A room as it was at one point of its history, for analysts' time travel (`chat events at`,
//! `GET /v1/admin/rooms/{id}/at`): the aggregate's own state after folding the room's events
//! up to that point with `apply`, so that it agrees with what the rules saw at the time.

use cqrs_es::Aggregate;
use serde::Serialize;

use super::aggregate::Room;
use super::events::RoomEvent;
use super::kind::{Role, RoomKind};
use crate::ids::UserId;

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RoomView {
    /// The sequence of the last event folded in (0: the room did not exist yet).
    pub seq: u64,
    /// What sort of room (`None` before it was created).
    #[schema(required = true)]
    pub kind: Option<RoomKind>,
    /// The members, owner first, then admins, then members; by user id within a role.
    pub members: Vec<MemberView>,
    /// Messages posted and not deleted.
    pub message_count: u64,
    /// Messages posted and deleted since.
    pub deleted_count: u64,
    /// Reactions on messages that are not deleted.
    pub reaction_count: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = RoomViewMember)]
pub struct MemberView {
    pub user_id: UserId,
    pub role: Role,
    /// The member's read marker: the sequence of their join until they moved it further (as
    /// `last_read_seq` in the rooms read model and in read receipts).
    pub read_up_to: u64,
}

impl RoomView {
    /// The room after `events` (its events from sequence 1 on, in order).
    pub fn fold(events: impl IntoIterator<Item = RoomEvent>) -> Self {
        let mut room = Room::default();
        for event in events {
            room.apply(event);
        }
        Self::of(&room)
    }

    pub fn of(room: &Room) -> Self {
        let mut members: Vec<MemberView> = room
            .members
            .iter()
            .map(|(user_id, role)| MemberView {
                user_id: *user_id,
                role: *role,
                read_up_to: room.read_marker(*user_id),
            })
            .collect();
        members.sort_by(|a, b| b.role.cmp(&a.role).then(a.user_id.cmp(&b.user_id)));
        let deleted_count = room.messages.values().filter(|message| message.deleted).count() as u64;
        Self {
            seq: room.version,
            kind: room.kind.clone(),
            members,
            message_count: room.messages.len() as u64 - deleted_count,
            deleted_count,
            reaction_count: room.messages.values().map(|message| message.reactions.len() as u64).sum(),
        }
    }

    pub fn exists(&self) -> bool {
        self.kind.is_some()
    }
}
