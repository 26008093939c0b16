//! Moving a member's read marker forward, never back and never past the last event.

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
