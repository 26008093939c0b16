//! Joining, leaving, adding and removing members, and changing their roles.

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
fn leaving_a_room_one_is_not_in_writes_nothing() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(RoomCommand::Leave { user: outsider() })
        .then_expect_events(vec![]);
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
fn a_plain_member_cannot_remove_even_a_non_member() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(RoomCommand::RemoveMember { by: member(), user: outsider() })
        .then_expect_error(RoomError::NotAllowed);
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
