//! One room's live feed on this gateway: a single subscription shared by every local
//! connection in the room (ref-counted by the hub).
//!
//! The feed dispatches the room's events in sequence order without gaps: a duplicate is
//! dropped, a jump is filled from the event store first, and after a NATS reconnect the feed
//! reads whatever it may have missed. Typing notices are tracked here too, so that a typing
//! indicator that is not renewed is reported as stopped, and members' receipts (delivery
//! markers that moved) are passed on to every connection in the room.
//!
//! A feed knows nothing of the hub: what it needs from the world is a [`RoomSource`] (the
//! live messages, the store, the members, reconnects), which the hub provides over NATS and
//! Postgres and a unit test provides in memory.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chat_domain::room::RoomEvent;
use chat_domain::{RoomId, UserId};
use chat_nats::wire::{EventMessage, ReceiptNotice, TypingNotice};
use futures::StreamExt;
use futures::stream::BoxStream;
use serde::Deserialize;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::backfill::{Backfill, RoomStore};
use crate::connection::{ConnHandle, ConnId, Dispatch, Outbound, RoomFrame, Typing};
use crate::lock::locked;
use crate::protocol::ServerFrame;

/// What arrives on a room's live subscription.
#[derive(Debug)]
pub enum RoomMessage {
    Event(EventMessage),
    Typing(TypingNotice),
    Receipts(ReceiptNotice),
}

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What a room feed needs from the world.
pub trait RoomSource: RoomStore + 'static {
    /// Subscribes to the room's live messages. Once this returns, every message published
    /// afterwards is delivered on the stream.
    fn subscribe(&self, room: RoomId)
    -> impl Future<Output = Result<BoxStream<'static, RoomMessage>, BoxError>> + Send;

    /// The room's members now (for presence delivery; kept up to date from events after).
    fn members(&self, room: RoomId) -> impl Future<Output = Result<Vec<UserId>, sqlx::Error>> + Send;

    /// A receiver that changes whenever the live subscriptions may have missed messages (a
    /// NATS reconnect).
    fn reconnects(&self) -> watch::Receiver<u64>;
}

/// How long to wait before subscribing again after a failure.
const RESUBSCRIBE: Duration = Duration::from_secs(1);

pub struct RoomFeed {
    room: RoomId,
    /// A typing indicator not renewed within this time is reported as stopped.
    typing_ttl: Duration,
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
    pub fn new(room: RoomId, typing_ttl: Duration) -> Self {
        Self {
            room,
            typing_ttl,
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

    fn subscribers(&self) -> MutexGuard<'_, HashMap<ConnId, ConnHandle>> {
        locked(&self.subscribers)
    }

    fn members(&self) -> MutexGuard<'_, HashSet<UserId>> {
        locked(&self.members)
    }

    /// The members among `changed` and the local connections in this room, to tell them; `None`
    /// if no member changed, or if the room has more than `room_limit` members: in a room that
    /// large, members coming online together would cost every connection a frame listing most
    /// of the room, so its members' presence is read on request instead (the room's detail).
    pub fn presence_recipients<V>(
        &self,
        changed: &HashMap<UserId, V>,
        room_limit: usize,
    ) -> Option<(Vec<UserId>, Vec<ConnHandle>)> {
        let members = self.members();
        if members.len() > room_limit {
            return None;
        }
        let concerned: Vec<UserId> = if members.len() < changed.len() {
            members.iter().filter(|user| changed.contains_key(user)).copied().collect()
        } else {
            changed.keys().filter(|user| members.contains(user)).copied().collect()
        };
        drop(members);
        if concerned.is_empty() {
            return None;
        }
        Some((concerned, self.subscribers().values().cloned().collect()))
    }

    /// Adds to the members known for presence delivery.
    pub fn add_members(&self, members: impl IntoIterator<Item = UserId>) {
        self.members().extend(members);
    }

    fn fan_out(&self, item: impl Fn() -> Outbound) {
        for conn in self.subscribers().values() {
            conn.deliver(item());
        }
    }

