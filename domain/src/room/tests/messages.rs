//! Editing and deleting messages, and adding and removing reactions.

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
            body: body("edited").into(),
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
fn a_member_cannot_delete_anothers_deleted_message_either() {
    TestFramework::<Room>::with(())
        .given(with_members_post())
        .and(vec![joined(other_member()), deleted(message(1), member())])
        .when(RoomCommand::DeleteMessage { by: other_member(), message_id: message(1) })
        .then_expect_error(RoomError::NotAllowed);
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
