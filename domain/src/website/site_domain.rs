//! A website's domain as its owner names it, the token that proves control of it, and how a
//! check went.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::TextError;

/// Where a website is served: a lower-case DNS host name or IPv4 address, with an optional
/// port (`example.com`, `shop.example.com:8443`, `127.0.0.1:3000`). No scheme, path, user
/// info or wildcard: the widget's origins are `https://` and `http://` of exactly this.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct SiteDomain(String);

impl SiteDomain {
    pub const MAX_CHARS: usize = 253 + 6;

    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        let s = s.as_ref().trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err(TextError::Empty);
        }
        if s.len() > Self::MAX_CHARS {
            return Err(TextError::TooLong { max: Self::MAX_CHARS });
        }
        let (host, port) = match s.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (s.as_str(), None),
        };
        if let Some(port) = port
            && !matches!(port.parse::<u16>(), Ok(1..) if !port.starts_with('0'))
        {
            return Err(TextError::InvalidCharacter);
        }
        if host.len() > 253 || !host.split('.').all(valid_label) {
            return Err(TextError::InvalidCharacter);
        }
        // A host that is all digits and dots must be a whole IPv4 address.
        if host.chars().all(|c| c.is_ascii_digit() || c == '.') && host.parse::<std::net::Ipv4Addr>().is_err() {
            return Err(TextError::InvalidCharacter);
        }
        Ok(Self(s))
    }

    /// `host[:port]`, as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The browser origins a page of this domain can have.
    pub fn origins(&self) -> [String; 2] {
        [format!("https://{}", self.0), format!("http://{}", self.0)]
    }
}

fn valid_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

impl fmt::Display for SiteDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the owner publishes to prove control of a domain: 16–64 characters of `a-z 0-9 -`,
/// chosen by the server when the domain is added.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct VerificationToken(String);

impl VerificationToken {
    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        let s = s.as_ref();
        if !(16..=64).contains(&s.len()) {
            return Err(if s.len() < 16 { TextError::TooShort { min: 16 } } else { TextError::TooLong { max: 64 } });
        }
        if !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return Err(TextError::InvalidCharacter);
        }
        Ok(Self(s.to_owned()))
    }

    /// `chat-` and these bytes in hex: how the server makes a token from 16 random bytes.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Self(bytes.iter().fold(String::from("chat-"), |mut token, byte| {
            token.push_str(&format!("{byte:02x}"));
            token
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where the token was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    /// `/.well-known/chat-verification.txt` holds it.
    WellKnownFile,
    /// The home page has `<meta name="chat-verification" content="…">`.
    MetaTag,
}

impl VerificationMethod {
    /// What serde writes.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::WellKnownFile => "well_known_file",
            Self::MetaTag => "meta_tag",
        }
    }
}

/// Why a check did not find the token. Stable codes (stored in events, shown to owners).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum VerificationFailure {
    /// The site answered, but neither the file nor the meta tag holds a token.
    #[error("neither the verification file nor a meta tag was found")]
    TokenNotFound,
    /// A token was published, but not this one.
    #[error("the published token is not this domain's token")]
    TokenMismatch,
    /// Nothing answered (DNS, connection or TLS failure).
    #[error("the site could not be reached")]
    Unreachable,
    #[error("the site took too long to answer")]
    Timeout,
    /// The file was larger than the size cap.
    #[error("the verification file is too large")]
    TooLarge,
    #[error("too many redirects")]
    TooManyRedirects,
    /// The domain (or a redirect) leads to a private, loopback or otherwise reserved address.
    #[error("the domain resolves to an address that may not be checked")]
    ForbiddenAddress,
    /// The site answered with an error status.
    #[error("the site answered with an error status")]
    BadStatus,
    /// The verification file is not plain text (e.g. an HTML page served for every path).
    #[error("the verification file is not plain text")]
    NotText,
}

impl VerificationFailure {
    pub const ALL: [VerificationFailure; 9] = [
        Self::TokenNotFound,
        Self::TokenMismatch,
        Self::Unreachable,
        Self::Timeout,
        Self::TooLarge,
        Self::TooManyRedirects,
        Self::ForbiddenAddress,
        Self::BadStatus,
        Self::NotText,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Self::TokenNotFound => "token_not_found",
            Self::TokenMismatch => "token_mismatch",
            Self::Unreachable => "unreachable",
            Self::Timeout => "timeout",
            Self::TooLarge => "too_large",
            Self::TooManyRedirects => "too_many_redirects",
            Self::ForbiddenAddress => "forbidden_address",
            Self::BadStatus => "bad_status",
            Self::NotText => "not_text",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_lower_case_hosts_with_an_optional_port() {
        assert_eq!(SiteDomain::parse(" Shop.Example.COM ").unwrap().as_str(), "shop.example.com");
        assert_eq!(SiteDomain::parse("localhost:3000").unwrap().as_str(), "localhost:3000");
        assert_eq!(SiteDomain::parse("127.0.0.1:8080").unwrap().as_str(), "127.0.0.1:8080");
        assert_eq!(
            SiteDomain::parse("example.com").unwrap().origins(),
            ["https://example.com".to_owned(), "http://example.com".to_owned()]
        );
        for bad in [
            "https://example.com",
            "example.com/path",
            "*.example.com",
            "exa mple.com",
            "-x.com",
            "x..com",
            "example.com:0",
            "example.com:65536",
            "example.com:080",
            "example.com:",
            "user@example.com",
            "999.1.1.1",
            "1.2.3",
            "[::1]:80",
        ] {
            assert!(SiteDomain::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(SiteDomain::parse(""), Err(TextError::Empty));
    }

    #[test]
    fn tokens_are_long_plain_strings() {
        assert!(VerificationToken::parse("chat-0123456789abcdef").is_ok());
        let made = VerificationToken::from_random([0xab; 16]);
        assert_eq!(made.as_str(), format!("chat-{}", "ab".repeat(16)));
        assert_eq!(VerificationToken::parse(made.as_str()), Ok(made));
        assert_eq!(VerificationToken::parse("short"), Err(TextError::TooShort { min: 16 }));
        assert_eq!(VerificationToken::parse("ABCDEF0123456789abc"), Err(TextError::InvalidCharacter));
    }

    #[test]
    fn failure_codes_are_what_serde_writes() {
        for failure in VerificationFailure::ALL {
            assert_eq!(serde_json::to_value(failure).unwrap(), failure.code());
        }
        for method in [VerificationMethod::WellKnownFile, VerificationMethod::MetaTag] {
            assert_eq!(serde_json::to_value(method).unwrap(), method.as_str());
        }
    }
}
