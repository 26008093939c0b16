//! Executing website commands (`Website` aggregate): load, decide, append behind the account
//! fence, retried a few times on a conflict (a website is changed by its owner, rarely by two
//! requests at once). Domain checks run the SSRF-safe [`Verifier`] between an authorisation
//! check and the recording of the outcome, so that nobody outside the website's owner can make
//! the server fetch anything.

use chat_domain::website::{
    SiteDomain, VerificationFailure, VerificationMethod, VerificationToken, Website, WebsiteCommand, WebsiteError,
};
use chat_domain::{UserId, WebsiteId};
use rand::RngCore;
use sqlx::PgPool;

use crate::identity;
use crate::store::{CommandMeta, EventStore, Fenced, NewEvent, StoreError};
use crate::verification::Verifier;

/// Attempts at an append that conflicts with a concurrent one.
const ATTEMPTS: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum WebsiteCommandError {
    #[error(transparent)]
    Rejected(#[from] WebsiteError),
    #[error("your account was erased")]
    Erased,
    /// The user to add has no account (any more).
    #[error("the user does not exist")]
    UserNotFound,
    #[error("the website is busy; retry shortly")]
    Busy,
    #[error("website storage failed")]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for WebsiteCommandError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict => WebsiteCommandError::Busy,
            other => WebsiteCommandError::Internal(other.into()),
        }
    }
}

/// The outcome of a domain check, as recorded.
pub type CheckOutcome = Result<VerificationMethod, VerificationFailure>;

#[derive(Clone)]
pub struct Websites {
    pool: PgPool,
    store: EventStore,
    verifier: Verifier,
}

impl Websites {
    pub fn new(pool: PgPool, store: EventStore, verifier: Verifier) -> Self {
        Self { pool, store, verifier }
    }

    /// Runs `command` on `website`; whether it appended anything.
    /// (Refusals are answers, not failures: they are not logged as errors here.)
    #[tracing::instrument(skip_all, fields(website_id = %website, command = command.kind()))]
    pub async fn execute(
        &self,
        website: WebsiteId,
        command: WebsiteCommand,
        meta: CommandMeta,
    ) -> Result<bool, WebsiteCommandError> {
        let id = website.to_string();
        let actor = command.actor();
        let mut actors = vec![actor];
        if let WebsiteCommand::AddAgent { user, .. } = &command {
            actors.push(*user);
        }
        for _ in 0..ATTEMPTS {
            let loaded = self.store.load::<Website>(&id).await?;
            let events = loaded.aggregate.decide(command.clone())?;
            if events.is_empty() {
                return Ok(false);
            }
            let events = events.into_iter().map(|event| NewEvent { event, meta: meta.clone() }).collect();
            let append = (id.clone(), loaded.version, events);
            match self.store.append_fenced::<Website>([&append], &actors).await {
                Ok(Fenced::Appended) => return Ok(true),
                Ok(Fenced::Refused(refusal)) if refusal.erasing.contains(&actor) => {
                    return Err(WebsiteCommandError::Busy);
                }
                Ok(Fenced::Refused(refusal)) if refusal.refuses(&actor) => return Err(WebsiteCommandError::Erased),
                Ok(Fenced::Refused(_)) => return Err(WebsiteCommandError::UserNotFound),
                Err(StoreError::Conflict) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(WebsiteCommandError::Busy)
    }

    /// The team of `website` (owner and agents) as its events say, for a new support
    /// conversation; `WebsiteNotFound` if there is no such website.
    pub async fn agents(&self, website: WebsiteId) -> Result<Vec<UserId>, WebsiteCommandError> {
        let (_, team) = self.team(website).await?.ok_or(WebsiteError::WebsiteNotFound)?;
        Ok(team)
    }

    /// The owner and the team (the owner included) of `website` as its events say; `None` if
    /// there is no such website.
    pub async fn team(&self, website: WebsiteId) -> Result<Option<(UserId, Vec<UserId>)>, WebsiteCommandError> {
        let loaded = self.store.load::<Website>(&website.to_string()).await?;
        Ok(loaded.aggregate.owner().map(|owner| (owner, loaded.aggregate.agents().iter().copied().collect())))
    }

    /// Lists `domain` with `token`, or finds it listed already: its token, and whether it
    /// was added now.
    pub async fn add_domain(
        &self,
        website: WebsiteId,
        by: UserId,
        domain: SiteDomain,
        token: VerificationToken,
        meta: CommandMeta,
    ) -> Result<(VerificationToken, bool), WebsiteCommandError> {
        let command = WebsiteCommand::AddDomain { by, domain: domain.clone(), token: token.clone() };
        if self.execute(website, command, meta).await? {
            return Ok((token, true));
        }
        // Listed before (the command checked the owner): its token is the first one.
        let loaded = self.store.load::<Website>(&website.to_string()).await?;
        let listed = loaded.aggregate.checkable(by, &domain)?;
        Ok((listed.token.clone(), false))
    }

    /// Checks that `domain` publishes its token (only its website's owner may ask) and records
    /// the outcome.
    pub async fn check_domain(
        &self,
        website: WebsiteId,
        by: UserId,
        domain: SiteDomain,
        meta: CommandMeta,
    ) -> Result<CheckOutcome, WebsiteCommandError> {
        let loaded = self.store.load::<Website>(&website.to_string()).await?;
        let token = loaded.aggregate.checkable(by, &domain)?.token.clone();
        let outcome = self.verifier.check(domain.as_str(), token.as_str()).await;
        self.execute(website, WebsiteCommand::RecordCheck { by, domain, outcome }, meta).await?;
        Ok(outcome)
    }
}

impl Websites {
    /// Checks `domain` again as `website`'s owner would (see `crate::rechecks`): the outcome, or
    /// `None` if the website or the domain is gone. `meta` is given the owner as actor.
    pub async fn recheck(
        &self,
        website: WebsiteId,
        domain: SiteDomain,
        meta: impl FnOnce(UserId) -> CommandMeta,
    ) -> Result<Option<CheckOutcome>, WebsiteCommandError> {
        let loaded = self.store.load::<Website>(&website.to_string()).await?;
        let Some(owner) = loaded.aggregate.owner() else {
            return Ok(None);
        };
        if loaded.aggregate.domain(&domain).is_none() {
            return Ok(None);
        }
        self.check_domain(website, owner, domain, meta(owner)).await.map(Some)
    }

    /// A new identity secret for `website` (only its owner may ask): the rotation recorded
    /// first, so that nobody else ever gets as far as making one.
    pub async fn rotate_identity_secret(
        &self,
        website: WebsiteId,
        by: UserId,
        meta: CommandMeta,
    ) -> Result<String, WebsiteCommandError> {
        self.execute(website, WebsiteCommand::RotateIdentitySecret { by }, meta).await?;
        let secret = identity::new_secret();
        identity::store_secret(&self.pool, website, &secret)
            .await
            .map_err(|e| WebsiteCommandError::Internal(e.into()))?;
        Ok(secret)
    }

    /// The identity secret of `website` for its owner; `None` until they made one.
    pub async fn identity_secret(&self, website: WebsiteId, by: UserId) -> Result<Option<String>, WebsiteCommandError> {
        let loaded = self.store.load::<Website>(&website.to_string()).await?;
        loaded.aggregate.owner_is(by)?;
        identity::secret(&self.pool, website).await.map_err(|e| WebsiteCommandError::Internal(e.into()))
    }
}

/// A fresh token for a new domain (128 random bits).
pub fn new_token() -> VerificationToken {
    let mut bytes = [0; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    VerificationToken::from_random(bytes)
}
