//! Personal data in stored events, and how an erasure takes it out.
//!
//! # Why redaction in place
//! The event store is the source of truth and analysts export it, so a user's right to erasure
//! has to reach it. Two ways were weighed:
//! - **Crypto-shredding**: encrypt each user's personal fields with a per-user key and delete the
//!   key on erasure. It leaves the store append-only, but every reader (writers loading rooms,
//!   projectors, the relay, backfill, exports) would need the key service, a plaintext export
//!   could no longer be a plain `SELECT`, and a key lost by accident erases everyone's messages.
//! - **In-place redaction** (chosen): on erasure, the personal fields of the user's events are
//!   set to JSON `null` and the payload is marked `"redacted": true`. Every event stays where
//!   it was with its sequence, type, version, ids and timestamps, so room sequences stay
//!   gap-free, counts and unread figures do not change, and replaying the history still
//!   rebuilds the read models (with the redacted text missing). The cost is that the events
//!   table is not strictly append-only any more: erasure is the one sanctioned rewrite, it
//!   only ever replaces values listed in [`PERSONAL_DATA`] by `null`, and it records itself as
//!   a `UserErased` event.
//!
//! In the typed events those fields are [`Redactable`]: present, or redacted (`null`). Readers
//! must cope with either; the domain's rules never depend on them.
//!
//! Copies outside Postgres (the JetStream stream's retention window, clients' caches, backups)
//! are out of reach of the rewrite; see SECURITY.md.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A personal value in an event: present, or taken out by an erasure (stored as `null`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Redactable<T> {
    Present(T),
    Redacted,
}

impl<T> Redactable<T> {
    /// The value, unless it was redacted.
    pub fn present(&self) -> Option<&T> {
        match self {
            Redactable::Present(value) => Some(value),
            Redactable::Redacted => None,
        }
    }

    pub fn into_present(self) -> Option<T> {
        match self {
            Redactable::Present(value) => Some(value),
            Redactable::Redacted => None,
        }
    }

    pub fn is_redacted(&self) -> bool {
        matches!(self, Redactable::Redacted)
    }
}

impl<T> From<T> for Redactable<T> {
    fn from(value: T) -> Self {
        Redactable::Present(value)
    }
}

impl<T: Serialize> Serialize for Redactable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Redactable::Present(value) => value.serialize(serializer),
            Redactable::Redacted => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Redactable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Redactable::Redacted, Redactable::Present))
    }
}

/// The payload field an erasure adds to each event it redacted.
pub const REDACTED_MARKER: &str = "redacted";

/// Whose personal data an event holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The user whose aggregate it is (`User` events).
    Aggregate,
    /// The user named by this payload field (e.g. a post's `author`).
    Field(&'static str),
}

/// Where one event type keeps personal data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PersonalData {
    pub aggregate_type: &'static str,
    pub event_type: &'static str,
    pub owner: Owner,
    /// The [`Redactable`] payload fields an erasure sets to `null`.
    pub fields: &'static [&'static str],
    /// Lists of objects whose [`Redactable`] fields an erasure sets to `null` in every element
    /// (`attachments` → `name`), the list and the rest of each object kept.
    pub in_lists: &'static [(&'static str, &'static [&'static str])],
}

