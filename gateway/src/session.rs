//! One client connection, from `hello` to close.
//!
//! Three tasks per connection: the reader (parses frames, answers pings, publishes typing,
//! queues commands), the command runner ([`crate::commands`]) and the writer (owns the socket's send
//! half and the per-room delivery positions; de-duplicates by sequence, fills gaps from the
//! store, heartbeats, and closes with the recorded reason).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use chat_domain::{RoomId, UserId};
use chat_nats::wire::{TypingNotice, WireCommand, encode};
use chat_projections::queries::rooms;
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::time::Instant;
use uuid::Uuid;

use crate::backfill;
use crate::commands::{self, Queued};
use crate::connection::{ConnHandle, Outbound};
use crate::hub::{Hub, MAX_ROOMS_PER_USER};
use crate::limits::ConnectionLimits;
use crate::protocol::{ClientFrame, CloseReason, PROTOCOL_VERSION, ServerFrame};

/// Commands a connection may have queued before the reader stops reading.
const COMMAND_QUEUE: usize = 32;

pub async fn run(socket: WebSocket, hub: Arc<Hub>) {
    // The start-up (identify, reading the user's rooms) awaits large database futures; boxed,
    // they are freed once it is done instead of sizing this task for the connection's lifetime.
    let Some(Started { conn, outbox, sink, mut stream, initial }) = Box::pin(start(socket, &hub)).await else {
        return;
    };
    let writer =
        Writer { hub: hub.clone(), conn: conn.clone(), sink, positions: HashMap::new(), last_ping: Instant::now() };
    let writer = tokio::spawn(writer.run(outbox, initial));
    let (commands, queued) = mpsc::channel(COMMAND_QUEUE);
    let runner = tokio::spawn(commands::run(hub.clone(), conn.clone(), queued));
    read(&hub, &conn, &mut stream, commands).await;
    conn.closer.close(CloseReason::ClientGone);
    // Queued commands of a closed connection are not sent (their answers could not arrive).
    runner.abort();
    let _ = writer.await;
    hub.unregister(&conn);
}

/// An identified connection, registered with the hub, its `ready` sent.
struct Started {
    conn: ConnHandle,
    outbox: mpsc::Receiver<Outbound>,
    sink: SplitSink<WebSocket, Message>,
    stream: SplitStream<WebSocket>,
    /// What the writer does first: attach the user's rooms (catching up), report resumes.
    initial: Vec<Outbound>,
}

