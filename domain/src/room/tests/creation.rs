//! Creating groups and opening direct rooms, and refusing everything else before a room exists.

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
