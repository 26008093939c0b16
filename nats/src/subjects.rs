//! The subject scheme. With prefix `chat` (the default):
//!
//! | subject | carries | published by | transport |
//! |---|---|---|---|
//! | `chat.room.<room_id>.event` | every room event ([`EventMessage`]) | relay | JetStream (stream `CHAT_EVENTS`) |
//! | `chat.user.<user_id>.event` | every user event | relay | JetStream |
//! | `chat.contacts.<user_id>.event` | a user's side of their contacts and blocks (`ContactsEvent`) | relay | JetStream |
//! | `chat.user.<user_id>.membership` | the user joined or left a room ([`MembershipNotice`]) | relay | core NATS |
//! | `chat.presence.<user_id>.event` | presence transitions (`PresenceChanged`) | relay | JetStream |
//! | `chat.website.<website_id>.event` | every website event (support chat); nothing subscribes yet | relay | JetStream |
//! | `chat.presence.reports` | which users each gateway has connected ([`PresenceReport`]) | gateways | core NATS |
//! | `chat.presence.sync` | a tracker that just took over asks every gateway for a full report now ([`PresenceSync`]) | presence tracker | core NATS, answered on `chat.presence.reports` |
//! | `chat.room.<room_id>.typing` | someone is typing ([`TypingNotice`]) | gateways | core NATS, never stored |
//! | `chat.room.<room_id>.receipt` | members' delivery markers moved ([`ReceiptNotice`]) | command services | core NATS, never stored |
//! | `chat.cmd.room` | room commands from gateways ([`CommandRequest`]), queue group `commands` | gateways | core request/reply |
//! | `chat.cmd.delivery` | what clients acknowledged receiving, batched ([`DeliveryAcks`]), queue group `commands` | gateways | core request/reply |
//!
//! A gateway subscribes once per room it has clients in, to `chat.room.<room_id>.*` (events,
//! typing and receipts), and once each to `chat.user.*.membership`, `chat.user.*.event` (to close an
//! erased user's connections), `chat.contacts.*.event` (to tell users of their contacts, and to
//! keep blocked users from the blockers' presence and typing), `chat.presence.*.event` and
//! `chat.presence.sync`; the presence
//! tracker (one active, in a command service) subscribes to `chat.presence.reports`.
//!
//! [`EventMessage`]: crate::wire::EventMessage
//! [`MembershipNotice`]: crate::wire::MembershipNotice
//! [`TypingNotice`]: crate::wire::TypingNotice
//! [`ReceiptNotice`]: crate::wire::ReceiptNotice
//! [`DeliveryAcks`]: crate::wire::DeliveryAcks
//! [`CommandRequest`]: crate::wire::CommandRequest
//! [`PresenceReport`]: crate::wire::PresenceReport
//! [`PresenceSync`]: crate::wire::PresenceSync

use chat_domain::{RoomId, UserId};

#[derive(Clone, Debug)]
pub struct Subjects {
    prefix: String,
}

/// What a message received on a room subscription is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoomSubject {
    Event,
    Typing,
    Receipt,
}

impl Subjects {
    /// `prefix` must be a valid subject token sequence without wildcards (e.g. `chat`).
    pub fn new(prefix: impl Into<String>) -> Self {
        Self { prefix: prefix.into() }
    }

    /// The JetStream stream holding every event: `<PREFIX>_EVENTS`, upper-cased, dots and
    /// dashes as underscores.
    pub fn stream_name(&self) -> String {
        format!("{}_EVENTS", self.prefix.replace(['.', '-'], "_").to_uppercase())
    }

    /// The subjects the stream captures: the events of every aggregate type. The relay
    /// publishes each committed event to [`Subjects::aggregate_event`] and cannot move past one
    /// the stream does not take (`no stream found`), so the stream must not list types: one
    /// it missed (`website`) stopped all delivery through NATS from its first event on.
    pub fn stream_subjects(&self) -> Vec<String> {
        vec![format!("{}.*.*.event", self.prefix)]
    }

    pub fn room_event(&self, room: RoomId) -> String {
        format!("{}.room.{room}.event", self.prefix)
    }

    pub fn room_typing(&self, room: RoomId) -> String {
        format!("{}.room.{room}.typing", self.prefix)
    }

    /// Members' delivery markers that moved in a room (ephemeral, like typing).
    pub fn room_receipts(&self, room: RoomId) -> String {
        format!("{}.room.{room}.receipt", self.prefix)
    }

    /// Everything about one room: its events, typing notices and receipts.
    pub fn room_all(&self, room: RoomId) -> String {
        format!("{}.room.{room}.*", self.prefix)
    }

    /// Classifies a subject received on [`Subjects::room_all`].
    pub fn room_kind(&self, subject: &str) -> Option<RoomSubject> {
        match subject.rsplit('.').next()? {
            "event" => Some(RoomSubject::Event),
            "typing" => Some(RoomSubject::Typing),
            "receipt" => Some(RoomSubject::Receipt),
            _ => None,
        }
    }