/// From `hello` to `ready`; `None` once the connection has been closed instead.
async fn start(socket: WebSocket, hub: &Hub) -> Option<Started> {
    let (mut sink, mut stream) = socket.split();
    let hello = ServerFrame::Hello {
        protocol: PROTOCOL_VERSION,
        gateway_id: &hub.config.gateway_id,
        heartbeat_interval_ms: hub.config.heartbeat_interval.as_millis() as u64,
        typing_renew_ms: hub.config.typing_throttle.as_millis() as u64,
    };
    if sink.send(Message::Text(hello.encode())).await.is_err() {
        return None;
    }
    let identified = tokio::select! {
        identified = identify(hub, &mut stream) => identified,
        _ = hub.draining() => Err(CloseReason::Draining),
    };
    let (user, resume) = match identified {
        Ok(identified) => identified,
        Err(reason) => {
            close(&mut sink, reason).await;
            return None;
        }
    };
    let (conn, outbox) = ConnHandle::new(user, hub.config.send_queue);
    // Registered first: membership notices from here on reach this connection, and the
    // memberships read next already include every change notified before.
    hub.register(&conn);
    if hub.is_draining() {
        hub.unregister(&conn);
        close(&mut sink, CloseReason::Draining).await;
        return None;
    }
    let (memberships, summaries) = match tokio::try_join!(
        backfill::memberships(&hub.pool, user, MAX_ROOMS_PER_USER),
        rooms::page(&hub.pool, user, None, MAX_ROOMS_PER_USER)
    ) {
        Ok((memberships, page)) => (memberships, page.rooms),
        Err(error) => {
            tracing::error!(%error, "cannot read the rooms of a connecting user");
            hub.unregister(&conn);
            close(&mut sink, CloseReason::Unavailable).await;
            return None;
        }
    };
    let ready = ServerFrame::Ready { session_id: Uuid::now_v7(), user_id: user, rooms: &summaries };
    if sink.send(Message::Text(ready.encode())).await.is_err() {
        hub.unregister(&conn);
        return None;
    }

    let known: HashMap<RoomId, u64> =
        summaries.iter().map(|room| (RoomId::from_uuid(room.room_id), room.last_seq.max(0) as u64)).collect();
    let members: HashSet<RoomId> = memberships.iter().filter(|m| m.joined).map(|m| m.room).collect();
    let mut initial = Vec::with_capacity(members.len() + resume.len());
    for membership in memberships.iter().filter(|m| m.joined) {
        let room = membership.room;
        initial.push(match resume.get(&room) {
            Some(&seen) => Outbound::Attach { room, after: seen, report: true },
            // Rooms the read model does not list yet were joined a moment ago: from the join.
            None => {
                let after = known.get(&room).copied().unwrap_or(membership.seq.saturating_sub(1));
                Outbound::Attach { room, after, report: false }
            }
        });
    }
    for (&room, &seen) in resume.iter().filter(|(room, _)| !members.contains(room)) {
        let frame = ServerFrame::Resumed {
            room_id: room,
            recovered: false,
            from_seq: seen,
            to_seq: seen,
            reason: Some("not_a_member"),
        };
        initial.push(Outbound::Frame(frame.encode()));
    }

    Some(Started { conn, outbox, sink, stream, initial })
}

/// Waits for the `identify` frame and checks its token.
async fn identify(
    hub: &Hub,
    stream: &mut SplitStream<WebSocket>,
) -> Result<(UserId, HashMap<RoomId, u64>), CloseReason> {
    let first = tokio::time::timeout(hub.config.identify_timeout, async {
        loop {
            match stream.next().await {
                Some(Ok(Message::Text(text))) => return Ok(text),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(Message::Binary(_))) => return Err(CloseReason::AuthenticationFailed),
                Some(Ok(Message::Close(_))) => return Err(CloseReason::ClientClosed),
                Some(Err(error)) => return Err(read_error(error)),
                None => return Err(CloseReason::ClientGone),
            }
        }
    })
    .await
    .map_err(|_| CloseReason::IdentifyTimeout)??;
    let Ok(ClientFrame::Identify { token, resume, .. }) = ClientFrame::parse(&first) else {
        return Err(CloseReason::AuthenticationFailed);
    };
    let user = hub.tokens.verify(&token).map_err(|_| CloseReason::AuthenticationFailed)?.user;
    Ok((user, resume))
}

/// How long a close frame may wait behind unread data. A client closed as too slow only sees
/// the close code once it has read what was already in flight, so it gets some time for that;
/// after this the socket is dropped regardless.
const CLOSE_GRACE: Duration = Duration::from_secs(10);

async fn close(sink: &mut SplitSink<WebSocket, Message>, reason: CloseReason) {
    match reason {
        CloseReason::ClientGone => return,
        // The WebSocket layer has queued the echo of the client's close frame; flush it.
        CloseReason::ClientClosed => {
            let _ = tokio::time::timeout(CLOSE_GRACE, sink.close()).await;
            return;
        }
        _ => {}
    }
    let frame = CloseFrame { code: reason.code(), reason: Utf8Bytes::from_static(reason.text()) };
    let _ = tokio::time::timeout(CLOSE_GRACE, sink.send(Message::Close(Some(frame)))).await;
}

/// Why reading failed: a frame over the size limit, or a broken connection.
fn read_error(error: axum::Error) -> CloseReason {
    match error.into_inner().downcast_ref::<tungstenite::Error>() {
        Some(tungstenite::Error::Capacity(_)) => CloseReason::MessageTooBig,
        _ => CloseReason::ClientGone,
    }
}