/// Every event type with personal data, and where it is. Nothing else is personal: ids are
/// pseudonyms that stay (so memberships, counts and sequences stay consistent), room names
/// belong to rooms, reactions are emoji codes. An attachment's file name is personal (it can
/// name a person: "passport-jane-doe.pdf"); its type, size and digest are kept for analysts
/// (the bytes themselves leave the object store with the erasure).
pub const PERSONAL_DATA: &[PersonalData] = &[
    PersonalData {
        aggregate_type: "room",
        event_type: "MessagePosted",
        owner: Owner::Field("author"),
        fields: &["body"],
        in_lists: &[("attachments", &["name"])],
    },
    PersonalData {
        aggregate_type: "room",
        event_type: "MessageEdited",
        owner: Owner::Field("edited_by"),
        fields: &["body"],
        in_lists: &[],
    },
    PersonalData {
        aggregate_type: "room",
        event_type: "VisitorContextRecorded",
        owner: Owner::Field("visitor"),
        fields: &["page_url", "referrer", "language", "user_agent"],
        in_lists: &[],
    },
    PersonalData {
        aggregate_type: "user",
        event_type: "UserRegistered",
        owner: Owner::Aggregate,
        fields: &["username", "display_name"],
        in_lists: &[],
    },
    PersonalData {
        aggregate_type: "user",
        event_type: "VisitorRegistered",
        owner: Owner::Aggregate,
        fields: &["display_name", "email"],
        in_lists: &[],
    },
    PersonalData {
        aggregate_type: "user",
        event_type: "VisitorIdentified",
        owner: Owner::Aggregate,
        fields: &["external_id", "email"],
        in_lists: &[],
    },
    PersonalData {
        aggregate_type: "user",
        event_type: "ProfileUpdated",
        owner: Owner::Aggregate,
        fields: &["display_name"],
        in_lists: &[],
    },
];

#[cfg(test)]
mod tests {
    use cqrs_es::Aggregate;
    use serde_json::{Value, json};
    use uuid::Uuid;

    use super::*;
    use crate::attachment::{Attachment, FileName, MimeType, Sha256Digest};
    use crate::room::{LanguageTag, PageUrl, Room, RoomEvent, UserAgent};
    use crate::text::{ClientMsgId, DisplayName, MessageBody, Username};
    use crate::user::{Email, ExternalUserId, User, UserEvent};
    use crate::{MessageId, UploadId, UserId};

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// One event of each type in [`PERSONAL_DATA`], with every personal field present.
    fn personal_events() -> Vec<(&'static str, Value)> {
        let body = || Redactable::from(MessageBody::parse("secret").unwrap());
        let posted = RoomEvent::MessagePosted {
            message_id: MessageId::from_uuid(id(1)),
            author: UserId::from_uuid(id(2)),
            body: body(),
            client_msg_id: ClientMsgId::parse("k-1").unwrap(),
            reply_to: None,
            mentions: vec![],
            attachments: vec![Attachment {
                id: UploadId::from_uuid(id(5)),
                name: FileName::sanitise("passport-jane-doe.pdf").into(),
                mime: MimeType::parse("application/pdf").unwrap(),
                size: 1234,
                sha256: Sha256Digest::from_bytes([7; 32]),
                width: None,
                height: None,
                thumbnail: false,
            }],
        };
        let edited = RoomEvent::MessageEdited {
            message_id: MessageId::from_uuid(id(1)),
            body: body(),
            edited_by: UserId::from_uuid(id(2)),
        };
        let registered = UserEvent::UserRegistered {
            username: Username::parse("ada").unwrap().into(),
            display_name: DisplayName::parse("Ada").unwrap().into(),
        };
        let updated = UserEvent::ProfileUpdated { display_name: DisplayName::parse("Ada L.").unwrap().into() };
        let context = RoomEvent::VisitorContextRecorded {
            visitor: UserId::from_uuid(id(3)),
            page_url: Some(PageUrl::parse("https://shop.example/cart").unwrap()),
            referrer: Some(PageUrl::parse("https://search.example/?q=shop").unwrap()),
            language: Some(LanguageTag::parse("de-DE").unwrap()),
            user_agent: Some(UserAgent::parse("Mozilla/5.0").unwrap()),
        };
        let visitor = UserEvent::VisitorRegistered {
            website_id: crate::WebsiteId::from_uuid(id(4)),
            display_name: DisplayName::parse("Visitor").unwrap().into(),
            email: Some(Email::parse("ada@example.org").unwrap()),
        };
        let identified = UserEvent::VisitorIdentified {
            external_id: Some(ExternalUserId::parse("user-42").unwrap()),
            email: Some(Email::parse("ada@example.org").unwrap()),
        };
        vec![
            ("room", serde_json::to_value(posted).unwrap()),
            ("room", serde_json::to_value(edited).unwrap()),
            ("room", serde_json::to_value(context).unwrap()),
            ("user", serde_json::to_value(registered).unwrap()),
            ("user", serde_json::to_value(visitor).unwrap()),
            ("user", serde_json::to_value(identified).unwrap()),
            ("user", serde_json::to_value(updated).unwrap()),
        ]
    }

