//! One-off projection actions: `chat projections rebuild <name>` and `chat projections status`.

use std::io::Write;

use anyhow::bail;
use chat_feed::lag;
use chat_projections::projectors::{self, NAMES};
use sqlx::PgPool;

use crate::cli::ProjectionsAction;

pub async fn run(pool: &PgPool, action: &ProjectionsAction) -> anyhow::Result<()> {
    match action {
        ProjectionsAction::Rebuild { name } => {
            let names: Vec<&str> = if name == "all" { NAMES.to_vec() } else { vec![name.as_str()] };
            for name in names {
                let progress = |events: u64| {
                    eprint!("\rrebuilding {name}: {events} events");
                    let _ = std::io::stderr().flush();
                };
                let Some(result) = projectors::rebuild_named(pool, name, progress).await else {
                    bail!("no projector called {name:?}; projectors: {}", NAMES.join(", "));
                };
                let rebuilt = result?;
                let seconds = rebuilt.elapsed.as_secs_f64();
                eprintln!();
                println!(
                    "rebuilt {name}: {} events in {seconds:.2} s ({:.0} events/s)",
                    rebuilt.events,
                    rebuilt.events as f64 / seconds.max(f64::EPSILON)
                );
            }
        }
        ProjectionsAction::Status => {
            for feed in lag(pool).await? {
                println!("{:<12} {:>10} events behind  {:>8.1} s", feed.name, feed.events_behind, feed.seconds_behind);
            }
        }
    }
    Ok(())
}
