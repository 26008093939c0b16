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
use crate::ids::{MessageId, UserId};
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
    RoomCommand::PostMessage { by, message_id, client_msg_id: key(client_msg_id), body: body("hello"), reply_to: None }
}

fn posted(author: UserId, message_id: MessageId, client_msg_id: &str) -> RoomEvent {
    RoomEvent::MessagePosted {
        message_id,
        author,
        body: body("hello"),
        client_msg_id: key(client_msg_id),
        reply_to: None,
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

mod creation {
    use super::*;

    #[test]
    fn a_group_is_created_with_its_creator_as_owner() {
        TestFramework::<Room>::with(())
            .given_no_previous_events()
            .when(RoomCommand::CreateGroup {
                by: owner(),
                name: RoomName::parse("general").unwrap(),
                visibility: Visibility::Private,
            })
            .then_expect_events(private_group());
    }

    #[test]
    fn creating_a_group_twice_is_refused() {
        TestFramework::<Room>::with(())
            .given(public_group())
            .when(RoomCommand::CreateGroup {
                by: owner(),
                name: RoomName::parse("general").unwrap(),
                visibility: Visibility::Public,
            })
            .then_expect_error(RoomError::RoomAlreadyExists);
    }

    #[test]
    fn creating_a_group_over_a_direct_room_is_refused() {
        TestFramework::<Room>::with(())
            .given(direct_room())
            .when(RoomCommand::CreateGroup {
                by: ann(),
                name: RoomName::parse("general").unwrap(),
                visibility: Visibility::Public,
            })
            .then_expect_error(RoomError::RoomAlreadyExists);
    }

    #[test]
    fn a_direct_room_is_opened_with_both_users_as_members_in_id_order() {
        TestFramework::<Room>::with(())
            .given_no_previous_events()
            .when(RoomCommand::OpenDirect { by: bob(), with: ann() })
            .then_expect_events(vec![
                RoomEvent::RoomCreated { kind: RoomKind::Direct { members: [ann(), bob()] }, created_by: bob() },
                RoomEvent::MemberJoined { user_id: ann(), role: Role::Member, added_by: None },
                RoomEvent::MemberJoined { user_id: bob(), role: Role::Member, added_by: None },
            ]);
    }

    #[test]
    fn opening_a_direct_room_again_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(direct_room())
            .when(RoomCommand::OpenDirect { by: ann(), with: bob() })
            .then_expect_events(vec![]);
    }

    #[test]
    fn the_other_user_opening_the_same_direct_room_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(direct_room())
            .when(RoomCommand::OpenDirect { by: bob(), with: ann() })
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_direct_room_with_oneself_is_refused() {
        TestFramework::<Room>::with(())
            .given_no_previous_events()
            .when(RoomCommand::OpenDirect { by: ann(), with: ann() })
            .then_expect_error(RoomError::DirectRoomWithSelf);
    }

    #[test]
    fn a_direct_room_of_other_users_cannot_be_opened_over_an_existing_one() {
        TestFramework::<Room>::with(())
            .given(direct_room())
            .when(RoomCommand::OpenDirect { by: ann(), with: outsider() })
            .then_expect_error(RoomError::RoomAlreadyExists);
    }

    #[test]
    fn a_direct_room_cannot_be_opened_over_a_group() {
        TestFramework::<Room>::with(())
            .given(public_group())
            .when(RoomCommand::OpenDirect { by: owner(), with: outsider() })
            .then_expect_error(RoomError::RoomAlreadyExists);
    }

    #[test]
    fn every_other_command_on_a_room_that_does_not_exist_is_refused() {
        let commands = vec![
            RoomCommand::Join { user: ann() },
            RoomCommand::Leave { user: ann() },
            RoomCommand::AddMember { by: ann(), user: bob() },
            RoomCommand::RemoveMember { by: ann(), user: bob() },
            RoomCommand::ChangeRole { by: ann(), user: bob(), role: Role::Admin },
            post(ann(), message(1), "k-1"),
            RoomCommand::EditMessage { by: ann(), message_id: message(1), body: body("edited") },
            RoomCommand::DeleteMessage { by: ann(), message_id: message(1) },
            RoomCommand::React { by: ann(), message_id: message(1), reaction: reaction("👍") },
            RoomCommand::Unreact { by: ann(), message_id: message(1), reaction: reaction("👍") },
            RoomCommand::MarkRead { by: ann(), up_to_seq: 0 },
        ];
        for command in commands {
            TestFramework::<Room>::with(())
                .given_no_previous_events()
                .when(command)
                .then_expect_error(RoomError::RoomNotFound);
        }
    }
}

mod membership {
    use super::*;

    #[test]
    fn anyone_can_join_a_public_group() {
        TestFramework::<Room>::with(())
            .given(public_group())
            .when(RoomCommand::Join { user: outsider() })
            .then_expect_events(vec![joined(outsider())]);
    }

    #[test]
    fn nobody_can_join_a_private_group_by_themselves() {
        TestFramework::<Room>::with(())
            .given(private_group())
            .when(RoomCommand::Join { user: outsider() })
            .then_expect_error(RoomError::RoomIsPrivate);
    }

    #[test]
    fn a_member_joining_again_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::Join { user: member() })
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_member_of_a_private_group_joining_again_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(private_group())
            .when(RoomCommand::Join { user: owner() })
            .then_expect_events(vec![]);
    }

    #[test]
    fn nobody_can_join_a_direct_room() {
        TestFramework::<Room>::with(())
            .given(direct_room())
            .when(RoomCommand::Join { user: outsider() })
            .then_expect_error(RoomError::DirectRoomMembershipIsFixed);
    }

    #[test]
    fn a_member_can_leave() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::Leave { user: member() })
            .then_expect_events(vec![RoomEvent::MemberLeft { user_id: member(), removed_by: None }]);
    }

    #[test]
    fn an_admin_can_leave() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::Leave { user: admin() })
            .then_expect_events(vec![RoomEvent::MemberLeft { user_id: admin(), removed_by: None }]);
    }

    #[test]
    fn the_owner_cannot_leave() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::Leave { user: owner() })
            .then_expect_error(RoomError::OwnerCannotLeave);
    }

    #[test]
    fn a_non_member_cannot_leave() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::Leave { user: outsider() })
            .then_expect_error(RoomError::NotAMember);
    }

    #[test]
    fn nobody_can_leave_a_direct_room() {
        TestFramework::<Room>::with(())
            .given(direct_room())
            .when(RoomCommand::Leave { user: ann() })
            .then_expect_error(RoomError::DirectRoomMembershipIsFixed);
    }

    #[test]
    fn an_admin_can_add_a_member() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::AddMember { by: admin(), user: outsider() })
            .then_expect_events(vec![RoomEvent::MemberJoined {
                user_id: outsider(),
                role: Role::Member,
                added_by: Some(admin()),
            }]);
    }

    #[test]
    fn the_owner_can_add_a_member_to_a_private_group() {
        TestFramework::<Room>::with(())
            .given(private_group())
            .when(RoomCommand::AddMember { by: owner(), user: outsider() })
            .then_expect_events(vec![RoomEvent::MemberJoined {
                user_id: outsider(),
                role: Role::Member,
                added_by: Some(owner()),
            }]);
    }

    #[test]
    fn a_plain_member_cannot_add_members() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::AddMember { by: member(), user: outsider() })
            .then_expect_error(RoomError::NotAllowed);
    }

    #[test]
    fn a_non_member_cannot_add_members() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::AddMember { by: outsider(), user: other_member() })
            .then_expect_error(RoomError::NotAMember);
    }

    #[test]
    fn adding_an_existing_member_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::AddMember { by: admin(), user: member() })
            .then_expect_events(vec![]);
    }

    #[test]
    fn nobody_can_add_a_member_to_a_direct_room() {
        TestFramework::<Room>::with(())
            .given(direct_room())
            .when(RoomCommand::AddMember { by: ann(), user: outsider() })
            .then_expect_error(RoomError::DirectRoomMembershipIsFixed);
    }

    #[test]
    fn the_owner_can_remove_an_admin() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::RemoveMember { by: owner(), user: admin() })
            .then_expect_events(vec![RoomEvent::MemberLeft { user_id: admin(), removed_by: Some(owner()) }]);
    }

    #[test]
    fn an_admin_can_remove_a_plain_member() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::RemoveMember { by: admin(), user: member() })
            .then_expect_events(vec![RoomEvent::MemberLeft { user_id: member(), removed_by: Some(admin()) }]);
    }

    #[test]
    fn an_admin_cannot_remove_another_admin() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .and(promoted_to_admin(other_admin()))
            .when(RoomCommand::RemoveMember { by: admin(), user: other_admin() })
            .then_expect_error(RoomError::NotAllowed);
    }

    #[test]
    fn an_admin_cannot_remove_the_owner() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::RemoveMember { by: admin(), user: owner() })
            .then_expect_error(RoomError::NotAllowed);
    }

    #[test]
    fn the_owner_cannot_remove_themselves() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::RemoveMember { by: owner(), user: owner() })
            .then_expect_error(RoomError::NotAllowed);
    }

    #[test]
    fn a_plain_member_cannot_remove_another_member() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .and(vec![joined(other_member())])
            .when(RoomCommand::RemoveMember { by: member(), user: other_member() })
            .then_expect_error(RoomError::NotAllowed);
    }

    #[test]
    fn a_non_member_cannot_remove_anyone() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::RemoveMember { by: outsider(), user: member() })
            .then_expect_error(RoomError::NotAMember);
    }

    #[test]
    fn removing_a_non_member_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::RemoveMember { by: admin(), user: outsider() })
            .then_expect_events(vec![]);
    }

    #[test]
    fn nobody_can_remove_a_member_of_a_direct_room() {
        TestFramework::<Room>::with(())
            .given(direct_room())
            .when(RoomCommand::RemoveMember { by: ann(), user: bob() })
            .then_expect_error(RoomError::DirectRoomMembershipIsFixed);
    }

    #[test]
    fn the_owner_can_promote_a_member_to_admin() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::ChangeRole { by: owner(), user: member(), role: Role::Admin })
            .then_expect_events(vec![RoomEvent::MemberRoleChanged {
                user_id: member(),
                role: Role::Admin,
                changed_by: owner(),
            }]);
    }

    #[test]
    fn the_owner_can_demote_an_admin_to_member() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::ChangeRole { by: owner(), user: admin(), role: Role::Member })
            .then_expect_events(vec![RoomEvent::MemberRoleChanged {
                user_id: admin(),
                role: Role::Member,
                changed_by: owner(),
            }]);
    }

    #[test]
    fn an_admin_cannot_change_roles() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::ChangeRole { by: admin(), user: member(), role: Role::Admin })
            .then_expect_error(RoomError::NotAllowed);
    }

    #[test]
    fn a_plain_member_cannot_change_roles() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .and(vec![joined(other_member())])
            .when(RoomCommand::ChangeRole { by: member(), user: other_member(), role: Role::Admin })
            .then_expect_error(RoomError::NotAllowed);
    }

    #[test]
    fn a_non_member_cannot_change_roles() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::ChangeRole { by: outsider(), user: member(), role: Role::Admin })
            .then_expect_error(RoomError::NotAMember);
    }

    #[test]
    fn nobody_can_be_made_owner() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::ChangeRole { by: owner(), user: admin(), role: Role::Owner })
            .then_expect_error(RoomError::NotAllowed);
    }

    #[test]
    fn the_owner_cannot_change_their_own_role() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::ChangeRole { by: owner(), user: owner(), role: Role::Admin })
            .then_expect_error(RoomError::NotAllowed);
    }

    #[test]
    fn only_a_member_can_be_given_a_role() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::ChangeRole { by: owner(), user: outsider(), role: Role::Admin })
            .then_expect_error(RoomError::TargetNotAMember);
    }

    #[test]
    fn giving_a_member_the_role_they_have_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::ChangeRole { by: owner(), user: admin(), role: Role::Admin })
            .then_expect_events(vec![]);
    }

    #[test]
    fn roles_cannot_change_in_a_direct_room() {
        TestFramework::<Room>::with(())
            .given(direct_room())
            .when(RoomCommand::ChangeRole { by: ann(), user: bob(), role: Role::Admin })
            .then_expect_error(RoomError::NotAllowed);
    }
}

