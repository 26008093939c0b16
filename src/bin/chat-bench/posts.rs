//! `posts`: REST posts into one room, sequential then concurrent.

use std::time::{Duration, Instant};

use futures::future::try_join_all;
use serde_json::{Value, json};

use crate::client::Client;
use crate::stats::{rate, round_ms, summary};

#[derive(clap::Args)]
pub struct Args {
    /// Posts per phase.
    #[arg(long, default_value_t = 1000)]
    count: usize,
    /// Concurrent senders in the concurrent phase (each a separate user).
    #[arg(long, default_value_t = 50)]
    senders: usize,
}

pub async fn run(api: &str, args: Args) -> anyhow::Result<Value> {
    let client = Client::new(api);
    let owner = client.register("bench_owner").await?;
    let room = client.create_room(&owner, "bench posts").await?;

    let mut latencies = Vec::with_capacity(args.count);
    let started = Instant::now();
    for n in 0..args.count {
        let sent = Instant::now();
        client.post(&owner, room, &format!("sequential {n}"), &format!("s{n}")).await?;
        latencies.push(sent.elapsed());
    }
    let sequential = started.elapsed();

    let senders = try_join_all((0..args.senders).map(|_| client.register("bench_sender"))).await?;
    for sender in &senders {
        client.join(sender, room).await?;
    }
    let per_sender = args.count.div_ceil(args.senders);
    let started = Instant::now();
    let concurrent_latencies: Vec<Vec<Duration>> = try_join_all(senders.iter().enumerate().map(|(i, sender)| {
        let client = client.clone();
        async move {
            let mut latencies = Vec::with_capacity(per_sender);
            for n in 0..per_sender {
                let sent = Instant::now();
                client.post(sender, room, &format!("concurrent {i}/{n}"), &format!("c{i}-{n}")).await?;
                latencies.push(sent.elapsed());
            }
            anyhow::Ok(latencies)
        }
    }))
    .await?;
    let concurrent = started.elapsed();
    let concurrent_count = per_sender * args.senders;

    Ok(json!({
        "scenario": "posts",
        "sequential_posts": args.count,
        "sequential_total_ms": round_ms(sequential),
        "sequential_msg_per_s": rate(args.count, sequential),
        "sequential_latency": summary(latencies),
        "concurrent_senders": args.senders,
        "concurrent_posts": concurrent_count,
        "concurrent_total_ms": round_ms(concurrent),
        "concurrent_msg_per_s": rate(concurrent_count, concurrent),
        "concurrent_latency": summary(concurrent_latencies.into_iter().flatten().collect()),
    }))
}
