//! Domain-ownership checks for support-chat websites, safe to point at any domain a user types.
//!
//! A website owner proves control of a domain by publishing a token we issued, either as a line
//! of `/.well-known/chat-verification.txt` or as `<meta name="chat-verification" content="…">`
//! in the home page's head. [`Verifier::check`] fetches the file (https, falling back to http
//! only if https cannot connect at all), then, if that does not verify, the home page over the
//! scheme that answered, and reports the method that worked or the most useful failure.
//!
//! # Why this is safe to expose (SSRF)
//! The domain is chosen by an untrusted user, so the fetch must never become a way to reach our
//! own network:
//! - every address connected to is public unicast (`address.rs`): names are resolved by a guarded
//!   resolver that hands hyper only allowed addresses (so DNS rebinding cannot slip a private
//!   address in between check and connect), and IP literals — which skip the resolver — are
//!   checked before the first request and before every redirect hop (`guard.rs`);
//! - only http(s), only ports 80 and 443, at most `max_redirects` redirects (a loop is refused);
//! - no proxy, no cookies, no compression, no `Referer`, no pooled connections;
//! - each request (connect, redirects, headers, body) runs under one timeout, and bodies are
//!   streamed and cut at `max_body_bytes`, so a hostile server costs at most that;
//! - failures are a small closed set of codes ([`VerificationFailure`]); transport errors are
//!   only logged, so nothing about what was (or was not) reachable leaks beyond them.
//!
//! `allow_loopback` is for tests only: it admits 127.0.0.0/8 and `::1` on any port, and still
//! refuses every other private or reserved range.
//!
//! A check makes at most three requests (the file over https and http, then the home page), so
//! it takes at most about `2.5 × timeout` (a failed https connect is bounded by `timeout / 2`).

mod address;
mod fetch;
mod guard;
mod meta;
mod outcome;
#[cfg(test)]
mod tests;
mod token;

use std::sync::Arc;
use std::time::Duration;

pub use outcome::{VerificationFailure, VerificationMethod};

use fetch::Failed;
use guard::{GuardedResolver, Policy};

/// Where the verification file lives.
const FILE_PATH: &str = "/.well-known/chat-verification.txt";
const USER_AGENT: &str = "chat-domain-verifier/1";

/// Limits for one check.
#[derive(Clone, Debug)]
pub struct VerifierConfig {
    /// The whole exchange per URL: connect, redirects, headers and body. Connecting alone (TCP
    /// and TLS) gets half of it, so that an https port that swallows packets leaves time to try
    /// http.
    pub timeout: Duration,
    /// Bytes read of a body at most: a longer verification file is refused as too large; of
    /// the home page, only this much is scanned.
    pub max_body_bytes: usize,
    /// Redirects followed per URL at most.
    pub max_redirects: usize,
    /// Test only: allow loopback addresses (127.0.0.0/8, `::1`) and any port.
    pub allow_loopback: bool,
}

impl Default for VerifierConfig {
    fn default() -> Self {
        Self { timeout: Duration::from_secs(5), max_body_bytes: 64 * 1024, max_redirects: 3, allow_loopback: false }
    }
}

/// Checks domains for a published verification token. Cheap to clone: clones share one client.
#[derive(Clone, Debug)]
pub struct Verifier {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: reqwest::Client,
    config: VerifierConfig,
    policy: Policy,
}

impl Verifier {
    pub fn new(config: VerifierConfig) -> anyhow::Result<Self> {
        let policy = Policy { allow_loopback: config.allow_loopback, any_port: config.allow_loopback };
        Self::with_policy(config, policy)
    }

    fn with_policy(config: VerifierConfig, policy: Policy) -> anyhow::Result<Self> {
        anyhow::ensure!(!config.timeout.is_zero(), "verifier timeout must be positive");
        anyhow::ensure!(config.max_body_bytes > 0, "verifier max_body_bytes must be positive");
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .no_proxy()
            .redirect(guard::redirect_policy(policy, config.max_redirects))
            .dns_resolver(Arc::new(GuardedResolver { allow_loopback: policy.allow_loopback }))
            .connect_timeout(config.timeout / 2)
            .referer(false)
            .pool_max_idle_per_host(0)
            .build()?;
        Ok(Self { inner: Arc::new(Inner { client, config, policy }) })
    }

    /// Checks that the site at `authority` (`host` or `host:port`, host a lowercase DNS name
    /// or IP literal) publishes `expected`, by the well-known file or else the home page's
    /// meta tag.
    #[tracing::instrument(name = "verify_domain", skip(self, expected))]
    pub async fn check(&self, authority: &str, expected: &str) -> Result<VerificationMethod, VerificationFailure> {
        let outcome = self.check_unlogged(authority, expected).await;
        match outcome {
            Ok(method) => tracing::info!(?method, "domain verified"),
            Err(failure) => tracing::info!(failure = failure.code(), "domain not verified"),
        }
        outcome
    }

    async fn check_unlogged(&self, authority: &str, expected: &str) -> Result<VerificationMethod, VerificationFailure> {
        if !is_plausible_authority(authority) {
            // A caller bug (domains are validated first); never connect for it.
            return Err(VerificationFailure::ForbiddenAddress);
        }
        let (scheme, file) = self.get_either(authority, FILE_PATH).await;
        let file_failure = match file {
            Ok(page) => match token::judge_file(&page, expected) {
                Ok(()) => return Ok(VerificationMethod::WellKnownFile),
                Err(failure) => failure,
            },
            // Neither scheme connected (or the site is off limits): the home page would fare
            // no better.
            Err(Failed { failure, connected: false }) => return Err(failure),
            Err(Failed { failure: VerificationFailure::ForbiddenAddress, .. }) => {
                return Err(VerificationFailure::ForbiddenAddress);
            }
            Err(Failed { failure, connected: true }) => failure,
        };
        let home_failure = match self.get(scheme, authority, "/").await {
            Ok(page) => match token::judge_home(&page, expected) {
                Ok(()) => return Ok(VerificationMethod::MetaTag),
                Err(failure) => failure,
            },
            Err(Failed { failure, .. }) => failure,
        };
        Err(outcome::most_useful(file_failure, home_failure))
    }
}

/// `host` or `host:port` made only of the bytes a DNS name, an IPv4 literal or a bracketed IPv6
/// literal can hold, so the URL built from it cannot carry a user, a path or a query that would
/// move its host. (The URL parser then rejects what is still malformed.)
fn is_plausible_authority(authority: &str) -> bool {
    !authority.is_empty()
        && authority.len() <= 253 + ":65535".len()
        && authority.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
}
