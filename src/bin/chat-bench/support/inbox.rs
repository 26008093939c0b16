//! Inbox freshness: how long after a visitor sent a message the website's inbox
//! (`GET /v1/websites/{id}/conversations?status=open`, as one of its agents) shows it.
//!
//! A message is followed from when its visitor's own copy arrives (which tells its seq) until
//! the conversation's entry has reached that seq: its `last_seq`, not its preview, since an
//! agent's answer may replace the preview before a poll sees it (the read model updates both
//! in one transaction). At most one message per sampling interval is followed, and at most
//! [`MAX_FOLLOWED`] at once (others are skipped and counted), so that polling stays a small
//! part of the load.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::Instant;
use tokio_util::task::TaskTracker;
use uuid::Uuid;

use crate::client::Client;
use crate::ws::{lock, now_micros};

/// Time between two polls of one followed message.
const POLL: Duration = Duration::from_millis(20);
const MAX_FOLLOWED: usize = 4;
/// A message the inbox has not shown by then counts as a timeout.
const GIVE_UP: Duration = Duration::from_secs(30);

/// What the sampling found.
#[derive(Default)]
pub struct Freshness {
    /// Send → shown in the inbox, per followed message.
    pub shown: Vec<Duration>,
    /// Messages due for sampling while [`MAX_FOLLOWED`] were followed already.
    pub skipped: usize,
    pub timeouts: usize,
}

pub struct Inbox {
    client: Client,
    /// Per website: its id, and the token of the agent who looks.
    websites: Vec<(Uuid, String)>,
    every: Duration,
    next: Mutex<Instant>,
    following: Arc<Semaphore>,
    tracker: TaskTracker,
    freshness: Arc<Mutex<Freshness>>,
}

impl Inbox {
    pub fn new(client: Client, websites: Vec<(Uuid, String)>, every: Duration) -> Self {
        Self {
            client,
            websites,
            every,
            next: Mutex::new(Instant::now()),
            following: Arc::new(Semaphore::new(MAX_FOLLOWED)),
            tracker: TaskTracker::new(),
            freshness: Arc::default(),
        }
    }

    /// A visitor's message (`seq` in `room` of website number `website`, sent at `sent` µs
    /// since the epoch) has reached its visitor: follows it if a sample is due.
    pub fn offer(&self, website: usize, room: Uuid, seq: u64, sent: u64) {
        {
            let mut next = lock(&self.next);
            let now = Instant::now();
            if now < *next {
                return;
            }
            *next = now + self.every;
        }
        let Ok(permit) = self.following.clone().try_acquire_owned() else {
            lock(&self.freshness).skipped += 1;
            return;
        };
        let (client, freshness) = (self.client.clone(), self.freshness.clone());
        let (website, agent) = self.websites[website].clone();
        self.tracker.spawn(async move {
            let shown = shown(&client, website, &agent, room, seq).await;
            let mut freshness = lock(&freshness);
            match shown {
                Some(at) => freshness.shown.push(Duration::from_micros(at.saturating_sub(sent))),
                None => freshness.timeouts += 1,
            }
            drop(permit);
        });
    }

    /// Waits for the messages still followed, and answers what was found.
    pub async fn finish(&self) -> Freshness {
        self.tracker.close();
        self.tracker.wait().await;
        std::mem::take(&mut lock(&self.freshness))
    }
}

/// When (µs since the epoch) the inbox first showed `room` at `seq` or later; `None` if it had
/// not within [`GIVE_UP`].
async fn shown(client: &Client, website: Uuid, agent: &str, room: Uuid, seq: u64) -> Option<u64> {
    let path = format!("/v1/websites/{website}/conversations?status=open");
    let room = room.to_string();
    let deadline = Instant::now() + GIVE_UP;
    while Instant::now() < deadline {
        // A failed poll is one more that did not show it.
        if let Ok(inbox) = client.get(&path, agent).await {
            let mut conversations = inbox["conversations"].as_array().into_iter().flatten();
            if conversations.any(|c| c["room_id"] == room.as_str() && c["last_seq"].as_u64() >= Some(seq)) {
                return Some(now_micros());
            }
        }
        tokio::time::sleep(POLL).await;
    }
    None
}
