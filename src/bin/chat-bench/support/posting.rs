//! The support scenario's writers: visitors, who post at a human rate, and agents, who answer
//! what is queued for them once it is due. Every post is `ws::post`'s, its body its send time.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::SinkExt;
use futures::stream::SplitSink;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::ws::{self, Socket};

pub type Sink = SplitSink<Socket, Message>;

/// An answer an agent is to post into `room` at `due`.
pub struct Answer {
    pub room: Uuid,
    pub due: Instant,
}

/// Posts into `room` until `until`, waiting 0.5–1.5 × `interval` (at random) between posts
/// and up to one interval before the first, so that visitors do not post in step. Answers
/// the sink (to keep the connection) and how many posts it sent; `client` tells its
/// `client_msg_id`s apart.
pub async fn visit(
    mut sink: Sink,
    room: Uuid,
    client: usize,
    interval: Duration,
    until: Instant,
) -> anyhow::Result<(Sink, u64)> {
    let mut next = Instant::now() + interval.mul_f64(rand::random::<f64>());
    let mut n = 0;
    while next < until {
        tokio::time::sleep_until(next).await;
        sink.send(ws::post(room, n, client)).await?;
        n += 1;
        next += interval.mul_f64(0.5 + rand::random::<f64>());
    }
    Ok((sink, n))
}

/// Posts each queued answer when it is due, counting them in `sent`, until the queue closes.
pub async fn answer(
    mut sink: Sink,
    mut queue: mpsc::Receiver<Answer>,
    client: usize,
    sent: Arc<AtomicU64>,
) -> anyhow::Result<()> {
    let mut n = 0;
    while let Some(Answer { room, due }) = queue.recv().await {
        tokio::time::sleep_until(due).await;
        sink.send(ws::post(room, n, client)).await?;
        n += 1;
        sent.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}
