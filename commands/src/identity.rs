//! Identity verification for support chat (docs/api.md §12.4). A website's server signs the
//! id of its logged-in user with the website's identity secret, `hex(HMAC-SHA256(secret, id))`
//! (as Intercom, Chatwoot and Help Scout do), and the widget passes id and signature on; a
//! visitor who shows a valid signature becomes that user's one contact, on every device.
//!
//! The secret is the commands' own, like a password hash: it never enters the event store
//! (which analysts export) nor a read model. Its rotations are events (`IdentitySecretRotated`).
//! Which visitor is which signed id is a claim in `visitor_identities`, unique both ways, so
//! that two devices identifying at once end up as the same visitor.

use chat_domain::user::ExternalUserId;
use chat_domain::{UserId, WebsiteId};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use sqlx::PgPool;
use uuid::Uuid;

/// A new secret: 256 random bits as 64 lower-case hex digits (what the website's server keys
/// its HMAC with, as text).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `signature` (hex, either case) is `HMAC-SHA256(secret, external_id)`; compared in
/// constant time.
pub fn is_signed(secret: &str, external_id: &ExternalUserId, signature: &str) -> bool {
    let Some(signature) = decode_hex(signature) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(external_id.as_str().as_bytes());
    mac.verify_slice(&signature).is_ok()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// The website's current identity secret, if its owner made one.
pub async fn secret(pool: &PgPool, website: WebsiteId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT secret FROM website_identity_secrets WHERE website_id = $1")
        .bind(website.as_uuid())
        .fetch_optional(pool)
        .await
}

/// Replaces the website's secret (the caller recorded the rotation).
pub async fn store_secret(pool: &PgPool, website: WebsiteId, secret: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO website_identity_secrets (website_id, secret) VALUES ($1, $2)
         ON CONFLICT (website_id) DO UPDATE SET secret = $2, rotated_at = now()",
    )
    .bind(website.as_uuid())
    .bind(secret)
    .execute(pool)
    .await?;
    Ok(())
}

/// The visitor who is `external_id` of `website`, if one is.
pub async fn visitor_of(
    pool: &PgPool,
    website: WebsiteId,
    external_id: &ExternalUserId,
) -> Result<Option<UserId>, sqlx::Error> {
    let found: Option<Uuid> =
        sqlx::query_scalar("SELECT user_id FROM visitor_identities WHERE website_id = $1 AND external_id = $2")
            .bind(website.as_uuid())
            .bind(external_id.as_str())
            .fetch_optional(pool)
            .await?;
    Ok(found.map(UserId::from_uuid))
}

/// Whether `visitor` is somebody already (linked to any id of theirs).
pub async fn is_linked(pool: &PgPool, visitor: UserId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT FROM visitor_identities WHERE user_id = $1)")
        .bind(visitor.as_uuid())
        .fetch_one(pool)
        .await
}

/// Claims `external_id` for `visitor`; the visitor who holds it afterwards (`visitor`, or
/// whoever claimed it first), or `None` if `visitor` was linked to another id meanwhile.
pub async fn link(
    pool: &PgPool,
    website: WebsiteId,
    external_id: &ExternalUserId,
    visitor: UserId,
) -> Result<Option<UserId>, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO visitor_identities (website_id, external_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(website.as_uuid())
    .bind(external_id.as_str())
    .bind(visitor.as_uuid())
    .execute(pool)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Some(visitor));
    }
    visitor_of(pool, website, external_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `printf 'user-42' | openssl dgst -sha256 -hmac 'secret'`
    const SIGNED: &str = "e286b7b944100ab478fe553b39122922de0000aee1d04087dc3e96eefc3a8d47";

    fn id(s: &str) -> ExternalUserId {
        ExternalUserId::parse(s).unwrap()
    }

    fn sign(secret: &str, id: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(id.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn a_signature_verifies_only_for_its_secret_and_id() {
        let secret = new_secret();
        assert_eq!(secret.len(), 64);
        let signature = sign(&secret, "user-42");
        assert!(is_signed(&secret, &id("user-42"), &signature));
        assert!(is_signed(&secret, &id("user-42"), &signature.to_uppercase()));
        assert!(!is_signed(&secret, &id("user-43"), &signature));
        assert!(!is_signed(&new_secret(), &id("user-42"), &signature));
        for bad in ["", "zz", &signature[..62], &format!("{signature}00"), &signature.replace(&signature[..2], "é")] {
            assert!(!is_signed(&secret, &id("user-42"), bad), "{bad}");
        }
    }

    #[test]
    fn signatures_are_what_openssl_computes() {
        assert!(is_signed("secret", &id("user-42"), SIGNED));
    }
}
