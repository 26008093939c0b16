//! Everything that can happen to a user. Same storage rules as room events.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::catalog::{EventDoc, FieldDoc, FieldType};
use crate::redaction::Redactable;
use crate::text::{DisplayName, Username};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum UserEvent {
    /// `username` and `display_name` are redacted (`null`) once the user is erased.
    UserRegistered { username: Redactable<Username>, display_name: Redactable<DisplayName> },
    /// `display_name` is redacted (`null`) once the user is erased.
    ProfileUpdated { display_name: Redactable<DisplayName> },
    /// The user's personal data was erased (their earlier events redacted, their account and
    /// credentials deleted); the user can no longer log in or act. Final.
    UserErased {},
}

impl UserEvent {
    /// This event type's current schema version.
    pub const fn version(&self) -> &'static str {
        match self {
            UserEvent::UserRegistered { .. } | UserEvent::ProfileUpdated { .. } | UserEvent::UserErased {} => "1.0",
        }
    }

    pub const fn name(&self) -> &'static str {
        match self {
            UserEvent::UserRegistered { .. } => "UserRegistered",
            UserEvent::ProfileUpdated { .. } => "ProfileUpdated",
            UserEvent::UserErased {} => "UserErased",
        }
    }
}

impl DomainEvent for UserEvent {
    fn event_type(&self) -> String {
        self.name().to_owned()
    }

    fn event_version(&self) -> String {
        self.version().to_owned()
    }
}

/// `user` events for the catalog (`crate::catalog`).
pub(crate) const CATALOG: &[EventDoc] = &[
    EventDoc {
        aggregate: "user",
        name: "UserRegistered",
        version: "1.0",
        summary: "A user registered (the aggregate id is the user id). Credentials never enter the event store.",
        history: "",
        fields: &[
            FieldDoc {
                name: "username",
                ty: FieldType::Text,
                meaning: "The login name, lower-case (3–32 characters of `a-z 0-9 _ . -`).",
            },
            FieldDoc { name: "display_name", ty: FieldType::Text, meaning: "The name shown to others." },
        ],
    },
    EventDoc {
        aggregate: "user",
        name: "ProfileUpdated",
        version: "1.0",
        summary: "A user changed their profile.",
        history: "",
        fields: &[FieldDoc { name: "display_name", ty: FieldType::Text, meaning: "The new display name." }],
    },
    EventDoc {
        aggregate: "user",
        name: "UserErased",
        version: "1.0",
        summary: "The user's personal data was erased: their earlier events were redacted in place (see \
                  \"Erasure\" above), their account and credentials deleted. The user can no longer log in or act. \
                  Final.",
        history: "",
        fields: &[],
    },
];
