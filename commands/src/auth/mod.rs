//! Authentication: access tokens (JWT), refresh tokens and password hashing.

mod passwords;
mod refresh;
mod tokens;

pub use passwords::{Password, PasswordHasher};
pub use refresh::{IssuedRefresh, RefreshError, RefreshTokens};
pub use tokens::{Issued, SigningKey, TokenError, Tokens, Verified};
