//! Authentication: access tokens (JWT) and password hashing.

mod passwords;
mod tokens;

pub use passwords::{Password, PasswordHasher};
pub use tokens::{Issued, TokenError, Tokens};
