//! `fill`: posts many messages into many rooms as fast as acknowledgements allow (for sizing
//! the event store, e.g. before timing a rebuild).

use std::time::Instant;

use futures::future::try_join_all;
use serde_json::{Value, json};

use crate::client::Client;
use crate::stats::{rate, round_ms};

#[derive(clap::Args)]
pub struct Args {
    /// Messages in total.
    #[arg(long, default_value_t = 100_000)]
    messages: usize,
    /// Rooms the messages are spread over.
    #[arg(long, default_value_t = 100)]
    rooms: usize,
    /// Concurrent senders (each a member of every room).
    #[arg(long, default_value_t = 32)]
    senders: usize,
}

pub async fn run(api: &str, args: Args) -> anyhow::Result<Value> {
    let client = Client::new(api);
    let senders = try_join_all((0..args.senders).map(|_| client.register("bench_filler"))).await?;
    let mut rooms = Vec::with_capacity(args.rooms);
    for n in 0..args.rooms {
        let room = client.create_room(&senders[0], &format!("fill {n}")).await?;
        for sender in &senders[1..] {
            client.join(sender, room).await?;
        }
        rooms.push(room);
    }
    let per_sender = args.messages.div_ceil(args.senders);
    let started = Instant::now();
    try_join_all(senders.iter().enumerate().map(|(s, sender)| {
        let (client, rooms) = (client.clone(), rooms.clone());
        async move {
            for n in 0..per_sender {
                let room = rooms[(s + n) % rooms.len()];
                client.post(sender, room, &format!("fill message {s}/{n}"), &format!("f{s}-{n}")).await?;
            }
            anyhow::Ok(())
        }
    }))
    .await?;
    let elapsed = started.elapsed();
    let posted = per_sender * args.senders;
    Ok(json!({
        "scenario": "fill",
        "messages": posted,
        "rooms": args.rooms,
        "senders": args.senders,
        "total_ms": round_ms(elapsed),
        "msg_per_s": rate(posted, elapsed),
    }))
}
