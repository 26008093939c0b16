//! Rate limits (governor, GCRA): posts per user, registrations and logins per client address,
//! username lookups per user (so that the directory cannot be enumerated at request speed),
//! searches per user (message search and the user directory: each is a full-text or prefix
//! query over an index, and the directory must not be enumerable either), domain checks per user (each makes the server fetch up to three pages from a site), new
//! website visitors per address and per website, uploads per user (each may be a large file
//! to take in, hash and, for an image, decode).
//!
//! Limits live in each command-service instance's memory: REST and WebSocket posts of one user
//! count together on one instance. With several instances a user can reach each instance's
//! limit once (requests are spread by the load balancer and the NATS queue group); size the
//! limits per instance accordingly.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use chat_domain::{UserId, WebsiteId};
use chat_nats::wire::WireCommand;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

#[derive(Clone, Debug)]
pub struct LimitsConfig {
    /// Posts per second per user, sustained.
    pub posts_per_second: NonZeroU32,
    /// Posts a user may send at once before the sustained rate applies.
    pub post_burst: NonZeroU32,
    /// Registrations and logins per minute per client address, sustained.
    pub auth_per_minute: NonZeroU32,
    pub auth_burst: NonZeroU32,
    /// Username lookups (`GET /v1/users?username=`) per minute per user, sustained.
    pub lookups_per_minute: NonZeroU32,
    pub lookup_burst: NonZeroU32,
    /// Searches (`GET /v1/search`, `GET /v1/users/search`) per minute per user, sustained.
    pub searches_per_minute: NonZeroU32,
    pub search_burst: NonZeroU32,
    /// Domain checks (`POST /v1/websites/{id}/domains/{domain}/check`) per minute per user.
    pub checks_per_minute: NonZeroU32,
    pub check_burst: NonZeroU32,
    /// New website visitors (support chat) per minute per client address, sustained.
    pub visitors_per_minute: NonZeroU32,
    pub visitor_burst: NonZeroU32,
    /// New visitors per minute per website, whoever they are: a flood at one website cannot
    /// take another's share.
    pub website_visitors_per_minute: NonZeroU32,
    pub website_visitor_burst: NonZeroU32,
    /// Uploads (`POST /v1/uploads`) per minute per user, sustained.
    pub uploads_per_minute: NonZeroU32,
    pub upload_burst: NonZeroU32,
}

/// Refused: try again after this long.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many requests; retry after {} ms", .retry_after.as_millis())]
pub struct RateLimited {
    pub retry_after: Duration,
}

impl RateLimited {
    /// The wait in whole milliseconds, rounded up: never 0, and a client that waits that long
    /// is admitted.
    pub fn retry_after_ms(&self) -> u64 {
        self.retry_after.as_nanos().div_ceil(1_000_000).max(1) as u64
    }
}

pub struct Limits {
    posts: DefaultKeyedRateLimiter<UserId>,
    auth: DefaultKeyedRateLimiter<IpAddr>,
    lookups: DefaultKeyedRateLimiter<UserId>,
    searches: DefaultKeyedRateLimiter<UserId>,
    checks: DefaultKeyedRateLimiter<UserId>,
    visitors: DefaultKeyedRateLimiter<IpAddr>,
    website_visitors: DefaultKeyedRateLimiter<WebsiteId>,
    uploads: DefaultKeyedRateLimiter<UserId>,
    clock: DefaultClock,
}

fn check<K: Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    clock: &DefaultClock,
    key: &K,
) -> Result<(), RateLimited> {
    limiter.check_key(key).map_err(|not_until| RateLimited { retry_after: not_until.wait_time_from(clock.now()) })
}

impl Limits {
    pub fn new(config: &LimitsConfig) -> Self {
        let posts = Quota::per_second(config.posts_per_second).allow_burst(config.post_burst);
        let auth = Quota::per_minute(config.auth_per_minute).allow_burst(config.auth_burst);
        let lookups = Quota::per_minute(config.lookups_per_minute).allow_burst(config.lookup_burst);
        let searches = Quota::per_minute(config.searches_per_minute).allow_burst(config.search_burst);
        let checks = Quota::per_minute(config.checks_per_minute).allow_burst(config.check_burst);
        let visitors = Quota::per_minute(config.visitors_per_minute).allow_burst(config.visitor_burst);
        let website_visitors =
            Quota::per_minute(config.website_visitors_per_minute).allow_burst(config.website_visitor_burst);
        let uploads = Quota::per_minute(config.uploads_per_minute).allow_burst(config.upload_burst);
        Self {
            posts: RateLimiter::keyed(posts),
            auth: RateLimiter::keyed(auth),
            lookups: RateLimiter::keyed(lookups),
            searches: RateLimiter::keyed(searches),
            checks: RateLimiter::keyed(checks),
            visitors: RateLimiter::keyed(visitors),
            website_visitors: RateLimiter::keyed(website_visitors),
            uploads: RateLimiter::keyed(uploads),
            clock: DefaultClock::default(),
        }
    }

