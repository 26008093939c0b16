//! `connections`: many idle, authenticated connections on one gateway; reports how fast they
//! open and what each costs the gateway in resident memory (from its `/proc/<pid>/status`).

use std::time::{Duration, Instant};

use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};

use crate::client::Client;
use crate::stats::rate;
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

/// Resident memory of `pid` in KiB.
fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).with_context(|| format!("process {pid}"))?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).context("VmRSS")?;
    line.split_whitespace().nth(1).context("VmRSS value")?.parse().context("VmRSS value")
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
    let per_connection = before.zip(after).map(|(before, after)| {
        (after.saturating_sub(before) as f64 / args.connections.max(1) as f64 * 100.0).round() / 100.0
    });
    Ok(json!({
        "scenario": "connections",
        "connections": args.connections,
        "users": users.len(),
        "all_ready": all_ready,
        "connect_s": (connecting.as_secs_f64() * 100.0).round() / 100.0,
        "connects_per_s": rate(args.connections, connecting),
        "closed_while_idle": closed,
        "gateway_rss_before_kib": before,
        "gateway_rss_after_kib": after,
        "gateway_kib_per_connection": per_connection,
    }))
}
