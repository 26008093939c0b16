//! What a website's team can ask of it. Every command names the acting user (`by`).

use super::settings::WidgetSettings;
use super::site_domain::{SiteDomain, VerificationFailure, VerificationMethod, VerificationToken};
use crate::ids::UserId;
use crate::text::WebsiteName;

#[derive(Clone, Debug, PartialEq)]
pub enum WebsiteCommand {
    /// `by` becomes the owner (and the first agent).
    Register {
        by: UserId,
        name: WebsiteName,
    },
    Rename {
        by: UserId,
        name: WebsiteName,
    },
    /// `token` is a fresh token from the caller; unused when the domain is already listed.
    AddDomain {
        by: UserId,
        domain: SiteDomain,
        token: VerificationToken,
    },
    RemoveDomain {
        by: UserId,
        domain: SiteDomain,
    },
    /// The outcome of a check of the domain's published token, made by the caller.
    RecordCheck {
        by: UserId,
        domain: SiteDomain,
        outcome: Result<VerificationMethod, VerificationFailure>,
    },
    ChangeWidget {
        by: UserId,
        settings: WidgetSettings,
    },
    /// The caller has checked that `user` is a registered user.
    AddAgent {
        by: UserId,
        user: UserId,
    },
    /// The owner removes an agent, or an agent leaves the team.
    RemoveAgent {
        by: UserId,
        user: UserId,
    },
    /// The owner asks for a new identity secret (made and stored by the caller).
    RotateIdentitySecret {
        by: UserId,
    },
}

impl WebsiteCommand {
    /// What kind of command this is, for logs and traces.
    pub const fn kind(&self) -> &'static str {
        match self {
            WebsiteCommand::Register { .. } => "register_website",
            WebsiteCommand::Rename { .. } => "rename_website",
            WebsiteCommand::AddDomain { .. } => "add_domain",
            WebsiteCommand::RemoveDomain { .. } => "remove_domain",
            WebsiteCommand::RecordCheck { .. } => "record_check",
            WebsiteCommand::ChangeWidget { .. } => "change_widget",
            WebsiteCommand::AddAgent { .. } => "add_agent",
            WebsiteCommand::RemoveAgent { .. } => "remove_agent",
            WebsiteCommand::RotateIdentitySecret { .. } => "rotate_identity_secret",
        }
    }

    /// The user on whose behalf the command runs.
    pub const fn actor(&self) -> UserId {
        match *self {
            WebsiteCommand::Register { by, .. }
            | WebsiteCommand::Rename { by, .. }
            | WebsiteCommand::AddDomain { by, .. }
            | WebsiteCommand::RemoveDomain { by, .. }
            | WebsiteCommand::RecordCheck { by, .. }
            | WebsiteCommand::ChangeWidget { by, .. }
            | WebsiteCommand::AddAgent { by, .. }
            | WebsiteCommand::RemoveAgent { by, .. }
            | WebsiteCommand::RotateIdentitySecret { by } => by,
        }
    }
}
