//! WebSocket clients for the scenarios: a connection identifies with resume positions, a reader
//! task tallies everything that arrives, and the write half stays with the scenario.
//!
//! The tally checks the protocol's delivery promise as it goes: within a room, every event's
//! seq must be exactly one more than the last one seen (a lower one is a duplicate, a jump is a
//! loss). A tally outlives its connection, so a client that reconnects elsewhere with resume
//! keeps checking across the switch.
//!
//! A scenario that follows each message (who got it, when, and what to do next) gives the tally
//! an [`Observer`], which the reader calls with every timed message it receives.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use futures::stream::{SplitSink, StreamExt};
use futures::{SinkExt, TryStreamExt};
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Microseconds since the epoch: post bodies carry their send time in this form.
pub fn now_micros() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_micros() as u64
}

/// A timed message as one connection received it (its body is its send time).
pub struct Arrival {
    pub room: Uuid,
    pub seq: u64,
    pub author: Uuid,
    /// Microseconds since the epoch.
    pub sent: u64,
    pub received: u64,
}

impl Arrival {
    pub fn latency(&self) -> Duration {
        Duration::from_micros(self.received.saturating_sub(self.sent))
    }
}

/// Called by a connection's reader with each [`Arrival`], outside the tally's lock; it runs on
/// the reader's task, so it must not block.
pub type Observer = Arc<dyn Fn(Arrival) + Send + Sync>;

/// What one client has received.
#[derive(Default)]
pub struct Tally {
    /// Last seq seen per room (starting at the resume position).
    pub last: HashMap<Uuid, u64>,
    /// Connections opened with this tally, and whether `ready` has arrived on the latest.
    pub connects: usize,
    pub ready: bool,
    /// `resumed` frames received (one per room in `resume`, per connection).
    pub resumed: usize,
    /// `MessagePosted` events received, and their send→deliver latencies.
    pub posts: usize,
    pub latencies: Vec<Duration>,
    pub duplicates: u64,
    /// Seqs skipped over inside a room.
    pub gaps: u64,
    /// Acknowledged commands, by room: the highest seq the room is known to have reached.
    pub acked: usize,
    pub acked_through: HashMap<Uuid, u64>,
    /// Posts' send→ack latencies: the write path alone, without delivery.
    pub ack_latencies: Vec<Duration>,
    pub errors: BTreeMap<String, usize>,
    /// `presence` frames received, and their bytes (counted, not parsed: see [`open`]).
    pub presence_frames: usize,
    pub presence_bytes: usize,
    /// The close code of the last connection, once it has ended (0: no close frame).
    pub closed: Option<u16>,
    observer: Option<Observer>,
}

impl Tally {
    pub fn new(resume: &HashMap<Uuid, u64>) -> Arc<Mutex<Self>> {
        Arc::new(Mutex::new(Self { last: resume.clone(), ..Self::default() }))
    }

    /// A tally whose connections pass every timed message they receive to `observer`.
    pub fn observed(resume: &HashMap<Uuid, u64>, observer: Observer) -> Arc<Mutex<Self>> {
        Arc::new(Mutex::new(Self { last: resume.clone(), observer: Some(observer), ..Self::default() }))
    }

    /// How far behind `through` (room → seq) this client still is, in events.
    pub fn behind(&self, through: &HashMap<Uuid, u64>) -> u64 {
        self.last.iter().map(|(room, &last)| through.get(room).map_or(0, |&end| end.saturating_sub(last))).sum()
    }

    /// Commands answered, with an ack or an error.
    pub fn answered(&self) -> usize {
        self.acked + self.errors.values().sum::<usize>()
    }

    /// Checks the event's seq and times a posted message: a new timed one is an arrival.
    fn event(&mut self, frame: &Value) -> Option<Arrival> {
        let room = frame["room_id"].as_str().and_then(|r| r.parse().ok())?;
        let seq = frame["seq"].as_u64()?;
        let last = self.last.entry(room).or_insert(seq - 1);
        if seq <= *last {
            self.duplicates += 1;
            return None;
        }
        self.gaps += seq - *last - 1;
        *last = seq;
        let event = &frame["event"];
        if event["type"] != "MessagePosted" {
            return None;
        }
        self.posts += 1;
        let sent = event["body"].as_str().and_then(|b| b.parse::<u64>().ok())?;
        let received = now_micros();
        self.latencies.push(Duration::from_micros(received.saturating_sub(sent)));
        let author = event["author"].as_str().and_then(|a| a.parse().ok())?;
        Some(Arrival { room, seq, author, sent, received })
    }

