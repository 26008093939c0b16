//! Validated text values, parsed once at the edge.
//!
//! Each type has a private field and a `parse` constructor, so that past the edge a
//! `MessageBody` is valid by construction. Deserialisation is deliberately *not* validating:
//! it reads stored events, which were valid under the rules of their day and must keep
//! loading if a rule is tightened later. Client input always goes through `parse`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a piece of text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at least {min} characters")]
    TooShort { min: usize },
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must not contain control characters")]
    ControlCharacter,
    #[error("contains a character that is not allowed here")]
    InvalidCharacter,
    #[error("must have at most {max} entries")]
    TooMany { max: usize },
    #[error("must be from {min} to {max}")]
    OutOfRange { min: u64, max: u64 },
}

/// Length bounds are counted in Unicode scalar values (what a user perceives as characters,
/// closely enough), not bytes.
fn check_length(s: &str, min: usize, max: usize) -> Result<(), TextError> {
    if s.is_empty() {
        return Err(TextError::Empty);
    }
    let chars = s.chars().count();
    if chars < min {
        return Err(TextError::TooShort { min });
    }
    if chars > max {
        return Err(TextError::TooLong { max });
    }
    Ok(())
}

fn single_line(s: &str) -> Result<(), TextError> {
    if s.chars().any(char::is_control) {
        return Err(TextError::ControlCharacter);
    }
    Ok(())
}

/// `s` trimmed, if it is then 1–`max` characters on one line.
pub(crate) fn trimmed_line(s: &str, max: usize) -> Result<String, TextError> {
    let s = s.trim();
    check_length(s, 1, max)?;
    single_line(s)?;
    Ok(s.to_owned())
}

macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

text_value!(
    /// The text of a message: 1–4000 characters, not only whitespace; line breaks and tabs are
    /// kept, other control characters are refused. Leading and trailing whitespace is kept as
    /// sent (code blocks care about it).
    MessageBody
);
text_value!(
    /// A group room's name: 1–100 characters on one line, trimmed.
    RoomName
);
text_value!(
    /// A group room's topic, shown beside its name: 1–250 characters on one line, trimmed.
    RoomTopic
);
text_value!(
    /// What a group room is about, shown in its details: 1–2000 characters, trimmed; line
    /// breaks and tabs are kept, other control characters are refused.
    RoomDescription
);
text_value!(
    /// Why a moderator banned someone from a room: 1–500 characters on one line, trimmed.
    BanReason
);
text_value!(
    /// A support website's name, as its team sees it: 1–100 characters on one line, trimmed.
    WebsiteName
);
text_value!(
    /// A login name: 3–32 characters of `a-z 0-9 _ . -`, starting with a letter or digit,
    /// case-insensitive (stored lower-case).
    Username
);
text_value!(
    /// The name shown for a user: 1–64 characters on one line, trimmed.
    DisplayName
);
text_value!(
    /// A reaction: an emoji or a short code such as `:thumbsup:`; 1–32 characters, no
    /// whitespace.
    Reaction
);
text_value!(
    /// The client's idempotency key for a post: 1–64 printable ASCII characters (a UUID is
    /// typical). A retried post with the same key creates no second message.
    ClientMsgId
);

impl MessageBody {
    pub const MAX_CHARS: usize = 4000;

    /// The body of a post of attachments only (`MessagePosted` 1.2): the empty text, which
    /// [`MessageBody::parse`] never gives, so that it cannot be confused with a redacted body
    /// (`null`).
    pub(crate) fn attachments_only() -> Self {
        Self(String::new())
    }

    pub fn parse(s: impl Into<String>) -> Result<Self, TextError> {
        let s = s.into();
        if s.trim().is_empty() {
            return Err(TextError::Empty);
        }
        check_length(&s, 1, Self::MAX_CHARS)?;
        if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(TextError::ControlCharacter);
        }
        Ok(Self(s))
    }
}

impl RoomName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        trimmed_line(s.as_ref(), Self::MAX_CHARS).map(Self)
    }
}

impl RoomTopic {
    pub const MAX_CHARS: usize = 250;

    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        trimmed_line(s.as_ref(), Self::MAX_CHARS).map(Self)
    }
}

impl RoomDescription {
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        let s = s.as_ref().trim();
        check_length(s, 1, Self::MAX_CHARS)?;
        if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(TextError::ControlCharacter);
        }
        Ok(Self(s.to_owned()))
    }
}

impl BanReason {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        trimmed_line(s.as_ref(), Self::MAX_CHARS).map(Self)
    }
}

