//! Upcasters: stored events of an older version, rewritten to the shape the code reads now.
//!
//! Stored events are never rewritten in the database for a shape change; every reader upcasts
//! on the way in (the command side's aggregate load, the feed and therefore every projector,
//! the relay and backfill, and the analysts' export). Each upcaster is a cqrs-es
//! [`EventUpcaster`], so the same list also fits cqrs-es's own
//! `PersistedEventStore::with_upcasters` and `QueryReplay::with_upcasters`; [`upcast`] and
//! [`upcast_serialized`] apply them where we read events ourselves (postgres-es's repository
//! and our feed SQL do not upcast, and cqrs-es's own fold over a list is crate-private).
//!
//! cqrs-es's `SemanticVersionEventUpcaster` would do, except that it writes the version back as
//! `major.minor.patch` ("1.1.0") while our events report `major.minor` ("1.1"); [`Upcaster`]
//! uses cqrs-es's `SemanticVersion` for the comparison and keeps the version as written.
//!
//! An upcaster runs for every stored version older than its own, in list order, so a chain
//! 1.0 → 1.1 → 2.0 is two entries. Each is pure: payload in, payload out.
//!
//! # History
//! - `room` / `MessagePosted` 1.0 → 1.1: `mentions` added, an empty list for older posts.
//! - `room` / `MessagePosted` 1.1 → 1.2: `attachments` added, an empty list for older posts.
//! - `user` / `VisitorRegistered` 1.0 → 1.1: `email` added, `null` for older visitors.

use std::str::FromStr;
use std::sync::LazyLock;

use cqrs_es::persist::{EventUpcaster, SemanticVersion, SerializedEvent};
use serde_json::Value;

/// Brings one event type of one aggregate from any version older than `to` up to `to`.
pub struct Upcaster {
    pub aggregate_type: &'static str,
    pub event_type: &'static str,
    /// The version this upcaster produces, as the event reports it (`major.minor`).
    pub to: &'static str,
    target: SemanticVersion,
    f: fn(Value) -> Value,
}

impl Upcaster {
    fn new(aggregate_type: &'static str, event_type: &'static str, to: &'static str, f: fn(Value) -> Value) -> Self {
        let target = SemanticVersion::from_str(to).unwrap_or_else(|_| panic!("bad upcaster version {to}"));
        Self { aggregate_type, event_type, to, target, f }
    }

    fn applies(&self, aggregate_type: &str, event_type: &str, version: &str) -> bool {
        aggregate_type == self.aggregate_type && self.can_upcast(event_type, version)
    }
}

impl EventUpcaster for Upcaster {
    fn can_upcast(&self, event_type: &str, event_version: &str) -> bool {
        event_type == self.event_type
            && SemanticVersion::from_str(event_version).is_ok_and(|stored| self.target.supersedes(&stored))
    }

    fn upcast(&self, event: SerializedEvent) -> SerializedEvent {
        SerializedEvent { event_version: self.to.to_owned(), payload: (self.f)(event.payload), ..event }
    }
}

/// Every upcaster, oldest first.
fn all() -> Vec<Upcaster> {
    vec![
        Upcaster::new("room", "MessagePosted", "1.1", message_posted_1_1),
        Upcaster::new("room", "MessagePosted", "1.2", message_posted_1_2),
        Upcaster::new("user", "VisitorRegistered", "1.1", visitor_registered_1_1),
    ]
}

static UPCASTERS: LazyLock<Vec<Upcaster>> = LazyLock::new(all);

/// The upcasters in cqrs-es's form (for `with_upcasters`). Event type names are unique across
/// aggregates (see the catalog tests), so cqrs-es's event-type match is enough there.
pub fn upcasters() -> Vec<Box<dyn EventUpcaster>> {
    all().into_iter().map(|upcaster| Box::new(upcaster) as Box<dyn EventUpcaster>).collect()
}

/// `MessagePosted` 1.1 added `mentions`: a 1.0 post mentioned nobody.
fn message_posted_1_1(mut payload: Value) -> Value {
    if let Value::Object(fields) = &mut payload {
        fields.entry("mentions").or_insert_with(|| Value::Array(Vec::new()));
    }
    payload
}

/// `MessagePosted` 1.2 added `attachments`: an older post had none.
fn message_posted_1_2(mut payload: Value) -> Value {
    if let Value::Object(fields) = &mut payload {
        fields.entry("attachments").or_insert_with(|| Value::Array(Vec::new()));
    }
    payload
}

/// `VisitorRegistered` 1.1 added `email`: a 1.0 visitor gave none.
fn visitor_registered_1_1(mut payload: Value) -> Value {
    if let Value::Object(fields) = &mut payload {
        fields.entry("email").or_insert(Value::Null);
    }
    payload
}