    fn answer(&mut self, frame: &Value) {
        if frame["type"] == "error" {
            *self.errors.entry(frame["code"].as_str().unwrap_or("?").to_owned()).or_default() += 1;
            return;
        }
        self.acked += 1;
        // Posts carry "<room id>/<n>/<send time>" as their id.
        let mut id = frame["id"].as_str().unwrap_or_default().split('/');
        let room = id.next().and_then(|room| room.parse().ok());
        if let (Some(room), Some(seq)) = (room, frame["seq"].as_u64()) {
            let through = self.acked_through.entry(room).or_default();
            *through = (*through).max(seq);
        }
        if let Some(sent) = id.nth(1).and_then(|sent| sent.parse::<u64>().ok()) {
            self.ack_latencies.push(Duration::from_micros(now_micros().saturating_sub(sent)));
        }
    }
}

/// Locks a tally (or any of a scenario's shared records), poisoned or not: a reader that
/// panicked leaves counts that are still worth reporting.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One open connection: its write half, and the task reading into its tally.
pub struct Conn {
    pub sink: SplitSink<Socket, Message>,
    pub reader: JoinHandle<()>,
}

/// How the gateway's `presence` frames begin.
const PRESENCE_FRAME: &str = r#"{"type":"presence","#;

/// Connects to `url` and identifies with the tally's current positions as `resume`.
pub async fn open(url: &str, token: &str, tally: &Arc<Mutex<Tally>>) -> anyhow::Result<Conn> {
    // Without Nagle, as browsers connect.
    let (socket, _) = tokio_tungstenite::connect_async_with_config(url, None, true)
        .await
        .with_context(|| format!("connect {url}"))?;
    let resume: HashMap<String, u64> = lock(tally).last.iter().map(|(room, seq)| (room.to_string(), *seq)).collect();
    let (mut sink, mut stream) = socket.split();
    {
        let mut tally = lock(tally);
        tally.connects += 1;
        tally.ready = false;
    }
    let identify = json!({"type": "identify", "token": token, "resume": resume});
    sink.send(Message::Text(identify.to_string().into())).await?;
    let (tally, observer) = (tally.clone(), lock(tally).observer.clone());
    let reader = tokio::spawn(async move {
        let code = loop {
            let text = match stream.next().await {
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(Message::Close(frame))) => break frame.map_or(0, |f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => break 0,
            };
            // Presence frames can be large (a crowd coming online) and tell the scenarios
            // nothing they check: parsing them would spend the load generator's CPU, shared
            // with the servers, on work a real client does on its own machine.
            if text.as_str().starts_with(PRESENCE_FRAME) {
                let mut tally = lock(&tally);
                tally.presence_frames += 1;
                tally.presence_bytes += text.len();
                continue;
            }
            let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
            let mut tally = lock(&tally);
            let mut arrival = None;
            match frame["type"].as_str() {
                Some("event") => arrival = tally.event(&frame),
                Some("ack" | "error") => tally.answer(&frame),
                Some("resumed") => tally.resumed += 1,
                Some("ready") => tally.ready = true,
                _ => {}
            }
            drop(tally);
            if let (Some(arrival), Some(observe)) = (arrival, &observer) {
                observe(arrival);
            }
        };
        let mut tally = lock(&tally);
        (tally.closed, tally.ready) = (Some(code), false);
    });
    Ok(Conn { sink, reader })
}

/// A post frame whose body, and the end of its id, are its send time.
pub fn post(room: Uuid, n: u64, client: usize) -> Message {
    let sent = now_micros();
    let frame = json!({
        "type": "post", "id": format!("{room}/{n}/{sent}"), "room_id": room,
        "body": sent.to_string(), "client_msg_id": format!("c{client}-{n}"),
    });
    Message::Text(frame.to_string().into())
}

