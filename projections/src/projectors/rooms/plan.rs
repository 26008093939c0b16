//! The order in which a page's room events are applied: in layers, each a group per kind of
//! event, every group one statement.
//!
//! Applying events one by one costs a round trip or two each; applying a page kind by kind in a
//! fixed order would reorder events that do not commute (a join reads the room's post count, a
//! read marker recounts the messages after it, a delete uncounts a message for the members who
//! had not read it). Two facts make a safe order cheap:
//! - events of different rooms commute: every row a room event writes or reads belongs to its
//!   room (its `rooms` row, its members, its messages and their reactions);
//! - within a layer, groups are applied in [`Phase`] order, so a room's events may share a layer
//!   as long as their phases do not decrease. An event whose phase is lower than that of its
//!   room's previous event in the page starts a new layer for that room.
//!
//! So each room's events are applied in their own order; events of one room and kind that end
//! up in one group are adjacent in that room's order, and each group's statement applies them
//! as if one after the other (several posts number their messages by sequence, several
//! markers of one member come down to the furthest, several edits of a message to the last).
//! A page of many rooms, as a rebuild reads, needs a handful of statements; a page of one busy
//! room as many as it has runs of rising phases.

use std::collections::HashMap;

use chat_domain::room::RoomEvent;
use sqlx::PgConnection;
use uuid::Uuid;

use super::At;
use super::markers::Markers;
use super::membership::{Creations, Joins, Leaves, RoleChanges};
use super::messages::{Deletes, Edits};
use super::posts::{Posted, Posts};
use super::reactions::Reactions;
use super::settings::{Deletions, Settings};

/// The kinds of room events, in the order [`Layer::apply`] applies their groups. The order
/// follows what usually comes next in a room (a room, then its members, their posts, edits and
/// reactions to them, deletes, read markers, settings, a deletion and the leaving that follows it),
/// so that a layer covers long stretches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Created,
    Joined,
    RoleChanged,
    Posted,
    Edited,
    ReactionAdded,
    ReactionRemoved,
    Deleted,
    ReadMarkerMoved,
    SettingsChanged,
    RoomDeleted,
    Left,
}

impl Phase {
    /// `None` for events that change nothing here but the room's sequence (a support
    /// conversation's state is the `support` projector's).
    fn of(event: &RoomEvent) -> Option<Self> {
        Some(match event {
            RoomEvent::RoomCreated { .. } => Phase::Created,
            RoomEvent::MemberJoined { .. } => Phase::Joined,
            RoomEvent::MemberRoleChanged { .. } => Phase::RoleChanged,
            RoomEvent::MessagePosted { .. } => Phase::Posted,
            RoomEvent::MessageEdited { .. } => Phase::Edited,
            RoomEvent::ReactionAdded { .. } => Phase::ReactionAdded,
            RoomEvent::ReactionRemoved { .. } => Phase::ReactionRemoved,
            RoomEvent::MessageDeleted { .. } => Phase::Deleted,
            RoomEvent::ReadMarkerMoved { .. } => Phase::ReadMarkerMoved,
            RoomEvent::MemberLeft { .. } => Phase::Left,
            RoomEvent::RoomTopicChanged { .. } | RoomEvent::RoomDescriptionChanged { .. } => Phase::SettingsChanged,
            RoomEvent::RoomDeleted { .. } => Phase::RoomDeleted,
            // Bans are the `bans` projector's; a banned member's `MemberLeft` follows.
            RoomEvent::MemberBanned { .. }
            | RoomEvent::MemberUnbanned { .. }
            | RoomEvent::VisitorContextRecorded { .. }
            | RoomEvent::ConversationAssigned { .. }
            | RoomEvent::ConversationResolved { .. }
            | RoomEvent::ConversationReopened { .. }
            | RoomEvent::InviteCreated { .. }
            | RoomEvent::InviteRevoked { .. }
            | RoomEvent::InviteAccepted { .. } => return None,
        })
    }
}

/// One group per kind of event.
#[derive(Default)]
struct Layer {
    created: Creations,
    joined: Joins,
    roles: RoleChanges,
    posts: Posts,
    edits: Edits,
    reactions_added: Reactions,
    reactions_removed: Reactions,
    deletes: Deletes,
    markers: Markers,
    left: Leaves,
    settings: Settings,
    deleted: Deletions,
}

