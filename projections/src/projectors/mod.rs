//! Projectors: feed sinks that maintain read models.
//!
//! Each projector is a feed of its own (its name is its checkpoint key), so that it can lag,
//! fail or be rebuilt independently. Effects are plain SQL in the feed transaction; a
//! projector never needs to be idempotent because the runner applies each event exactly once.

mod bans;
mod contacts;
mod invites;
mod rooms;
mod search;
mod support;
mod users;

pub use bans::BansProjector;
pub use contacts::ContactsProjector;
pub use invites::InvitesProjector;
pub use rooms::RoomsProjector;
pub use search::{SearchProjector, SearchableKind};
pub use support::SupportProjector;
pub use users::UsersProjector;

use sqlx::PgPool;

use chat_feed::DecodeError;

use crate::rebuild::{RebuildError, Rebuilt, rebuild, rebuild_in_lanes};

/// Every projector's name (also its feed name).
pub const NAMES: [&str; 7] = [
    UsersProjector::NAME,
    RoomsProjector::NAME,
    SupportProjector::NAME,
    SearchProjector::NAME,
    InvitesProjector::NAME,
    BansProjector::NAME,
    ContactsProjector::NAME,
];

/// Rebuilds the projector called `name` from the event store and swaps its tables in;
/// `None` if there is no such projector.
pub async fn rebuild_named(pool: &PgPool, name: &str, progress: impl Fn(u64)) -> Option<Result<Rebuilt, RebuildError>> {
    Some(match name {
        UsersProjector::NAME => rebuild(pool, name, UsersProjector::TABLES, &mut UsersProjector, progress).await,
        RoomsProjector::NAME => rebuild(pool, name, RoomsProjector::TABLES, &mut RoomsProjector, progress).await,
        SupportProjector::NAME => rebuild(pool, name, SupportProjector::TABLES, &mut SupportProjector, progress).await,
        InvitesProjector::NAME => rebuild(pool, name, InvitesProjector::TABLES, &mut InvitesProjector, progress).await,
        BansProjector::NAME => rebuild(pool, name, BansProjector::TABLES, &mut BansProjector, progress).await,
        ContactsProjector::NAME => {
            rebuild(pool, name, ContactsProjector::TABLES, &mut ContactsProjector, progress).await
        }
        SearchProjector::NAME => {
            rebuild_in_lanes(pool, name, SearchProjector::TABLES, &mut SearchProjector, progress).await
        }
        _ => return None,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Decode(#[from] DecodeError),
}