    /// Events of aggregates other than rooms (users), by aggregate type.
    pub fn aggregate_event(&self, aggregate_type: &str, id: &str) -> String {
        format!("{}.{aggregate_type}.{id}.event", self.prefix)
    }

    pub fn membership(&self, user: UserId) -> String {
        format!("{}.user.{user}.membership", self.prefix)
    }

    pub fn all_memberships(&self) -> String {
        format!("{}.user.*.membership", self.prefix)
    }

    /// Every user's events (`chat.user.*.event`; the relay publishes them with
    /// [`Subjects::aggregate_event`]).
    pub fn all_user_events(&self) -> String {
        format!("{}.user.*.event", self.prefix)
    }

    /// Every user's contacts events (`chat.contacts.*.event`).
    pub fn all_contacts_events(&self) -> String {
        format!("{}.contacts.*.event", self.prefix)
    }

    pub fn all_presence_events(&self) -> String {
        format!("{}.presence.*.event", self.prefix)
    }

    pub fn presence_reports(&self) -> String {
        format!("{}.presence.reports", self.prefix)
    }

    /// A tracker taking over asks every gateway to report all its users at once (answered on
    /// [`Subjects::presence_reports`]).
    pub fn presence_sync(&self) -> String {
        format!("{}.presence.sync", self.prefix)
    }

    pub fn room_commands(&self) -> String {
        format!("{}.cmd.room", self.prefix)
    }

    /// Batches of delivery acknowledgements from gateways (same queue group as the commands).
    pub fn delivery_acks(&self) -> String {
        format!("{}.cmd.delivery", self.prefix)
    }

    /// The queue group shared by all command-service instances.
    pub fn command_queue(&self) -> &'static str {
        "commands"
    }
}

#[cfg(test)]
mod tests {
    use chat_domain::contacts::Contacts;
    use chat_domain::presence::Presence;
    use chat_domain::room::Room;
    use chat_domain::user::User;
    use chat_domain::website::Website;
    use cqrs_es::Aggregate;
    use uuid::Uuid;

    use super::*;

    #[test]
    fn subjects_follow_the_documented_scheme() {
        let subjects = Subjects::new("chat");
        let room = RoomId::from_uuid(Uuid::nil());
        assert_eq!(subjects.room_event(room), "chat.room.00000000-0000-0000-0000-000000000000.event");
        assert_eq!(subjects.room_kind(&subjects.room_event(room)), Some(RoomSubject::Event));
        assert_eq!(subjects.room_kind(&subjects.room_typing(room)), Some(RoomSubject::Typing));
        assert_eq!(subjects.room_kind(&subjects.room_receipts(room)), Some(RoomSubject::Receipt));
        assert!(matches(&subjects.room_all(room), &subjects.room_receipts(room)), "gateways get receipts");
        assert_eq!(subjects.delivery_acks(), "chat.cmd.delivery");
        assert_eq!(subjects.presence_sync(), "chat.presence.sync");
        assert_eq!(subjects.stream_name(), "CHAT_EVENTS");
        let user = UserId::from_uuid(Uuid::nil());
        let user_event = subjects.aggregate_event(User::TYPE, &user.to_string());
        assert_eq!(user_event, format!("chat.user.{user}.event"));
        assert_eq!(subjects.all_user_events(), "chat.user.*.event");
        let contacts_event = subjects.aggregate_event(Contacts::TYPE, &user.to_string());
        assert!(matches(&subjects.all_contacts_events(), &contacts_event));
        assert_ne!(subjects.membership(user), user_event);
        assert_eq!(Subjects::new("t-1.a").stream_name(), "T_1_A_EVENTS");
    }

    /// Whether `subject` matches `pattern` as NATS matches them (`*` one token, `>` the rest).
    fn matches(pattern: &str, subject: &str) -> bool {
        let (mut pattern, mut subject) = (pattern.split('.'), subject.split('.'));
        loop {
            match (pattern.next(), subject.next()) {
                (None, None) | (Some(">"), Some(_)) => return true,
                (Some(wanted), Some(token)) if wanted == "*" || wanted == token => {}
                _ => return false,
            }
        }
    }

    #[test]
    fn the_stream_takes_the_events_of_every_aggregate_and_nothing_sent_over_core_nats() {
        let subjects = Subjects::new("t-1.a");
        let captured = |subject: &str| subjects.stream_subjects().iter().any(|pattern| matches(pattern, subject));
        let id = Uuid::nil().to_string();
        for aggregate_type in [Room::TYPE, User::TYPE, Presence::TYPE, Website::TYPE] {
            let subject = subjects.aggregate_event(aggregate_type, &id);
            assert!(captured(&subject), "{subject} is not in the stream: the relay would stop at it");
        }
        let (room, user) = (RoomId::from_uuid(Uuid::nil()), UserId::from_uuid(Uuid::nil()));
        let core = [
            subjects.room_typing(room),
            subjects.room_receipts(room),
            subjects.delivery_acks(),
            subjects.membership(user),
            subjects.presence_reports(),
            subjects.presence_sync(),
            subjects.room_commands(),
        ];
        for subject in core {
            assert!(!captured(&subject), "{subject} would be stored");
        }
    }
}
