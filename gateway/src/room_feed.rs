//! One room's live feed on this gateway: a single NATS subscription shared by every local
//! connection in the room (ref-counted by the hub).
//!
//! The feed dispatches the room's events in sequence order without gaps: a duplicate is
//! dropped, a jump is filled from the event store first, and after a NATS reconnect the feed
//! reads whatever it may have missed. Typing notices are tracked here too, so that a typing
//! indicator that is not renewed is reported as stopped.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chat_domain::{RoomId, UserId};
use chat_nats::subjects::RoomSubject;
use chat_nats::wire::{EventMessage, TypingNotice, decode};
use chat_projections::queries::rooms;
use futures::StreamExt;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::backfill;
use crate::connection::{ConnHandle, ConnId, Dispatch, Outbound, Typing};
use crate::hub::Hub;
use crate::protocol::ServerFrame;

pub struct RoomFeed {
    room: RoomId,
    subscribers: Mutex<HashMap<ConnId, ConnHandle>>,
    /// The room's members, for presence delivery (loaded from the read model, then kept up
    /// to date from membership events).
    members: Mutex<HashSet<UserId>>,
    /// Set once subscribed and the baseline is read: from then on every later event is
    /// dispatched, so a connection reading the store after this misses nothing.
    ready: watch::Sender<bool>,
    stop: CancellationToken,
}

impl RoomFeed {
    pub fn new(room: RoomId) -> Self {
        Self {
            room,
            subscribers: Mutex::default(),
            members: Mutex::default(),
            ready: watch::Sender::new(false),
            stop: CancellationToken::new(),
        }
    }

    pub fn add(&self, conn: &ConnHandle) {
        self.subscribers().insert(conn.id, conn.clone());
    }

    /// Removes a subscriber; returns whether none is left.
    pub fn remove(&self, conn: ConnId) -> bool {
        let mut subscribers = self.subscribers();
        subscribers.remove(&conn);
        subscribers.is_empty()
    }

    pub fn stop(&self) {
        self.stop.cancel();
    }

    /// Waits until the feed is live (see `ready`).
    pub async fn ready(&self) {
        let mut ready = self.ready.subscribe();
        let _ = ready.wait_for(|ready| *ready).await;
    }

    fn subscribers(&self) -> std::sync::MutexGuard<'_, HashMap<ConnId, ConnHandle>> {
        self.subscribers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn members(&self) -> std::sync::MutexGuard<'_, HashSet<UserId>> {
        self.members.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// For each local connection in this room, the users among `changed` who are members.
    pub fn presence_recipients(&self, changed: &HashSet<UserId>) -> Vec<(ConnHandle, Vec<UserId>)> {
        let concerned: Vec<UserId> = self.members().intersection(changed).copied().collect();
        if concerned.is_empty() {
            return Vec::new();
        }
        self.subscribers().values().map(|conn| (conn.clone(), concerned.clone())).collect()
    }

    fn fan_out(&self, item: impl Fn() -> Outbound) {
        for conn in self.subscribers().values() {
            conn.deliver(item());
        }
    }

    pub async fn run(self: Arc<Self>, hub: Arc<Hub>) {
        let subject = hub.subjects.room_all(self.room);
        let mut subscription = loop {
            match hub.nats.subscribe(subject.clone()).await {
                Ok(subscription) => break subscription,
                Err(error) => {
                    tracing::warn!(room_id = %self.room, %error, "cannot subscribe to a room; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = self.stop.cancelled() => return,
                    }
                }
            }
        };
        // The server must have the subscription before we read the baseline, so that every
        // event committed after the baseline reaches us live.
        let _ = hub.nats.flush().await;
        let mut state = FeedState { last: backfill::last_seq(&hub.pool, self.room).await.ok(), typing: HashMap::new() };
        match rooms::members(&hub.pool, self.room).await {
            Ok(members) => self.members().extend(members),
            Err(error) => tracing::warn!(room_id = %self.room, %error, "cannot load room members for presence"),
        }
        self.ready.send_replace(true);
        let mut reconnects = hub.reconnects();
        let mut tick = tokio::time::interval(hub.config.typing_ttl / 4);
        loop {
            tokio::select! {
                message = subscription.next() => {
                    let Some(message) = message else { break };
                    match hub.subjects.room_kind(&message.subject) {
                        Some(RoomSubject::Event) => match decode::<EventMessage>(&message.payload) {
                            Ok(event) => self.on_event(&hub, &mut state, event).await,
                            Err(error) => tracing::warn!(room_id = %self.room, %error, "undecodable event on the bus"),
                        },
                        Some(RoomSubject::Typing) => match decode::<TypingNotice>(&message.payload) {
                            Ok(notice) => self.on_typing(&hub, &mut state, notice),
                            Err(error) => tracing::warn!(room_id = %self.room, %error, "undecodable typing notice"),
                        },
                        None => {}
                    }
                }
                Ok(()) = reconnects.changed() => {
                    if let Some(last) = state.last {
                        self.fill(&hub, &mut state, last, None).await;
                    }
                }
                _ = tick.tick(), if !state.typing.is_empty() => self.expire_typing(&mut state),
                _ = self.stop.cancelled() => break,
            }
        }
    }

