//! The catalog against the code: every variant described, as serde writes it; and the rendered
//! `docs/events.md` up to date.

use std::collections::BTreeSet;

use cqrs_es::DomainEvent;
use serde_json::Value;
use uuid::Uuid;

use super::*;
use crate::presence::{PresenceEvent, PresenceStatus};
use crate::text::{DisplayName, Username};
use crate::user::UserEvent;

/// One event of each variant of each aggregate, as `(aggregate, event_type, version, payload)`.
/// The matches (the room one in the serialisation tests) stop compiling when a variant is added:
/// add an example, then describe the event in its aggregate's `CATALOG`.
fn one_of_each() -> Vec<(&'static str, String, String, Value)> {
    // The room examples are the serialisation tests' (which stop compiling on a new variant).
    let rooms = crate::room::tests::serialisation::one_of_each_event();
    let users = vec![
        UserEvent::UserRegistered {
            username: Username::parse("ada").unwrap().into(),
            display_name: DisplayName::parse("Ada").unwrap().into(),
        },
        UserEvent::VisitorRegistered {
            website_id: crate::WebsiteId::from_uuid(Uuid::from_u128(7)),
            display_name: DisplayName::parse("Visitor 7").unwrap().into(),
            email: Some(crate::user::Email::parse("ada@example.org").unwrap()),
        },
        UserEvent::VisitorIdentified {
            external_id: Some(crate::user::ExternalUserId::parse("user-42").unwrap()),
            email: None,
        },
        UserEvent::ProfileUpdated { display_name: DisplayName::parse("Ada L.").unwrap().into() },
        UserEvent::UserErased {},
    ];
    for event in &users {
        match event {
            UserEvent::UserRegistered { .. }
            | UserEvent::VisitorRegistered { .. }
            | UserEvent::VisitorIdentified { .. }
            | UserEvent::ProfileUpdated { .. }
            | UserEvent::UserErased {} => {}
        }
    }
    let contacts = crate::contacts::tests::one_of_each_event();
    let presence = vec![PresenceEvent::PresenceChanged { status: PresenceStatus::Away }];
    for event in &presence {
        match event {
            PresenceEvent::PresenceChanged { .. } => {}
        }
    }
    let websites = crate::website::tests::one_of_each_event();
    let mut all = Vec::new();
    all.extend(rooms.iter().map(|e| ("room", e.event_type(), e.event_version(), serde_json::to_value(e).unwrap())));
    all.extend(users.iter().map(|e| ("user", e.event_type(), e.event_version(), serde_json::to_value(e).unwrap())));
    all.extend(
        contacts.iter().map(|e| ("contacts", e.event_type(), e.event_version(), serde_json::to_value(e).unwrap())),
    );
    all.extend(
        presence.iter().map(|e| ("presence", e.event_type(), e.event_version(), serde_json::to_value(e).unwrap())),
    );
    all.extend(
        websites.iter().map(|e| ("website", e.event_type(), e.event_version(), serde_json::to_value(e).unwrap())),
    );
    all
}

#[test]
fn catalog_describes_every_event_as_serde_writes_it() {
    let mut seen = BTreeSet::new();
    for (aggregate, name, version, payload) in one_of_each() {
        let doc = find(aggregate, &name).unwrap_or_else(|| panic!("{aggregate} {name} is not in the catalog"));
        assert_eq!(doc.version, version, "{aggregate} {name}: catalog version");
        assert!(doc.admits(&payload), "{aggregate} {name}: the catalog does not describe {payload}");
        seen.insert((aggregate, name));
    }
    let described: BTreeSet<(&str, String)> = events().map(|doc| (doc.aggregate, doc.name.to_owned())).collect();
    assert_eq!(described, seen, "the catalog describes events the code does not have");
}

#[test]
fn event_type_names_are_unique_across_aggregates() {
    // cqrs-es's upcasters match on the event type alone.
    let names: Vec<&str> = events().map(|doc| doc.name).collect();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(names.len(), unique.len());
}

#[test]
fn redacted_payloads_and_only_well_formed_ones_are_admitted() {
    let posted = find("room", "MessagePosted").unwrap();
    let (_, _, _, mut payload) = one_of_each().into_iter().find(|(_, name, _, _)| name == "MessagePosted").unwrap();
    assert!(posted.admits(&payload));
    payload["body"] = Value::Null;
    payload[REDACTED_MARKER] = Value::Bool(true);
    assert!(posted.admits(&payload), "an erased author's post");
    payload["author"] = Value::Null;
    assert!(!posted.admits(&payload), "ids are never redacted");
    payload["author"] = Value::String(Uuid::from_u128(1).to_string());
    payload["extra"] = Value::Bool(true);
    assert!(!posted.admits(&payload), "unknown fields");
    let schema = posted.payload_schema();
    assert_eq!(schema["properties"]["body"]["anyOf"][1]["type"], "null");
    assert_eq!(schema["properties"][REDACTED_MARKER]["const"], true);
    assert!(find("room", "ReadMarkerMoved").unwrap().payload_schema()["properties"].get(REDACTED_MARKER).is_none());
}

/// Compares `rendered` with the file at `path` (relative to the workspace root), or rewrites
/// the file when `UPDATE_DOCS` is set.
pub fn check_generated(path: &str, rendered: &str, command: &str) {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, rendered).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(current == rendered, "{path} is out of date with the code; regenerate it with `UPDATE_DOCS=1 {command}`");
}

#[test]
fn catalog_docs_are_up_to_date() {
    check_generated("docs/events.md", &render_markdown(), "cargo test -p chat-domain catalog");
}
