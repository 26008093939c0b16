//! `pgbench`: the database's own ceiling for the write path, measured in the same run as the
//! scenarios — pgbench inserting one row per transaction into a copy of the `events` table
//! (same columns, defaults and indexes, no trigger), at each client count.

use anyhow::Context;
use serde_json::{Value, json};
use sqlx::postgres::PgPoolOptions;

#[derive(clap::Args)]
pub struct Args {
    /// The chat database (it must hold the `events` table).
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// Client counts to measure (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "1,8")]
    clients: Vec<u32>,
    /// Seconds per client count.
    #[arg(long, default_value_t = 10)]
    duration: u64,
}

const TABLE: &str = "bench_baseline_events";

/// One event append, as the write path does it (a `MessagePosted`-sized payload).
/// (`:name` is a pgbench variable: JSON keeps a space after its colons where a letter follows.)
const SCRIPT: &str = r#"INSERT INTO bench_baseline_events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
VALUES ('room', gen_random_uuid()::text, 1, 'MessagePosted', '1.1',
 '{"MessagePosted":{"message_id":"0194a5e2-7a4e-7c4e-9b0e-6a1f3b2c9d10","author":"0194a5e2-7a4e-7c4e-9b0e-6a1f3b2c9d11","body":"a message of ordinary length, about sixty characters long","client_msg_id":"c1-1","reply_to": null,"mentions":[]}}',
 '{"actor":"0194a5e2-7a4e-7c4e-9b0e-6a1f3b2c9d11","request_id":"0194a5e2-7a4e-7c4e-9b0e-6a1f3b2c9d12"}');
"#;

pub async fn run(args: Args) -> anyhow::Result<Value> {
    let pool = PgPoolOptions::new().max_connections(1).connect(&args.database_url).await?;
    sqlx::query(&format!("DROP TABLE IF EXISTS {TABLE}")).execute(&pool).await?;
    sqlx::query(&format!("CREATE TABLE {TABLE} (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)"))
        .execute(&pool)
        .await
        .context("copying the events table (is this the chat database?)")?;
    let script = std::env::temp_dir().join(format!("chat-bench-pgbench-{}.sql", std::process::id()));
    std::fs::write(&script, SCRIPT)?;
    let mut tps = serde_json::Map::new();
    for clients in &args.clients {
        let output = tokio::process::Command::new("pgbench")
            .args(["-n", "-M", "prepared", "-f"])
            .arg(&script)
            .args(["-c", &clients.to_string(), "-j", &clients.to_string(), "-T", &args.duration.to_string()])
            .arg(&args.database_url)
            .output()
            .await
            .context("running pgbench (install the PostgreSQL client tools)")?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        anyhow::ensure!(output.status.success(), "pgbench failed: {}", String::from_utf8_lossy(&output.stderr));
        let value = stdout
            .lines()
            .find_map(|line| line.strip_prefix("tps = "))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|number| number.parse::<f64>().ok())
            .with_context(|| format!("no tps in pgbench's output: {stdout}"))?;
        tps.insert(format!("clients_{clients}"), json!(value.round()));
    }
    let _ = std::fs::remove_file(&script);
    sqlx::query(&format!("DROP TABLE {TABLE}")).execute(&pool).await?;
    pool.close().await;
    Ok(json!({"scenario": "pgbench", "duration_s": args.duration, "tps": tps}))
}