impl Layer {
    fn push(&mut self, at: At, event: RoomEvent) {
        match event {
            RoomEvent::RoomCreated { kind, created_by } => self.created.push(at, kind, created_by),
            RoomEvent::MemberJoined { user_id, role, .. } => self.joined.push(at, user_id, role),
            RoomEvent::MemberRoleChanged { user_id, role, .. } => self.roles.push(at, user_id, role),
            RoomEvent::MessagePosted { message_id, author, body, client_msg_id, reply_to, mentions, attachments } => {
                self.posts.push(at, Posted { message_id, author, body, client_msg_id, reply_to, mentions, attachments })
            }
            RoomEvent::MessageEdited { message_id, body, .. } => self.edits.push(at, message_id, body),
            RoomEvent::ReactionAdded { message_id, user_id, reaction } => {
                self.reactions_added.push(at, message_id, user_id, reaction)
            }
            RoomEvent::ReactionRemoved { message_id, user_id, reaction } => {
                self.reactions_removed.push(at, message_id, user_id, reaction)
            }
            RoomEvent::MessageDeleted { message_id, deleted_by } => self.deletes.push(at, message_id, deleted_by),
            RoomEvent::ReadMarkerMoved { user_id, up_to_seq } => self.markers.push(at, user_id, up_to_seq),
            RoomEvent::MemberLeft { user_id, .. } => self.left.push(at, user_id),
            RoomEvent::RoomTopicChanged { topic, .. } => self.settings.topic(at, topic.map(|t| t.into_string())),
            RoomEvent::RoomDescriptionChanged { description, .. } => {
                self.settings.description(at, description.map(|d| d.into_string()))
            }
            RoomEvent::RoomDeleted { .. } => self.deleted.push(at),
            RoomEvent::MemberBanned { .. }
            | RoomEvent::MemberUnbanned { .. }
            | RoomEvent::VisitorContextRecorded { .. }
            | RoomEvent::ConversationAssigned { .. }
            | RoomEvent::ConversationResolved { .. }
            | RoomEvent::ConversationReopened { .. }
            | RoomEvent::InviteCreated { .. }
            | RoomEvent::InviteRevoked { .. }
            | RoomEvent::InviteAccepted { .. } => {}
        }
    }

    /// Applies the groups in [`Phase`] order; empty groups cost nothing.
    async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        self.created.apply(conn).await?;
        self.joined.apply(conn).await?;
        self.roles.apply(conn).await?;
        self.posts.apply(conn).await?;
        self.edits.apply(conn).await?;
        self.reactions_added.add(conn).await?;
        self.reactions_removed.remove(conn).await?;
        self.deletes.apply(conn).await?;
        self.markers.apply(conn).await?;
        self.settings.apply(conn).await?;
        self.deleted.apply(conn).await?;
        self.left.apply(conn).await
    }
}

/// A page of room events in layers, and each room's latest sequence in it.
#[derive(Default)]
pub(super) struct Plan {
    layers: Vec<Layer>,
    /// Per room: the layer and phase of its latest event so far, and that event's sequence.
    rooms: HashMap<Uuid, (usize, Phase, i64)>,
}

impl Plan {
    /// Adds the next event of the page (in feed order).
    pub(super) fn push(&mut self, at: At, event: RoomEvent) {
        let Some(phase) = Phase::of(&event) else {
            self.rooms.entry(at.room).and_modify(|(.., seq)| *seq = at.seq).or_insert((0, Phase::Created, at.seq));
            return;
        };
        let layer = match self.rooms.get(&at.room) {
            Some(&(layer, previous, _)) if phase < previous => layer + 1,
            Some(&(layer, ..)) => layer,
            None => 0,
        };
        self.rooms.insert(at.room, (layer, phase, at.seq));
        if layer == self.layers.len() {
            self.layers.push(Layer::default());
        }
        self.layers[layer].push(at, event);
    }

    /// Applies the layers in order, then records each room's latest sequence.
    pub(super) async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        for layer in self.layers {
            layer.apply(conn).await?;
        }
        if self.rooms.is_empty() {
            return Ok(());
        }
        let (rooms, seqs): (Vec<Uuid>, Vec<i64>) = self.rooms.into_iter().map(|(room, (.., seq))| (room, seq)).unzip();
        sqlx::query(
            "UPDATE rooms SET last_seq = latest.seq FROM unnest($1::uuid[], $2::bigint[]) AS latest(room_id, seq)
             WHERE rooms.room_id = latest.room_id",
        )
        .bind(&rooms)
        .bind(&seqs)
        .execute(conn)
        .await?;
        Ok(())
    }
}
