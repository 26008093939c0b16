//! The SSRF guard: every address the client connects to passes [`address::is_allowed`].
//!
//! reqwest reaches an address in one of two ways, and both are covered:
//! - a DNS name goes through [`GuardedResolver`], which resolves it and hands hyper only the
//!   allowed addresses; the addresses checked are the addresses connected to, so a name that
//!   answers differently on a second lookup (DNS rebinding) gains nothing;
//! - an IP literal never reaches a resolver, so [`check_url`] vets it (and the scheme and port)
//!   before the first request and, through [`redirect_policy`], before every redirect hop.
//!
//! A refusal travels back through reqwest's error as a [`Refusal`], found again by
//! [`refusal_in`].

use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr};

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect;

use super::VerificationFailure;
use super::address;

/// What the guard lets through.
#[derive(Clone, Copy, Debug)]
pub(super) struct Policy {
    /// Test mode: loopback addresses are allowed.
    pub allow_loopback: bool,
    /// Any port, not only 80 and 443.
    pub any_port: bool,
}

/// A failure decided by the guard, carried through reqwest's error chain.
#[derive(Debug, thiserror::Error)]
#[error("refused by the verification guard: {0}")]
pub(super) struct Refusal(pub VerificationFailure);

/// The guard's failure inside a reqwest error, if that is why the request failed.
pub(super) fn refusal_in(error: &(dyn StdError + 'static)) -> Option<VerificationFailure> {
    let mut source = Some(error);
    while let Some(error) = source {
        if let Some(Refusal(failure)) = error.downcast_ref() {
            return Some(*failure);
        }
        source = error.source();
    }
    None
}

/// Refuses URLs the client must not request: a scheme other than http(s), a port other than
/// 80/443 (unless `any_port`), or a forbidden IP literal. DNS names are left to the resolver.
pub(super) fn check_url(url: &Url, policy: Policy) -> Result<(), VerificationFailure> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(VerificationFailure::ForbiddenAddress);
    }
    let port = url.port_or_known_default().ok_or(VerificationFailure::ForbiddenAddress)?;
    if !policy.any_port && port != 80 && port != 443 {
        return Err(VerificationFailure::ForbiddenAddress);
    }
    let host = url.host_str().ok_or(VerificationFailure::ForbiddenAddress)?;
    // The URL parser has already normalised IPv4 spellings such as `0x7f.1` to dotted quads.
    let literal = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host).parse::<IpAddr>();
    match literal {
        Ok(ip) if !address::is_allowed(ip, policy.allow_loopback) => Err(VerificationFailure::ForbiddenAddress),
        _ => Ok(()),
    }
}

/// Follows at most `max` redirects, each to a URL [`check_url`] accepts; a loop counts as too
/// many redirects.
pub(super) fn redirect_policy(policy: Policy, max: usize) -> redirect::Policy {
    redirect::Policy::custom(move |attempt| {
        // `previous` holds every URL requested so far, the first one included.
        if attempt.previous().len() > max || attempt.previous().contains(attempt.url()) {
            return attempt.error(Refusal(VerificationFailure::TooManyRedirects));
        }
        match check_url(attempt.url(), policy) {
            Ok(()) => attempt.follow(),
            Err(failure) => attempt.error(Refusal(failure)),
        }
    })
}

/// Resolves names with the system resolver (through tokio) and keeps only allowed addresses;
/// a name with none left is refused as [`VerificationFailure::ForbiddenAddress`].
#[derive(Debug)]
pub(super) struct GuardedResolver {
    pub allow_loopback: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            // Port 0: hyper sets the URL's port on every address it is given.
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            if resolved.is_empty() {
                return Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no addresses").into());
            }
            let allowed: Vec<SocketAddr> =
                resolved.iter().copied().filter(|a| address::is_allowed(a.ip(), allow_loopback)).collect();
            if allowed.is_empty() {
                tracing::debug!(name = name.as_str(), ?resolved, "every address of the name is forbidden");
                return Err(Refusal(VerificationFailure::ForbiddenAddress).into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRODUCTION: Policy = Policy { allow_loopback: false, any_port: false };

    fn check(url: &str, policy: Policy) -> Result<(), VerificationFailure> {
        check_url(&Url::parse(url).expect("test URL"), policy)
    }

    #[test]
    fn urls_are_checked_for_scheme_port_and_ip_literal() {
        for ok in [
            "https://example.com/",
            "http://example.com:80/",
            "http://example.com:443/",
            "https://1.1.1.1/x",
            "http://[2606:4700::1111]/",
        ] {
            assert_eq!(check(ok, PRODUCTION), Ok(()), "{ok}");
        }
        for refused in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "https://example.com:8443/",
            "http://example.com:22/",
            "http://10.0.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://127.0.0.1/",
            "http://0x7f.1/",
            "http://2130706433/",
            "http://[::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://[fe80::1]/",
            "http://0.0.0.0/",
        ] {
            assert_eq!(check(refused, PRODUCTION), Err(VerificationFailure::ForbiddenAddress), "{refused}");
        }
    }

    #[test]
    fn test_mode_allows_loopback_on_any_port_only() {
        let test_mode = Policy { allow_loopback: true, any_port: true };
        assert_eq!(check("http://127.0.0.1:4321/", test_mode), Ok(()));
        assert_eq!(check("http://[::1]:4321/", test_mode), Ok(()));
        assert_eq!(check("http://10.0.0.1:4321/", test_mode), Err(VerificationFailure::ForbiddenAddress));
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_with_only_forbidden_addresses() {
        let name: Name = "localhost".parse().expect("name");
        let error = GuardedResolver { allow_loopback: false }.resolve(name).await.err().expect("refused");
        assert_eq!(refusal_in(&*error), Some(VerificationFailure::ForbiddenAddress));

        let name: Name = "localhost".parse().expect("name");
        let addresses: Vec<_> =
            GuardedResolver { allow_loopback: true }.resolve(name).await.expect("resolves").collect();
        assert!(!addresses.is_empty() && addresses.iter().all(|a| a.ip().is_loopback()), "{addresses:?}");
    }
}
