//! Posts with files: a body, attachments or both; at most ten, each upload once.

use super::*;
use crate::attachment::MAX_PER_MESSAGE;

fn post_with(body: Option<&str>, attachments: Vec<Attachment>) -> RoomCommand {
    RoomCommand::PostMessage {
        by: member(),
        message_id: message(1),
        client_msg_id: key("k-1"),
        body: body.map(super::body),
        reply_to: None,
        mentions: vec![],
        attachments,
    }
}

fn posted_with(body: &str, attachments: Vec<Attachment>) -> RoomEvent {
    RoomEvent::MessagePosted {
        message_id: message(1),
        author: member(),
        body: MessageBody::parse(body).unwrap_or_else(|_| MessageBody::attachments_only()).into(),
        client_msg_id: key("k-1"),
        reply_to: None,
        mentions: vec![],
        attachments,
    }
}

#[test]
fn a_member_posts_files_with_text() {
    let files = vec![attachment(1, "image/png"), attachment(2, "application/pdf")];
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(post_with(Some("the report"), files.clone()))
        .then_expect_events(vec![posted_with("the report", files)]);
}

#[test]
fn a_member_posts_files_alone_with_an_empty_body() {
    let files = vec![attachment(1, "image/jpeg")];
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(post_with(None, files.clone()))
        .then_expect_events(vec![posted_with("", files)]);
}

#[test]
fn a_post_with_neither_text_nor_files_is_refused() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(post_with(None, vec![]))
        .then_expect_error(RoomError::EmptyMessage);
}

#[test]
fn ten_files_are_posted_and_eleven_refused() {
    let files = |n: u128| (1..=n).map(|i| attachment(i, "image/png")).collect::<Vec<_>>();
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(post_with(None, files(MAX_PER_MESSAGE as u128)))
        .then_expect_events(vec![posted_with("", files(MAX_PER_MESSAGE as u128))]);
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(post_with(None, files(MAX_PER_MESSAGE as u128 + 1)))
        .then_expect_error(RoomError::TooManyAttachments);
}

#[test]
fn the_same_upload_twice_is_attached_once() {
    let (a, b) = (attachment(1, "image/png"), attachment(2, "text/plain"));
    let mut twelve = vec![a.clone(), b.clone()];
    twelve.extend(std::iter::repeat_n(a.clone(), 10));
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(post_with(Some("twice"), twelve))
        .then_expect_events(vec![posted_with("twice", vec![a, b])]);
}

#[test]
fn a_non_member_cannot_post_files() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(RoomCommand::PostMessage {
            by: outsider(),
            message_id: message(1),
            client_msg_id: key("k-1"),
            body: None,
            reply_to: None,
            mentions: vec![],
            attachments: vec![attachment(1, "image/png")],
        })
        .then_expect_error(RoomError::NotAMember);
}

#[test]
fn a_retried_post_of_files_writes_nothing() {
    let files = vec![attachment(1, "image/png")];
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .and(vec![posted_with("", files.clone())])
        .when(post_with(None, files))
        .then_expect_events(vec![]);
}
