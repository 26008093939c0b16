//! `chat events replay --projector <name> --schema <name> [--until-…]`: part of the history
//! through a projector into a schema of its own, for what-if analysis. The live read models
//! and the live feeds' checkpoints are left alone; the replayed tables are queried with
//! `SET search_path TO <schema>, public`.

use std::io::Write;

use anyhow::{Context, bail};
use chat_history::Cursor;
use chat_projections::projectors::NAMES;
use chat_projections::rebuild::Until;
use chrono::{DateTime, SecondsFormat, Utc};
use clap::{ArgGroup, Args};
use sqlx::PgPool;

use super::time_travel::rfc3339;

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("until").args(["until_cursor", "until_position", "until_time"])))]
pub struct ReplayArgs {
    /// The projector to run: users or rooms.
    #[arg(long)]
    pub projector: String,
    /// The schema to fill with fresh copies of the projector's tables (a plain lower-case
    /// name; an earlier replay schema of that name is replaced, any other schema is refused).
    #[arg(long)]
    pub schema: String,
    /// Replay the feed up to and including this cursor (`<tx_id>:<global_position>`, as an
    /// export prints it): exactly what a projector at that checkpoint had seen.
    #[arg(long)]
    pub until_cursor: Option<String>,
    /// Replay the events whose `global_position` (their place in the whole store, as an export
    /// prints it; not a room's `seq`) is at most this. The old name `--until-seq` still works
    /// for existing scripts but is deprecated: it took a global position too, never a room's
    /// sequence.
    #[arg(long, alias = "until-seq", value_name = "GLOBAL_POSITION")]
    pub until_position: Option<i64>,
    /// Replay the events recorded at or before this moment (RFC 3339).
    #[arg(long, value_parser = rfc3339)]
    pub until_time: Option<DateTime<Utc>>,
}

impl ReplayArgs {
    fn until(&self) -> anyhow::Result<Until> {
        Ok(match (&self.until_cursor, self.until_position, self.until_time) {
            (Some(cursor), ..) => {
                let Cursor(checkpoint) = cursor.parse().with_context(|| format!("--until-cursor {cursor:?}"))?;
                Until::Checkpoint(checkpoint)
            }
            (None, Some(position), _) => Until::Position(position),
            (None, None, Some(time)) => Until::Time(time),
            (None, None, None) => Until::End,
        })
    }
}

pub async fn run(pool: &PgPool, args: &ReplayArgs) -> anyhow::Result<()> {
    let (name, until) = (args.projector.as_str(), args.until()?);
    let progress = |events: u64| {
        eprint!("\rreplaying {name} into {}: {events} events", args.schema);
        let _ = std::io::stderr().flush();
    };
    let Some(result) = chat_history::replay::replay_named(pool, name, &args.schema, until, progress).await else {
        bail!("no projector called {name:?}; projectors: {}", NAMES.join(", "));
    };
    let replayed = result?;
    eprintln!();
    println!("replayed {name} into schema {}: {} events", replayed.schema, replayed.events);
    match replayed.last {
        Some(last) => println!(
            "last event: position {}, recorded at {}",
            last.checkpoint.position,
            last.recorded_at.to_rfc3339_opts(SecondsFormat::Micros, true)
        ),
        None => println!("last event: none"),
    }
    println!("stopped at cursor {}", Cursor(replayed.checkpoint));
    println!("query with: SET search_path TO {}, public;", replayed.schema);
    Ok(())
}