    /// What the erasure's SQL does to a payload (`payload || {field: null, …, "redacted": true}`,
    /// and the fields of each element of the lists set to `null`).
    fn redact(mut payload: Value, personal: &PersonalData) -> Value {
        for field in personal.fields {
            payload[*field] = Value::Null;
        }
        for (list, fields) in personal.in_lists {
            for element in payload[*list].as_array_mut().into_iter().flatten() {
                for field in *fields {
                    element[*field] = Value::Null;
                }
            }
        }
        payload[REDACTED_MARKER] = json!(true);
        payload
    }

    #[test]
    fn every_listed_field_is_a_string_of_its_event_and_each_event_type_is_listed_once() {
        let events = personal_events();
        assert_eq!(events.len(), PERSONAL_DATA.len());
        for ((aggregate_type, payload), personal) in events.iter().zip(PERSONAL_DATA) {
            assert_eq!(
                (*aggregate_type, payload["type"].as_str()),
                (personal.aggregate_type, Some(personal.event_type))
            );
            for field in personal.fields {
                assert!(payload[*field].is_string(), "{field} of {payload}");
            }
            for (list, fields) in personal.in_lists {
                let elements = payload[*list].as_array().unwrap_or_else(|| panic!("{list} of {payload}"));
                assert!(!elements.is_empty(), "an example with a {list} element");
                for element in elements {
                    for field in *fields {
                        assert!(element[*field].is_string(), "{list}.{field} of {payload}");
                    }
                }
            }
            if let Owner::Field(owner) = personal.owner {
                assert!(payload[owner].is_string(), "{owner} of {payload}");
            }
        }
    }

    #[test]
    fn redacted_events_still_decode_and_still_fold() {
        let mut room = Room::default();
        let mut user = User::default();
        for ((aggregate_type, payload), personal) in personal_events().into_iter().zip(PERSONAL_DATA) {
            let redacted = redact(payload, personal);
            match aggregate_type {
                "room" => {
                    let event: RoomEvent = serde_json::from_value(redacted.clone()).unwrap();
                    match &event {
                        RoomEvent::MessagePosted { body, attachments, .. } => {
                            assert!(body.is_redacted());
                            assert!(attachments[0].name.is_redacted());
                            assert_eq!(attachments[0].size, 1234, "only the name goes");
                            assert_eq!(serde_json::to_value(&event).unwrap()["body"], Value::Null);
                        }
                        RoomEvent::MessageEdited { body, .. } => {
                            assert!(body.is_redacted());
                            assert_eq!(serde_json::to_value(&event).unwrap()["body"], Value::Null);
                        }
                        RoomEvent::VisitorContextRecorded { page_url, referrer, language, user_agent, .. } => {
                            assert_eq!((page_url, referrer, language, user_agent), (&None, &None, &None, &None));
                        }
                        other => panic!("unexpected {other:?}"),
                    }
                    room.apply(event);
                }
                _ => {
                    let event: UserEvent = serde_json::from_value(redacted).unwrap();
                    user.apply(event);
                }
            }
        }
        assert_eq!(room.version(), 3);
    }

    #[test]
    fn a_present_value_reads_and_writes_as_the_value_itself() {
        let name: Redactable<DisplayName> = serde_json::from_value(json!("Ada")).unwrap();
        assert_eq!(name.present().map(DisplayName::as_str), Some("Ada"));
        assert_eq!(serde_json::to_value(&name).unwrap(), json!("Ada"));
        let gone: Redactable<DisplayName> = serde_json::from_value(Value::Null).unwrap();
        assert_eq!((gone.is_redacted(), gone.into_present()), (true, None));
    }
}