    async fn on_event(&self, hub: &Hub, state: &mut FeedState, event: EventMessage) {
        if let Some(last) = state.last {
            if event.seq <= last {
                return;
            }
            if event.seq > last + 1 {
                self.fill(hub, state, last, Some(event.seq - 1)).await;
            }
        }
        if event.event_type == "MessagePosted"
            && let Some(author) = event.actor
            && state.typing.remove(&author).is_some()
        {
            self.send_typing(author, false);
        }
        self.dispatch(&event);
        state.last = Some(event.seq);
    }

    /// Dispatches the events after `after` (up to `until`) from the store.
    async fn fill(&self, hub: &Hub, state: &mut FeedState, mut after: u64, until: Option<u64>) {
        loop {
            let page = match backfill::page(&hub.pool, self.room, after).await {
                Ok(page) => page,
                Err(error) => {
                    // Connections notice the gap themselves and retry or ask the client to resume.
                    tracing::warn!(room_id = %self.room, %error, "cannot fill a gap from the event store");
                    return;
                }
            };
            let full = page.len() as i64 == backfill::PAGE;
            for event in page {
                if until.is_some_and(|until| event.seq > until) {
                    return;
                }
                self.dispatch(&event);
                after = event.seq;
                state.last = Some(after);
            }
            if !full {
                return;
            }
        }
    }

    fn dispatch(&self, event: &EventMessage) {
        let member = || event.payload.get("user_id").and_then(|id| serde_json::from_value::<UserId>(id.clone()).ok());
        let left = match event.event_type.as_str() {
            "MemberJoined" => {
                self.members().extend(member());
                None
            }
            "MemberLeft" => member().inspect(|user| {
                self.members().remove(user);
            }),
            _ => None,
        };
        let dispatch =
            Arc::new(Dispatch { room: self.room, seq: event.seq, frame: ServerFrame::event(self.room, event), left });
        self.fan_out(|| Outbound::Event(dispatch.clone()));
    }

    fn on_typing(&self, hub: &Hub, state: &mut FeedState, notice: TypingNotice) {
        if notice.typing {
            let was_typing = state.typing.insert(notice.user_id, Instant::now() + hub.config.typing_ttl).is_some();
            if !was_typing {
                self.send_typing(notice.user_id, true);
            }
        } else if state.typing.remove(&notice.user_id).is_some() {
            self.send_typing(notice.user_id, false);
        }
    }

    fn expire_typing(&self, state: &mut FeedState) {
        let now = Instant::now();
        let expired: Vec<UserId> =
            state.typing.iter().filter(|(_, until)| **until <= now).map(|(user, _)| *user).collect();
        for user in expired {
            state.typing.remove(&user);
            self.send_typing(user, false);
        }
    }

    fn send_typing(&self, user: UserId, typing: bool) {
        let frame = ServerFrame::Typing { room_id: self.room, user_id: user, typing }.encode();
        let typing = Arc::new(Typing { room: self.room, user, frame });
        self.fan_out(|| Outbound::Typing(typing.clone()));
    }
}

struct FeedState {
    /// The last sequence dispatched; `None` until known (if the store was unreachable).
    last: Option<u64>,
    /// Who is typing, until when.
    typing: HashMap<UserId, Instant>,
}
