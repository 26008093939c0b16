//! One bounded GET: the guard's URL check, then request, redirects and body under one timeout,
//! the body streamed and cut at `max_body_bytes`; and the https-then-http fallback.

use reqwest::header::CONTENT_TYPE;
use reqwest::{StatusCode, Url};

use super::guard::{self, refusal_in};
use super::{VerificationFailure, Verifier};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scheme {
    Https,
    Http,
}

impl Scheme {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Https => "https",
            Self::Http => "http",
        }
    }
}

/// A response: the final status (after redirects) and, for a 2xx, the start of the body.
#[derive(Debug)]
pub(super) struct Page {
    pub status: StatusCode,
    pub content_type: Option<String>,
    /// At most `max_body_bytes`; empty unless the status is 2xx.
    pub body: Vec<u8>,
    /// The body went on past `max_body_bytes`.
    pub truncated: bool,
}

/// A GET that produced no [`Page`].
#[derive(Clone, Copy, Debug)]
pub(super) struct Failed {
    pub failure: VerificationFailure,
    /// Whether a connection was made (or may have been): `false` means the site could not be
    /// reached over this scheme at all.
    pub connected: bool,
}

impl Verifier {
    /// GETs `path` over https and, if https cannot connect at all (refused, TLS failure,
    /// connect timeout), over http. Returns the scheme that answered (or was tried last).
    pub(super) async fn get_either(&self, authority: &str, path: &str) -> (Scheme, Result<Page, Failed>) {
        let https = self.get(Scheme::Https, authority, path).await;
        match https {
            Err(Failed { connected: false, failure }) if failure != VerificationFailure::ForbiddenAddress => {
                (Scheme::Http, self.get(Scheme::Http, authority, path).await)
            }
            https => (Scheme::Https, https),
        }
    }

    /// GETs `scheme://authority/path`, the whole exchange under the configured timeout.
    pub(super) async fn get(&self, scheme: Scheme, authority: &str, path: &str) -> Result<Page, Failed> {
        let not_connected = |failure| Failed { failure, connected: false };
        let url = Url::parse(&format!("{}://{authority}{path}", scheme.as_str()))
            .map_err(|_| not_connected(VerificationFailure::ForbiddenAddress))?;
        guard::check_url(&url, self.inner.policy).map_err(not_connected)?;
        match tokio::time::timeout(self.inner.config.timeout, self.exchange(url)).await {
            Ok(result) => result,
            // Connecting is bounded by the shorter connect timeout, so this came later.
            Err(_elapsed) => Err(Failed { failure: VerificationFailure::Timeout, connected: true }),
        }
    }

    async fn exchange(&self, url: Url) -> Result<Page, Failed> {
        let mut response = self.inner.client.get(url).send().await.map_err(classify)?;
        let status = response.status();
        let content_type =
            response.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).map(str::to_owned);
        let mut page = Page { status, content_type, body: Vec::new(), truncated: false };
        if !status.is_success() {
            return Ok(page);
        }
        let max = self.inner.config.max_body_bytes;
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            let room = max - page.body.len();
            if chunk.len() > room {
                page.body.extend_from_slice(&chunk[..room]);
                page.truncated = true;
                break;
            }
            page.body.extend_from_slice(&chunk);
        }
        Ok(page)
    }
}

/// Maps a reqwest error to the failure it means; the error itself is only logged.
fn classify(error: reqwest::Error) -> Failed {
    let failed = if let Some(failure) = refusal_in(&error) {
        // A refused name fails before connecting; a refused redirect after the first answer.
        Failed { failure, connected: failure != VerificationFailure::ForbiddenAddress || error.is_redirect() }
    } else if error.is_connect() {
        let failure = if error.is_timeout() { VerificationFailure::Timeout } else { VerificationFailure::Unreachable };
        Failed { failure, connected: false }
    } else if error.is_timeout() {
        Failed { failure: VerificationFailure::Timeout, connected: true }
    } else {
        // The connection broke, or the answer was not HTTP.
        Failed { failure: VerificationFailure::Unreachable, connected: true }
    };
    tracing::debug!(error = %error_chain(&error), failure = failed.failure.code(), "verification request failed");
    failed
}

fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
