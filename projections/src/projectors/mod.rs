//! Projectors: feed sinks that maintain read models.
//!
//! Each projector is a feed of its own (its name is its checkpoint key), so that it can lag,
//! fail or be rebuilt independently. Effects are plain SQL in the feed transaction; a
//! projector never needs to be idempotent because the runner applies each event exactly once.

mod history;
mod rooms;
mod users;

pub use history::HistoryProjector;
pub use rooms::RoomsProjector;
pub use users::UsersProjector;

use crate::feed::DecodeError;

#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Decode(#[from] DecodeError),
}