mod posting {
    use super::*;

    #[test]
    fn a_member_posts_a_message() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(post(member(), message(1), "k-1"))
            .then_expect_events(vec![posted(member(), message(1), "k-1")]);
    }

    #[test]
    fn a_member_of_a_direct_room_posts_a_message() {
        TestFramework::<Room>::with(())
            .given(direct_room())
            .when(post(bob(), message(1), "k-1"))
            .then_expect_events(vec![posted(bob(), message(1), "k-1")]);
    }

    #[test]
    fn a_non_member_cannot_post() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(post(outsider(), message(1), "k-1"))
            .then_expect_error(RoomError::NotAMember);
    }

    #[test]
    fn a_reply_to_a_message_in_the_room_is_posted() {
        let reply = |message_id| RoomCommand::PostMessage {
            by: member(),
            message_id,
            client_msg_id: key("k-2"),
            body: body("hello"),
            reply_to: Some(message(1)),
        };
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .and(vec![posted(admin(), message(1), "k-1")])
            .when(reply(message(2)))
            .then_expect_events(vec![RoomEvent::MessagePosted {
                message_id: message(2),
                author: member(),
                body: body("hello"),
                client_msg_id: key("k-2"),
                reply_to: Some(message(1)),
            }]);
    }

    #[test]
    fn a_reply_to_an_unknown_message_is_refused() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::PostMessage {
                by: member(),
                message_id: message(2),
                client_msg_id: key("k-2"),
                body: body("hello"),
                reply_to: Some(message(1)),
            })
            .then_expect_error(RoomError::ReplyTargetNotFound);
    }

    #[test]
    fn a_reply_to_a_deleted_message_is_still_posted() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .and(vec![posted(admin(), message(1), "k-1"), deleted(message(1), admin())])
            .when(RoomCommand::PostMessage {
                by: member(),
                message_id: message(2),
                client_msg_id: key("k-2"),
                body: body("hello"),
                reply_to: Some(message(1)),
            })
            .then_expect_events(vec![RoomEvent::MessagePosted {
                message_id: message(2),
                author: member(),
                body: body("hello"),
                client_msg_id: key("k-2"),
                reply_to: Some(message(1)),
            }]);
    }

    #[test]
    fn a_retried_post_with_the_same_client_msg_id_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .and(vec![posted(member(), message(1), "k-1")])
            .when(post(member(), message(2), "k-1"))
            .then_expect_events(vec![]);
    }

    #[test]
    fn the_same_client_msg_id_from_another_author_is_a_new_message() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .and(vec![posted(member(), message(1), "k-1")])
            .when(post(admin(), message(2), "k-1"))
            .then_expect_events(vec![posted(admin(), message(2), "k-1")]);
    }

    #[test]
    fn a_retry_is_recognised_even_after_its_author_has_left() {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .and(vec![
                posted(member(), message(1), "k-1"),
                RoomEvent::MemberLeft { user_id: member(), removed_by: None },
            ])
            .when(post(member(), message(2), "k-1"))
            .then_expect_events(vec![]);
    }

    /// `staffed_group()`, then `member()` posts `"old"` as message 0 (seq 6) and `newer` more
    /// posts, message `i` with key `"k-i"` at seq `6 + i`.
    fn old_post_then_newer(newer: usize) -> Vec<RoomEvent> {
        let mut events = staffed_group();
        events.push(posted(member(), message(0), "old"));
        for i in 1..=newer {
            events.push(posted(member(), message(i as u128), &format!("k-{i}")));
        }
        events
    }

    #[test]
    fn a_retry_is_recognised_until_the_recent_window_is_full_of_newer_posts() {
        let fresh = message(u128::MAX);
        TestFramework::<Room>::with(())
            .given(old_post_then_newer(RECENT_POSTS_PER_MEMBER - 1))
            .when(post(member(), fresh, "old"))
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_retry_older_than_the_recent_window_creates_a_new_message() {
        let fresh = message(u128::MAX);
        TestFramework::<Room>::with(())
            .given(old_post_then_newer(RECENT_POSTS_PER_MEMBER))
            .when(post(member(), fresh, "old"))
            .then_expect_events(vec![posted(member(), fresh, "old")]);
    }

    #[test]
    fn the_recent_window_forgets_the_oldest_post_and_keeps_each_posts_seq() {
        let room = replay(old_post_then_newer(RECENT_POSTS_PER_MEMBER));
        let last = RECENT_POSTS_PER_MEMBER;
        assert_eq!(room.version(), 6 + last as u64);
        assert_eq!(room.recent_post(member(), &key("old")), None);
        assert_eq!(
            room.recent_post(member(), &key("k-1")),
            Some(&PostRef { client_msg_id: key("k-1"), message_id: message(1), seq: 7 })
        );
        assert_eq!(
            room.recent_post(member(), &key(&format!("k-{last}"))),
            Some(&PostRef {
                client_msg_id: key(&format!("k-{last}")),
                message_id: message(last as u128),
                seq: room.version()
            })
        );
    }

    #[test]
    fn a_recent_post_records_the_seq_of_its_event() {
        let room = replay(
            [staffed_group(), vec![posted(member(), message(1), "k-1"), posted(admin(), message(2), "k-1")]].concat(),
        );
        assert_eq!(room.version(), 7);
        assert_eq!(
            room.recent_post(member(), &key("k-1")),
            Some(&PostRef { client_msg_id: key("k-1"), message_id: message(1), seq: 6 })
        );
        assert_eq!(
            room.recent_post(admin(), &key("k-1")),
            Some(&PostRef { client_msg_id: key("k-1"), message_id: message(2), seq: 7 })
        );
        assert_eq!(room.recent_post(owner(), &key("k-1")), None);
    }
}