/// Connections identifying at once in [`connect_all`].
const CONNECT_CONCURRENCY: usize = 64;

/// How long one connection may take to resume its rooms.
const CONNECT_WITHIN: Duration = Duration::from_secs(60);

/// Opens one connection per tally, the i-th with `tokens[i]` on `gateways[i mod G]`, each
/// done once it has resumed every room it resumes. At most [`CONNECT_CONCURRENCY`] are under
/// way at once, counted until they have resumed, not just until the handshake: thousands of
/// identifications at once would be a connect storm (see `resume-storm`), which gateways meet
/// by closing the connections their database pool cannot serve in time.
pub async fn connect_all(
    gateways: &[String],
    tokens: &[&str],
    tallies: &[Arc<Mutex<Tally>>],
) -> anyhow::Result<Vec<Conn>> {
    let mut conns: Vec<(usize, Conn)> = futures::stream::iter(tokens.iter().zip(tallies).enumerate())
        .map(|(i, (token, tally))| async move {
            let conn = open(&gateways[i % gateways.len()], token, tally).await?;
            let settled = |tally: &Tally| tally.resumed >= tally.last.len() || tally.closed.is_some();
            let in_time = wait_until(CONNECT_WITHIN, || settled(&lock(tally))).await;
            let closed = lock(tally).closed;
            match (in_time, closed) {
                (true, None) => Ok((i, conn)),
                (_, Some(code)) => anyhow::bail!("connection {i} was closed ({code}) before it had resumed"),
                (false, None) => anyhow::bail!("connection {i} had not resumed its rooms within {CONNECT_WITHIN:?}"),
            }
        })
        // Unordered: one slow connection must not hold the others up.
        .buffer_unordered(CONNECT_CONCURRENCY)
        .try_collect()
        .await?;
    conns.sort_unstable_by_key(|(i, _)| *i);
    Ok(conns.into_iter().map(|(_, conn)| conn).collect())
}

/// Waits until `done` holds for every tally, or `within` has passed; returns whether it held.
pub async fn wait_all(tallies: &[Arc<Mutex<Tally>>], within: Duration, done: impl Fn(&Tally) -> bool) -> bool {
    wait_until(within, || tallies.iter().all(|tally| done(&lock(tally)))).await
}

/// Waits until `done()` holds, or `within` has passed; returns whether it held.
pub async fn wait_until(within: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if done() {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The highest acknowledged seq of each room over all tallies.
pub fn acked_through(tallies: &[Arc<Mutex<Tally>>]) -> HashMap<Uuid, u64> {
    let mut through = HashMap::new();
    for tally in tallies {
        for (&room, &seq) in &lock(tally).acked_through {
            let end: &mut u64 = through.entry(room).or_default();
            *end = (*end).max(seq);
        }
    }
    through
}

/// Sums over all tallies: what a scenario reports about delivery.
#[derive(Default)]
pub struct Totals {
    pub posts: usize,
    pub acked: usize,
    pub duplicates: u64,
    pub gaps: u64,
    pub errors: BTreeMap<String, usize>,
    pub latencies: Vec<Duration>,
    pub ack_latencies: Vec<Duration>,
    pub presence_frames: usize,
    pub presence_bytes: usize,
}

pub fn totals(tallies: &[Arc<Mutex<Tally>>]) -> Totals {
    let mut totals = Totals::default();
    for tally in tallies {
        let mut tally = lock(tally);
        totals.posts += tally.posts;
        totals.acked += tally.acked;
        totals.duplicates += tally.duplicates;
        totals.gaps += tally.gaps;
        totals.presence_frames += tally.presence_frames;
        totals.presence_bytes += tally.presence_bytes;
        for (code, n) in &tally.errors {
            *totals.errors.entry(code.clone()).or_default() += n;
        }
        totals.latencies.append(&mut tally.latencies);
        totals.ack_latencies.append(&mut tally.ack_latencies);
    }
    totals
}
