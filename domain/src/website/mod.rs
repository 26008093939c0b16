//! The `Website` aggregate: a site that embeds the support widget, its domains and their
//! verification, the widget's settings, and the team of agents who answer its visitors.
//!
//! A website is the unit of isolation for support chat: its agents see its conversations and
//! nothing of another website's, and its visitors' tokens are scoped to it. Only the owner
//! changes the website; agents work its inbox. Non-agents learn nothing: every command from
//! someone who is not on the team is refused as if the website did not exist.
//!
//! Domain verification is decided outside (the check is I/O: an HTTP fetch of the token the
//! owner published); the aggregate records each outcome that changes a domain's state, so the
//! history says when a domain was proven and when it stopped being.

mod aggregate;
mod commands;
mod error;
mod events;
mod settings;
mod site_domain;

pub use aggregate::{DomainState, MAX_AGENTS, MAX_DOMAINS, Verification, Website};
pub use commands::WebsiteCommand;
pub use error::WebsiteError;
pub(crate) use events::CATALOG;
pub use events::WebsiteEvent;
pub use settings::{
    BusinessHours, ColorPreset, DayHours, Greeting, WidgetLanguage, WidgetPosition, WidgetSettings, WidgetSize,
};
pub use site_domain::{SiteDomain, VerificationFailure, VerificationMethod, VerificationToken};

#[cfg(test)]
pub(crate) mod tests;