mod messages {
    use super::*;

    /// `staffed_group()` with one message by `member()`.
    fn with_members_post() -> Vec<RoomEvent> {
        [staffed_group(), vec![posted(member(), message(1), "k-1")]].concat()
    }

    /// `direct_room()` with one message by `bob()`.
    fn with_bobs_post() -> Vec<RoomEvent> {
        [direct_room(), vec![posted(bob(), message(1), "k-1")]].concat()
    }

    #[test]
    fn the_author_edits_their_message() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::EditMessage { by: member(), message_id: message(1), body: body("edited") })
            .then_expect_events(vec![RoomEvent::MessageEdited {
                message_id: message(1),
                body: body("edited"),
                edited_by: member(),
            }]);
    }

    #[test]
    fn nobody_but_the_author_can_edit_a_message_not_even_the_owner() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::EditMessage { by: owner(), message_id: message(1), body: body("edited") })
            .then_expect_error(RoomError::NotTheAuthor);
    }

    #[test]
    fn a_deleted_message_cannot_be_edited() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .and(vec![deleted(message(1), member())])
            .when(RoomCommand::EditMessage { by: member(), message_id: message(1), body: body("edited") })
            .then_expect_error(RoomError::MessageDeleted);
    }

    #[test]
    fn an_unknown_message_cannot_be_edited() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::EditMessage { by: member(), message_id: message(2), body: body("edited") })
            .then_expect_error(RoomError::MessageNotFound);
    }

    #[test]
    fn an_author_who_left_cannot_edit_their_message() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .and(vec![RoomEvent::MemberLeft { user_id: member(), removed_by: None }])
            .when(RoomCommand::EditMessage { by: member(), message_id: message(1), body: body("edited") })
            .then_expect_error(RoomError::NotAMember);
    }

    #[test]
    fn the_author_deletes_their_message() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::DeleteMessage { by: member(), message_id: message(1) })
            .then_expect_events(vec![deleted(message(1), member())]);
    }

    #[test]
    fn an_admin_deletes_another_members_message_in_a_group() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::DeleteMessage { by: admin(), message_id: message(1) })
            .then_expect_events(vec![deleted(message(1), admin())]);
    }

    #[test]
    fn the_owner_deletes_another_members_message_in_a_group() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::DeleteMessage { by: owner(), message_id: message(1) })
            .then_expect_events(vec![deleted(message(1), owner())]);
    }

    #[test]
    fn a_plain_member_cannot_delete_another_members_message() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .and(vec![joined(other_member())])
            .when(RoomCommand::DeleteMessage { by: other_member(), message_id: message(1) })
            .then_expect_error(RoomError::NotAllowed);
    }

    #[test]
    fn a_direct_room_member_deletes_their_own_message() {
        TestFramework::<Room>::with(())
            .given(with_bobs_post())
            .when(RoomCommand::DeleteMessage { by: bob(), message_id: message(1) })
            .then_expect_events(vec![deleted(message(1), bob())]);
    }

    #[test]
    fn nobody_can_delete_the_other_users_message_in_a_direct_room() {
        TestFramework::<Room>::with(())
            .given(with_bobs_post())
            .when(RoomCommand::DeleteMessage { by: ann(), message_id: message(1) })
            .then_expect_error(RoomError::NotAllowed);
    }

    #[test]
    fn deleting_a_message_twice_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .and(vec![deleted(message(1), member())])
            .when(RoomCommand::DeleteMessage { by: member(), message_id: message(1) })
            .then_expect_events(vec![]);
    }

    #[test]
    fn an_unknown_message_cannot_be_deleted() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::DeleteMessage { by: member(), message_id: message(2) })
            .then_expect_error(RoomError::MessageNotFound);
    }

    #[test]
    fn a_non_member_cannot_delete_a_message() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::DeleteMessage { by: outsider(), message_id: message(1) })
            .then_expect_error(RoomError::NotAMember);
    }

    #[test]
    fn a_member_reacts_to_a_message() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::React { by: admin(), message_id: message(1), reaction: reaction("👍") })
            .then_expect_events(vec![reacted(message(1), admin(), "👍")]);
    }

    #[test]
    fn reacting_twice_with_the_same_reaction_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .and(vec![reacted(message(1), admin(), "👍")])
            .when(RoomCommand::React { by: admin(), message_id: message(1), reaction: reaction("👍") })
            .then_expect_events(vec![]);
    }

    #[test]
    fn another_member_can_add_the_same_reaction() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .and(vec![reacted(message(1), admin(), "👍")])
            .when(RoomCommand::React { by: owner(), message_id: message(1), reaction: reaction("👍") })
            .then_expect_events(vec![reacted(message(1), owner(), "👍")]);
    }

    #[test]
    fn a_deleted_message_cannot_be_reacted_to() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .and(vec![deleted(message(1), member())])
            .when(RoomCommand::React { by: admin(), message_id: message(1), reaction: reaction("👍") })
            .then_expect_error(RoomError::MessageDeleted);
    }

    #[test]
    fn an_unknown_message_cannot_be_reacted_to() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::React { by: admin(), message_id: message(2), reaction: reaction("👍") })
            .then_expect_error(RoomError::MessageNotFound);
    }

    #[test]
    fn a_non_member_cannot_react() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::React { by: outsider(), message_id: message(1), reaction: reaction("👍") })
            .then_expect_error(RoomError::NotAMember);
    }

    #[test]
    fn a_member_removes_their_reaction() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .and(vec![reacted(message(1), admin(), "👍")])
            .when(RoomCommand::Unreact { by: admin(), message_id: message(1), reaction: reaction("👍") })
            .then_expect_events(vec![RoomEvent::ReactionRemoved {
                message_id: message(1),
                user_id: admin(),
                reaction: reaction("👍"),
            }]);
    }

    #[test]
    fn removing_an_absent_reaction_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .and(vec![reacted(message(1), admin(), "👍")])
            .when(RoomCommand::Unreact { by: admin(), message_id: message(1), reaction: reaction("🎉") })
            .then_expect_events(vec![]);
    }

    #[test]
    fn removing_someone_elses_reaction_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .and(vec![reacted(message(1), admin(), "👍")])
            .when(RoomCommand::Unreact { by: owner(), message_id: message(1), reaction: reaction("👍") })
            .then_expect_events(vec![]);
    }

    #[test]
    fn reactions_are_gone_once_their_message_is_deleted() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .and(vec![reacted(message(1), admin(), "👍"), deleted(message(1), member())])
            .when(RoomCommand::Unreact { by: admin(), message_id: message(1), reaction: reaction("👍") })
            .then_expect_events(vec![]);
    }

    #[test]
    fn a_reaction_cannot_be_removed_from_an_unknown_message() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::Unreact { by: admin(), message_id: message(2), reaction: reaction("👍") })
            .then_expect_error(RoomError::MessageNotFound);
    }

    #[test]
    fn a_non_member_cannot_remove_a_reaction() {
        TestFramework::<Room>::with(())
            .given(with_members_post())
            .when(RoomCommand::Unreact { by: outsider(), message_id: message(1), reaction: reaction("👍") })
            .then_expect_error(RoomError::NotAMember);
    }
}

