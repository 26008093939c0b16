//! Invites to a group room: a code that lets whoever holds it join the room (a link
//! `#/invite/<code>` in the web client) until it expires, is used up or is revoked.
//!
//! A code is the room's id and 128 random bits, in base64url (43 characters). The room comes
//! from the code itself, so accepting goes straight to the room's aggregate — the authority on
//! how often an invite was used, which the per-room writer and the event store's optimistic
//! append make exactly-once — without a lookup that could trail the commands.
//!
//! The invite's id is derived from its code (a UUIDv5 of the code's bytes, which cannot be
//! turned back into them). Events, read models and admins' lists carry only the id: room
//! events reach every member (live and in the history) and analysts' exports, and none of them
//! may invite. The code itself is shown once, to the admin who made it.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::error::RoomError;
use crate::ids::{InviteId, RoomId};
use crate::text::TextError;

/// Random bytes in a code, beside its room's id.
pub const SECRET_BYTES: usize = 16;

/// An invite's uses, at most (when it has a limit).
pub const MAX_USES: u32 = 100_000;

/// How long an invite may live, at most, when it expires (an invite may also never expire).
pub const MAX_LIFETIME_SECS: u64 = 366 * 24 * 60 * 60;

/// Namespace of invite ids (a fixed random UUID; changing it would orphan every invite).
const INVITE_NAMESPACE: Uuid = Uuid::from_u128(0x3b9e_71c4_0a5d_4f26_8c13_d7e2_95a0_6b48);

/// The code of an invite: its room, and the secret that makes it unguessable.
#[derive(Clone, PartialEq, Eq)]
pub struct InviteCode {
    room: RoomId,
    secret: [u8; SECRET_BYTES],
}

impl InviteCode {
    /// The code of a new invite to `room`; `secret` must come from a cryptographic random
    /// number generator (the domain takes randomness from the caller).
    pub fn new(room: RoomId, secret: [u8; SECRET_BYTES]) -> Self {
        Self { room, secret }
    }

    /// A code as a client sends it; `None` for anything that cannot be one.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 43 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        if bytes.len() != 16 + SECRET_BYTES {
            return None;
        }
        let (room, secret) = bytes.split_at(16);
        Some(Self { room: RoomId::from_uuid(Uuid::from_slice(room).ok()?), secret: secret.try_into().ok()? })
    }

    /// The room the invite is to.
    pub fn room(&self) -> RoomId {
        self.room
    }

    /// The invite's id: the same for the same code, and says nothing of the code.
    pub fn id(&self) -> InviteId {
        InviteId::from_uuid(Uuid::new_v5(&INVITE_NAMESPACE, &self.bytes()))
    }

    fn bytes(&self) -> [u8; 16 + SECRET_BYTES] {
        let mut bytes = [0; 16 + SECRET_BYTES];
        bytes[..16].copy_from_slice(self.room.as_uuid().as_bytes());
        bytes[16..].copy_from_slice(&self.secret);
        bytes
    }
}

impl fmt::Display for InviteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&URL_SAFE_NO_PAD.encode(self.bytes()))
    }
}

/// Never the secret: codes must not end up in logs.
impl fmt::Debug for InviteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InviteCode({}, {})", self.room, self.id())
    }
}

/// How long a new invite lives, from `secs` as a client asks for it (1 s to 366 days).
pub fn invite_lifetime(secs: u64) -> Result<chrono::Duration, TextError> {
    if !(1..=MAX_LIFETIME_SECS).contains(&secs) {
        return Err(TextError::OutOfRange { min: 1, max: MAX_LIFETIME_SECS });
    }
    // In range, so it fits.
    Ok(chrono::Duration::seconds(secs as i64))
}

/// How many people may join with a new invite, as a client asks for it (1 to [`MAX_USES`]).
pub fn invite_max_uses(uses: u64) -> Result<u32, TextError> {
    match u32::try_from(uses) {
        Ok(uses) if (1..=MAX_USES).contains(&uses) => Ok(uses),
        _ => Err(TextError::OutOfRange { min: 1, max: u64::from(MAX_USES) }),
    }
}

/// An invite as its room keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteState {
    pub expires_at: Option<DateTime<Utc>>,
    pub max_uses: Option<u32>,
    pub uses: u32,
    pub revoked: bool,
}

impl InviteState {
    /// Why the invite cannot let anyone in at `now`, if it cannot.
    pub fn refusal(&self, now: DateTime<Utc>) -> Option<RoomError> {
        if self.revoked {
            Some(RoomError::InviteRevoked)
        } else if self.expires_at.is_some_and(|expires_at| expires_at <= now) {
            Some(RoomError::InviteExpired)
        } else if self.max_uses.is_some_and(|max_uses| self.uses >= max_uses) {
            Some(RoomError::InviteUsedUp)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> RoomId {
        RoomId::from_uuid(Uuid::from_u128(0x0193_a1b2_7c3d_7e4f_8a9b_0c1d_2e3f_4a5b))
    }

    #[test]
    fn a_code_is_43_url_safe_characters_and_reads_back_as_itself() {
        let code = InviteCode::new(room(), [0xfb; SECRET_BYTES]);
        let text = code.to_string();
        assert_eq!(text.len(), 43);
        assert!(text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{text}");
        assert_eq!(InviteCode::parse(&text), Some(code.clone()));
        assert_eq!(InviteCode::parse(&text).unwrap().room(), room());
    }

    #[test]
    fn anything_else_is_no_code() {
        let text = InviteCode::new(room(), [7; SECRET_BYTES]).to_string();
        for bad in
            ["", "abc", &text[..42], &format!("{text}A"), &text.replace(|_| true, "+"), "0193a1b2-7c3d-7e4f-8a9b"]
        {
            assert_eq!(InviteCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn lifetimes_and_uses_are_bounded() {
        assert_eq!(invite_lifetime(1), Ok(chrono::Duration::seconds(1)));
        assert!(invite_lifetime(MAX_LIFETIME_SECS).is_ok());
        for bad in [0, MAX_LIFETIME_SECS + 1, u64::MAX] {
            assert_eq!(invite_lifetime(bad), Err(TextError::OutOfRange { min: 1, max: MAX_LIFETIME_SECS }));
        }
        assert_eq!(invite_max_uses(1), Ok(1));
        assert_eq!(invite_max_uses(u64::from(MAX_USES)), Ok(MAX_USES));
        for bad in [0, u64::from(MAX_USES) + 1, u64::MAX] {
            assert!(invite_max_uses(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_id_depends_on_the_whole_code_and_the_debug_form_hides_the_secret() {
        let a = InviteCode::new(room(), [1; SECRET_BYTES]);
        let b = InviteCode::new(room(), [2; SECRET_BYTES]);
        assert_eq!(a.id(), InviteCode::parse(&a.to_string()).unwrap().id());
        assert_ne!(a.id(), b.id());
        assert!(!format!("{a:?}").contains(&a.to_string()));
    }
}
