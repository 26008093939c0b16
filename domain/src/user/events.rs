//! Everything that can happen to a user. Same storage rules as room events.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::catalog::{EventDoc, FieldDoc, FieldType};
use crate::ids::WebsiteId;
use crate::redaction::Redactable;
use crate::text::{DisplayName, Username};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum UserEvent {
    /// `username` and `display_name` are redacted (`null`) once the user is erased.
    UserRegistered { username: Redactable<Username>, display_name: Redactable<DisplayName> },
    /// A website's visitor arrived (support chat): no username, no password; `display_name` is
    /// redacted (`null`) once the visitor is erased.
    VisitorRegistered { website_id: WebsiteId, display_name: Redactable<DisplayName> },
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
            UserEvent::UserRegistered { .. }
            | UserEvent::VisitorRegistered { .. }
            | UserEvent::ProfileUpdated { .. }
            | UserEvent::UserErased {} => "1.0",
        }
    }

    pub const fn name(&self) -> &'static str {
        match self {
            UserEvent::UserRegistered { .. } => "UserRegistered",
            UserEvent::VisitorRegistered { .. } => "VisitorRegistered",
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
        name: "VisitorRegistered",
        version: "1.0",
        summary: "An anonymous visitor of a website's support chat arrived (the aggregate id is their user id). \
                  Visitors have no username or password; their tokens are good for that website's support only.",
        history: "",
        fields: &[
            FieldDoc { name: "website_id", ty: FieldType::Uuid, meaning: "The website they visit." },
            FieldDoc {
                name: "display_name",
                ty: FieldType::Text,
                meaning: "The name agents see (given in the pre-chat form, or made up from the id).",
            },
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
