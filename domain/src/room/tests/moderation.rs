//! Bans (who may ban whom, that a ban removes, that no path lets a banned user back until
//! unbanned), the topic and description, and deleting a room.

use super::*;
use crate::text::{BanReason, RoomDescription, RoomTopic};

pub(crate) fn topic(s: &str) -> RoomTopic {
    RoomTopic::parse(s).unwrap()
}

fn description(s: &str) -> RoomDescription {
    RoomDescription::parse(s).unwrap()
}

/// `admin()` banned `user_id` (with `reason`); no `MemberLeft`, so they were not a member.
pub(crate) fn banned(user_id: UserId, reason: Option<&str>) -> RoomEvent {
    RoomEvent::MemberBanned { user_id, banned_by: admin(), reason: reason.map(|r| BanReason::parse(r).unwrap()) }
}

fn ban(by: UserId, user: UserId) -> RoomCommand {
    RoomCommand::Ban { by, user, reason: None }
}

/// `staffed_group()` in which `admin()` banned `member()`, who was removed.
fn member_banned() -> Vec<RoomEvent> {
    [
        staffed_group(),
        vec![banned(member(), None), RoomEvent::MemberLeft { user_id: member(), removed_by: Some(admin()) }],
    ]
    .concat()
}

#[test]
fn an_admin_bans_a_member_who_is_removed_in_the_same_commit() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(RoomCommand::Ban { by: admin(), user: member(), reason: Some(BanReason::parse(" spam ").unwrap()) })
        .then_expect_events(vec![
            banned(member(), Some("spam")),
            RoomEvent::MemberLeft { user_id: member(), removed_by: Some(admin()) },
        ]);
}

#[test]
fn a_user_who_is_not_a_member_can_be_banned_beforehand() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(ban(admin(), outsider()))
        .then_expect_events(vec![banned(outsider(), None)]);
}

#[test]
fn the_owner_bans_an_admin() {
    TestFramework::<Room>::with(()).given(staffed_group()).when(ban(owner(), admin())).then_expect_events(vec![
        RoomEvent::MemberBanned { user_id: admin(), banned_by: owner(), reason: None },
        RoomEvent::MemberLeft { user_id: admin(), removed_by: Some(owner()) },
    ]);
}

#[test]
fn an_admin_cannot_ban_another_admin_the_owner_or_themselves() {
    let given = [staffed_group(), promoted_to_admin(other_admin())].concat();
    for target in [other_admin(), owner(), admin()] {
        TestFramework::<Room>::with(())
            .given(given.clone())
            .when(ban(admin(), target))
            .then_expect_error(RoomError::NotAllowed);
    }
}

#[test]
fn the_owner_cannot_ban_themselves() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(ban(owner(), owner()))
        .then_expect_error(RoomError::NotAllowed);
}

#[test]
fn members_and_outsiders_cannot_ban_or_unban() {
    let given = [staffed_group(), vec![banned(other_member(), None)]].concat();
    for (by, error) in [(member(), RoomError::NotAllowed), (outsider(), RoomError::NotAMember)] {
        TestFramework::<Room>::with(()).given(given.clone()).when(ban(by, user(7))).then_expect_error(error);
        TestFramework::<Room>::with(())
            .given(given.clone())
            .when(RoomCommand::Unban { by, user: other_member() })
            .then_expect_error(error);
    }
}

#[test]
fn direct_rooms_and_support_conversations_have_no_bans() {
    TestFramework::<Room>::with(())
        .given(direct_room())
        .when(ban(ann(), bob()))
        .then_expect_error(RoomError::DirectRoomMembershipIsFixed);
    TestFramework::<Room>::with(())
        .given(support::conversation())
        .when(ban(admin(), support::visitor()))
        .then_expect_error(RoomError::MembershipManaged);
}

#[test]
fn banning_again_writes_nothing() {
    TestFramework::<Room>::with(()).given(member_banned()).when(ban(owner(), member())).then_expect_events(vec![]);
}

#[test]
fn a_banned_user_cannot_join_a_public_room() {
    TestFramework::<Room>::with(())
        .given(member_banned())
        .when(RoomCommand::Join { user: member() })
        .then_expect_error(RoomError::UserBanned);
}

#[test]
fn a_banned_user_hears_of_the_ban_before_the_room_being_private() {
    TestFramework::<Room>::with(())
        .given(
            [private_group(), vec![RoomEvent::MemberBanned { user_id: outsider(), banned_by: owner(), reason: None }]]
                .concat(),
        )
        .when(RoomCommand::Join { user: outsider() })
        .then_expect_error(RoomError::UserBanned);
}

#[test]
fn a_banned_user_cannot_be_added() {
    TestFramework::<Room>::with(())
        .given(member_banned())
        .when(RoomCommand::AddMember { by: owner(), user: member() })
        .then_expect_error(RoomError::UserBanned);
}

#[test]
fn a_banned_user_cannot_accept_an_invite() {
    TestFramework::<Room>::with(())
        .given([member_banned(), vec![invites::created(None, None)]].concat())
        .when(RoomCommand::AcceptInvite { user: member(), invite: invites::invite(1), now: invites::now() })
        .then_expect_error(RoomError::UserBanned);
}

