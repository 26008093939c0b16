//! Which room events clients show as a line of their own between the messages ("Ada joined",
//! "Bob was added by Ada", "Resolved by Ada"): the `system` kind of the timeline.
//!
//! System lines are views of the events that already record these facts, not messages of
//! their own: the events carry the structured data (who, by whom, which role) a client needs
//! to word the line in its user's language, the room's sequence already orders them among the
//! messages, and a second, `system`-authored message per fact would double every membership
//! change in the history, the unread counts and the fan-out without saying anything new. The
//! REST history returns them beside each page's messages (read from the event store, the
//! source of truth), the WebSocket delivers them as the events they are.

use super::RoomEvent;

impl RoomEvent {
    /// The stored names of the events that are system lines, for queries that select them by
    /// name (the domain's tests check it against [`RoomEvent::is_system_line`]).
    pub const SYSTEM_LINES: [&'static str; 12] = [
        "RoomCreated",
        RoomEvent::MEMBER_JOINED,
        RoomEvent::MEMBER_LEFT,
        "MemberRoleChanged",
        "ConversationAssigned",
        "ConversationResolved",
        "ConversationReopened",
        "MemberBanned",
        "MemberUnbanned",
        "RoomTopicChanged",
        "RoomDescriptionChanged",
        "RoomDeleted",
    ];

    /// Whether clients show this event as a system line. Exhaustive on purpose: a new event
    /// has to say whether people see it in the timeline.
    pub const fn is_system_line(&self) -> bool {
        match self {
            RoomEvent::RoomCreated { .. }
            | RoomEvent::MemberJoined { .. }
            | RoomEvent::MemberLeft { .. }
            | RoomEvent::MemberRoleChanged { .. }
            | RoomEvent::ConversationAssigned { .. }
            | RoomEvent::ConversationResolved { .. }
            | RoomEvent::ConversationReopened { .. }
            // Members see who was banned (the `MemberLeft` that follows is folded into the
            // ban's line by clients), lifted bans, new settings, and why the room went away.
            | RoomEvent::MemberBanned { .. }
            | RoomEvent::MemberUnbanned { .. }
            | RoomEvent::RoomTopicChanged { .. }
            | RoomEvent::RoomDescriptionChanged { .. }
            | RoomEvent::RoomDeleted { .. } => true,
            // Messages are rows of their own; reactions and read markers change rows or
            // counts; where a visitor came from is shown in the conversation's side panel.
            RoomEvent::MessagePosted { .. }
            | RoomEvent::MessageEdited { .. }
            | RoomEvent::MessageDeleted { .. }
            | RoomEvent::ReactionAdded { .. }
            | RoomEvent::ReactionRemoved { .. }
            | RoomEvent::ReadMarkerMoved { .. }
            | RoomEvent::VisitorContextRecorded { .. } => false,
            // Invites are admins' business (their list is theirs); a join with one is a
            // `MemberJoined`, which is a line.
            RoomEvent::InviteCreated { .. } | RoomEvent::InviteRevoked { .. } | RoomEvent::InviteAccepted { .. } => {
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::room::RoomEvent;
    use crate::room::tests::serialisation::one_of_each_event;

    #[test]
    fn the_system_line_names_are_exactly_the_system_line_events() {
        let named: BTreeSet<&str> = RoomEvent::SYSTEM_LINES.into_iter().collect();
        let shown: BTreeSet<&str> =
            one_of_each_event().iter().filter(|event| event.is_system_line()).map(RoomEvent::name).collect();
        assert_eq!(named, shown);
    }
}
