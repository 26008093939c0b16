//! Everything that can happen to a user. Same storage rules as room events.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::contact::{Email, ExternalUserId};
use crate::catalog::{EventDoc, FieldDoc, FieldType};
use crate::ids::WebsiteId;
use crate::redaction::Redactable;
use crate::text::{DisplayName, Username};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum UserEvent {
    /// `username` and `display_name` are redacted (`null`) once the user is erased.
    UserRegistered { username: Redactable<Username>, display_name: Redactable<DisplayName> },
    /// A website's visitor arrived (support chat): no username, no password; `display_name` and
    /// `email` are redacted (`null`) once the visitor is erased.
    VisitorRegistered { website_id: WebsiteId, display_name: Redactable<DisplayName>, email: Option<Email> },
    /// The website's server vouched that the visitor is its user `external_id` (identity
    /// verification); both fields are `null` once the visitor is erased.
    VisitorIdentified { external_id: Option<ExternalUserId>, email: Option<Email> },
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
            | UserEvent::VisitorIdentified { .. }
            | UserEvent::ProfileUpdated { .. }
            | UserEvent::UserErased {} => "1.0",
            UserEvent::VisitorRegistered { .. } => "1.1",
        }
    }

    pub const fn name(&self) -> &'static str {
        match self {
            UserEvent::UserRegistered { .. } => "UserRegistered",
            UserEvent::VisitorRegistered { .. } => "VisitorRegistered",
            UserEvent::VisitorIdentified { .. } => "VisitorIdentified",
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
        version: "1.1",
        summary: "An anonymous visitor of a website's support chat arrived (the aggregate id is their user id). \
                  Visitors have no username or password; their tokens are good for that website's support only.",
        history: "1.0 had no `email`; 1.0 events are upcast with `null`.",
        fields: &[
            FieldDoc { name: "website_id", ty: FieldType::Uuid, meaning: "The website they visit." },
            FieldDoc {
                name: "display_name",
                ty: FieldType::Text,
                meaning: "The name agents see (given in the pre-chat form, or made up from the id).",
            },
            FieldDoc {
                name: "email",
                ty: FieldType::Nullable(&FieldType::Text),
                meaning: "The email address given in the pre-chat form, if the website asks for one and they gave it.",
            },
        ],
    },
    EventDoc {
        aggregate: "user",
        name: "VisitorIdentified",
        version: "1.0",
        summary: "The website's own server vouched that this visitor is one of its users (identity verification: \
                  it signed the user's id with the website's identity secret, HMAC-SHA256). The visitor stays \
                  that user for good; the same user on another device gets this visitor's session.",
        history: "",
        fields: &[
            FieldDoc {
                name: "external_id",
                ty: FieldType::Nullable(&FieldType::Text),
                meaning: "The website's id for the user, exactly as signed (`null` once erased).",
            },
            FieldDoc {
                name: "email",
                ty: FieldType::Nullable(&FieldType::Text),
                meaning: "The email address the website passed on, if any.",
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
