//! The delivery baseline: a minimal NATS→WebSocket forwarder (`forwarder`: subscribe to one
//! subject, write every message to every connected socket, nothing else) and the scenario that
//! loads it like `fan-out` loads the gateways (`baseline-forwarder`: K sockets, a steady publish
//! rate, deliveries/s and latency measured by the same client code).
//!
//! Published messages are shaped like the gateway's `event` frames (room, seq, a body holding
//! the send time), so the tally checks order, loss and duplicates the same way.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::{SinkExt, StreamExt, TryStreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::stats::{rate, round_ms, summary};
use crate::ws::{self, Tally, lock};

#[derive(clap::Args)]
pub struct ServeArgs {
    #[arg(long, env = "NATS_URL", default_value = "nats://127.0.0.1:4222")]
    nats: String,
    #[arg(long)]
    subject: String,
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
}

/// Messages a slow socket may fall behind before it loses some (the gateway's queue is bounded
/// too).
const QUEUE: usize = 4096;

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let nats = async_nats::connect(&args.nats).await?;
    let mut subscription = nats.subscribe(args.subject).await?;
    let listener = TcpListener::bind(&args.listen).await?;
    println!("listening ws://{}", listener.local_addr()?);
    let (sender, _) = broadcast::channel::<Message>(QUEUE);
    let accepting = sender.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let mut receiver = accepting.subscribe();
            tokio::spawn(async move {
                let _ = stream.set_nodelay(true);
                let Ok(socket) = tokio_tungstenite::accept_async(stream).await else { return };
                let (mut sink, mut incoming) = socket.split();
                tokio::spawn(async move { while let Some(Ok(_)) = incoming.next().await {} });
                while let Ok(message) = receiver.recv().await {
                    if sink.send(message).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    while let Some(message) = subscription.next().await {
        let text = String::from_utf8_lossy(&message.payload).into_owned();
        let _ = sender.send(Message::Text(text.into()));
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct LoadArgs {
    #[arg(long, env = "NATS_URL", default_value = "nats://127.0.0.1:4222")]
    nats: String,
    #[arg(long, default_value_t = 1000)]
    connections: usize,
    /// Messages published per second.
    #[arg(long, default_value_t = 50)]
    rate: u32,
    /// Seconds of publishing.
    #[arg(long, default_value_t = 10)]
    duration: u64,
}

pub async fn load(args: LoadArgs) -> anyhow::Result<Value> {
    let subject = format!("bench.forwarder.{}", Uuid::new_v4().simple());
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args(["forwarder", "--nats", &args.nats, "--subject", &subject])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().context("forwarder stdout")?).lines();
    let url = lines.next_line().await?.and_then(|line| line.strip_prefix("listening ").map(str::to_owned));
    let url = url.context("the forwarder did not start")?;

    let room = Uuid::new_v4();
    let tallies: Vec<_> = (0..args.connections).map(|_| Tally::new(&[(room, 0)].into())).collect();
    let conns: Vec<ws::Conn> =
        futures::stream::iter(&tallies).map(|tally| ws::open(&url, "", tally)).buffered(64).try_collect().await?;
    let nats = async_nats::connect(&args.nats).await?;
    // The forwarder has subscribed before it printed its address; one round trip makes sure
    // the subscription reached the server before the first publish.
    nats.flush().await?;

    let total = u64::from(args.rate) * args.duration;
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(args.rate.max(1))));
    let started = Instant::now();
    for seq in 1..=total {
        ticker.tick().await;
        let frame = json!({
            "type": "event", "room_id": room, "seq": seq,
            "event": {"type": "MessagePosted", "body": ws::now_micros().to_string()},
        });
        nats.publish(subject.clone(), frame.to_string().into()).await?;
    }
    nats.flush().await?;
    let through = [(room, total)].into();
    let caught_up = ws::wait_all(&tallies, Duration::from_secs(60), |tally| tally.behind(&through) == 0).await;
    let delivering = started.elapsed();
    let behind: u64 = tallies.iter().map(|tally| lock(tally).behind(&through)).sum();
    for conn in conns {
        conn.reader.abort();
    }
    let _ = child.kill().await;
    let totals = ws::totals(&tallies);
    Ok(json!({
        "scenario": "baseline-forwarder",
        "connections": args.connections,
        "target_rate_msg_per_s": args.rate,
        "published": total,
        "deliveries": totals.posts,
        "deliveries_per_s": rate(totals.posts, delivering),
        "all_delivered_ms": round_ms(delivering),
        "caught_up": caught_up,
        "lost": totals.gaps + behind,
        "duplicated": totals.duplicates,
        "send_to_deliver": summary(totals.latencies),
    }))
}