    /// Follows the room until stopped.
    #[tracing::instrument(name = "room_feed", level = "error", skip_all, fields(room_id = %self.room))]
    pub async fn run(self: Arc<Self>, source: Arc<impl RoomSource>) {
        let mut live = loop {
            match source.subscribe(self.room).await {
                Ok(live) => break live,
                Err(error) => {
                    tracing::warn!(%error, "cannot subscribe to a room; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(RESUBSCRIBE) => {}
                        _ = self.stop.cancelled() => return,
                    }
                }
            }
        };
        let mut state = FeedState { last: source.last_seq(self.room).await.ok(), typing: HashMap::new() };
        match source.members(self.room).await {
            Ok(members) => self.add_members(members),
            Err(error) => tracing::warn!(%error, "cannot load room members for presence"),
        }
        self.ready.send_replace(true);
        let mut reconnects = source.reconnects();
        reconnects.borrow_and_update();
        let mut tick = tokio::time::interval(self.typing_ttl / 4);
        loop {
            tokio::select! {
                message = live.next() => match message {
                    Some(RoomMessage::Event(event)) => self.on_event(&*source, &mut state, event).await,
                    Some(RoomMessage::Typing(notice)) => self.on_typing(&mut state, notice),
                    Some(RoomMessage::Receipts(notice)) => self.on_receipts(notice),
                    None => break,
                },
                Ok(()) = reconnects.changed() => {
                    if let Some(last) = state.last {
                        self.fill(&*source, &mut state, last, None).await;
                    }
                }
                _ = tick.tick(), if !state.typing.is_empty() => self.expire_typing(&mut state),
                _ = self.stop.cancelled() => break,
            }
        }
    }

    async fn on_event(&self, store: &impl RoomStore, state: &mut FeedState, event: EventMessage) {
        if let Some(last) = state.last {
            if event.seq <= last {
                return;
            }
            if event.seq > last + 1 {
                self.fill(store, state, last, Some(event.seq - 1)).await;
            }
        }
        self.dispatch(state, &event);
    }

    /// Dispatches the events after `after` (up to `until`) from the store.
    async fn fill(&self, store: &impl RoomStore, state: &mut FeedState, after: u64, until: Option<u64>) {
        let mut backfill = Backfill::new(self.room, after, until);
        loop {
            match backfill.next_page(store).await {
                Ok(Some(page)) => page.iter().for_each(|event| self.dispatch(state, event)),
                Ok(None) => return,
                // Connections notice the gap themselves and retry or ask the client to resume.
                Err(error) => return tracing::warn!(%error, "cannot fill a gap from the event store"),
            }
        }
    }

    /// Sends `event` to every subscriber, keeping the members and typing state up to date.
    fn dispatch(&self, state: &mut FeedState, event: &EventMessage) {
        let decoded = RoomEvent::deserialize(&event.payload)
            .inspect_err(|error| tracing::warn!(%error, seq = event.seq, "undecodable room event"))
            .ok();
        let change = decoded.as_ref().and_then(RoomEvent::membership_change);
        let left = match change {
            Some(change) if change.joined => {
                self.members().insert(change.user_id);
                None
            }
            Some(change) => {
                self.members().remove(&change.user_id);
                Some(change.user_id)
            }
            None => None,
        };
        if let Some(RoomEvent::MessagePosted { author, .. }) = decoded
            && state.typing.remove(&author).is_some()
        {
            self.send_typing(author, false);
        }
        let dispatch =
            Arc::new(Dispatch { room: self.room, seq: event.seq, frame: ServerFrame::event(self.room, event), left });
        self.fan_out(|| Outbound::Event(dispatch.clone()));
        state.last = Some(event.seq);
    }

    fn on_typing(&self, state: &mut FeedState, notice: TypingNotice) {
        if notice.typing {
            let was_typing = state.typing.insert(notice.user_id, Instant::now() + self.typing_ttl).is_some();
            if !was_typing {
                self.send_typing(notice.user_id, true);
            }
        } else if state.typing.remove(&notice.user_id).is_some() {
            self.send_typing(notice.user_id, false);
        }
    }

    /// One `receipt` frame per moved marker to every connection in the room (the member's own
    /// included: their other devices learn how far they got).
    fn on_receipts(&self, notice: ReceiptNotice) {
        for receipt in notice.receipts {
            let frame = ServerFrame::Receipt {
                room_id: self.room,
                user_id: receipt.user_id,
                delivered_seq: receipt.delivered_seq.max(receipt.read_seq),
                read_seq: receipt.read_seq,
            }
            .encode();
            let receipt = Arc::new(RoomFrame { room: self.room, frame });
            self.fan_out(|| Outbound::Receipt(receipt.clone()));
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

#[cfg(test)]
mod tests;
