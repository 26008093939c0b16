//! `fill`: posts many messages into many rooms as fast as acknowledgements allow (for sizing
//! the event store, e.g. before timing a rebuild or a search). Their text is drawn from a
//! Zipf-distributed vocabulary ([`crate::words`]), so that searches have common and rare words.

use std::time::{Duration, Instant};

use futures::future::try_join_all;
use rand::SeedableRng;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::client::{Account, Client};
use crate::stats::{rate, round_ms};
use crate::words::Words;

// No argument group of its own: `search` flattens these into its arguments.
#[derive(clap::Args, Clone)]
#[group(skip)]
pub struct Args {
    /// Messages in total.
    #[arg(long, default_value_t = 100_000)]
    pub messages: usize,
    /// Rooms the messages are spread over.
    #[arg(long, default_value_t = 100)]
    pub rooms: usize,
    /// Concurrent senders (each a member of every room).
    #[arg(long, default_value_t = 32)]
    pub senders: usize,
}

/// What a fill made: its senders (members of every room), its rooms, and how long posting took.
pub struct Filled {
    pub senders: Vec<Account>,
    pub rooms: Vec<Uuid>,
    pub posted: usize,
    pub elapsed: Duration,
}

impl Filled {
    pub fn report(&self) -> Value {
        json!({
            "messages": self.posted,
            "rooms": self.rooms.len(),
            "senders": self.senders.len(),
            "total_ms": round_ms(self.elapsed),
            "msg_per_s": rate(self.posted, self.elapsed),
        })
    }
}

pub async fn run(api: &str, args: Args) -> anyhow::Result<Value> {
    let filled = fill(&Client::new(api), &args).await?;
    let mut report = filled.report();
    report["scenario"] = json!("fill");
    Ok(report)
}

pub async fn fill(client: &Client, args: &Args) -> anyhow::Result<Filled> {
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
    let words = Words::default();
    let started = Instant::now();
    try_join_all(senders.iter().enumerate().map(|(s, sender)| {
        let (client, rooms, words) = (client.clone(), rooms.clone(), &words);
        async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(s as u64);
            for n in 0..per_sender {
                let room = rooms[(s + n) % rooms.len()];
                client.post(sender, room, &words.message(&mut rng), &format!("f{s}-{n}")).await?;
            }
            anyhow::Ok(())
        }
    }))
    .await?;
    Ok(Filled { senders, rooms, posted: per_sender * args.senders, elapsed: started.elapsed() })
}
