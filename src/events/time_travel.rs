//! `chat events at --room <id> (--seq N | --time <RFC 3339>)`: a room as it was at a sequence
//! or a moment, folded from its events, printed as JSON (the same answer as
//! `GET /v1/admin/rooms/{id}/at`).

use anyhow::bail;
use chat_domain::RoomId;
use chat_history::time_travel::{AsOf, room_at};
use chrono::{DateTime, Utc};
use clap::{ArgGroup, Args};
use sqlx::PgPool;

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("as_of").required(true).args(["seq", "time"])))]
pub struct AtArgs {
    /// The room's id.
    #[arg(long)]
    pub room: RoomId,
    /// As of the event with this room sequence (the room's last, if it is not that far yet).
    #[arg(long)]
    pub seq: Option<u64>,
    /// As of this moment: every event recorded at or before it (RFC 3339, e.g.
    /// 2026-11-23T12:00:00Z).
    #[arg(long, value_parser = rfc3339)]
    pub time: Option<DateTime<Utc>>,
}

pub async fn run(pool: &PgPool, args: &AtArgs) -> anyhow::Result<()> {
    let as_of = AsOf::from_params(args.seq, args.time)?;
    let Some(room) = room_at(pool, args.room, as_of).await? else {
        bail!("the event store has no room {}", args.room);
    };
    println!("{}", serde_json::to_string_pretty(&room)?);
    Ok(())
}

/// An RFC 3339 time, as the export's options take it.
pub(super) fn rfc3339(value: &str) -> Result<DateTime<Utc>, String> {
    chat_history::parse_time("time", value).map_err(|e| e.to_string())
}
