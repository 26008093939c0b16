//! What logging in takes besides an access token (`chat_auth`): password hashing and
//! refresh tokens. Only the write side needs them.

mod passwords;
mod refresh;

pub use passwords::{Password, PasswordHasher};
pub use refresh::{IssuedRefresh, RefreshError, RefreshTokens};