    /// One post by `user`.
    pub fn post(&self, user: UserId) -> Result<(), RateLimited> {
        check(&self.posts, &self.clock, &user)
    }

    /// Whether `actor` may send `command` now (only posts are limited per user).
    pub fn admit(&self, actor: UserId, command: &WireCommand) -> Result<(), RateLimited> {
        match command {
            WireCommand::Post { .. } => self.post(actor),
            WireCommand::Edit { .. }
            | WireCommand::Delete { .. }
            | WireCommand::React { .. }
            | WireCommand::Unreact { .. }
            | WireCommand::MarkRead { .. } => Ok(()),
        }
    }

    /// One registration or login attempt from `address`.
    pub fn auth(&self, address: IpAddr) -> Result<(), RateLimited> {
        check(&self.auth, &self.clock, &address)
    }

    /// One username lookup by `user`.
    pub fn lookup(&self, user: UserId) -> Result<(), RateLimited> {
        check(&self.lookups, &self.clock, &user)
    }

    /// One search by `user` (of messages or of the user directory).
    pub fn search(&self, user: UserId) -> Result<(), RateLimited> {
        check(&self.searches, &self.clock, &user)
    }

    /// One domain check asked for by `user`.
    pub fn domain_check(&self, user: UserId) -> Result<(), RateLimited> {
        check(&self.checks, &self.clock, &user)
    }

    /// One new visitor of `website` from `address`: counted per address, then per website (a
    /// refused address does not use up the website's share).
    pub fn visitor(&self, address: IpAddr, website: WebsiteId) -> Result<(), RateLimited> {
        check(&self.visitors, &self.clock, &address)?;
        check(&self.website_visitors, &self.clock, &website)
    }

    /// One upload by `user`.
    pub fn upload(&self, user: UserId) -> Result<(), RateLimited> {
        check(&self.uploads, &self.clock, &user)
    }

    /// Forgets keys whose limits have fully recovered, so that memory follows active users.
    pub fn forget_idle(&self) {
        self.posts.retain_recent();
        self.posts.shrink_to_fit();
        self.auth.retain_recent();
        self.auth.shrink_to_fit();
        self.lookups.retain_recent();
        self.lookups.shrink_to_fit();
        self.searches.retain_recent();
        self.searches.shrink_to_fit();
        self.checks.retain_recent();
        self.checks.shrink_to_fit();
        self.visitors.retain_recent();
        self.visitors.shrink_to_fit();
        self.website_visitors.retain_recent();
        self.website_visitors.shrink_to_fit();
        self.uploads.retain_recent();
        self.uploads.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn a_burst_passes_and_the_excess_is_told_when_to_retry() {
        let one = NonZeroU32::new(1).unwrap();
        let limits = Limits::new(&LimitsConfig {
            posts_per_second: one,
            post_burst: NonZeroU32::new(3).unwrap(),
            auth_per_minute: one,
            auth_burst: one,
            lookups_per_minute: one,
            lookup_burst: one,
            searches_per_minute: one,
            search_burst: one,
            checks_per_minute: one,
            check_burst: one,
            visitors_per_minute: one,
            visitor_burst: one,
            website_visitors_per_minute: one,
            website_visitor_burst: one,
            uploads_per_minute: one,
            upload_burst: one,
        });
        let (ada, bob) = (UserId::from_uuid(Uuid::from_u128(1)), UserId::from_uuid(Uuid::from_u128(2)));
        for _ in 0..3 {
            assert_eq!(limits.post(ada), Ok(()));
        }
        let refused = limits.post(ada).unwrap_err();
        assert!(refused.retry_after > Duration::ZERO && refused.retry_after <= Duration::from_secs(1));
        assert_eq!(limits.post(bob), Ok(()), "limits are per user");
        assert_eq!(limits.lookup(ada), Ok(()), "lookups count apart from posts");
        assert!(limits.lookup(ada).is_err());
        assert_eq!(limits.search(ada), Ok(()), "searches count apart from lookups");
        assert!(limits.search(ada).is_err());
    }
}
