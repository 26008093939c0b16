//! `fan-out`: one room with many members connected across the gateways, a few of them posting
//! at a steady rate; every post is delivered to every member.

use std::time::Duration;

use serde_json::Value;

use crate::client::Client;
use crate::traffic::{self, Member, Traffic};

#[derive(clap::Args)]
pub struct Args {
    /// Gateway WebSocket URLs (repeat or separate with commas).
    #[arg(long = "ws", value_delimiter = ',', required = true)]
    gateways: Vec<String>,
    /// Members, one connection each.
    #[arg(long, default_value_t = 1000)]
    members: usize,
    /// Members that post.
    #[arg(long, default_value_t = 4)]
    senders: usize,
    /// Posts per second over all senders.
    #[arg(long, default_value_t = 50)]
    rate: u32,
    /// Seconds of posting.
    #[arg(long, default_value_t = 10)]
    duration: u64,
}

pub async fn run(api: &str, args: Args) -> anyhow::Result<Value> {
    anyhow::ensure!(args.members >= 1, "--members must be at least 1");
    let client = Client::new(api);
    let accounts = client.register_many("bench_fan", args.members).await?;
    let room = client.room_with(&accounts.iter().collect::<Vec<_>>(), "fan-out").await?;
    let members = accounts.into_iter().map(|account| Member { account, rooms: vec![room] }).collect();
    let traffic = Traffic { gateways: args.gateways, rate: args.rate, duration: Duration::from_secs(args.duration) };
    let mut report = traffic::run(members, args.senders, &traffic).await?;
    report["scenario"] = "fan-out".into();
    Ok(report)
}
