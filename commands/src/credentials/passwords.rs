//! Password rules and argon2id hashing, always off the async runtime (hashing is deliberately
//! slow CPU work that would otherwise stall every connection on the worker thread).

use std::num::NonZeroUsize;
use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher as _, PasswordVerifier as _};
use chat_domain::text::TextError;
use tokio::sync::Semaphore;

/// A password as typed: 8–256 characters. Never logged (no `Debug` of the content).
pub struct Password(String);

impl Password {
    pub fn parse(s: String) -> Result<Self, TextError> {
        let chars = s.chars().count();
        if chars == 0 {
            return Err(TextError::Empty);
        }
        if chars < 8 {
            return Err(TextError::TooShort { min: 8 });
        }
        if chars > 256 {
            return Err(TextError::TooLong { max: 256 });
        }
        Ok(Self(s))
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes and verifies passwords on the blocking thread pool, as many at once as there are
/// cores. Each argon2 computation holds 19 MiB: without a bound, 250 concurrent registrations
/// took a `commands` process to 3.8 GB (and a login flood from many addresses, which the
/// per-address limit does not stop, could take it further); the rest wait their turn.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, NonZeroUsize::get);
        Self { permits: Arc::new(Semaphore::new(cores)) }
    }
}

impl PasswordHasher {
    pub async fn hash(&self, password: Password) -> Result<String, HashError> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.0.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|e| HashError(e.to_string()))
        })
        .await?
    }

    /// Whether `password` matches `hash`. With no stored hash (unknown user) it still does the
    /// work of a verification, so that response times do not reveal which usernames exist.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, HashError> {
        self.run(move || {
            let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
            let parsed = PasswordHash::new(&hash).map_err(|e| HashError(e.to_string()))?;
            let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
            Ok(matches && hash != DUMMY_HASH)
        })
        .await?
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
        let _permit = self.permits.acquire().await.map_err(|e| HashError(e.to_string()))?;
        tokio::task::spawn_blocking(work).await.map_err(|e| HashError(e.to_string()))
    }
}

/// An argon2id hash (default parameters) of a random password nobody knows.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Zk3mM1V1m3tqKZzBF3Un3JtFx0NwX0vQmGdF5cX3cLQ";
