//! Support conversations: a room of kind `support` between one website visitor and the
//! website's agents. Their own rules beside the room's: agents (the room's admins) assign,
//! resolve and reopen; a visitor writing to a resolved conversation reopens it. Where the
//! visitor was when they started it is recorded with it ([`VisitorContext`]).

use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::text::TextError;

/// Where a conversation stands for the website's inbox.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportState {
    pub resolved: bool,
    pub assignee: Option<UserId>,
}

/// What the widget knew of the visitor's page when they started the conversation. Personal
/// data: redacted with the visitor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VisitorContext {
    pub page_url: Option<PageUrl>,
    pub referrer: Option<PageUrl>,
    pub language: Option<LanguageTag>,
    pub user_agent: Option<UserAgent>,
}

/// An `http(s)://` URL of at most 2048 characters on one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct PageUrl(String);

impl PageUrl {
    pub const MAX_CHARS: usize = 2048;

    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        let s = s.as_ref().trim();
        bounded(s, Self::MAX_CHARS)?;
        let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) || s.chars().any(char::is_whitespace) {
            return Err(TextError::InvalidCharacter);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A BCP 47 language tag as browsers report it (`de-DE`): 2–35 characters of `A-Z a-z 0-9 -`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        let s = s.as_ref().trim();
        bounded(s, 35)?;
        if s.len() < 2 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(TextError::InvalidCharacter);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The browser's `User-Agent`, at most 512 characters on one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct UserAgent(String);

impl UserAgent {
    pub const MAX_CHARS: usize = 512;

    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        let s = s.as_ref().trim();
        bounded(s, Self::MAX_CHARS)?;
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn bounded(s: &str, max: usize) -> Result<(), TextError> {
    if s.is_empty() {
        return Err(TextError::Empty);
    }
    if s.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    if s.chars().any(char::is_control) {
        return Err(TextError::ControlCharacter);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_urls_are_web_addresses_on_one_line() {
        assert_eq!(
            PageUrl::parse(" https://shop.example/cart?x=1 ").unwrap().as_str(),
            "https://shop.example/cart?x=1"
        );
        assert!(PageUrl::parse("HTTP://shop.example/").is_ok());
        for bad in ["javascript:alert(1)", "shop.example/cart", "https://a b", "ftp://x"] {
            assert_eq!(PageUrl::parse(bad), Err(TextError::InvalidCharacter), "{bad}");
        }
        assert_eq!(PageUrl::parse(format!("https://{}", "x".repeat(2048))), Err(TextError::TooLong { max: 2048 }));
    }

    #[test]
    fn languages_and_user_agents_are_short_plain_text() {
        assert!(LanguageTag::parse("de-DE").is_ok());
        assert_eq!(LanguageTag::parse("de_DE"), Err(TextError::InvalidCharacter));
        assert!(UserAgent::parse("Mozilla/5.0 (X11; Linux x86_64)").is_ok());
        assert_eq!(UserAgent::parse("a\nb"), Err(TextError::ControlCharacter));
    }
}
