//! `connections`: many idle, authenticated connections on one gateway; reports how fast they
//! open and what each costs the gateway in resident memory (from its `/proc/<pid>/status`).

use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};

use crate::client::Client;
use crate::memory::{kib_per, rss_kib};
use crate::stats::{rate, round_s};
use crate::ws::{self, Tally, lock};

#[derive(clap::Args)]
pub struct Args {
    /// The gateway's WebSocket URL.
    #[arg(long)]
    ws: String,
    /// The gateway's process id, to read its memory.
    #[arg(long)]
    gateway_pid: Option<u32>,
    #[arg(long, default_value_t = 20_000)]
    connections: usize,
    /// Users the connections belong to (round-robin).
    #[arg(long, default_value_t = 200)]
    users: usize,
    /// Connections opened at once.
    #[arg(long, default_value_t = 128)]
    concurrency: usize,
    /// Seconds to hold the connections open, idle, before measuring.
    #[arg(long, default_value_t = 5)]
    hold: u64,
}

pub async fn run(api: &str, args: Args) -> anyhow::Result<Value> {
    let client = Client::new(api);
    let users = client.register_many("bench_idle", args.users.clamp(1, args.connections.max(1))).await?;
    let before = args.gateway_pid.map(rss_kib).transpose()?;
    let tallies: Vec<_> = (0..args.connections).map(|_| Tally::new(&Default::default())).collect();
    let started = Instant::now();
    let conns: Vec<ws::Conn> = futures::stream::iter(tallies.iter().enumerate())
        .map(|(i, tally)| ws::open(&args.ws, &users[i % users.len()].token, tally))
        .buffer_unordered(args.concurrency.max(1))
        .try_collect()
        .await?;
    let all_ready = ws::wait_all(&tallies, Duration::from_secs(120), |tally| tally.ready).await;
    let connecting = started.elapsed();
    tokio::time::sleep(Duration::from_secs(args.hold)).await;
    let after = args.gateway_pid.map(rss_kib).transpose()?;
    let closed = tallies.iter().filter(|tally| lock(tally).closed.is_some()).count();
    for conn in conns {
        conn.reader.abort();
    }
    Ok(json!({
        "scenario": "connections",
        "connections": args.connections,
        "users": users.len(),
        "all_ready": all_ready,
        "connect_s": round_s(connecting),
        "connects_per_s": rate(args.connections, connecting),
        "closed_while_idle": closed,
        "gateway_rss_before_kib": before,
        "gateway_rss_after_kib": after,
        "gateway_kib_per_connection": kib_per(before, after, args.connections),
    }))
}
