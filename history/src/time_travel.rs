//! Time travel: a room as it was at a sequence or at a moment (`chat events at`,
//! `GET /v1/admin/rooms/{id}/at`).
//!
//! Computed from the event store, not from read models: the room's events up to that point,
//! in sequence order, folded with the domain's own `Room::apply` (`RoomView::fold`), so the
//! answer is what the room's rules saw then. "At a moment" means the longest prefix of the
//! room's events recorded at or before it (an aggregate's events are recorded in sequence
//! order, so that is every event recorded by then).

use chat_domain::RoomId;
use chat_domain::room::{Room, RoomEvent, RoomView};
use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use serde::Serialize;
use sqlx::PgPool;

use chat_feed::{DecodeError, stream_after};

/// Events read per query.
const PAGE: i64 = 1_000;

/// The point of a room's history to look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AsOf {
    /// After the event with this sequence (or the last one, if the room is not that far yet).
    Seq(u64),
    /// After every event recorded at or before this moment.
    Time(DateTime<Utc>),
}

impl AsOf {
    /// Exactly one of `seq` and `time`, as the CLI and the query string give them.
    pub fn from_params(seq: Option<u64>, time: Option<DateTime<Utc>>) -> Result<Self, AmbiguousAsOf> {
        match (seq, time) {
            (Some(seq), None) => Ok(AsOf::Seq(seq)),
            (None, Some(time)) => Ok(AsOf::Time(time)),
            _ => Err(AmbiguousAsOf),
        }
    }

    fn includes(&self, seq: u64, recorded_at: DateTime<Utc>) -> bool {
        match self {
            AsOf::Seq(until) => seq <= *until,
            AsOf::Time(until) => recorded_at <= *until,
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("give exactly one of `seq` and `time`")]
pub struct AmbiguousAsOf;

#[derive(Debug, thiserror::Error)]
pub enum TimeTravelError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

/// A room at a point of its history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoomAt {
    pub room_id: RoomId,
    /// The point asked for.
    pub as_of: AsOf,
    /// When the last event folded in was recorded (`None` if the room did not exist yet).
    #[schema(required = true)]
    pub recorded_at: Option<DateTime<Utc>>,
    /// The room's latest sequence today, for scale.
    pub latest_seq: u64,
    /// `seq` (the last event folded in), `kind`, `members`, the counts.
    #[serde(flatten)]
    pub state: RoomView,
}

/// `room` as of `as_of`; `None` if the event store has no room of that id.
pub async fn room_at(pool: &PgPool, room: RoomId, as_of: AsOf) -> Result<Option<RoomAt>, TimeTravelError> {
    let id = room.to_string();
    let latest: Option<i64> =
        sqlx::query_scalar("SELECT max(sequence) FROM events WHERE aggregate_type = $1 AND aggregate_id = $2")
            .bind(Room::TYPE)
            .bind(&id)
            .fetch_one(pool)
            .await?;
    let Some(latest) = latest else {
        return Ok(None);
    };
    let (mut state, mut recorded_at, mut after) = (Room::default(), None, 0);
    'pages: loop {
        let page = stream_after(pool, Room::TYPE, &id, after, PAGE).await?;
        for event in &page {
            let seq = event.sequence.max(0) as u64;
            if !as_of.includes(seq, event.recorded_at) {
                break 'pages;
            }
            state.apply(event.decode::<RoomEvent>()?);
            recorded_at = Some(event.recorded_at);
            after = event.sequence;
        }
        if (page.len() as i64) < PAGE {
            break;
        }
    }
    Ok(Some(RoomAt {
        room_id: room,
        as_of,
        recorded_at,
        latest_seq: latest.max(0) as u64,
        state: RoomView::of(&state),
    }))
}