mod read_markers {
    use super::*;

    /// `staffed_group()` (seq 1–5) with `member()`'s marker at 3 as event 6.
    fn member_has_read_up_to_3() -> Vec<RoomEvent> {
        [staffed_group(), vec![RoomEvent::ReadMarkerMoved { user_id: member(), up_to_seq: 3 }]].concat()
    }

    #[test]
    fn a_member_moves_their_read_marker_forward_up_to_the_last_event() {
        TestFramework::<Room>::with(())
            .given(member_has_read_up_to_3())
            .when(RoomCommand::MarkRead { by: member(), up_to_seq: 6 })
            .then_expect_events(vec![RoomEvent::ReadMarkerMoved { user_id: member(), up_to_seq: 6 }]);
    }

    #[test]
    fn an_older_read_marker_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(member_has_read_up_to_3())
            .when(RoomCommand::MarkRead { by: member(), up_to_seq: 2 })
            .then_expect_events(vec![]);
    }

    #[test]
    fn the_same_read_marker_writes_nothing() {
        TestFramework::<Room>::with(())
            .given(member_has_read_up_to_3())
            .when(RoomCommand::MarkRead { by: member(), up_to_seq: 3 })
            .then_expect_events(vec![]);
    }

    #[test]
    fn read_markers_are_kept_per_member() {
        TestFramework::<Room>::with(())
            .given(member_has_read_up_to_3())
            .when(RoomCommand::MarkRead { by: admin(), up_to_seq: 3 })
            .then_expect_events(vec![RoomEvent::ReadMarkerMoved { user_id: admin(), up_to_seq: 3 }]);
    }

    #[test]
    fn a_read_marker_beyond_the_last_event_is_refused() {
        TestFramework::<Room>::with(())
            .given(member_has_read_up_to_3())
            .when(RoomCommand::MarkRead { by: member(), up_to_seq: 7 })
            .then_expect_error(RoomError::ReadMarkerBeyondEnd);
    }

    #[test]
    fn a_non_member_cannot_mark_read() {
        TestFramework::<Room>::with(())
            .given(member_has_read_up_to_3())
            .when(RoomCommand::MarkRead { by: outsider(), up_to_seq: 1 })
            .then_expect_error(RoomError::NotAMember);
    }
}

