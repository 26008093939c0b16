//! Posting messages and replies, and recognising retried posts by client message id.

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
        body: Some(body("hello")),
        reply_to: Some(message(1)),
        mentions: vec![],
        attachments: vec![],
    };
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .and(vec![posted(admin(), message(1), "k-1")])
        .when(reply(message(2)))
        .then_expect_events(vec![RoomEvent::MessagePosted {
            message_id: message(2),
            author: member(),
            body: body("hello").into(),
            client_msg_id: key("k-2"),
            reply_to: Some(message(1)),
            mentions: vec![],
            attachments: vec![],
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
            body: Some(body("hello")),
            reply_to: Some(message(1)),
            mentions: vec![],
            attachments: vec![],
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
            body: Some(body("hello")),
            reply_to: Some(message(1)),
            mentions: vec![],
            attachments: vec![],
        })
        .then_expect_events(vec![RoomEvent::MessagePosted {
            message_id: message(2),
            author: member(),
            body: body("hello").into(),
            client_msg_id: key("k-2"),
            reply_to: Some(message(1)),
            mentions: vec![],
            attachments: vec![],
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
        .and(vec![posted(member(), message(1), "k-1"), RoomEvent::MemberLeft { user_id: member(), removed_by: None }])
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

#[test]
fn mentions_keep_only_current_members_other_than_the_author_once_each() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(RoomCommand::PostMessage {
            by: member(),
            message_id: message(1),
            client_msg_id: key("k-1"),
            body: Some(body("@all of you")),
            reply_to: None,
            mentions: vec![owner(), outsider(), member(), admin(), owner()],
            attachments: vec![],
        })
        .then_expect_events(vec![RoomEvent::MessagePosted {
            message_id: message(1),
            author: member(),
            body: body("@all of you").into(),
            client_msg_id: key("k-1"),
            reply_to: None,
            mentions: vec![owner(), admin()],
            attachments: vec![],
        }]);
}

#[test]
fn a_message_posted_before_mentions_existed_reads_with_none_once_upcast() {
    let mut v1_0 = serde_json::json!({
        "type": "MessagePosted",
        "message_id": message(1),
        "author": member(),
        "body": "hello",
        "client_msg_id": "k-1",
        "reply_to": null,
    });
    let mut version = "1.0".to_owned();
    crate::upcast::upcast("room", "MessagePosted", &mut version, &mut v1_0);
    let event: RoomEvent = serde_json::from_value(v1_0).unwrap();
    assert_eq!(event, posted(member(), message(1), "k-1"));
    assert_eq!(version, event.version());
}
