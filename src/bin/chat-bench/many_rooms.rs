//! `many-rooms`: many small rooms, every member posting, members spread over the gateways.
//!
//! Room *r*'s members are users *rM … rM+M−1* (mod the user count), so consecutive members sit
//! on different gateways and most deliveries cross from one gateway to another.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use crate::client::Client;
use crate::traffic::{self, Member, Traffic};

#[derive(clap::Args)]
pub struct Args {
    /// Gateway WebSocket URLs (repeat or separate with commas).
    #[arg(long = "ws", value_delimiter = ',', required = true)]
    gateways: Vec<String>,
    #[arg(long, default_value_t = 1000)]
    rooms: usize,
    /// Members per room.
    #[arg(long, default_value_t = 4)]
    members: usize,
    /// Users (one connection each) the memberships are spread over.
    #[arg(long, default_value_t = 250)]
    users: usize,
    /// Posts per second over all users.
    #[arg(long, default_value_t = 1000)]
    rate: u32,
    /// Seconds of posting.
    #[arg(long, default_value_t = 10)]
    duration: u64,
}

pub async fn run(api: &str, args: Args) -> anyhow::Result<Value> {
    anyhow::ensure!(args.members >= 1 && args.members <= args.users, "--members must be between 1 and --users");
    let client = Client::new(api);
    let accounts = client.register_many("bench_many", args.users).await?;
    let rooms: Vec<_> = futures::stream::iter(0..args.rooms)
        .map(|r| {
            let members: Vec<_> = (0..args.members).map(|k| &accounts[(r * args.members + k) % args.users]).collect();
            let client = &client;
            async move { client.room_with(&members, &format!("many {r}")).await }
        })
        .buffered(4)
        .try_collect()
        .await?;
    let mut members: Vec<Member> = accounts.into_iter().map(|account| Member { account, rooms: Vec::new() }).collect();
    for (r, room) in rooms.iter().enumerate() {
        for k in 0..args.members {
            members[(r * args.members + k) % args.users].rooms.push(*room);
        }
    }
    members.retain(|member| !member.rooms.is_empty());
    let senders = members.len();
    let traffic = Traffic { gateways: args.gateways, rate: args.rate, duration: Duration::from_secs(args.duration) };
    let mut report = traffic::run(members, senders, &traffic).await?;
    report["scenario"] = "many-rooms".into();
    report["rooms"] = args.rooms.into();
    report["members_per_room"] = args.members.into();
    Ok(report)
}
