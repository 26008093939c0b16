//! Erasing a user's personal data (the right to erasure): `chat users erase <user id>` and
//! `POST /v1/admin/users/{user_id}/erase`.
//!
//! Personal data is redacted in place (see `chat_domain::redaction` for why not
//! crypto-shredding): every event keeps its place, sequence and ids, only the fields listed in
//! `PERSONAL_DATA` become `null`, so room histories stay gap-free and every count and replay
//! stays consistent. All of it happens in one transaction:
//! 1. the credentials and every refresh token are deleted, first: the user can no longer log
//!    in or refresh a session, and the `DELETE` is the fence against their commands in flight
//!    (`crate::store`, "The account fence"): it waits for any append that holds their
//!    credentials row, whose events every later statement here then sees and redacts, and any
//!    append after it finds the row locked or gone and appends nothing, so nothing of theirs
//!    lands after the scan in step 3 and survives; the same `DELETE` removes their delivery
//!    markers (`crate::delivery`: device state like sessions, referencing the credentials row
//!    `ON DELETE CASCADE`, and fenced on it like appends, so none is written after it);
//! 2. the `User` aggregate decides (`Erase`): an unknown user is refused; a first erasure
//!    appends `UserErased`; a repeated one appends nothing and just runs the clean-up again;
//! 3. the personal fields of the user's events are set to `null` and the payloads marked
//!    `"redacted": true` (one scan of the events table);
//! 4. the `users`, `rooms`, `support` and `search` feeds are fenced (no batch in flight, none
//!    until commit), and the read models redacted in every copy (`chat_projections::erasure`),
//!    so nothing the projectors wrote from the old payloads survives and nothing they write
//!    later has it (the search index loses the user's messages: their text is findable no
//!    more);
//! 5. the user's uploads are deleted and their blobs queued (`crate::uploads::records`): the
//!    files 404 from the commit on, and the bytes leave the object store outside the
//!    transaction — at once when the API ran the erasure, else at the next upkeep round (a
//!    minute at most); a blob another user's upload also names stays.
//!
//! Sessions: access tokens already issued expire within their short lifetime; until then the
//! room writers refuse their commands, and the gateways refuse them at `identify` and close the
//! user's open connections when the relay delivers `UserErased` (close code 4001).
//!
//! Locks, in order: the credentials row (waits only for appends, single statements that wait
//! for nothing here), the user's stream and events (other erasures of the same user), then the
//! feeds' batch locks (projector batches, which take none of the locks held here), so there is
//! no cycle to deadlock on.
//!
//! Not reached: copies outside Postgres — the JetStream stream keeps the original payloads for
//! its retention window (subjects are per room, so one user's messages cannot be purged from
//! it alone), and clients keep what they received. SECURITY.md says so.

use chat_domain::UserId;
use chat_domain::redaction::{Owner, PERSONAL_DATA, REDACTED_MARKER};
use chat_domain::user::{User, UserCommand, UserError, UserEvent};
use chat_feed::lease;
use chat_projections::erasure::{RedactedRows, redact_read_models};
use chat_projections::projectors::{RoomsProjector, SearchProjector, SupportProjector, UsersProjector};
use cqrs_es::{Aggregate, DomainEvent};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

use crate::store::CommandMeta;

/// Attempts when another write to the same user stream races the erasure.
const ATTEMPTS: u32 = 3;

/// What an erasure did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Erasure {
    pub user_id: UserId,
    /// `false` when the user had been erased before (the clean-up ran again).
    pub newly_erased: bool,
    /// Events whose personal fields were redacted now.
    pub events_redacted: u64,
    /// What was taken out of the read models.
    pub read_models: RedactedRows,
    /// Refresh tokens deleted.
    pub sessions_ended: u64,
    /// Uploads deleted (their files are gone; the blobs leave the store after the commit).
    pub uploads_deleted: u64,
    /// What becomes of the user's open WebSocket connections.
    pub live_connections: LiveConnections,
}

/// The user's open WebSocket connections after an erasure. The erasure does not wait for
/// them: the gateways close them when the relay delivers `UserErased`, moments after commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LiveConnections {
    /// Every gateway closes them (4001) on this erasure's `UserErased`, and refuses new ones.
    Closing,
    /// They were closed at the first erasure; gateways have refused new ones since.
    ClosedBefore,
}

