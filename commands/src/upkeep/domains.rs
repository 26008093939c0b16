//! Verified domains are checked again once their verification is `every` old
//! (`CHAT_DOMAIN_RECHECK_SECS`, a day by default): a domain that stops publishing its token —
//! sold, moved, the file deleted — loses its verification, and with it the widget's frame and
//! CORS, as if its owner had checked it (`DomainVerificationFailed`, with the owner as actor and
//! `via: recheck` in its metadata).
//!
//! A check that finds the token again records nothing (the `Website` aggregate appends only
//! changes), so when each domain was last looked at is kept here, in memory: a task that takes
//! over looks at every due domain once more, which costs one fetch each. Domains are fetched one
//! at a time, [`PACE`] apart, so that thousands of websites never make a burst of requests.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chat_domain::WebsiteId;
use chat_domain::website::SiteDomain;
use chat_projections::queries::websites;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::pause;
use crate::store::CommandMeta;
use crate::websites::Websites;

/// Between two checks.
const PACE: Duration = Duration::from_secs(1);

pub(super) struct DomainRechecks {
    every: Duration,
    looked_at: HashMap<(WebsiteId, String), Instant>,
}

impl DomainRechecks {
    pub(super) fn new(every: Duration) -> Self {
        Self { every, looked_at: HashMap::new() }
    }

    /// Checks each due domain not looked at within `every`; whether `shutdown` came meanwhile.
    pub(super) async fn round(
        &mut self,
        pool: &PgPool,
        websites: &Websites,
        shutdown: &CancellationToken,
    ) -> Result<bool, sqlx::Error> {
        let every = self.every;
        self.looked_at.retain(|_, at| at.elapsed() < every);
        let old = chrono::Duration::from_std(every).unwrap_or(chrono::Duration::MAX);
        for (website, domain) in websites::verified_before(pool, chrono::Utc::now() - old).await? {
            if self.looked_at.contains_key(&(website, domain.clone())) {
                continue;
            }
            recheck(websites, website, &domain).await;
            self.looked_at.insert((website, domain), Instant::now());
            if pause(PACE, shutdown).await {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// One domain, checked as its website's owner would; what fails is logged, and looked at again
/// on its next turn.
async fn recheck(websites: &Websites, website: WebsiteId, domain: &str) {
    let Ok(domain) = SiteDomain::parse(domain) else {
        tracing::warn!(%website, domain, "a listed domain does not parse; not re-checked");
        return;
    };
    let meta =
        |actor| CommandMeta { actor, request_id: format!("recheck-{}", Uuid::now_v7()), via: "recheck".to_owned() };
    match websites.recheck(website, domain.clone(), meta).await {
        Ok(Some(Err(failure))) => {
            tracing::info!(%website, domain = domain.as_str(), ?failure, "domain re-check failed: no longer verified")
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%website, domain = domain.as_str(), %error, "cannot re-check a domain"),
    }
}