mod serialisation {
    use cqrs_es::DomainEvent;

    use super::*;

    /// One of each event (and both room kinds). The match below stops compiling when a variant
    /// is added: list an example of it here, then add it to the match.
    fn one_of_each_event() -> Vec<RoomEvent> {
        let events = vec![
            group_created(Visibility::Private).remove(0),
            direct_room().remove(0),
            RoomEvent::MemberJoined { user_id: member(), role: Role::Member, added_by: Some(admin()) },
            RoomEvent::MemberLeft { user_id: member(), removed_by: None },
            RoomEvent::MemberRoleChanged { user_id: member(), role: Role::Admin, changed_by: owner() },
            RoomEvent::MessagePosted {
                message_id: message(2),
                author: member(),
                body: body("hi\n\tthere"),
                client_msg_id: key("k-2"),
                reply_to: Some(message(1)),
            },
            RoomEvent::MessageEdited { message_id: message(2), body: body("edited"), edited_by: member() },
            deleted(message(2), admin()),
            reacted(message(2), admin(), "👍"),
            RoomEvent::ReactionRemoved { message_id: message(2), user_id: admin(), reaction: reaction("👍") },
            RoomEvent::ReadMarkerMoved { user_id: member(), up_to_seq: 42 },
        ];
        for event in &events {
            match event {
                RoomEvent::RoomCreated { .. }
                | RoomEvent::MemberJoined { .. }
                | RoomEvent::MemberLeft { .. }
                | RoomEvent::MemberRoleChanged { .. }
                | RoomEvent::MessagePosted { .. }
                | RoomEvent::MessageEdited { .. }
                | RoomEvent::MessageDeleted { .. }
                | RoomEvent::ReactionAdded { .. }
                | RoomEvent::ReactionRemoved { .. }
                | RoomEvent::ReadMarkerMoved { .. } => {}
            }
        }
        events
    }

    #[test]
    fn every_event_is_stored_with_its_name_as_type_and_reads_back_equal() {
        for event in one_of_each_event() {
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(json["type"], event.name(), "{json}");
            assert_eq!(event.event_type(), event.name());
            assert_eq!(event.event_version(), RoomEvent::VERSION);
            let back: RoomEvent = serde_json::from_value(json).unwrap();
            assert_eq!(back, event);
        }
    }
}
