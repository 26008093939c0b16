//! What a website's visitor is known by beyond their id: the website's own user id for them
//! (identity verification: the website's server signs it, so the visitor cannot pick it) and
//! an email address (typed into the pre-chat form, or passed on by the website). Both are
//! personal data, redacted with the visitor.

use serde::{Deserialize, Serialize};

use crate::text::{TextError, trimmed_line};

/// A website's id for one of its users, as its server signs it: 1–128 characters on one line,
/// taken exactly as given (the signature covers these bytes, so nothing is trimmed).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct ExternalUserId(String);

impl ExternalUserId {
    pub const MAX_CHARS: usize = 128;

    pub fn parse(s: impl Into<String>) -> Result<Self, TextError> {
        let s = s.into();
        if s.trim().is_empty() {
            return Err(TextError::Empty);
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(TextError::TooLong { max: Self::MAX_CHARS });
        }
        if s.chars().any(char::is_control) {
            return Err(TextError::ControlCharacter);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address as people type it: trimmed, at most 254 characters, one `@` between a
/// non-empty local part and a domain with a dot, no whitespace. Whether it reaches anyone is
/// not checked (nothing is sent to it).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        let s = trimmed_line(s.as_ref(), Self::MAX_CHARS)?;
        if s.chars().any(char::is_whitespace) {
            return Err(TextError::InvalidCharacter);
        }
        let addressed = s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
        if addressed { Ok(Self(s)) } else { Err(TextError::InvalidCharacter) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_are_taken_exactly_as_signed() {
        assert_eq!(ExternalUserId::parse(" user 42 ").unwrap().as_str(), " user 42 ");
        assert_eq!(ExternalUserId::parse("   "), Err(TextError::Empty));
        assert_eq!(ExternalUserId::parse("a\nb"), Err(TextError::ControlCharacter));
        assert_eq!(ExternalUserId::parse("x".repeat(129)), Err(TextError::TooLong { max: 128 }));
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert_eq!(Email::parse(" ada@example.org ").unwrap().as_str(), "ada@example.org");
        for bad in
            ["ada", "@example.org", "ada@", "ada@localhost", "a@b@c.org", "ada @example.org", "ada@.org", "ada@x."]
        {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
