//! Why a user command was refused.

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error("the user does not exist")]
    UserNotFound,
    #[error("the user is already registered under another name")]
    AlreadyRegistered,
    #[error("the user's account was erased")]
    Erased,
    #[error("this visitor is someone else (another website's visitor, or another of its users)")]
    IdentityMismatch,
}
