//! Short-lived access tokens: HS256 JWTs whose subject is the user id, with a `kid` naming the
//! signing key so that keys can be rotated without logging anyone out: the first key signs,
//! every listed key verifies (keep the old key listed for one token lifetime after a rotation).
//!
//! A website visitor's token (support chat) names the website too (`vis`): the API accepts it
//! only on the visitor's routes and on the rooms they are in, never on members' routes.

use std::collections::HashMap;
use std::time::Duration;

use chat_domain::{UserId, WebsiteId};
use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::Secret;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: UserId,
    iat: i64,
    exp: i64,
    /// A global administrator (operations, analytics).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    adm: bool,
    /// A visitor of this website (support chat), not a registered user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    vis: Option<WebsiteId>,
}

/// A signing key: its id (in every token's header) and its secret.
#[derive(Clone, Debug)]
pub struct SigningKey {
    pub kid: String,
    pub secret: Secret,
}

/// Why a presented token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid")]
    Invalid,
}

/// A freshly issued access token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Issued {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Who a valid token speaks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
    pub user: UserId,
    pub admin: bool,
    /// For a visitor's token: the website they visit.
    pub visitor_of: Option<WebsiteId>,
}

pub struct Tokens {
    signing_kid: String,
    encoding: EncodingKey,
    verifying: HashMap<String, DecodingKey>,
    validation: Validation,
    ttl: Duration,
}

impl Tokens {
    /// `keys[0]` signs; all verify. Panics on an empty list (configuration checks that first).
    pub fn new(keys: &[SigningKey], ttl: Duration) -> Self {
        let signing = keys.first().expect("at least one signing key");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            signing_kid: signing.kid.clone(),
            encoding: EncodingKey::from_secret(signing.secret.expose()),
            verifying: keys
                .iter()
                .map(|key| (key.kid.clone(), DecodingKey::from_secret(key.secret.expose())))
                .collect(),
            validation,
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&self, user: UserId, admin: bool, now: DateTime<Utc>) -> Result<Issued, jsonwebtoken::errors::Error> {
        self.sign(user, admin, None, now)
    }

    /// A token for `visitor` of `website`.
    pub fn issue_visitor(
        &self,
        visitor: UserId,
        website: WebsiteId,
        now: DateTime<Utc>,
    ) -> Result<Issued, jsonwebtoken::errors::Error> {
        self.sign(visitor, false, Some(website), now)
    }

    fn sign(
        &self,
        user: UserId,
        admin: bool,
        visitor_of: Option<WebsiteId>,
        now: DateTime<Utc>,
    ) -> Result<Issued, jsonwebtoken::errors::Error> {
        let expires_at = now + self.ttl;
        let claims =
            Claims { sub: user, iat: now.timestamp(), exp: expires_at.timestamp(), adm: admin, vis: visitor_of };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.signing_kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &self.encoding)?;
        Ok(Issued { token, expires_at })
    }

    /// Checks the signature with the key the header names (a token without a known `kid` is
    /// invalid) and the expiry, with no leeway.
    pub fn verify(&self, token: &str) -> Result<Verified, TokenError> {
        let kid =
            jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?.kid.ok_or(TokenError::Invalid)?;
        let key = self.verifying.get(&kid).ok_or(TokenError::Invalid)?;
        match jsonwebtoken::decode::<Claims>(token, key, &self.validation) {
            Ok(data) => Ok(Verified { user: data.claims.sub, admin: data.claims.adm, visitor_of: data.claims.vis }),
            Err(error) if matches!(error.kind(), ErrorKind::ExpiredSignature) => Err(TokenError::Expired),
            Err(_) => Err(TokenError::Invalid),
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn key(kid: &str, secret: &str) -> SigningKey {
        SigningKey { kid: kid.to_owned(), secret: Secret::new(secret) }
    }

    fn user() -> UserId {
        UserId::from_uuid(Uuid::now_v7())
    }

    #[test]
    fn an_issued_token_verifies_until_it_expires() {
        let tokens = Tokens::new(&[key("k1", "secret")], Duration::from_secs(60));
        let user = user();
        let fresh = tokens.issue(user, true, Utc::now()).unwrap();
        assert_eq!(tokens.verify(&fresh.token), Ok(Verified { user, admin: true, visitor_of: None }));
        let website = WebsiteId::from_uuid(Uuid::now_v7());
        let visitor = tokens.issue_visitor(user, website, Utc::now()).unwrap();
        assert_eq!(tokens.verify(&visitor.token), Ok(Verified { user, admin: false, visitor_of: Some(website) }));
        let stale = tokens.issue(user, false, Utc::now() - chrono::Duration::seconds(120)).unwrap();
        assert_eq!(tokens.verify(&stale.token), Err(TokenError::Expired));
    }

    #[test]
    fn a_token_signed_with_another_secret_an_unknown_kid_or_mangled_is_invalid() {
        let ours = Tokens::new(&[key("k1", "secret")], Duration::from_secs(60));
        let user = user();
        let other_secret = Tokens::new(&[key("k1", "other")], Duration::from_secs(60));
        assert_eq!(ours.verify(&other_secret.issue(user, false, Utc::now()).unwrap().token), Err(TokenError::Invalid));
        let other_kid = Tokens::new(&[key("k2", "secret")], Duration::from_secs(60));
        assert_eq!(ours.verify(&other_kid.issue(user, false, Utc::now()).unwrap().token), Err(TokenError::Invalid));
        assert_eq!(ours.verify("not.a.jwt"), Err(TokenError::Invalid));
    }

    #[test]
    fn after_a_rotation_tokens_of_the_old_key_stay_valid_while_it_is_listed() {
        let before = Tokens::new(&[key("old", "old secret")], Duration::from_secs(60));
        let during = Tokens::new(&[key("new", "new secret"), key("old", "old secret")], Duration::from_secs(60));
        let after = Tokens::new(&[key("new", "new secret")], Duration::from_secs(60));
        let user = user();
        let old_token = before.issue(user, false, Utc::now()).unwrap().token;
        let new_token = during.issue(user, false, Utc::now()).unwrap().token;
        assert!(during.verify(&old_token).is_ok());
        assert!(during.verify(&new_token).is_ok());
        assert_eq!(after.verify(&old_token), Err(TokenError::Invalid));
        assert!(after.verify(&new_token).is_ok());
    }
}