/// Whether an event of this type and stored version has an older shape than the current one.
pub fn is_outdated(aggregate_type: &str, event_type: &str, version: &str) -> bool {
    UPCASTERS.iter().any(|upcaster| upcaster.applies(aggregate_type, event_type, version))
}

/// Brings a stored event's `version` and `payload` to the current shape, in place; events
/// already current are left untouched (and cost one comparison per upcaster).
pub fn upcast(aggregate_type: &str, event_type: &str, version: &mut String, payload: &mut Value) {
    if !is_outdated(aggregate_type, event_type, version) {
        return;
    }
    let mut event = SerializedEvent::new(
        String::new(),
        0,
        aggregate_type.to_owned(),
        event_type.to_owned(),
        std::mem::take(version),
        std::mem::take(payload),
        Value::Null,
    );
    for upcaster in UPCASTERS.iter() {
        if upcaster.applies(aggregate_type, &event.event_type, &event.event_version) {
            event = upcaster.upcast(event);
        }
    }
    *version = event.event_version;
    *payload = event.payload;
}

/// [`upcast`] for an event as postgres-es loads it.
pub fn upcast_serialized(mut event: SerializedEvent) -> SerializedEvent {
    upcast(&event.aggregate_type, &event.event_type, &mut event.event_version, &mut event.payload);
    event
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::room::RoomEvent;

    fn post_1_0() -> Value {
        json!({
            "type": "MessagePosted",
            "message_id": "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b",
            "author": "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5c",
            "body": "hello",
            "client_msg_id": "k-1",
            "reply_to": null
        })
    }

    #[test]
    fn a_1_0_post_becomes_a_current_post_without_mentions_or_attachments() {
        let (mut version, mut payload) = ("1.0".to_owned(), post_1_0());
        upcast("room", "MessagePosted", &mut version, &mut payload);
        assert_eq!(version, "1.2");
        assert_eq!(payload["mentions"], json!([]));
        assert_eq!(payload["attachments"], json!([]));
        let event: RoomEvent = serde_json::from_value(payload).unwrap();
        assert_eq!(version, event.version());
    }

    #[test]
    fn a_stored_1_1_post_reads_with_no_attachments() {
        let mut payload = post_1_0();
        payload["mentions"] = json!(["0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5c"]);
        let mut version = "1.1".to_owned();
        upcast("room", "MessagePosted", &mut version, &mut payload);
        assert_eq!((version.as_str(), &payload["attachments"]), ("1.2", &json!([])));
        assert_eq!(payload["mentions"], json!(["0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5c"]), "mentions kept");
        let Ok(RoomEvent::MessagePosted { attachments, .. }) = serde_json::from_value(payload) else {
            panic!("a post")
        };
        assert!(attachments.is_empty());
    }

    #[test]
    fn a_1_0_post_does_not_read_without_its_upcaster() {
        assert!(serde_json::from_value::<RoomEvent>(post_1_0()).is_err(), "mentions has no serde default");
    }

    #[test]
    fn current_events_and_other_aggregates_are_left_alone() {
        let mut payload = post_1_0();
        payload["mentions"] = json!(["0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5c"]);
        payload["attachments"] = json!([]);
        let (mut version, mut current) = ("1.2".to_owned(), payload.clone());
        upcast("room", "MessagePosted", &mut version, &mut current);
        assert_eq!((version.as_str(), &current), ("1.2", &payload));

        let (mut version, mut other) = ("1.0".to_owned(), post_1_0());
        upcast("user", "MessagePosted", &mut version, &mut other);
        assert_eq!((version.as_str(), &other), ("1.0", &post_1_0()));
    }

    #[test]
    fn postgres_es_events_are_upcast_too() {
        let stored = SerializedEvent::new(
            "room-1".to_owned(),
            7,
            "room".to_owned(),
            "MessagePosted".to_owned(),
            "1.0".to_owned(),
            post_1_0(),
            json!({"actor": "a"}),
        );
        let upcast = upcast_serialized(stored);
        assert_eq!((upcast.aggregate_id.as_str(), upcast.sequence), ("room-1", 7));
        assert_eq!(upcast.event_version, "1.2");
        assert_eq!(upcast.metadata, json!({"actor": "a"}));
        assert_eq!(upcast.payload["mentions"], json!([]));
        assert_eq!(upcasters().len(), all().len());
    }

    #[test]
    fn a_1_0_visitor_gave_no_email() {
        let mut payload = json!({"type": "VisitorRegistered", "website_id": "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5c", "display_name": "Visitor 4A5C"});
        let mut version = "1.0".to_owned();
        upcast("user", "VisitorRegistered", &mut version, &mut payload);
        assert_eq!((version.as_str(), &payload["email"]), ("1.1", &Value::Null));
        assert!(serde_json::from_value::<crate::user::UserEvent>(payload).is_ok());
    }
}
