//! Verified domains are checked again now and then (`CHAT_DOMAIN_RECHECK_SECS`, a day by
//! default): a domain that stops publishing its token — sold, moved, the file deleted — loses
//! its verification, and with it the widget's frame and CORS, as if its owner had checked it
//! (`DomainVerificationFailed`, with the owner as actor and `via: recheck` in its metadata).
//!
//! A check that finds the token again records nothing (the `Website` aggregate appends only
//! changes), so when each domain was last looked at is kept here, in memory: a checker that
//! takes over looks at every due domain once more, which costs one fetch each. One checker is
//! active across the command instances (a lease), and it fetches one domain at a time, [`PACE`]
//! apart, so that thousands of websites never make a burst of outbound requests.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chat_domain::WebsiteId;
use chat_domain::website::SiteDomain;
use chat_feed::lease;
use chat_projections::queries::websites;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::store::CommandMeta;
use crate::websites::Websites;

/// The lease name; one checker is active.
const LEASE: &str = "domain-rechecks";
/// Between two checks.
const PACE: Duration = Duration::from_secs(1);
/// Between two looks for due domains (shorter if the interval is).
const LOOK_EVERY: Duration = Duration::from_secs(60);

pub struct DomainRechecks {
    pub pool: PgPool,
    pub websites: Websites,
    /// How long a verification stands before it is checked again.
    pub every: Duration,
}

impl DomainRechecks {
    /// Runs until `shutdown`: waits for the lease, then checks until the lease is lost.
    pub async fn run(self, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            if let Err(error) = self.lead(&shutdown).await {
                tracing::error!(%error, "domain re-checks failed; retrying");
                if pause(Duration::from_secs(5), &shutdown).await {
                    return;
                }
            }
        }
    }

    async fn lead(&self, shutdown: &CancellationToken) -> Result<(), sqlx::Error> {
        let Some(mut held) = lease::acquire(&self.pool, LEASE, Duration::from_secs(5), shutdown).await? else {
            return Ok(());
        };
        let every = chrono::Duration::from_std(self.every).unwrap_or(chrono::Duration::MAX);
        let mut looked_at: HashMap<(WebsiteId, String), Instant> = HashMap::new();
        loop {
            if !lease::still_held(&mut held).await {
                tracing::warn!("domain re-check lease lost");
                return Ok(());
            }
            looked_at.retain(|_, at| at.elapsed() < self.every);
            let due = websites::verified_before(&self.pool, chrono::Utc::now() - every).await?;
            for (website, domain) in due {
                if looked_at.contains_key(&(website, domain.clone())) {
                    continue;
                }
                self.recheck(website, &domain).await;
                looked_at.insert((website, domain), Instant::now());
                if pause(PACE, shutdown).await {
                    return Ok(());
                }
            }
            if pause(LOOK_EVERY.min(self.every), shutdown).await {
                return Ok(());
            }
        }
    }

    /// One domain, checked as its website's owner would; what fails is logged, not retried
    /// before its next turn.
    async fn recheck(&self, website: WebsiteId, domain: &str) {
        let Ok(domain) = SiteDomain::parse(domain) else {
            tracing::warn!(%website, domain, "a listed domain does not parse; not re-checked");
            return;
        };
        let meta =
            |actor| CommandMeta { actor, request_id: format!("recheck-{}", Uuid::now_v7()), via: "recheck".to_owned() };
        match self.websites.recheck(website, domain.clone(), meta).await {
            Ok(Some(Err(failure))) => {
                tracing::info!(%website, domain = domain.as_str(), ?failure, "domain re-check failed: no longer verified")
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%website, domain = domain.as_str(), %error, "cannot re-check a domain"),
        }
    }
}

/// Sleeps `duration`; whether `shutdown` came first.
async fn pause(duration: Duration, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(duration) => false,
        _ = shutdown.cancelled() => true,
    }
}
