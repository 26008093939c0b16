//! Storing every event as JSON under its name and reading it back unchanged.

use cqrs_es::DomainEvent;

use super::*;

/// One of each event (and both room kinds). The match below stops compiling when a variant
/// is added: list an example of it here, then add it to the match.
pub(crate) fn one_of_each_event() -> Vec<RoomEvent> {
    let events = vec![
        group_created(Visibility::Private).remove(0),
        direct_room().remove(0),
        RoomEvent::MemberJoined { user_id: member(), role: Role::Member, added_by: Some(admin()) },
        RoomEvent::MemberLeft { user_id: member(), removed_by: None },
        RoomEvent::MemberRoleChanged { user_id: member(), role: Role::Admin, changed_by: owner() },
        RoomEvent::MessagePosted {
            message_id: message(2),
            author: member(),
            body: body("hi\n\tthere").into(),
            client_msg_id: key("k-2"),
            reply_to: Some(message(1)),
            mentions: vec![],
            attachments: vec![attachment(1, "image/png"), attachment(2, "application/pdf")],
        },
        RoomEvent::MessageEdited { message_id: message(2), body: body("edited").into(), edited_by: member() },
        deleted(message(2), admin()),
        reacted(message(2), admin(), "👍"),
        RoomEvent::ReactionRemoved { message_id: message(2), user_id: admin(), reaction: reaction("👍") },
        RoomEvent::ReadMarkerMoved { user_id: member(), up_to_seq: 42 },
        support::conversation().remove(0),
        support::context_recorded(),
        RoomEvent::ConversationAssigned { assignee: Some(admin()), assigned_by: admin() },
        RoomEvent::ConversationResolved { resolved_by: admin() },
        RoomEvent::ConversationReopened { reopened_by: support::visitor() },
        invites::created(Some(invites::now()), Some(3)),
        RoomEvent::InviteRevoked { invite_id: invites::invite(1), revoked_by: owner() },
        RoomEvent::InviteAccepted { invite_id: invites::invite(1), user_id: outsider() },
        moderation::banned(member(), Some("spam")),
        RoomEvent::MemberUnbanned { user_id: member(), unbanned_by: admin() },
        RoomEvent::RoomTopicChanged { topic: Some(moderation::topic("Rust")), changed_by: admin() },
        RoomEvent::RoomDescriptionChanged { description: None, changed_by: owner() },
        RoomEvent::RoomDeleted { deleted_by: owner() },
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
            | RoomEvent::ReadMarkerMoved { .. }
            | RoomEvent::VisitorContextRecorded { .. }
            | RoomEvent::ConversationAssigned { .. }
            | RoomEvent::ConversationResolved { .. }
            | RoomEvent::ConversationReopened { .. }
            | RoomEvent::InviteCreated { .. }
            | RoomEvent::InviteRevoked { .. }
            | RoomEvent::InviteAccepted { .. }
            | RoomEvent::MemberBanned { .. }
            | RoomEvent::MemberUnbanned { .. }
            | RoomEvent::RoomTopicChanged { .. }
            | RoomEvent::RoomDescriptionChanged { .. }
            | RoomEvent::RoomDeleted { .. } => {}
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
        assert_eq!(event.event_version(), event.version());
        let back: RoomEvent = serde_json::from_value(json).unwrap();
        assert_eq!(back, event);
    }
}
