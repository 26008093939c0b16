//! `hot-room`: one room, many senders posting over REST as fast as their answers come back.
//!
//! The room has one writer, so this measures how well it batches concurrent commands into
//! commits. Every answer is counted by status; the seqs of the accepted posts must all differ
//! (a conflict that slipped through would show as a repeated or a 409/5xx answer).

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::client::Client;
use crate::stats::{rate, summary};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 64)]
    senders: usize,
    /// Seconds of posting.
    #[arg(long, default_value_t = 10)]
    duration: u64,
}

/// What one sender saw: accepted seqs, request latencies, and answers by status.
#[derive(Default)]
struct Seen {
    seqs: Vec<u64>,
    latencies: Vec<Duration>,
    statuses: BTreeMap<u16, usize>,
}

pub async fn run(api: &str, args: Args) -> anyhow::Result<Value> {
    let client = Client::new(api);
    let senders = client.register_many("bench_hot", args.senders.max(1)).await?;
    let room = client.room_with(&senders.iter().collect::<Vec<_>>(), "hot room").await?;
    let until = Instant::now() + Duration::from_secs(args.duration);
    let started = Instant::now();
    let tasks = senders.into_iter().enumerate().map(|(s, sender)| {
        let client = client.clone();
        tokio::spawn(async move {
            let mut seen = Seen::default();
            let url = format!("{}/v1/rooms/{}/messages", client.api, room.id);
            let mut n = 0;
            while Instant::now() < until {
                let body = json!({"body": format!("hot {s}/{n}"), "client_msg_id": format!("h{s}-{n}")});
                let sent = Instant::now();
                let answer = client.http.post(&url).bearer_auth(&sender.token).json(&body).send().await;
                seen.latencies.push(sent.elapsed());
                let status = answer.as_ref().map_or(0, |response| response.status().as_u16());
                *seen.statuses.entry(status).or_default() += 1;
                if let Ok(response) = answer.and_then(|response| response.error_for_status()) {
                    let reply: Value = response.json().await.unwrap_or_default();
                    seen.seqs.extend(reply["seq"].as_u64());
                }
                n += 1;
            }
            seen
        })
    });
    let mut all = Seen::default();
    for task in futures::future::join_all(tasks).await {
        let seen = task?;
        all.seqs.extend(seen.seqs);
        all.latencies.extend(seen.latencies);
        for (status, count) in seen.statuses {
            *all.statuses.entry(status).or_default() += count;
        }
    }
    let elapsed = started.elapsed();
    let distinct: HashSet<_> = all.seqs.iter().collect();
    let count =
        |matches: fn(u16) -> bool| all.statuses.iter().filter(|(s, _)| matches(**s)).map(|(_, n)| n).sum::<usize>();
    Ok(json!({
        "scenario": "hot-room",
        "senders": args.senders,
        "accepted": all.seqs.len(),
        "msg_per_s": rate(all.seqs.len(), elapsed),
        "repeated_seqs": all.seqs.len() - distinct.len(),
        "conflicts": count(|s| s == 409),
        "server_errors": count(|s| s >= 500 || s == 0),
        "statuses": all.statuses.iter().map(|(s, n)| (s.to_string(), *n)).collect::<BTreeMap<_, _>>(),
        "request_latency": summary(all.latencies),
    }))
}
