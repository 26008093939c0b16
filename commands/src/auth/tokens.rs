//! Short-lived access tokens: HS256 JWTs whose subject is the user id.

use std::time::Duration;

use chat_domain::UserId;
use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: UserId,
    iat: i64,
    exp: i64,
}

/// Why a presented token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid")]
    Invalid,
}

/// A freshly issued token.
#[derive(Debug, Serialize)]
pub struct Issued {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl Tokens {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), validation, ttl }
    }

    pub fn issue(&self, user: UserId, now: DateTime<Utc>) -> Result<Issued, jsonwebtoken::errors::Error> {
        let expires_at = now + self.ttl;
        let claims = Claims { sub: user, iat: now.timestamp(), exp: expires_at.timestamp() };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(Issued { token, expires_at })
    }

    pub fn verify(&self, token: &str) -> Result<UserId, TokenError> {
        match jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation) {
            Ok(data) => Ok(data.claims.sub),
            Err(error) if matches!(error.kind(), ErrorKind::ExpiredSignature) => Err(TokenError::Expired),
            Err(_) => Err(TokenError::Invalid),
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn an_issued_token_verifies_until_it_expires() {
        let tokens = Tokens::new(b"secret", Duration::from_secs(60));
        let user = UserId::from_uuid(Uuid::now_v7());
        let fresh = tokens.issue(user, Utc::now()).unwrap();
        assert_eq!(tokens.verify(&fresh.token), Ok(user));
        let stale = tokens.issue(user, Utc::now() - chrono::Duration::seconds(120)).unwrap();
        assert_eq!(tokens.verify(&stale.token), Err(TokenError::Expired));
    }

    #[test]
    fn a_token_signed_with_another_secret_or_mangled_is_invalid() {
        let ours = Tokens::new(b"secret", Duration::from_secs(60));
        let theirs = Tokens::new(b"other", Duration::from_secs(60));
        let user = UserId::from_uuid(Uuid::now_v7());
        assert_eq!(ours.verify(&theirs.issue(user, Utc::now()).unwrap().token), Err(TokenError::Invalid));
        assert_eq!(ours.verify("not.a.jwt"), Err(TokenError::Invalid));
    }
}