fn error_frame(id: Option<&str>, code: &str, message: &str) -> Outbound {
    Outbound::Frame(ServerFrame::Error { id, code, message, field: None, retry_after_ms: None }.encode())
}

/// The reader: until the client goes, the heartbeat times out, or the connection is closed.
async fn read(hub: &Hub, conn: &ConnHandle, stream: &mut SplitStream<WebSocket>, commands: mpsc::Sender<Box<Queued>>) {
    let mut typing_sent: HashMap<RoomId, Instant> = HashMap::new();
    let limits = ConnectionLimits::new(&hub.config);
    loop {
        let next = tokio::select! {
            next = tokio::time::timeout(hub.config.heartbeat_timeout, stream.next()) => next,
            _ = conn.closer.closed() => return,
        };
        let message = match next {
            Err(_) => return conn.closer.close(CloseReason::HeartbeatTimeout),
            Ok(None) => return,
            Ok(Some(Err(error))) => return conn.closer.close(read_error(error)),
            Ok(Some(Ok(message))) => message,
        };
        let text = match message {
            Message::Text(text) => text,
            Message::Binary(_) => {
                conn.deliver(error_frame(None, "unsupported_frame", "frames are JSON text"));
                continue;
            }
            Message::Ping(_) | Message::Pong(_) => continue,
            Message::Close(_) => return conn.closer.close(CloseReason::ClientClosed),
        };
        match ClientFrame::parse(&text) {
            Err(error) => conn.deliver(error_frame(error.id.as_deref(), error.code, &error.message)),
            Ok(ClientFrame::Identify { id, .. }) => {
                conn.deliver(error_frame(id.as_deref(), "already_identified", "this connection is already identified"));
            }
            Ok(ClientFrame::Presence { away, .. }) => hub.set_away(conn, away),
            Ok(ClientFrame::Ping { id }) => {
                conn.deliver(Outbound::Frame(ServerFrame::Pong { id: id.as_deref() }.encode()))
            }
            Ok(ClientFrame::Typing { id, room_id, typing }) => {
                if let Err(refused) = limits.typing() {
                    conn.deliver(refused.frame(id.as_deref()));
                    continue;
                }
                if !conn.is_in(room_id) {
                    conn.deliver(error_frame(id.as_deref(), "not_a_member", "you are not a member of this room"));
                    continue;
                }
                let now = Instant::now();
                if typing && typing_sent.get(&room_id).is_some_and(|at| now < *at + hub.config.typing_throttle) {
                    continue;
                }
                if typing {
                    typing_sent.insert(room_id, now);
                } else {
                    typing_sent.remove(&room_id);
                }
                let notice = TypingNotice { room_id, user_id: conn.user, typing };
                if let Err(error) = hub.nats.publish(hub.subjects.room_typing(room_id), encode(&notice)).await {
                    tracing::warn!(%error, "cannot publish a typing notice");
                }
            }
            Ok(ClientFrame::Command { id, room_id, command }) => {
                if let Err(refused) = limits.command() {
                    conn.deliver(refused.frame(Some(&id)));
                    continue;
                }
                if matches!(command, WireCommand::Post { .. }) {
                    // A post ends the typing indicator; typing again shows it again at once.
                    typing_sent.remove(&room_id);
                }
                // Waiting here when the queue is full slows the client down instead of buffering.
                if commands.send(Box::new(Queued { id, room: room_id, command })).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// The writer's way out: the connection is closing (the reason is on the closer).
struct Stop;

struct Writer {
    hub: Arc<Hub>,
    conn: ConnHandle,
    sink: SplitSink<WebSocket, Message>,
    /// The last sequence delivered per attached room.
    positions: HashMap<RoomId, u64>,
    /// When the last ping went out; pings go out even in the middle of a long catch-up.
    last_ping: Instant,
}

impl Writer {
    async fn run(mut self, mut outbox: mpsc::Receiver<Outbound>, initial: Vec<Outbound>) {
        let _ = self.serve(&mut outbox, initial).await;
        for room in self.positions.keys() {
            self.hub.unsubscribe(*room, self.conn.id);
        }
        let reason = self.conn.closer.reason();
        if reason == CloseReason::Draining {
            let frame = ServerFrame::Reconnect { reason: reason.text() }.encode();
            let _ = tokio::time::timeout(Duration::from_secs(1), self.sink.send(Message::Text(frame))).await;
        }
        close(&mut self.sink, reason).await;
    }

    async fn serve(&mut self, outbox: &mut mpsc::Receiver<Outbound>, initial: Vec<Outbound>) -> Result<(), Stop> {
        for item in initial {
            self.process(item).await?;
        }
        loop {
            let ping_due = self.last_ping + self.hub.config.heartbeat_interval;
            tokio::select! {
                biased;
                _ = self.conn.closer.closed() => return Err(Stop),
                item = outbox.recv() => match item {
                    Some(item) => self.process(item).await?,
                    None => return Ok(()),
                },
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

    async fn send_now(&mut self, message: Message) -> Result<(), Stop> {
        tokio::select! {
            sent = self.sink.send(message) => sent.map_err(|_| {
                self.conn.closer.close(CloseReason::ClientGone);
                Stop
            }),
            _ = self.conn.closer.closed() => Err(Stop),
        }
    }

    async fn process(&mut self, item: Outbound) -> Result<(), Stop> {
        match item {
            Outbound::Event(dispatch) => {
                let Some(&last) = self.positions.get(&dispatch.room) else { return Ok(()) };
                if dispatch.seq <= last {
                    return Ok(());
                }
                if dispatch.seq > last + 1 {
                    let filled = self.send_from_store(dispatch.room, last, Some(dispatch.seq - 1)).await?;
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
                if typing.user != self.conn.user && self.positions.contains_key(&typing.room) {
                    self.send(Message::Text(typing.frame.clone())).await?;
                }
            }
            Outbound::Frame(frame) => self.send(Message::Text(frame)).await?,
            Outbound::Attach { room, after, report } => self.attach(room, after, report).await?,
            Outbound::Detach { room, through } => self.leave(room, through).await?,
            Outbound::Sync(memberships) => {
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
            }
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
        self.conn.rooms.lock().unwrap_or_else(|p| p.into_inner()).insert(room);
        let mut last = self.send_from_store(room, after, None).await?;
        let mut recovered = true;
        if last == after && after > 0 {
            let stored = Box::pin(backfill::last_seq(&self.hub.pool, room)).await.map_err(|_| self.unavailable())?;
            if stored < after {
                // The client claims more than the room holds: say so before sending anything,
                // so that it resets its position to `to_seq` and keeps what follows.
                self.report(room, false, after, stored, Some("unknown_position")).await?;
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
        reason: Option<&str>,
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
        self.conn.rooms.lock().unwrap_or_else(|p| p.into_inner()).remove(&room);
        self.hub.unsubscribe(room, self.conn.id);
    }

    /// Sends `room`'s stored events after `after` (through `until`, if given); returns the
    /// last sequence sent (or `after`).
    async fn send_from_store(&mut self, room: RoomId, mut after: u64, until: Option<u64>) -> Result<u64, Stop> {
        loop {
            // Boxed: a database future would otherwise size the writer task for its lifetime.
            let page = Box::pin(backfill::page(&self.hub.pool, room, after)).await.map_err(|error| {
                tracing::warn!(%error, room_id = %room, "cannot read the event store for a client");
                self.unavailable()
            })?;
            let full = page.len() as i64 == backfill::PAGE;
            for event in page {
                if until.is_some_and(|until| event.seq > until) {
                    return Ok(after);
                }
                self.send(Message::Text(ServerFrame::event(room, &event))).await?;
                after = event.seq;
            }
            if !full {
                return Ok(after);
            }
        }
    }

    fn unavailable(&self) -> Stop {
        self.conn.closer.close(CloseReason::Unavailable);
        Stop
    }
}