#[derive(Debug, thiserror::Error)]
pub enum ErasureError {
    #[error(transparent)]
    Rejected(#[from] UserError),
    #[error("another change to the user raced the erasure; retry")]
    Busy,
    #[error("erasure failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("a stored user event does not decode: {0}")]
    Decode(#[from] serde_json::Error),
}

/// Erases `user`'s personal data, recording the erasure under `meta`.
#[tracing::instrument(level = "error", skip_all, fields(user_id = %user))]
pub async fn erase(pool: &PgPool, user: UserId, meta: &CommandMeta) -> Result<Erasure, ErasureError> {
    for _ in 0..ATTEMPTS {
        let mut tx = pool.begin().await?;
        // First: the fence against the user's commands in flight (see the module docs).
        sqlx::query("DELETE FROM user_credentials WHERE user_id = $1").bind(user.as_uuid()).execute(&mut *tx).await?;
        let sessions_ended = sqlx::query("DELETE FROM refresh_tokens WHERE user_id = $1")
            .bind(user.as_uuid())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let newly_erased = match record(&mut tx, user, meta).await {
            Err(ErasureError::Database(sqlx::Error::Database(error))) if error.is_unique_violation() => continue,
            other => other?,
        };
        let events_redacted = redact_events(&mut tx, user).await?;
        for feed in [UsersProjector::NAME, RoomsProjector::NAME, SupportProjector::NAME, SearchProjector::NAME] {
            lease::exclude_batches(&mut tx, feed).await?;
        }
        let read_models = redact_read_models(&mut tx, user).await?;
        let uploads_deleted = crate::uploads::records::delete_all_of(&mut tx, user).await?;
        tx.commit().await?;
        let live_connections = if newly_erased { LiveConnections::Closing } else { LiveConnections::ClosedBefore };
        tracing::info!(newly_erased, events_redacted, uploads_deleted, "user erased");
        return Ok(Erasure {
            user_id: user,
            newly_erased,
            events_redacted,
            read_models,
            sessions_ended,
            uploads_deleted,
            live_connections,
        });
    }
    Err(ErasureError::Busy)
}

/// Folds the user's stream, lets the aggregate decide, and appends what it decided; whether
/// the user is newly erased.
async fn record(conn: &mut PgConnection, user: UserId, meta: &CommandMeta) -> Result<bool, ErasureError> {
    let id = user.to_string();
    let stored: Vec<(i64, String, String, Value)> = sqlx::query_as(
        "SELECT sequence, event_type, event_version, payload FROM events
         WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence",
    )
    .bind(User::TYPE)
    .bind(&id)
    .fetch_all(&mut *conn)
    .await?;
    let (mut aggregate, mut version) = (User::default(), 0);
    for (sequence, event_type, mut event_version, mut payload) in stored {
        chat_domain::upcast::upcast(User::TYPE, &event_type, &mut event_version, &mut payload);
        aggregate.apply(serde_json::from_value::<UserEvent>(payload)?);
        version = sequence;
    }
    let decided = aggregate.decide(UserCommand::Erase)?;
    let metadata = json!({"actor": meta.actor.to_string(), "request_id": meta.request_id, "via": meta.via});
    for (event, sequence) in decided.iter().zip(version + 1..) {
        // The clock at the insert, not the transaction's start: a user's events stay in time
        // order even if another of theirs committed while this transaction was open.
        sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata,
                                 recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp())",
        )
        .bind(User::TYPE)
        .bind(&id)
        .bind(sequence)
        .bind(event.event_type())
        .bind(event.event_version())
        .bind(serde_json::to_value(event)?)
        .bind(&metadata)
        .execute(&mut *conn)
        .await?;
    }
    Ok(!decided.is_empty())
}

/// Sets the personal fields of `user`'s events to `null` (those of each element of a listed
/// list too: an attachment's name) and marks them redacted; how many events were not redacted
/// before.
async fn redact_events(conn: &mut PgConnection, user: UserId) -> Result<u64, sqlx::Error> {
    let mut redacted = 0;
    for personal in PERSONAL_DATA {
        let mut nulls = serde_json::Map::new();
        for field in personal.fields {
            nulls.insert((*field).to_owned(), Value::Null);
        }
        nulls.insert(REDACTED_MARKER.to_owned(), Value::Bool(true));
        let (owner, owner_field) = match personal.owner {
            Owner::Aggregate => ("aggregate_id = $3", ""),
            Owner::Field(field) => ("payload ->> $4 = $3", field),
        };
        // Each list (`$6`, `$8`, …) rebuilt with its elements' fields (`$7`, `$9`, …) set to null,
        // in order; a payload of a version without the list is left without it.
        let mut in_lists = String::new();
        let mut list_params = Vec::new();
        for (n, (list, fields)) in personal.in_lists.iter().enumerate() {
            let (name, element_nulls) = (6 + 2 * n, 7 + 2 * n);
            in_lists.push_str(&format!(
                " || CASE WHEN jsonb_typeof(payload -> ${name}) = 'array' THEN jsonb_build_object(${name}::text,
                        (SELECT COALESCE(jsonb_agg(e.value || ${element_nulls} ORDER BY e.ordinality), '[]'::jsonb)
                         FROM jsonb_array_elements(payload -> ${name}) WITH ORDINALITY AS e))
                      ELSE '{{}}'::jsonb END"
            ));
            let nulls: serde_json::Map<String, Value> = fields.iter().map(|f| ((*f).to_owned(), Value::Null)).collect();
            list_params.push(((*list).to_owned(), Value::Object(nulls)));
        }
        let statement = format!(
            "UPDATE events SET payload = payload || $5{in_lists}
             WHERE aggregate_type = $1 AND event_type = $2 AND {owner} AND NOT payload @> $5"
        );
        let mut query = sqlx::query(&statement)
            .bind(personal.aggregate_type)
            .bind(personal.event_type)
            .bind(user.to_string())
            .bind(owner_field)
            .bind(Value::Object(nulls));
        for (list, element_nulls) in list_params {
            query = query.bind(list).bind(element_nulls);
        }
        redacted += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(redacted)
}
