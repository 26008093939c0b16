//! What-if replays: part of the history fed through a projector into a schema of the analyst's
//! choosing (`chat events replay`), to query the read models as they were, or as a changed
//! projector would build them.
//!
//! This is a rebuild's shadow (`chat_projections::rebuild`) that is never swapped in: fresh copies of the
//! projector's tables in their own schema, filled on a connection whose `search_path` is that
//! schema. The live tables and the live feeds' checkpoints are never written; the feed itself
//! is only read. A replay schema is marked with a comment, and only a schema so marked is ever
//! replaced by a later replay: naming an existing schema of anything else is refused.

use sqlx::PgPool;

use chat_feed::{Checkpoint, FeedSink};
use chat_projections::projectors::{
    BansProjector, ContactsProjector, InvitesProjector, RoomsProjector, SearchProjector, SupportProjector,
    UsersProjector,
};
use chat_projections::rebuild::{EventPoint, Progress, RebuildError, Shadow, Until};

/// What every replay schema's comment starts with.
const MARKER: &str = "chat replay";

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(
        "{0:?} cannot be a replay schema: use 1–63 lower-case letters, digits and `_`, starting with a letter or `_`, \
         and not `public`, `information_schema` or a name starting with `pg_` or `rebuild_`"
    )]
    InvalidSchema(String),
    #[error("schema {0:?} exists and is not a replay schema; choose another name")]
    SchemaInUse(String),
    #[error(transparent)]
    Rebuild(#[from] RebuildError),
}

impl From<sqlx::Error> for ReplayError {
    fn from(error: sqlx::Error) -> Self {
        ReplayError::Rebuild(RebuildError::Database(error))
    }
}

/// Where a replay stopped.
#[derive(Debug)]
pub struct Replayed {
    /// The schema holding the replayed tables.
    pub schema: String,
    /// Events applied.
    pub events: u64,
    /// The last event applied, if any.
    pub last: Option<EventPoint>,
    /// Everything in the feed up to here was read: applied, or left out by `until`. Events of
    /// transactions still in flight when the replay ran come after it.
    pub checkpoint: Checkpoint,
}

/// A schema name an analyst may choose: a plain lower-case identifier (it is written into SQL
/// as it is), not a system schema, not the live one and not a rebuild's.
pub fn valid_schema(name: &str) -> Result<(), ReplayError> {
    let plain = (1..=63).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    let reserved =
        name == "public" || name == "information_schema" || name.starts_with("pg_") || name.starts_with("rebuild_");
    if plain && !reserved { Ok(()) } else { Err(ReplayError::InvalidSchema(name.to_owned())) }
}

/// Replays the feed (as far as `until` admits) through `sink`, the projector `name` whose
/// tables are `tables`, into schema `schema`, replacing an earlier replay schema of that name.
pub async fn replay<S: FeedSink>(
    pool: &PgPool,
    name: &str,
    tables: &[&str],
    schema: &str,
    sink: &mut S,
    until: Until,
    progress: impl Fn(u64),
) -> Result<Replayed, ReplayError> {
    valid_schema(schema)?;
    let existing: Option<Option<String>> =
        sqlx::query_scalar("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = $1")
            .bind(schema)
            .fetch_optional(pool)
            .await?;
    if let Some(comment) = existing
        && !comment.is_some_and(|comment| comment.starts_with(MARKER))
    {
        return Err(ReplayError::SchemaInUse(schema.to_owned()));
    }
    let mut shadow = Shadow::create(pool, schema.to_owned(), tables).await?;
    let comment = format!("{MARKER} of projector {name} ({until:?})").replace('\'', "");
    sqlx::query(&format!("COMMENT ON SCHEMA {schema} IS '{comment}'")).execute(shadow.conn()).await?;
    shadow.fill(sink, until, progress).await?;
    let Progress { checkpoint, events, last } = shadow.progress;
    Ok(Replayed { schema: shadow.schema, events, last, checkpoint })
}

/// Replays the feed (as far as `until` admits) through the projector called `name` into schema
/// `schema`, leaving its live tables and checkpoint alone; `None` if there is no such projector.
pub async fn replay_named(
    pool: &PgPool,
    name: &str,
    schema: &str,
    until: Until,
    progress: impl Fn(u64),
) -> Option<Result<Replayed, ReplayError>> {
    Some(match name {
        UsersProjector::NAME => {
            replay(pool, name, UsersProjector::TABLES, schema, &mut UsersProjector, until, progress).await
        }
        RoomsProjector::NAME => {
            replay(pool, name, RoomsProjector::TABLES, schema, &mut RoomsProjector, until, progress).await
        }
        SupportProjector::NAME => {
            replay(pool, name, SupportProjector::TABLES, schema, &mut SupportProjector, until, progress).await
        }
        SearchProjector::NAME => {
            replay(pool, name, SearchProjector::TABLES, schema, &mut SearchProjector, until, progress).await
        }
        InvitesProjector::NAME => {
            replay(pool, name, InvitesProjector::TABLES, schema, &mut InvitesProjector, until, progress).await
        }
        BansProjector::NAME => {
            replay(pool, name, BansProjector::TABLES, schema, &mut BansProjector, until, progress).await
        }
        ContactsProjector::NAME => {
            replay(pool, name, ContactsProjector::TABLES, schema, &mut ContactsProjector, until, progress).await
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_outside_the_system_and_rebuild_schemas_are_replay_schemas() {
        for good in ["whatif", "_scratch", "replay_2026_01", "a"] {
            assert!(valid_schema(good).is_ok(), "{good}");
        }
        let long = "x".repeat(64);
        for bad in
            ["", "public", "pg_temp", "information_schema", "rebuild_rooms", "WhatIf", "1st", "a-b", "a;drop", &long]
        {
            assert!(matches!(valid_schema(bad), Err(ReplayError::InvalidSchema(_))), "{bad}");
        }
    }
}
