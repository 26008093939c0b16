//! The writer: owns the socket's send half and the per-room delivery positions; de-duplicates
//! by sequence, fills gaps from the store, heartbeats, and closes with the recorded reason.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use chat_domain::RoomId;
use futures::SinkExt;
use futures::stream::SplitSink;
use tokio::time::Instant;

use super::close;
use crate::backfill::{Backfill, Membership, RoomStore};
use crate::connection::{ConnHandle, Outbound};
use crate::hub::Hub;
use crate::protocol::{CloseReason, ReconnectReason, ResumeFailure, ServerFrame};

/// The writer's way out: the connection is closing (the reason is on the closer).
struct Stop;

pub(super) struct Writer {
    hub: Arc<Hub>,
    conn: ConnHandle,
    sink: SplitSink<WebSocket, Message>,
    /// The last sequence delivered per attached room.
    positions: HashMap<RoomId, u64>,
    /// When the last ping went out; pings go out even in the middle of a long catch-up.
    last_ping: Instant,
}

impl Writer {
    pub(super) fn new(hub: Arc<Hub>, conn: ConnHandle, sink: SplitSink<WebSocket, Message>) -> Self {
        Self { hub, conn, sink, positions: HashMap::new(), last_ping: Instant::now() }
    }

    pub(super) async fn run(mut self, initial: Vec<Outbound>) {
        let _ = self.serve(initial).await;
        for room in self.positions.keys() {
            self.hub.unsubscribe(*room, self.conn.id);
        }
        let reason = self.conn.closer.reason();
        if reason == CloseReason::Draining {
            let frame = ServerFrame::Reconnect { reason: ReconnectReason::ServerDraining }.encode();
            let _ = tokio::time::timeout(Duration::from_secs(1), self.sink.send(Message::Text(frame))).await;
        }
        close(&mut self.sink, reason).await;
    }

    /// Frames are written as they come but flushed only once nothing more is queued: with
    /// TCP_NODELAY, a burst (a busy room, a catch-up) goes out in a few segments instead of one
    /// per frame, and a lone frame goes out at once.
    async fn serve(&mut self, initial: Vec<Outbound>) -> Result<(), Stop> {
        for item in initial {
            self.process(item).await?;
        }
        loop {
            if !self.conn.has_outbound() {
                self.flush().await?;
            }
            let ping_due = self.last_ping + self.hub.config.heartbeat_interval;
            tokio::select! {
                biased;
                _ = self.conn.closer.closed() => return Err(Stop),
                item = self.conn.next_outbound() => self.process(item).await?,
                _ = tokio::time::sleep_until(ping_due) => self.ping().await?,
            }
        }
    }

    /// Sends unless the connection closes first (a client that stops reading blocks the send;
    /// the room feeds then close it as too slow, which ends the wait here). A ping goes first
    /// whenever one is due.
    async fn send(&mut self, message: Message) -> Result<(), Stop> {
        if self.last_ping.elapsed() >= self.hub.config.heartbeat_interval {
            self.ping().await?;
        }
        self.send_now(message).await
    }

    async fn ping(&mut self) -> Result<(), Stop> {
        self.last_ping = Instant::now();
        self.send_now(Message::Ping(Default::default())).await
    }

    /// Writes without flushing (see `serve`); the socket takes the bytes once its buffer fills.
    async fn send_now(&mut self, message: Message) -> Result<(), Stop> {
        tokio::select! {
            sent = self.sink.feed(message) => sent.map_err(|_| self.client_gone()),
            _ = self.conn.closer.closed() => Err(Stop),
        }
    }

    async fn flush(&mut self) -> Result<(), Stop> {
        tokio::select! {
            flushed = self.sink.flush() => flushed.map_err(|_| self.client_gone()),
            _ = self.conn.closer.closed() => Err(Stop),
        }
    }

    fn client_gone(&self) -> Stop {
        self.conn.closer.close(CloseReason::ClientGone);
        Stop
    }

    async fn process(&mut self, item: Outbound) -> Result<(), Stop> {
        match item {
            Outbound::Event(dispatch) => {
                let Some(&last) = self.positions.get(&dispatch.room) else { return Ok(()) };
                if dispatch.seq <= last {
                    return Ok(());
                }
                if dispatch.seq > last + 1 {
                    let gap = self.send_from_store(dispatch.room, last, Some(dispatch.seq - 1));
                    let filled = Box::pin(gap).await?;
                    if filled + 1 != dispatch.seq {
                        tracing::warn!(room_id = %dispatch.room, filled, seq = dispatch.seq, "unfillable gap");
                        self.conn.closer.close(CloseReason::Unavailable);
                        return Err(Stop);
                    }
                }
                self.send(Message::Text(dispatch.frame.clone())).await?;
                self.positions.insert(dispatch.room, dispatch.seq);
                if dispatch.left == Some(self.conn.user) {
                    self.detach(dispatch.room);
                }
            }
            Outbound::Typing(typing) => {
                if typing.user != self.conn.user
                    && self.positions.contains_key(&typing.room)
                    && !self.conn.is_blocked_by(typing.user)
                {
                    self.send(Message::Text(typing.frame.clone())).await?;
                }
            }
            Outbound::Receipt(receipt) => {
                if self.positions.contains_key(&receipt.room) {
                    self.send(Message::Text(receipt.frame.clone())).await?;
                }
            }
            Outbound::Presence(presence) => {
                // Not their own, nor of those who block them.
                if let Some(frame) = presence.text_without(&self.conn.hidden_presence()) {
                    self.send(Message::Text(frame)).await?;
                }
            }
            Outbound::Frame(frame) => self.send(Message::Text(frame)).await?,
            // Rarer, and deeper (store reads, subscribing): boxed, like filling a gap above, so
            // that the writer's task is sized for delivering rather than for catching up.
            Outbound::Attach { room, after, report } => Box::pin(self.attach(room, after, report)).await?,
            Outbound::Detach { room, through } => Box::pin(self.leave(room, through)).await?,
            Outbound::Sync(memberships) => Box::pin(self.sync(memberships)).await?,
        }
        Ok(())
    }

