//! The room as of a point in its history (time travel): what folding its events up to there
//! leaves.

use super::super::{MemberView, RoomView};
use super::*;

fn member_view(user_id: UserId, role: Role, read_up_to: u64) -> MemberView {
    MemberView { user_id, role, read_up_to }
}

#[test]
fn before_its_first_event_a_room_does_not_exist() {
    let view = RoomView::fold(vec![]);
    assert_eq!((view.seq, view.exists(), view.members.len(), view.message_count), (0, false, 0, 0));
}

#[test]
fn members_are_listed_by_role_then_id_with_their_read_markers_which_start_at_their_join() {
    let events = [
        staffed_group(),
        vec![
            joined(other_member()),
            posted(member(), message(1), "k-1"),
            RoomEvent::ReadMarkerMoved { user_id: member(), up_to_seq: 7 },
        ],
    ]
    .concat();
    let view = RoomView::fold(events);
    assert_eq!(view.seq, 8);
    assert_eq!(
        view.kind,
        Some(RoomKind::Group { name: RoomName::parse("general").unwrap(), visibility: Visibility::Public })
    );
    assert_eq!(
        view.members,
        vec![
            member_view(owner(), Role::Owner, 2),
            member_view(admin(), Role::Admin, 3),
            member_view(member(), Role::Member, 7),
            member_view(other_member(), Role::Member, 6),
        ]
    );
}

#[test]
fn each_prefix_of_the_history_is_the_room_at_that_sequence() {
    let history = [
        staffed_group(),
        vec![
            posted(member(), message(1), "k-1"),
            reacted(message(1), owner(), "👍"),
            posted(owner(), message(2), "k-2"),
            RoomEvent::MemberLeft { user_id: member(), removed_by: Some(admin()) },
            deleted(message(2), owner()),
        ],
    ]
    .concat();
    let at = |seq: usize| RoomView::fold(history[..seq].to_vec());
    let counts = |view: &RoomView| (view.seq, view.members.len(), view.message_count, view.deleted_count);
    assert_eq!(counts(&at(5)), (5, 3, 0, 0));
    assert_eq!(counts(&at(6)), (6, 3, 1, 0));
    assert_eq!(at(7).reaction_count, 1);
    assert_eq!(counts(&at(8)), (8, 3, 2, 0));
    assert_eq!(counts(&at(9)), (9, 2, 2, 0), "the member was removed");
    assert!(at(9).members.iter().all(|m| m.user_id != member()));
    let end = at(10);
    assert_eq!(counts(&end), (10, 2, 1, 1));
    assert_eq!(end.reaction_count, 1, "the reaction was on the message that is still there");
}

#[test]
fn a_direct_room_lists_both_members() {
    let view = RoomView::fold(direct_room());
    assert_eq!(view.kind, Some(RoomKind::Direct { members: [ann(), bob()] }));
    assert_eq!(view.members, vec![member_view(ann(), Role::Member, 2), member_view(bob(), Role::Member, 3)]);
}

#[test]
fn a_rejoining_member_has_read_up_to_the_new_join_and_a_stored_marker_below_it_changes_nothing() {
    let history = [
        staffed_group(),
        vec![
            posted(owner(), message(1), "k-1"),
            RoomEvent::ReadMarkerMoved { user_id: member(), up_to_seq: 6 },
            RoomEvent::MemberLeft { user_id: member(), removed_by: None },
            posted(owner(), message(2), "k-2"),
            joined(member()),
            // As histories written before markers started at the join can hold.
            RoomEvent::ReadMarkerMoved { user_id: member(), up_to_seq: 9 },
        ],
    ]
    .concat();
    let read_up_to = |seq: usize| {
        let view = RoomView::fold(history[..seq].to_vec());
        view.members.iter().find(|m| m.user_id == member()).map(|m| m.read_up_to)
    };
    assert_eq!(read_up_to(5), Some(5), "joined at 5");
    assert_eq!(read_up_to(7), Some(6), "moved to 6");
    assert_eq!(read_up_to(8), None, "left");
    assert_eq!(read_up_to(10), Some(10), "joined again at 10");
    assert_eq!(read_up_to(11), Some(10), "a marker below the join moves nothing");
}
