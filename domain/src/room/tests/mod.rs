//! Every rule and every refusal of `Room::decide`, one given/when/then test each.
//!
//! The cast is fixed: in group rooms `owner()`, `admin()` and `member()` (plus `other_admin()`
//! and `other_member()` where a test needs a peer), in the direct room `ann()` and `bob()`, and
//! `outsider()` is in no room. Histories are built from the helpers below; a test adds what it
//! needs with `.and(..)`.

use cqrs_es::Aggregate;
use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::{PostRef, RECENT_POSTS_PER_MEMBER, Role, Room, RoomCommand, RoomError, RoomEvent, RoomKind, Visibility};
use crate::attachment::{Attachment, FileName, MimeType, Sha256Digest};
use crate::ids::{MessageId, UploadId, UserId};
use crate::text::{ClientMsgId, MessageBody, Reaction, RoomName};

fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

fn message(n: u128) -> MessageId {
    MessageId::from_uuid(Uuid::from_u128(n))
}

fn owner() -> UserId {
    user(1)
}

fn admin() -> UserId {
    user(2)
}

fn member() -> UserId {
    user(3)
}

fn outsider() -> UserId {
    user(4)
}

fn other_member() -> UserId {
    user(5)
}

fn other_admin() -> UserId {
    user(6)
}

/// `ann() < bob()`, so a direct room lists them in that order.
fn ann() -> UserId {
    user(10)
}

fn bob() -> UserId {
    user(11)
}

fn body(s: &str) -> MessageBody {
    MessageBody::parse(s).unwrap()
}

fn key(s: &str) -> ClientMsgId {
    ClientMsgId::parse(s).unwrap()
}

fn reaction(s: &str) -> Reaction {
    Reaction::parse(s).unwrap()
}

fn group_created(visibility: Visibility) -> Vec<RoomEvent> {
    vec![
        RoomEvent::RoomCreated {
            kind: RoomKind::Group { name: RoomName::parse("general").unwrap(), visibility },
            created_by: owner(),
        },
        RoomEvent::MemberJoined { user_id: owner(), role: Role::Owner, added_by: None },
    ]
}

fn public_group() -> Vec<RoomEvent> {
    group_created(Visibility::Public)
}

fn private_group() -> Vec<RoomEvent> {
    group_created(Visibility::Private)
}

fn joined(user_id: UserId) -> RoomEvent {
    RoomEvent::MemberJoined { user_id, role: Role::Member, added_by: None }
}

fn promoted_to_admin(user_id: UserId) -> Vec<RoomEvent> {
    vec![
        RoomEvent::MemberJoined { user_id, role: Role::Member, added_by: Some(owner()) },
        RoomEvent::MemberRoleChanged { user_id, role: Role::Admin, changed_by: owner() },
    ]
}

/// A public group of `owner()`, `admin()` and `member()`: five events, so the room is at seq 5.
fn staffed_group() -> Vec<RoomEvent> {
    [public_group(), promoted_to_admin(admin()), vec![joined(member())]].concat()
}

/// The direct room of `ann()` and `bob()`, opened by `ann()`.
fn direct_room() -> Vec<RoomEvent> {
    vec![
        RoomEvent::RoomCreated { kind: RoomKind::Direct { members: [ann(), bob()] }, created_by: ann() },
        RoomEvent::MemberJoined { user_id: ann(), role: Role::Member, added_by: None },
        RoomEvent::MemberJoined { user_id: bob(), role: Role::Member, added_by: None },
    ]
}

fn post(by: UserId, message_id: MessageId, client_msg_id: &str) -> RoomCommand {
    RoomCommand::PostMessage {
        by,
        message_id,
        client_msg_id: key(client_msg_id),
        body: Some(body("hello")),
        reply_to: None,
        mentions: vec![],
        attachments: vec![],
    }
}

fn posted(author: UserId, message_id: MessageId, client_msg_id: &str) -> RoomEvent {
    RoomEvent::MessagePosted {
        message_id,
        author,
        body: body("hello").into(),
        client_msg_id: key(client_msg_id),
        reply_to: None,
        mentions: vec![],
        attachments: vec![],
    }
}

/// An upload `n` of type `mime` (an image of 640×480 with a thumbnail if it is one).
fn attachment(n: u128, mime: &str) -> Attachment {
    let mime = MimeType::parse(mime).unwrap();
    let image = mime.is_image();
    Attachment {
        id: UploadId::from_uuid(Uuid::from_u128(n)),
        name: FileName::sanitise(&format!("file-{n}")).into(),
        mime,
        size: 1000 + n as u64,
        sha256: Sha256Digest::from_bytes([n as u8; 32]),
        width: image.then_some(640),
        height: image.then_some(480),
        thumbnail: image,
    }
}

fn deleted(message_id: MessageId, deleted_by: UserId) -> RoomEvent {
    RoomEvent::MessageDeleted { message_id, deleted_by }
}

fn reacted(message_id: MessageId, user_id: UserId, r: &str) -> RoomEvent {
    RoomEvent::ReactionAdded { message_id, user_id, reaction: reaction(r) }
}

/// The room state after `events`, the way a writer rebuilds it.
fn replay(events: Vec<RoomEvent>) -> Room {
    let mut room = Room::default();
    for event in events {
        room.apply(event);
    }
    room
}

mod attachments;
mod creation;
pub(crate) mod invites;
mod membership;
mod messages;
pub(crate) mod moderation;
mod posting;
mod read_markers;
pub(crate) mod serialisation;
mod support;
mod view;