    /// Re-aligns the attached rooms with `memberships`.
    async fn sync(&mut self, memberships: Vec<Membership>) -> Result<(), Stop> {
        let current: HashSet<RoomId> = memberships.iter().filter(|m| m.joined).map(|m| m.room).collect();
        let attached: Vec<RoomId> = self.positions.keys().copied().collect();
        for room in attached.into_iter().filter(|room| !current.contains(room)) {
            // Deliver through the user's own MemberLeft before stopping.
            let left = memberships.iter().find(|m| m.room == room).map(|m| m.seq);
            self.leave(room, left).await?;
        }
        for membership in memberships.iter().filter(|m| m.joined) {
            self.attach(membership.room, membership.seq.saturating_sub(1), false).await?;
        }
        Ok(())
    }

    /// Starts delivering `room` after `after`: first from the store without a subscription
    /// (however far behind the client is), then subscribed, reading the store once more for
    /// what was committed meanwhile; live events already delivered are then dropped by seq.
    async fn attach(&mut self, room: RoomId, after: u64, report: bool) -> Result<(), Stop> {
        if let Some(&last) = self.positions.get(&room) {
            if report {
                self.report(room, true, after, last, None).await?;
            }
            return Ok(());
        }
        // A member may type while their room catches up.
        self.conn.set_attached(room, true);
        let mut last = self.send_from_store(room, after, None).await?;
        let mut recovered = true;
        if last == after && after > 0 {
            let stored = Box::pin(self.hub.pool.last_seq(room)).await.map_err(|_| self.unavailable())?;
            if stored < after {
                // The client claims more than the room holds: say so before sending anything,
                // so that it resets its position to `to_seq` and keeps what follows.
                self.report(room, false, after, stored, Some(ResumeFailure::UnknownPosition)).await?;
                (last, recovered) = (stored, false);
            }
        }
        self.positions.insert(room, last);
        let feed = self.hub.subscribe(room, &self.conn);
        tokio::select! {
            _ = feed.ready() => {}
            _ = self.conn.closer.closed() => return Err(Stop),
        }
        let last = self.send_from_store(room, last, None).await?;
        self.positions.insert(room, last);
        if report && recovered {
            self.report(room, true, after, last, None).await?;
        }
        Ok(())
    }

    async fn report(
        &mut self,
        room: RoomId,
        recovered: bool,
        from: u64,
        to: u64,
        reason: Option<ResumeFailure>,
    ) -> Result<(), Stop> {
        let frame = ServerFrame::Resumed { room_id: room, recovered, from_seq: from, to_seq: to, reason };
        self.send(Message::Text(frame.encode())).await
    }

    /// Stops delivering `room`, after delivering events up to `through` if that is known.
    async fn leave(&mut self, room: RoomId, through: Option<u64>) -> Result<(), Stop> {
        if let Some(&last) = self.positions.get(&room) {
            if let Some(through) = through
                && last < through
            {
                self.send_from_store(room, last, Some(through)).await?;
            }
            self.detach(room);
        }
        Ok(())
    }

    fn detach(&mut self, room: RoomId) {
        self.positions.remove(&room);
        self.conn.set_attached(room, false);
        self.hub.unsubscribe(room, self.conn.id);
    }

    /// Sends `room`'s stored events after `after` (through `until`, if given); returns the
    /// last sequence sent (or `after`).
    async fn send_from_store(&mut self, room: RoomId, after: u64, until: Option<u64>) -> Result<u64, Stop> {
        let mut backfill = Backfill::new(room, after, until);
        loop {
            // Boxed: a database future would otherwise size the writer task for its lifetime.
            let page = Box::pin(backfill.next_page(&self.hub.pool)).await.map_err(|error| {
                tracing::warn!(%error, room_id = %room, "cannot read the event store for a client");
                self.unavailable()
            })?;
            let Some(page) = page else { return Ok(backfill.position()) };
            for event in page {
                self.send(Message::Text(ServerFrame::event(room, &event))).await?;
            }
        }
    }

    fn unavailable(&self) -> Stop {
        self.conn.closer.close(CloseReason::Unavailable);
        Stop
    }
}
