//! Steady posting over WebSockets into rooms whose members are connected across gateways: the
//! engine of `many-rooms` and `fan-out`, which differ only in who is in which room.
//!
//! Every member holds one connection (member *i* on gateway *i* mod *G*) and resumes each of
//! its rooms from the seq the set-up ended at, so every later event must arrive exactly once.
//! The first `senders` members post at the target total rate, round-robin over their rooms;
//! then the run waits until every member has every acknowledged seq of its rooms.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::SinkExt;
use serde_json::{Value, json};

use crate::client::{Account, Room};
use crate::stats::{rate, round_ms, summary};
use crate::ws::{self, Tally, lock};

/// How long catching up after the run, and answering, may take.
const SETTLE: Duration = Duration::from_secs(60);

pub struct Traffic {
    pub gateways: Vec<String>,
    /// Posts per second over all senders.
    pub rate: u32,
    pub duration: Duration,
}

pub struct Member {
    pub account: Account,
    pub rooms: Vec<Room>,
}

pub async fn run(members: Vec<Member>, senders: usize, traffic: &Traffic) -> anyhow::Result<Value> {
    let tallies: Vec<Arc<Mutex<Tally>>> = members
        .iter()
        .map(|member| Tally::new(&member.rooms.iter().map(|room| (room.id, room.seq)).collect::<HashMap<_, _>>()))
        .collect();
    let tokens: Vec<&str> = members.iter().map(|member| member.account.token.as_str()).collect();
    let mut conns = ws::connect_all(&traffic.gateways, &tokens, &tallies).await?;

    let senders = senders.clamp(1, members.len());
    let per_sender = (u64::from(traffic.rate) * traffic.duration.as_secs()) / senders as u64;
    let interval = Duration::from_secs_f64(senders as f64 / f64::from(traffic.rate.max(1)));
    let started = Instant::now();
    let sending = conns.drain(..senders).zip(&members).enumerate().map(|(s, (mut conn, member))| {
        let rooms: Vec<_> = member.rooms.iter().map(|room| room.id).collect();
        async move {
            // Senders start spread over one interval: together they post at a steady rate
            // instead of in bursts of one post each.
            tokio::time::sleep(interval.mul_f64(s as f64 / senders as f64)).await;
            let mut ticker = tokio::time::interval(interval);
            for n in 0..per_sender {
                ticker.tick().await;
                conn.sink.send(ws::post(rooms[n as usize % rooms.len()], n, s)).await?;
            }
            anyhow::Ok(conn)
        }
    });
    let senders_conns = futures::future::try_join_all(sending).await?;
    let sent = per_sender * senders as u64;
    let answered = || tallies.iter().map(|tally| lock(tally).answered()).sum::<usize>() as u64;
    ws::wait_until(SETTLE, || answered() >= sent).await;
    let persisting = started.elapsed();
    let through = ws::acked_through(&tallies);
    let caught_up = ws::wait_all(&tallies, SETTLE, |tally| tally.behind(&through) == 0).await;
    let delivering = started.elapsed();

    let behind: u64 = tallies.iter().map(|tally| lock(tally).behind(&through)).sum();
    let closed: Vec<u16> = tallies.iter().filter_map(|tally| lock(tally).closed).collect();
    for conn in senders_conns.into_iter().chain(conns) {
        conn.reader.abort();
    }
    let totals = ws::totals(&tallies);
    let members_per_post = totals.posts as f64 / totals.acked.max(1) as f64;
    Ok(json!({
        "gateways": traffic.gateways.len(),
        "connections": members.len(),
        "senders": senders,
        "target_rate_msg_per_s": traffic.rate,
        "sent": sent,
        "acked": totals.acked,
        "errors": totals.errors,
        "persisted_msg_per_s": rate(totals.acked, persisting),
        "deliveries": totals.posts,
        "deliveries_per_s": rate(totals.posts, delivering),
        "delivered_msg_per_s": (rate(totals.posts, delivering) / members_per_post.max(1.0)).round(),
        "all_delivered_ms": round_ms(delivering),
        "caught_up": caught_up,
        "lost": totals.gaps + behind,
        "duplicated": totals.duplicates,
        "closed_by_server": closed,
        "presence_frames": totals.presence_frames,
        "presence_bytes": totals.presence_bytes,
        "send_to_ack": summary(totals.ack_latencies),
        "send_to_deliver": summary(totals.latencies),
    }))
}
