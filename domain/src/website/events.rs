//! Everything that can happen to a website. Stored as JSON with a `type` tag equal to
//! `event_type()`; never rename a variant or a field — add a new version and an upcaster.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::settings::WidgetSettings;
use super::site_domain::{SiteDomain, VerificationFailure, VerificationMethod, VerificationToken};
use crate::catalog::{EventDoc, FieldDoc, FieldType};
use crate::ids::UserId;
use crate::text::WebsiteName;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type")]
pub enum WebsiteEvent {
    WebsiteRegistered {
        name: WebsiteName,
        owner: UserId,
    },
    WebsiteRenamed {
        name: WebsiteName,
        renamed_by: UserId,
    },
    /// The domain is listed, unverified, with the token its owner must publish.
    DomainAdded {
        domain: SiteDomain,
        token: VerificationToken,
        added_by: UserId,
    },
    DomainRemoved {
        domain: SiteDomain,
        removed_by: UserId,
    },
    /// A check found the token: the widget may be embedded on this domain.
    DomainVerified {
        domain: SiteDomain,
        method: VerificationMethod,
        checked_by: UserId,
    },
    /// A check did not find the token: the domain is (no longer) verified.
    DomainVerificationFailed {
        domain: SiteDomain,
        reason: VerificationFailure,
        checked_by: UserId,
    },
    WidgetChanged {
        settings: WidgetSettings,
        changed_by: UserId,
    },
    AgentAdded {
        user_id: UserId,
        added_by: UserId,
    },
    /// `removed_by` is the agent themselves when they left.
    AgentRemoved {
        user_id: UserId,
        removed_by: UserId,
    },
    /// The owner made a new identity secret (the one before stops verifying visitors). The
    /// secret itself is never an event: it lives in the commands' own table, like passwords.
    IdentitySecretRotated {
        rotated_by: UserId,
    },
}

impl WebsiteEvent {
    /// This event type's current schema version.
    pub const fn version(&self) -> &'static str {
        match self {
            WebsiteEvent::WebsiteRegistered { .. }
            | WebsiteEvent::WebsiteRenamed { .. }
            | WebsiteEvent::DomainAdded { .. }
            | WebsiteEvent::DomainRemoved { .. }
            | WebsiteEvent::DomainVerified { .. }
            | WebsiteEvent::DomainVerificationFailed { .. }
            | WebsiteEvent::WidgetChanged { .. }
            | WebsiteEvent::AgentAdded { .. }
            | WebsiteEvent::AgentRemoved { .. }
            | WebsiteEvent::IdentitySecretRotated { .. } => "1.0",
        }
    }

    pub const fn name(&self) -> &'static str {
        match self {
            WebsiteEvent::WebsiteRegistered { .. } => "WebsiteRegistered",
            WebsiteEvent::WebsiteRenamed { .. } => "WebsiteRenamed",
            WebsiteEvent::DomainAdded { .. } => "DomainAdded",
            WebsiteEvent::DomainRemoved { .. } => "DomainRemoved",
            WebsiteEvent::DomainVerified { .. } => "DomainVerified",
            WebsiteEvent::DomainVerificationFailed { .. } => "DomainVerificationFailed",
            WebsiteEvent::WidgetChanged { .. } => "WidgetChanged",
            WebsiteEvent::AgentAdded { .. } => "AgentAdded",
            WebsiteEvent::AgentRemoved { .. } => "AgentRemoved",
            WebsiteEvent::IdentitySecretRotated { .. } => "IdentitySecretRotated",
        }
    }
}

impl DomainEvent for WebsiteEvent {
    fn event_type(&self) -> String {
        self.name().to_owned()
    }

    fn event_version(&self) -> String {
        self.version().to_owned()
    }
}

const DOMAIN: FieldDoc = FieldDoc {
    name: "domain",
    ty: FieldType::Text,
    meaning: "The domain: a lower-case host name or IPv4 address with an optional `:port`.",
};

const fn by(name: &'static str, meaning: &'static str) -> FieldDoc {
    FieldDoc { name, ty: FieldType::Uuid, meaning }
}

