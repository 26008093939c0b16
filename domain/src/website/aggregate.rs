//! The `Website` aggregate: `decide` holds every rule, `apply` only assigns.

use std::collections::{BTreeMap, BTreeSet};

use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use super::commands::WebsiteCommand;
use super::error::WebsiteError;
use super::events::WebsiteEvent;
use super::settings::WidgetSettings;
use super::site_domain::{SiteDomain, VerificationFailure, VerificationMethod, VerificationToken};
use crate::ids::UserId;
use crate::text::WebsiteName;

/// Domains per website: more is a sign of a mistake or abuse (each one costs checks).
pub const MAX_DOMAINS: usize = 20;
/// Agents per website, the owner included: every support conversation has them all as
/// members, so this bounds a conversation's size.
pub const MAX_AGENTS: usize = 50;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Website {
    name: Option<WebsiteName>,
    owner: Option<UserId>,
    /// The owner included.
    agents: BTreeSet<UserId>,
    domains: BTreeMap<SiteDomain, DomainState>,
    settings: WidgetSettings,
}

/// A listed domain: the token to publish, and what the last check that changed anything said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainState {
    pub token: VerificationToken,
    pub verification: Verification,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verification {
    /// Never checked.
    Pending,
    Verified(VerificationMethod),
    Failed(VerificationFailure),
}

impl Website {
    pub fn exists(&self) -> bool {
        self.owner.is_some()
    }

    pub fn owner(&self) -> Option<UserId> {
        self.owner
    }

    pub fn is_agent(&self, user: UserId) -> bool {
        self.agents.contains(&user)
    }

    /// The team, the owner included.
    pub fn agents(&self) -> &BTreeSet<UserId> {
        &self.agents
    }

    pub fn domain(&self, domain: &SiteDomain) -> Option<&DomainState> {
        self.domains.get(domain)
    }

    pub fn settings(&self) -> &WidgetSettings {
        &self.settings
    }

    /// The events `command` produces, or why it is refused. Pure: `self` is not changed.
    /// An empty list means the command is already satisfied.
    pub fn decide(&self, command: WebsiteCommand) -> Result<Vec<WebsiteEvent>, WebsiteError> {
        use WebsiteCommand as C;
        use WebsiteEvent as E;
        match command {
            C::Register { by, name } => match self.owner {
                None => Ok(vec![E::WebsiteRegistered { name, owner: by }]),
                Some(owner) if owner == by && self.name.as_ref() == Some(&name) => Ok(vec![]),
                Some(_) => Err(WebsiteError::WebsiteAlreadyExists),
            },
            C::Rename { by, name } => {
                self.owner_is(by)?;
                Ok(if self.name.as_ref() == Some(&name) {
                    vec![]
                } else {
                    vec![E::WebsiteRenamed { name, renamed_by: by }]
                })
            }
            C::AddDomain { by, domain, token } => {
                self.owner_is(by)?;
                if self.domains.contains_key(&domain) {
                    return Ok(vec![]);
                }
                if self.domains.len() >= MAX_DOMAINS {
                    return Err(WebsiteError::TooManyDomains);
                }
                Ok(vec![E::DomainAdded { domain, token, added_by: by }])
            }
            C::RemoveDomain { by, domain } => {
                self.owner_is(by)?;
                Ok(if self.domains.contains_key(&domain) {
                    vec![E::DomainRemoved { domain, removed_by: by }]
                } else {
                    vec![]
                })
            }
            C::RecordCheck { by, domain, outcome } => {
                let state = self.checkable(by, &domain)?;
                let after = match outcome {
                    Ok(method) => Verification::Verified(method),
                    Err(reason) => Verification::Failed(reason),
                };
                if state.verification == after {
                    return Ok(vec![]);
                }
                Ok(vec![match outcome {
                    Ok(method) => E::DomainVerified { domain, method, checked_by: by },
                    Err(reason) => E::DomainVerificationFailed { domain, reason, checked_by: by },
                }])
            }
            C::ChangeWidget { by, settings } => {
                self.owner_is(by)?;
                Ok(if self.settings == settings { vec![] } else { vec![E::WidgetChanged { settings, changed_by: by }] })
            }
            C::AddAgent { by, user } => {
                self.owner_is(by)?;
                if self.agents.contains(&user) {
                    return Ok(vec![]);
                }
                if self.agents.len() >= MAX_AGENTS {
                    return Err(WebsiteError::TooManyAgents);
                }
                Ok(vec![E::AgentAdded { user_id: user, added_by: by }])
            }
            C::RemoveAgent { by, user } => {
                // Leaving the team is the one change an agent makes themselves.
                if by == user {
                    self.team_member(by)?;
                } else {
                    self.owner_is(by)?;
                }
                if self.owner == Some(user) {
                    return Err(WebsiteError::OwnerCannotLeave);
                }
                Ok(if self.agents.contains(&user) {
                    vec![E::AgentRemoved { user_id: user, removed_by: by }]
                } else {
                    vec![]
                })
            }
            C::RotateIdentitySecret { by } => {
                self.owner_is(by)?;
                Ok(vec![E::IdentitySecretRotated { rotated_by: by }])
            }
        }
    }

