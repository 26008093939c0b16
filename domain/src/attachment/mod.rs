//! Files attached to posts: what a `MessagePosted` (1.2) says of each, and the message kinds
//! that follow from them.
//!
//! The bytes live in the object store, content-addressed by their SHA-256, and the write side
//! keeps its uploads in a table of its own (`chat_commands::uploads`): an upload is not an
//! event. What the event keeps is what a rebuild of the read models and an analyst need without
//! the store: the upload's id, its sanitised file name, type, size, digest and, for images,
//! their size in pixels and whether a thumbnail was made. The commands layer resolves a post's
//! upload ids to these values before the room decides, so the room's rules see only uploads
//! that exist and are the poster's.
//!
//! # Layout
//! - [`file_name`]: the sanitised name a file is offered under ([`FileName`]).
//! - [`kind`]: what sort of message a post is ([`MessageKind`]), derived from its attachments.

mod file_name;
mod kind;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use file_name::FileName;
pub use kind::MessageKind;

use crate::ids::UploadId;
use crate::redaction::Redactable;
use crate::text::TextError;

/// At most this many attachments per message.
pub const MAX_PER_MESSAGE: usize = 10;

/// One file of a post, as its `MessagePosted` event records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attachment {
    /// The upload: also the id under which members download it from the room.
    pub id: UploadId,
    /// The sanitised file name; `null` once the uploader is erased (a file name can be
    /// personal: "passport-jane-doe.pdf").
    #[schema(value_type = Option<String>, required = true)]
    pub name: Redactable<FileName>,
    /// The type sniffed from the bytes (and agreeing with the one declared).
    #[schema(value_type = String, example = "image/png")]
    pub mime: MimeType,
    /// Bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 of the bytes (the blob's content address, and its `ETag`).
    #[schema(value_type = String, pattern = "^[0-9a-f]{64}$")]
    pub sha256: Sha256Digest,
    /// Pixels, for images; `null` otherwise.
    #[schema(required = true)]
    pub width: Option<u32>,
    #[schema(required = true)]
    pub height: Option<u32>,
    /// Whether a thumbnail was made (images only).
    pub thumbnail: bool,
}

impl Attachment {
    pub fn is_image(&self) -> bool {
        self.mime.is_image()
    }
}

/// A media type, `type/subtype` in lower case without parameters (`image/png`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MimeType(String);

impl MimeType {
    const MAX_CHARS: usize = 127;

    /// `type/subtype` (case-insensitive, stored lower-case); parameters (`; charset=…`) and
    /// surrounding whitespace are dropped.
    pub fn parse(s: &str) -> Result<Self, TextError> {
        let essence = s.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if essence.is_empty() {
            return Err(TextError::Empty);
        }
        if essence.len() > Self::MAX_CHARS {
            return Err(TextError::TooLong { max: Self::MAX_CHARS });
        }
        let token = |t: &str| {
            !t.is_empty()
                && t.starts_with(|c: char| c.is_ascii_alphanumeric())
                && t.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
        };
        match essence.split_once('/') {
            Some((kind, subtype)) if token(kind) && token(subtype) => Ok(Self(essence)),
            _ => Err(TextError::InvalidCharacter),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `image/*`.
    pub fn is_image(&self) -> bool {
        self.0.starts_with("image/")
    }
}

impl fmt::Display for MimeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A SHA-256 digest as 64 lower-case hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sha256Digest(String);

impl Sha256Digest {
    pub fn from_bytes(digest: [u8; 32]) -> Self {
        Self(digest.iter().map(|byte| format!("{byte:02x}")).collect())
    }

    pub fn parse(s: &str) -> Result<Self, TextError> {
        if s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            Ok(Self(s.to_owned()))
        } else {
            Err(TextError::InvalidCharacter)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_lower_case_essences() {
        assert_eq!(MimeType::parse("Text/Plain; charset=UTF-8").unwrap().as_str(), "text/plain");
        assert_eq!(
            MimeType::parse("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
                .map(|m| m.is_image()),
            Ok(false)
        );
        assert!(MimeType::parse("image/webp").unwrap().is_image());
        assert_eq!(MimeType::parse(""), Err(TextError::Empty));
        assert_eq!(MimeType::parse("image"), Err(TextError::InvalidCharacter));
        assert_eq!(MimeType::parse("image/"), Err(TextError::InvalidCharacter));
        assert_eq!(MimeType::parse("a b/c"), Err(TextError::InvalidCharacter));
    }

    #[test]
    fn digests_are_64_lower_case_hex_digits() {
        let digest = Sha256Digest::from_bytes([0xab; 32]);
        assert_eq!(digest.as_str(), "ab".repeat(32));
        assert_eq!(Sha256Digest::parse(digest.as_str()), Ok(digest));
        assert!(Sha256Digest::parse(&"AB".repeat(32)).is_err());
        assert!(Sha256Digest::parse("abc").is_err());
    }
}