#[test]
fn unbanning_lets_the_user_join_again_without_adding_them() {
    TestFramework::<Room>::with(())
        .given(member_banned())
        .when(RoomCommand::Unban { by: admin(), user: member() })
        .then_expect_events(vec![RoomEvent::MemberUnbanned { user_id: member(), unbanned_by: admin() }]);
    TestFramework::<Room>::with(())
        .given([member_banned(), vec![RoomEvent::MemberUnbanned { user_id: member(), unbanned_by: admin() }]].concat())
        .when(RoomCommand::Join { user: member() })
        .then_expect_events(vec![joined(member())]);
}

#[test]
fn unbanning_someone_not_banned_writes_nothing() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(RoomCommand::Unban { by: owner(), user: outsider() })
        .then_expect_events(vec![]);
}

#[test]
fn an_admin_sets_the_topic_and_clears_the_description() {
    let given = [
        staffed_group(),
        vec![RoomEvent::RoomDescriptionChanged { description: Some(description("old")), changed_by: owner() }],
    ]
    .concat();
    TestFramework::<Room>::with(())
        .given(given)
        .when(RoomCommand::ChangeSettings { by: admin(), topic: Some(Some(topic("Rust"))), description: Some(None) })
        .then_expect_events(vec![
            RoomEvent::RoomTopicChanged { topic: Some(topic("Rust")), changed_by: admin() },
            RoomEvent::RoomDescriptionChanged { description: None, changed_by: admin() },
        ]);
}

#[test]
fn settings_that_change_nothing_write_nothing() {
    let given =
        [staffed_group(), vec![RoomEvent::RoomTopicChanged { topic: Some(topic("Rust")), changed_by: owner() }]]
            .concat();
    TestFramework::<Room>::with(())
        .given(given)
        .when(RoomCommand::ChangeSettings { by: admin(), topic: Some(Some(topic("Rust"))), description: None })
        .then_expect_events(vec![]);
}

#[test]
fn members_cannot_change_settings_and_direct_rooms_have_none() {
    let change = |by| RoomCommand::ChangeSettings { by, topic: Some(Some(topic("x"))), description: None };
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(change(member()))
        .then_expect_error(RoomError::NotAllowed);
    TestFramework::<Room>::with(())
        .given(direct_room())
        .when(change(ann()))
        .then_expect_error(RoomError::DirectRoomMembershipIsFixed);
}

#[test]
fn the_owner_deletes_the_room_and_every_member_leaves_in_the_same_commit() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(RoomCommand::DeleteRoom { by: owner() })
        .then_expect_events(vec![
            RoomEvent::RoomDeleted { deleted_by: owner() },
            RoomEvent::MemberLeft { user_id: owner(), removed_by: Some(owner()) },
            RoomEvent::MemberLeft { user_id: admin(), removed_by: Some(owner()) },
            RoomEvent::MemberLeft { user_id: member(), removed_by: Some(owner()) },
        ]);
}

#[test]
fn only_the_owner_deletes_a_room() {
    for (by, error) in
        [(admin(), RoomError::NotAllowed), (member(), RoomError::NotAllowed), (outsider(), RoomError::NotAMember)]
    {
        TestFramework::<Room>::with(())
            .given(staffed_group())
            .when(RoomCommand::DeleteRoom { by })
            .then_expect_error(error);
    }
    TestFramework::<Room>::with(())
        .given(direct_room())
        .when(RoomCommand::DeleteRoom { by: ann() })
        .then_expect_error(RoomError::DirectRoomMembershipIsFixed);
}

/// `staffed_group()` deleted by its owner, with an invite made before.
fn deleted_room() -> Vec<RoomEvent> {
    let room = [staffed_group(), vec![invites::created(None, None)]].concat();
    let deletion = replay(room.clone()).decide(RoomCommand::DeleteRoom { by: owner() }).unwrap();
    [room, deletion].concat()
}

#[test]
fn a_deleted_room_refuses_every_command_as_if_it_did_not_exist() {
    let commands = [
        RoomCommand::Join { user: outsider() },
        RoomCommand::Leave { user: member() },
        RoomCommand::AddMember { by: owner(), user: outsider() },
        post(owner(), message(1), "k-1"),
        RoomCommand::MarkRead { by: owner(), up_to_seq: 1 },
        RoomCommand::AcceptInvite { user: outsider(), invite: invites::invite(1), now: invites::now() },
        ban(owner(), outsider()),
        RoomCommand::ChangeSettings { by: owner(), topic: Some(None), description: None },
        RoomCommand::DeleteRoom { by: owner() },
    ];
    for command in commands {
        TestFramework::<Room>::with(()).given(deleted_room()).when(command).then_expect_error(RoomError::RoomNotFound);
    }
    TestFramework::<Room>::with(())
        .given(deleted_room())
        .when(RoomCommand::CreateGroup {
            by: owner(),
            name: RoomName::parse("again").unwrap(),
            visibility: Visibility::Public,
        })
        .then_expect_error(RoomError::RoomAlreadyExists);
}

#[test]
fn the_state_follows_the_events() {
    let room = replay(member_banned());
    assert!(room.is_banned(member()));
    assert_eq!(room.role_of(member()), None);
    let room =
        replay([member_banned(), vec![RoomEvent::MemberUnbanned { user_id: member(), unbanned_by: owner() }]].concat());
    assert!(!room.is_banned(member()));
    let room = replay(deleted_room());
    assert!(room.is_deleted() && room.exists());
    assert_eq!(room.role_of(owner()), None);
}