impl WebsiteName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        trimmed_line(s.as_ref(), Self::MAX_CHARS).map(Self)
    }
}

impl Username {
    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        let s = s.as_ref().to_lowercase();
        check_length(&s, 3, 32)?;
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c);
        if !s.chars().all(allowed) || !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(TextError::InvalidCharacter);
        }
        Ok(Self(s))
    }
}

impl DisplayName {
    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        trimmed_line(s.as_ref(), 64).map(Self)
    }
}

impl Reaction {
    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        let s = s.as_ref();
        check_length(s, 1, 32)?;
        single_line(s)?;
        if s.chars().any(char::is_whitespace) {
            return Err(TextError::InvalidCharacter);
        }
        Ok(Self(s.to_owned()))
    }
}

impl ClientMsgId {
    pub fn parse(s: impl AsRef<str>) -> Result<Self, TextError> {
        let s = s.as_ref();
        check_length(s, 1, 64)?;
        if !s.chars().all(|c| c.is_ascii_graphic()) {
            return Err(TextError::InvalidCharacter);
        }
        Ok(Self(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_body_keeps_what_was_sent_and_refuses_blank_or_control_text() {
        assert_eq!(MessageBody::parse("  hi\n\tthere ").unwrap().as_str(), "  hi\n\tthere ");
        assert_eq!(MessageBody::parse(""), Err(TextError::Empty));
        assert_eq!(MessageBody::parse(" \n "), Err(TextError::Empty));
        assert_eq!(MessageBody::parse("a\u{7}b"), Err(TextError::ControlCharacter));
        assert!(MessageBody::parse("é".repeat(4000)).is_ok());
        assert_eq!(MessageBody::parse("é".repeat(4001)), Err(TextError::TooLong { max: 4000 }));
    }

    #[test]
    fn room_and_display_names_are_trimmed_single_lines() {
        assert_eq!(RoomName::parse("  general ").unwrap().as_str(), "general");
        assert_eq!(RoomName::parse("   "), Err(TextError::Empty));
        assert_eq!(RoomName::parse("a\nb"), Err(TextError::ControlCharacter));
        assert_eq!(RoomName::parse("x".repeat(101)), Err(TextError::TooLong { max: 100 }));
        assert_eq!(DisplayName::parse(" Ada ").unwrap().as_str(), "Ada");
        assert_eq!(DisplayName::parse("x".repeat(65)), Err(TextError::TooLong { max: 64 }));
    }

    #[test]
    fn topics_reasons_and_descriptions_are_trimmed_and_bounded() {
        assert_eq!(RoomTopic::parse(" Rust ").unwrap().as_str(), "Rust");
        assert_eq!(RoomTopic::parse("a\nb"), Err(TextError::ControlCharacter));
        assert_eq!(RoomTopic::parse("x".repeat(251)), Err(TextError::TooLong { max: 250 }));
        assert_eq!(BanReason::parse("  "), Err(TextError::Empty));
        assert_eq!(BanReason::parse("x".repeat(501)), Err(TextError::TooLong { max: 500 }));
        assert_eq!(RoomDescription::parse(" one\n\ttwo ").unwrap().as_str(), "one\n\ttwo");
        assert_eq!(RoomDescription::parse("a\u{7}b"), Err(TextError::ControlCharacter));
        assert_eq!(RoomDescription::parse("x".repeat(2001)), Err(TextError::TooLong { max: 2000 }));
    }

    #[test]
    fn usernames_are_lower_case_and_restricted() {
        assert_eq!(Username::parse("Ada.L").unwrap().as_str(), "ada.l");
        assert_eq!(Username::parse("ab"), Err(TextError::TooShort { min: 3 }));
        assert_eq!(Username::parse("_ada"), Err(TextError::InvalidCharacter));
        assert_eq!(Username::parse("ada lovelace"), Err(TextError::InvalidCharacter));
        assert_eq!(Username::parse("x".repeat(33)), Err(TextError::TooLong { max: 32 }));
    }

    #[test]
    fn reactions_and_client_ids_have_no_whitespace() {
        assert!(Reaction::parse("👍").is_ok());
        assert!(Reaction::parse(":thumbsup:").is_ok());
        assert_eq!(Reaction::parse("thumbs up"), Err(TextError::InvalidCharacter));
        assert!(ClientMsgId::parse("0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b").is_ok());
        assert_eq!(ClientMsgId::parse("a b"), Err(TextError::InvalidCharacter));
        assert_eq!(ClientMsgId::parse("x".repeat(65)), Err(TextError::TooLong { max: 64 }));
    }
}