/// `website` events for the catalog (`crate::catalog`, rendered into `docs/events.md`).
pub(crate) const CATALOG: &[EventDoc] = &[
    EventDoc {
        aggregate: "website",
        name: "WebsiteRegistered",
        version: "1.0",
        summary: "A user registered a website for support chat and became its owner (and first agent).",
        history: "",
        fields: &[
            FieldDoc { name: "name", ty: FieldType::Text, meaning: "The website's name (1–100 characters)." },
            by("owner", "The user who registered it."),
        ],
    },
    EventDoc {
        aggregate: "website",
        name: "WebsiteRenamed",
        version: "1.0",
        summary: "The owner renamed the website.",
        history: "",
        fields: &[
            FieldDoc { name: "name", ty: FieldType::Text, meaning: "The new name." },
            by("renamed_by", "The owner."),
        ],
    },
    EventDoc {
        aggregate: "website",
        name: "DomainAdded",
        version: "1.0",
        summary: "The owner listed a domain the widget is meant for; it is unverified until a check finds the token.",
        history: "",
        fields: &[
            DOMAIN,
            FieldDoc {
                name: "token",
                ty: FieldType::Text,
                meaning: "What the owner publishes at `/.well-known/chat-verification.txt` or in a meta tag.",
            },
            by("added_by", "The owner."),
        ],
    },
    EventDoc {
        aggregate: "website",
        name: "DomainRemoved",
        version: "1.0",
        summary: "The owner took a domain off the website: the widget no longer loads there.",
        history: "",
        fields: &[DOMAIN, by("removed_by", "The owner.")],
    },
    EventDoc {
        aggregate: "website",
        name: "DomainVerified",
        version: "1.0",
        summary: "A check found the domain's token: the widget may be embedded on it. Written when a check changes the \
                  domain's state (a check that confirms it appends nothing).",
        history: "",
        fields: &[
            DOMAIN,
            FieldDoc { name: "method", ty: METHOD, meaning: "Where the token was found." },
            by(
                "checked_by",
                "The owner who asked for the check (also for the server's periodic re-check, whose metadata says `via: recheck`).",
            ),
        ],
    },
    EventDoc {
        aggregate: "website",
        name: "DomainVerificationFailed",
        version: "1.0",
        summary: "A check did not find the domain's token: the domain is not verified (any more). Written when a check \
                  changes the domain's state.",
        history: "",
        fields: &[
            DOMAIN,
            FieldDoc { name: "reason", ty: FAILURE, meaning: "Why the check failed." },
            by(
                "checked_by",
                "The owner who asked for the check (also for the server's periodic re-check, whose metadata says `via: recheck`).",
            ),
        ],
    },
    EventDoc {
        aggregate: "website",
        name: "WidgetChanged",
        version: "1.0",
        summary: "The owner changed the widget's settings (the whole set is recorded).",
        history: "",
        fields: &[
            FieldDoc { name: "settings", ty: FieldType::Object(SETTINGS), meaning: "The widget's settings." },
            by("changed_by", "The owner."),
        ],
    },
    EventDoc {
        aggregate: "website",
        name: "AgentAdded",
        version: "1.0",
        summary: "The owner added a user to the website's team of agents.",
        history: "",
        fields: &[by("user_id", "The new agent."), by("added_by", "The owner.")],
    },
    EventDoc {
        aggregate: "website",
        name: "AgentRemoved",
        version: "1.0",
        summary: "An agent left the team, or the owner removed them.",
        history: "",
        fields: &[by("user_id", "The former agent."), by("removed_by", "The owner, or the agent themselves.")],
    },
    EventDoc {
        aggregate: "website",
        name: "IdentitySecretRotated",
        version: "1.0",
        summary: "The owner made a new identity secret, with which the website's server signs its users' ids \
                  (identity verification, HMAC-SHA256); signatures made with the one before stop verifying. The \
                  secret is not in the event store.",
        history: "",
        fields: &[by("rotated_by", "The owner.")],
    },
];

const METHOD: FieldType = FieldType::Enum(&["well_known_file", "meta_tag"]);

const FAILURE: FieldType = FieldType::Enum(&[
    "token_not_found",
    "token_mismatch",
    "unreachable",
    "timeout",
    "too_large",
    "too_many_redirects",
    "forbidden_address",
    "bad_status",
    "not_text",
]);

const SETTINGS: &[FieldDoc] = &[
    FieldDoc {
        name: "color",
        ty: FieldType::Enum(&["blue", "green", "purple", "orange", "red", "dark"]),
        meaning: "The colour preset.",
    },
    FieldDoc { name: "size", ty: FieldType::Enum(&["small", "medium", "large"]), meaning: "The panel's size." },
    FieldDoc {
        name: "language",
        ty: FieldType::Enum(&["auto", "en", "de"]),
        meaning: "The widget's language; `auto` follows the visitor's browser.",
    },
    FieldDoc { name: "position", ty: FieldType::Enum(&["left", "right"]), meaning: "The launcher's corner." },
    FieldDoc {
        name: "greeting",
        ty: FieldType::Nullable(&FieldType::Text),
        meaning: "The greeting (1–200 characters); null: the language's default.",
    },
    FieldDoc {
        name: "pre_chat_form",
        ty: FieldType::Flag,
        meaning: "Whether visitors are asked for their name (and, optionally for them, an email address) first.",
    },
    FieldDoc {
        name: "business_hours",
        ty: FieldType::Nullable(&FieldType::Object(BUSINESS_HOURS)),
        meaning: "When agents answer; null: always.",
    },
];

const BUSINESS_HOURS: &[FieldDoc] = &[
    FieldDoc { name: "time_zone", ty: FieldType::Text, meaning: "An IANA time zone such as `Europe/Berlin`." },
    FieldDoc {
        name: "days",
        ty: FieldType::List(&FieldType::Nullable(&FieldType::Object(DAY_HOURS))),
        meaning: "Seven entries, Monday to Sunday; null: closed.",
    },
];

const DAY_HOURS: &[FieldDoc] = &[
    FieldDoc { name: "opens", ty: FieldType::Count, meaning: "Minutes after midnight." },
    FieldDoc { name: "closes", ty: FieldType::Count, meaning: "Minutes after midnight (after `opens`, at most 1440)." },
];
