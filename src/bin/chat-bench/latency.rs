//! `latency`: a steady post rate over a WebSocket on one gateway, received on another.
//!
//! Each post's body is its send time (microseconds since the epoch); every receiver measures
//! send→deliver latency on arrival and checks that each sequence arrives exactly once.

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::client::{Account, Client};
use crate::stats::{rate, summary};

#[derive(clap::Args)]
pub struct Args {
    /// Gateway the sender connects to.
    #[arg(long, default_value = "ws://127.0.0.1:8081/v1/ws")]
    send_ws: String,
    /// Gateway the receivers connect to (another gateway, to measure across gateways).
    #[arg(long, default_value = "ws://127.0.0.1:8081/v1/ws")]
    receive_ws: String,
    /// Posts per second.
    #[arg(long, default_value_t = 200)]
    rate: u32,
    /// Seconds of sending.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Members receiving every post.
    #[arg(long, default_value_t = 4)]
    receivers: usize,
    /// Members sending (each its own connection; the rate is split between them). A room's
    /// commands from one connection run one at a time, so one sender tops out at roughly one
    /// post per command round trip.
    #[arg(long, default_value_t = 4)]
    senders: usize,
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn now_micros() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_micros()
}

async fn connect(url: &str, account: &Account, room: Uuid, seen: u64) -> anyhow::Result<Socket> {
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.with_context(|| format!("connect {url}"))?;
    let identify = json!({"type": "identify", "token": account.token, "resume": {room.to_string(): seen}});
    socket.send(Message::Text(identify.to_string().into())).await?;
    while let Some(message) = socket.next().await {
        if let Message::Text(text) = message? {
            let frame: Value = serde_json::from_str(&text)?;
            if frame["type"] == "resumed" {
                return Ok(socket);
            }
        }
    }
    anyhow::bail!("{url} closed before resuming")
}

pub async fn run(api: &str, args: Args) -> anyhow::Result<Value> {
    let client = Client::new(api);
    let owner = client.register("bench_owner").await?;
    let room = client.create_room(&owner, "bench latency").await?;
    let mut members = Vec::with_capacity(args.receivers + args.senders);
    for _ in 0..args.receivers + args.senders {
        let member = client.register("bench_member").await?;
        client.join(&member, room).await?;
        members.push(member);
    }
    let (receivers, senders) = members.split_at(args.receivers);
    let joined_through = 2 + members.len() as u64;
    let per_sender = (u64::from(args.rate) * args.duration) as usize / args.senders.max(1);
    let total = per_sender * senders.len();
    // Generous: the run ends as soon as everything has arrived.
    let deadline = Duration::from_secs(args.duration + 60);

    let mut receiving = Vec::new();
    for receiver in receivers {
        let mut socket = connect(&args.receive_ws, receiver, room, joined_through).await?;
        receiving.push(tokio::spawn(async move {
            let (mut latencies, mut seqs, mut duplicates) = (Vec::with_capacity(total), HashSet::new(), 0usize);
            let mut closed = None;
            let _ = tokio::time::timeout(deadline, async {
                while latencies.len() < total {
                    let text = match socket.next().await {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Close(frame))) => {
                            closed = Some(frame.map(|f| u16::from(f.code)).unwrap_or(0));
                            break;
                        }
                        Some(Ok(_)) => continue,
                        _ => {
                            closed = Some(0);
                            break;
                        }
                    };
                    let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
                    if frame["type"] != "event" || frame["event"]["type"] != "MessagePosted" {
                        continue;
                    }
                    let sent: u128 = frame["event"]["body"].as_str().and_then(|b| b.parse().ok()).unwrap_or(0);
                    if !seqs.insert(frame["seq"].as_u64().unwrap_or(0)) {
                        duplicates += 1;
                        continue;
                    }
                    latencies.push(Duration::from_micros(now_micros().saturating_sub(sent) as u64));
                }
            })
            .await;
            (latencies, duplicates, closed)
        }));
    }

    let interval = Duration::from_secs_f64(senders.len() as f64 / f64::from(args.rate));
    let started = Instant::now();
    let mut sending = Vec::new();
    for (s, sender) in senders.iter().enumerate() {
        let socket = connect(&args.send_ws, sender, room, joined_through).await?;
        sending.push(tokio::spawn(send(socket, room, s, per_sender, interval, deadline)));
    }
    let (mut acked, mut errors) = (0, 0);
    for task in sending {
        let (a, e) = task.await??;
        acked += a;
        errors += e;
    }
    let persisting = started.elapsed();

    let mut latencies = Vec::with_capacity(total * receivers.len());
    let mut duplicates = 0;
    let mut closed = Vec::new();
    for task in receiving {
        let (received, dups, close) = task.await?;
        latencies.extend(received);
        duplicates += dups;
        closed.extend(close);
    }
    let delivered = latencies.len();
    let expected = total * receivers.len();
    Ok(json!({
        "scenario": "latency",
        "target_rate_msg_per_s": args.rate,
        "senders": senders.len(),
        "sent": total,
        "acked": acked,
        "errors": errors,
        "persisted_msg_per_s": rate(acked, persisting),
        "receivers": receivers.len(),
        "delivered": delivered,
        "lost": expected.saturating_sub(delivered),
        "receivers_closed_by_server": closed,
        "duplicates": duplicates,
        "deliveries_per_s": rate(delivered, persisting),
        "send_to_deliver": summary(latencies),
    }))
}

/// Posts `count` messages at one per `interval`; returns (acked, errors).
async fn send(
    socket: Socket,
    room: Uuid,
    sender: usize,
    count: usize,
    interval: Duration,
    deadline: Duration,
) -> anyhow::Result<(usize, usize)> {
    let (mut write, mut read) = socket.split();
    let answers = tokio::spawn(async move {
        let (mut acked, mut errors) = (0usize, 0usize);
        let _ = tokio::time::timeout(deadline, async {
            while acked + errors < count {
                let text = match read.next().await {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(_)) => continue,
                    _ => break,
                };
                let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
                match frame["type"].as_str() {
                    Some("ack") => acked += 1,
                    Some("error") => errors += 1,
                    _ => {}
                }
            }
        })
        .await;
        (acked, errors)
    });
    let mut ticker = tokio::time::interval(interval);
    for n in 0..count {
        ticker.tick().await;
        let frame = json!({"type": "post", "id": n.to_string(), "room_id": room, "body": now_micros().to_string(), "client_msg_id": format!("b{sender}-{n}")});
        write.send(Message::Text(frame.to_string().into())).await?;
    }
    Ok(answers.await?)
}