    /// The domain `by` may have checked (only the owner may), or why not: the check is I/O
    /// made before its outcome is recorded, and is refused here before it is made.
    pub fn checkable(&self, by: UserId, domain: &SiteDomain) -> Result<&DomainState, WebsiteError> {
        self.owner_is(by)?;
        self.domains.get(domain).ok_or(WebsiteError::DomainNotFound)
    }

    /// Anyone outside the team is told the website does not exist.
    fn team_member(&self, user: UserId) -> Result<(), WebsiteError> {
        if self.agents.contains(&user) { Ok(()) } else { Err(WebsiteError::WebsiteNotFound) }
    }

    /// Whether `user` is the owner: the team's other members are not allowed what only the
    /// owner may do, anyone else is told there is no such website.
    pub fn owner_is(&self, user: UserId) -> Result<(), WebsiteError> {
        self.team_member(user)?;
        if self.owner == Some(user) { Ok(()) } else { Err(WebsiteError::NotAllowed) }
    }
}

impl Aggregate for Website {
    const TYPE: &'static str = "website";
    type Command = WebsiteCommand;
    type Event = WebsiteEvent;
    type Error = WebsiteError;
    type Services = ();

    async fn handle(&mut self, command: WebsiteCommand, _: &(), sink: &EventSink<Self>) -> Result<(), WebsiteError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: WebsiteEvent) {
        match event {
            WebsiteEvent::WebsiteRegistered { name, owner } => {
                self.name = Some(name);
                self.owner = Some(owner);
                self.agents.insert(owner);
            }
            WebsiteEvent::WebsiteRenamed { name, .. } => self.name = Some(name),
            WebsiteEvent::DomainAdded { domain, token, .. } => {
                self.domains.insert(domain, DomainState { token, verification: Verification::Pending });
            }
            WebsiteEvent::DomainRemoved { domain, .. } => {
                self.domains.remove(&domain);
            }
            WebsiteEvent::DomainVerified { domain, method, .. } => {
                if let Some(state) = self.domains.get_mut(&domain) {
                    state.verification = Verification::Verified(method);
                }
            }
            WebsiteEvent::DomainVerificationFailed { domain, reason, .. } => {
                if let Some(state) = self.domains.get_mut(&domain) {
                    state.verification = Verification::Failed(reason);
                }
            }
            WebsiteEvent::WidgetChanged { settings, .. } => self.settings = settings,
            WebsiteEvent::AgentAdded { user_id, .. } => {
                self.agents.insert(user_id);
            }
            WebsiteEvent::AgentRemoved { user_id, .. } => {
                self.agents.remove(&user_id);
            }
            WebsiteEvent::IdentitySecretRotated { .. } => {}
        }
    }
}
