//! Refresh tokens: long-lived, opaque, stored only as SHA-256 hashes, rotated on every use.
//!
//! Each login starts a family; refreshing marks the presented token rotated and issues its
//! successor in the same family. Presenting a rotated token again means someone else holds a
//! copy (it was stolen, or a client raced itself), so the whole family is revoked and both
//! parties must log in again.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chat_domain::UserId;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct IssuedRefresh {
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("the refresh token is unknown, expired or revoked")]
    Invalid,
    #[error("the refresh token was already used; every session of that login is revoked")]
    Reused,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

#[derive(Clone)]
pub struct RefreshTokens {
    pool: PgPool,
    ttl: Duration,
}

#[derive(sqlx::FromRow)]
struct StoredToken {
    user_id: Uuid,
    family_id: Uuid,
    expires_at: DateTime<Utc>,
    rotated_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

impl RefreshTokens {
    pub fn new(pool: PgPool, ttl: Duration) -> Self {
        Self { pool, ttl }
    }

    /// A new token for `user`, starting a new family (a login) or continuing `family`.
    async fn issue_in<'c, E: sqlx::PgExecutor<'c>>(
        &self,
        executor: E,
        user: UserId,
        family: Uuid,
    ) -> Result<IssuedRefresh, sqlx::Error> {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let refresh_token = URL_SAFE_NO_PAD.encode(bytes);
        let refresh_expires_at = Utc::now() + self.ttl;
        sqlx::query("INSERT INTO refresh_tokens (token_hash, user_id, family_id, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(hash(&refresh_token))
            .bind(user.as_uuid())
            .bind(family)
            .bind(refresh_expires_at)
            .execute(executor)
            .await?;
        Ok(IssuedRefresh { refresh_token, refresh_expires_at })
    }

    pub async fn issue(&self, user: UserId) -> Result<IssuedRefresh, sqlx::Error> {
        self.issue_in(&self.pool, user, Uuid::now_v7()).await
    }

    /// Exchanges `presented` for its successor, once.
    pub async fn rotate(&self, presented: &str) -> Result<(UserId, IssuedRefresh), RefreshError> {
        let mut tx = self.pool.begin().await?;
        let row: Option<StoredToken> = sqlx::query_as(
            "SELECT user_id, family_id, expires_at, rotated_at, revoked_at FROM refresh_tokens
             WHERE token_hash = $1 FOR UPDATE",
        )
        .bind(hash(presented))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(StoredToken { user_id: user, family_id: family, expires_at, rotated_at, revoked_at }) = row else {
            return Err(RefreshError::Invalid);
        };
        if revoked_at.is_some() || expires_at <= Utc::now() {
            return Err(RefreshError::Invalid);
        }
        if rotated_at.is_some() {
            sqlx::query("UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL")
                .bind(family)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Err(RefreshError::Reused);
        }
        sqlx::query("UPDATE refresh_tokens SET rotated_at = now() WHERE token_hash = $1")
            .bind(hash(presented))
            .execute(&mut *tx)
            .await?;
        let user = UserId::from_uuid(user);
        let next = self.issue_in(&mut *tx, user, family).await?;
        tx.commit().await?;
        Ok((user, next))
    }

    /// Logs out the login `presented` belongs to (whatever its state). Unknown tokens are ignored.
    pub async fn revoke_family(&self, presented: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = now()
             WHERE revoked_at IS NULL AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)",
        )
        .bind(hash(presented))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Logs `user` out everywhere.
    pub async fn revoke_all(&self, user: UserId) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL")
            .bind(user.as_uuid())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
