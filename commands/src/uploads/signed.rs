//! Short-lived signed download URLs, for what cannot send an `Authorization` header (`<img
//! src>`, a download link): `/v1/files/{room_id}/{attachment_id}[/thumbnail]?expires=…&sig=…`.
//!
//! The signature is HMAC-SHA256 over the room, the attachment, the variant and the expiry (Unix
//! seconds), with a key derived from the token signing key (`CHAT_JWT_SECRET` /
//! `CHAT_JWT_KEYS`): every command instance that can issue tokens can sign and check URLs, and
//! rotating the token keys rotates these too (URLs signed with any configured key verify).
//! Checked in constant time. A URL is the right to fetch that one file until it expires, so it
//! is issued only to a member who may download it, and lives minutes (`CHAT_SIGNED_URL_TTL_SECS`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chat_auth::SigningKey;
use chat_domain::{RoomId, UploadId};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Keys of signed URLs are derived from the token keys with this label.
const LABEL: &[u8] = b"chat signed attachment urls v1";

/// Which bytes of an attachment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Original,
    Thumbnail,
}

impl Variant {
    fn as_str(self) -> &'static str {
        match self {
            Variant::Original => "original",
            Variant::Thumbnail => "thumbnail",
        }
    }
}

/// What a signed URL grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    pub room: RoomId,
    pub attachment: UploadId,
    pub variant: Variant,
    /// Unix seconds.
    pub expires: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the link's signature does not match")]
    Invalid,
    #[error("the link has expired; ask for a new one")]
    Expired,
}

#[derive(Clone)]
pub struct UrlSigner {
    /// The first signs; all verify.
    keys: Vec<Vec<u8>>,
}

impl std::fmt::Debug for UrlSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "UrlSigner({} keys)", self.keys.len())
    }
}

impl UrlSigner {
    pub fn new(keys: &[SigningKey]) -> Self {
        let keys = keys
            .iter()
            .map(|key| {
                let mut mac = mac(key.secret.expose());
                mac.update(LABEL);
                mac.finalize().into_bytes().to_vec()
            })
            .collect();
        Self { keys }
    }

    /// The `sig` of `grant` (base64url, no padding).
    pub fn sign(&self, grant: &Grant) -> String {
        let Some(key) = self.keys.first() else { return String::new() };
        let mut mac = mac(key);
        mac.update(&message(grant));
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Whether `sig` signs `grant` and `grant` has not expired at `now` (Unix seconds). A
    /// tampered expiry is an invalid signature, not an expired one.
    pub fn verify(&self, grant: &Grant, sig: &str, now: i64) -> Result<(), SignatureError> {
        let Ok(sig) = URL_SAFE_NO_PAD.decode(sig) else { return Err(SignatureError::Invalid) };
        let message = message(grant);
        let valid = self.keys.iter().any(|key| {
            let mut mac = mac(key);
            mac.update(&message);
            mac.verify_slice(&sig).is_ok()
        });
        match (valid, grant.expires >= now) {
            (false, _) => Err(SignatureError::Invalid),
            (true, false) => Err(SignatureError::Expired),
            (true, true) => Ok(()),
        }
    }
}

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length; this cannot fail.
    <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
}

fn message(grant: &Grant) -> Vec<u8> {
    format!("{}\n{}\n{}\n{}", grant.room, grant.attachment, grant.variant.as_str(), grant.expires).into_bytes()
}

#[cfg(test)]
mod tests {
    use chat_auth::Secret;
    use uuid::Uuid;

    use super::*;

    fn key(kid: &str, byte: u8) -> SigningKey {
        SigningKey { kid: kid.to_owned(), secret: Secret::new(vec![byte; 32]) }
    }

    fn grant() -> Grant {
        Grant {
            room: RoomId::from_uuid(Uuid::from_u128(1)),
            attachment: UploadId::from_uuid(Uuid::from_u128(2)),
            variant: Variant::Original,
            expires: 1_000,
        }
    }

    #[test]
    fn a_signed_grant_verifies_until_it_expires() {
        let signer = UrlSigner::new(&[key("a", 1)]);
        let sig = signer.sign(&grant());
        assert_eq!(signer.verify(&grant(), &sig, 999), Ok(()));
        assert_eq!(signer.verify(&grant(), &sig, 1_000), Ok(()));
        assert_eq!(signer.verify(&grant(), &sig, 1_001), Err(SignatureError::Expired));
    }

    #[test]
    fn any_change_to_the_grant_or_the_signature_is_invalid() {
        let signer = UrlSigner::new(&[key("a", 1)]);
        let sig = signer.sign(&grant());
        let later = Grant { expires: 5_000, ..grant() };
        assert_eq!(signer.verify(&later, &sig, 2_000), Err(SignatureError::Invalid), "a moved expiry");
        let thumbnail = Grant { variant: Variant::Thumbnail, ..grant() };
        assert_eq!(signer.verify(&thumbnail, &sig, 0), Err(SignatureError::Invalid));
        let other = Grant { attachment: UploadId::from_uuid(Uuid::from_u128(3)), ..grant() };
        assert_eq!(signer.verify(&other, &sig, 0), Err(SignatureError::Invalid));
        let mut flipped = sig.clone().into_bytes();
        flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
        assert_eq!(signer.verify(&grant(), std::str::from_utf8(&flipped).unwrap(), 0), Err(SignatureError::Invalid));
        assert_eq!(signer.verify(&grant(), "not base64!", 0), Err(SignatureError::Invalid));
    }

    #[test]
    fn urls_signed_with_an_older_key_verify_after_a_rotation_and_other_keys_do_not() {
        let old = UrlSigner::new(&[key("a", 1)]);
        let rotated = UrlSigner::new(&[key("b", 2), key("a", 1)]);
        let stranger = UrlSigner::new(&[key("c", 3)]);
        let sig = old.sign(&grant());
        assert_eq!(rotated.verify(&grant(), &sig, 0), Ok(()));
        assert_eq!(stranger.verify(&grant(), &sig, 0), Err(SignatureError::Invalid));
    }
}
