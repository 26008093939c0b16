//! Moving a member's read marker forward, never back and never past the last event. A member's
//! marker starts at their join: everything before it counts as read.

use super::*;

fn marked(user_id: UserId, up_to_seq: u64) -> RoomEvent {
    RoomEvent::ReadMarkerMoved { user_id, up_to_seq }
}

/// `staffed_group()` (seq 1–5, `member()` joined at 5), the owner's post at 6.
fn a_post_after_the_members_join() -> Vec<RoomEvent> {
    [staffed_group(), vec![posted(owner(), message(1), "k-1")]].concat()
}

/// `a_post_after_the_members_join()` (seq 1–6), the owner's second post at 7, and `member()`'s
/// marker at 6 as event 8.
fn member_has_read_up_to_6() -> Vec<RoomEvent> {
    [a_post_after_the_members_join(), vec![posted(owner(), message(2), "k-2"), marked(member(), 6)]].concat()
}

/// `member_has_read_up_to_6()` (seq 1–8), then `member()` leaves (9), the owner posts (10) and
/// `member()` joins again (11).
fn member_rejoined_at_11() -> Vec<RoomEvent> {
    [
        member_has_read_up_to_6(),
        vec![
            RoomEvent::MemberLeft { user_id: member(), removed_by: None },
            posted(owner(), message(3), "k-3"),
            joined(member()),
        ],
    ]
    .concat()
}

#[test]
fn a_member_moves_their_read_marker_forward_up_to_the_last_event() {
    TestFramework::<Room>::with(())
        .given(member_has_read_up_to_6())
        .when(RoomCommand::MarkRead { by: member(), up_to_seq: 8 })
        .then_expect_events(vec![marked(member(), 8)]);
}

#[test]
fn an_older_read_marker_writes_nothing() {
    TestFramework::<Room>::with(())
        .given(member_has_read_up_to_6())
        .when(RoomCommand::MarkRead { by: member(), up_to_seq: 5 })
        .then_expect_events(vec![]);
}

#[test]
fn the_same_read_marker_writes_nothing() {
    TestFramework::<Room>::with(())
        .given(member_has_read_up_to_6())
        .when(RoomCommand::MarkRead { by: member(), up_to_seq: 6 })
        .then_expect_events(vec![]);
}

#[test]
fn read_markers_are_kept_per_member() {
    // `admin()` joined at 3 and has not moved their marker: 6 is past it.
    TestFramework::<Room>::with(())
        .given(member_has_read_up_to_6())
        .when(RoomCommand::MarkRead { by: admin(), up_to_seq: 6 })
        .then_expect_events(vec![marked(admin(), 6)]);
}

#[test]
fn a_read_marker_beyond_the_last_event_is_refused() {
    TestFramework::<Room>::with(())
        .given(member_has_read_up_to_6())
        .when(RoomCommand::MarkRead { by: member(), up_to_seq: 9 })
        .then_expect_error(RoomError::ReadMarkerBeyondEnd);
}

#[test]
fn a_non_member_cannot_mark_read() {
    TestFramework::<Room>::with(())
        .given(member_has_read_up_to_6())
        .when(RoomCommand::MarkRead { by: outsider(), up_to_seq: 1 })
        .then_expect_error(RoomError::NotAMember);
}

#[test]
fn a_new_member_marking_read_at_their_join_writes_nothing() {
    TestFramework::<Room>::with(())
        .given(a_post_after_the_members_join())
        .when(RoomCommand::MarkRead { by: member(), up_to_seq: 5 })
        .then_expect_events(vec![]);
}

#[test]
fn a_new_member_marking_read_below_their_join_writes_nothing() {
    for up_to_seq in [0, 1, 4] {
        TestFramework::<Room>::with(())
            .given(a_post_after_the_members_join())
            .when(RoomCommand::MarkRead { by: member(), up_to_seq })
            .then_expect_events(vec![]);
    }
}

#[test]
fn a_new_member_marking_read_past_their_join_moves_the_marker() {
    TestFramework::<Room>::with(())
        .given(a_post_after_the_members_join())
        .when(RoomCommand::MarkRead { by: member(), up_to_seq: 6 })
        .then_expect_events(vec![marked(member(), 6)]);
}

#[test]
fn the_creator_of_a_group_has_read_up_to_their_join() {
    TestFramework::<Room>::with(())
        .given(public_group())
        .when(RoomCommand::MarkRead { by: owner(), up_to_seq: 2 })
        .then_expect_events(vec![]);
}

#[test]
fn each_member_of_a_direct_room_has_read_up_to_their_own_join() {
    // `ann()` joined at 2, `bob()` at 3.
    TestFramework::<Room>::with(())
        .given(direct_room())
        .when(RoomCommand::MarkRead { by: bob(), up_to_seq: 3 })
        .then_expect_events(vec![]);
    TestFramework::<Room>::with(())
        .given(direct_room())
        .when(RoomCommand::MarkRead { by: ann(), up_to_seq: 3 })
        .then_expect_events(vec![marked(ann(), 3)]);
}

#[test]
fn after_a_rejoin_marking_read_at_or_below_the_new_join_writes_nothing() {
    // 10 is past the marker of the first membership (6) but before the rejoin (11).
    for up_to_seq in [10, 11] {
        TestFramework::<Room>::with(())
            .given(member_rejoined_at_11())
            .when(RoomCommand::MarkRead { by: member(), up_to_seq })
            .then_expect_events(vec![]);
    }
}

#[test]
fn after_a_rejoin_marking_read_past_the_new_join_moves_the_marker() {
    TestFramework::<Room>::with(())
        .given([member_rejoined_at_11(), vec![posted(owner(), message(4), "k-4")]].concat())
        .when(RoomCommand::MarkRead { by: member(), up_to_seq: 12 })
        .then_expect_events(vec![marked(member(), 12)]);
}

#[test]
fn a_stored_marker_below_the_join_does_not_move_the_marker_back() {
    // Histories written before markers started at the join can hold such an event.
    let history = [a_post_after_the_members_join(), vec![marked(member(), 3)]].concat();
    assert_eq!(replay(history.clone()).read_marker(member()), 5);
    TestFramework::<Room>::with(())
        .given(history)
        .when(RoomCommand::MarkRead { by: member(), up_to_seq: 4 })
        .then_expect_events(vec![]);
}
