//! `resume-storm`: many clients on one gateway, which is killed (SIGKILL) while posts keep
//! coming; every client reconnects at once to another gateway with its resume positions.
//!
//! Reports how long until every client was reconnected and until every client had every event
//! of its rooms (counted from the kill; posting goes on for `--after` seconds past it), and the
//! events lost or duplicated across the switch, which must be zero.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::client::{Account, Client, Room};
use crate::stats::round_ms;
use crate::ws::{self, Tally, lock};

#[derive(clap::Args)]
pub struct Args {
    /// The gateway the clients start on (it gets killed).
    #[arg(long)]
    from_ws: String,
    /// Its process id.
    #[arg(long)]
    gateway_pid: u32,
    /// The gateway they move to.
    #[arg(long)]
    to_ws: String,
    #[arg(long, default_value_t = 5000)]
    clients: usize,
    /// Users the clients belong to (round-robin; a user's clients share its rooms).
    #[arg(long, default_value_t = 250)]
    users: usize,
    #[arg(long, default_value_t = 50)]
    rooms: usize,
    /// Rooms each user is in.
    #[arg(long, default_value_t = 2)]
    rooms_per_user: usize,
    /// REST posts per second, before, during and after the kill.
    #[arg(long, default_value_t = 200)]
    rate: u32,
    /// Seconds of posting before the kill.
    #[arg(long, default_value_t = 3)]
    before: u64,
    /// Seconds of posting after the kill.
    #[arg(long, default_value_t = 1)]
    after: u64,
}

/// How long reconnecting and catching up may take before the run gives up.
const GIVE_UP: Duration = Duration::from_secs(120);

pub async fn run(api: &str, args: Args) -> anyhow::Result<Value> {
    let (rooms_n, per_user) = (args.rooms.max(1), args.rooms_per_user.clamp(1, args.rooms.max(1)));
    anyhow::ensure!(args.users >= rooms_n, "--users must be at least --rooms (every room needs a member)");
    let client = Client::new(api);
    let users = client.register_many("bench_storm", args.users.max(1)).await?;
    // User u is in rooms u, u+1, …, u+per_user−1 (mod the room count).
    let in_room = |u: usize, r: usize| (r + rooms_n - u % rooms_n) % rooms_n < per_user;
    let rooms: Vec<Room> = futures::stream::iter(0..rooms_n)
        .map(|r| {
            let members: Vec<_> = (0..users.len()).filter(|&u| in_room(u, r)).map(|u| &users[u]).collect();
            let client = &client;
            async move { client.room_with(&members, &format!("storm {r}")).await }
        })
        .buffered(4)
        .try_collect()
        .await?;
    let positions = |u: usize| -> HashMap<Uuid, u64> {
        (0..rooms_n).filter(|&r| in_room(u, r)).map(|r| (rooms[r].id, rooms[r].seq)).collect()
    };
    let tallies: Vec<_> = (0..args.clients).map(|c| Tally::new(&positions(c % users.len()))).collect();
    let conns: Vec<ws::Conn> = futures::stream::iter(tallies.iter().enumerate())
        .map(|(c, tally)| ws::open(&args.from_ws, &users[c % users.len()].token, tally))
        .buffered(128)
        .try_collect()
        .await?;
    if !ws::wait_all(&tallies, GIVE_UP, |tally| tally.resumed >= tally.last.len()).await {
        anyhow::bail!("not every client had resumed within {GIVE_UP:?}");
    }

    // Every client moves to the other gateway as soon as its connection ends.
    let moves: Vec<_> = conns
        .into_iter()
        .zip(&tallies)
        .enumerate()
        .map(|(c, (conn, tally))| {
            let (tally, token, to) = (tally.clone(), users[c % users.len()].token.clone(), args.to_ws.clone());
            tokio::spawn(async move {
                let _ = conn.reader.await;
                let deadline = Instant::now() + GIVE_UP;
                loop {
                    match ws::open(&to, &token, &tally).await {
                        Ok(conn) => return Some(conn),
                        Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(50)).await,
                        Err(_) => return None,
                    }
                }
            })
        })
        .collect();

    let posters = (0..rooms_n)
        .map(|r| (rooms[r], users[(0..users.len()).find(|&u| in_room(u, r)).unwrap_or(0)].clone()))
        .collect();
    let posting = tokio::spawn(post_steadily(client.clone(), posters, args.rate, args.before + args.after));
    tokio::time::sleep(Duration::from_secs(args.before)).await;
    let killed = Instant::now();
    std::process::Command::new("kill").args(["-KILL", &args.gateway_pid.to_string()]).status()?;
    let reconnected =
        ws::wait_all(&tallies, GIVE_UP, |tally| tally.connects >= 2 && tally.ready).await.then(|| killed.elapsed());
    let (through, post_errors) = posting.await??;
    let caught_up =
        ws::wait_all(&tallies, GIVE_UP, |tally| tally.behind(&through) == 0).await.then(|| killed.elapsed());

    let behind: u64 = tallies.iter().map(|tally| lock(tally).behind(&through)).sum();
    for conn in futures::future::join_all(moves).await.into_iter().flatten().flatten() {
        conn.reader.abort();
    }
    let totals = ws::totals(&tallies);
    Ok(json!({
        "scenario": "resume-storm",
        "clients": args.clients,
        "users": users.len(),
        "rooms": rooms_n,
        "posts": through.values().sum::<u64>() - rooms.iter().map(|room| room.seq).sum::<u64>(),
        "post_errors": post_errors,
        "all_reconnected_ms": reconnected.map(round_ms),
        "all_caught_up_ms": caught_up.map(round_ms),
        "lost": totals.gaps + behind,
        "duplicated": totals.duplicates,
        "events_delivered": totals.posts,
    }))
}

/// Posts over REST at `rate` per second for `seconds`, rotating over the rooms (each by one of
/// its members); answers each room's last acknowledged seq and how many posts failed.
async fn post_steadily(
    client: Client,
    posters: Vec<(Room, Account)>,
    rate: u32,
    seconds: u64,
) -> anyhow::Result<(HashMap<Uuid, u64>, usize)> {
    let mut through: HashMap<Uuid, u64> = posters.iter().map(|(room, _)| (room.id, room.seq)).collect();
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    let mut posts = tokio::task::JoinSet::new();
    for n in 0..u64::from(rate) * seconds {
        ticker.tick().await;
        let (client, (room, author)) = (client.clone(), posters[n as usize % posters.len()].clone());
        posts.spawn(async move {
            let body = ws::now_micros().to_string();
            (room.id, client.post(&author, room.id, &body, &format!("s{n}")).await)
        });
    }
    let mut errors = 0;
    while let Some(result) = posts.join_next().await {
        match result? {
            (room, Ok(reply)) => {
                let end = through.entry(room).or_default();
                *end = (*end).max(reply["seq"].as_u64().unwrap_or(0));
            }
            (_, Err(_)) => errors += 1,
        }
    }
    Ok((through, errors))
}
