//! One client connection, from `hello` to close.
//!
//! Three tasks per connection: the reader (parses frames, answers pings, publishes typing,
//! queues commands), the command runner (sends the connection's commands to the command
//! service one at a time, so that their order is kept) and the writer (owns the socket's send
//! half and the per-room delivery positions; de-duplicates by sequence, fills gaps from the
//! store, heartbeats, and closes with the recorded reason).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use chat_domain::{RoomId, UserId};
use chat_nats::wire::{CommandRequest, CommandResponse, TypingNotice, WireCommand, decode, encode};
use chat_projections::queries::rooms;
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::time::Instant;
use uuid::Uuid;

use crate::backfill;
use crate::connection::{ConnHandle, Outbound};
use crate::hub::{Hub, MAX_ROOMS_PER_USER};
use crate::protocol::{ClientFrame, CloseReason, PROTOCOL_VERSION, ServerFrame};

/// Commands a connection may have queued before the reader stops reading.
const COMMAND_QUEUE: usize = 32;

pub async fn run(socket: WebSocket, hub: Arc<Hub>) {
    let (mut sink, mut stream) = socket.split();
    let hello = ServerFrame::Hello {
        protocol: PROTOCOL_VERSION,
        gateway_id: &hub.config.gateway_id,
        heartbeat_interval_ms: hub.config.heartbeat_interval.as_millis() as u64,
    };
    if sink.send(Message::Text(hello.encode())).await.is_err() {
        return;
    }
    let (user, resume) = match identify(&hub, &mut stream).await {
        Ok(identified) => identified,
        Err(reason) => return close(&mut sink, reason).await,
    };
    let (conn, outbox) = ConnHandle::new(user, hub.config.send_queue);
    // Registered first: membership notices from here on reach this connection, and the
    // memberships read next already include every change notified before.
    hub.register(&conn);
    let (memberships, summaries) = match tokio::try_join!(
        backfill::memberships(&hub.pool, user),
        rooms::of_user(&hub.pool, user, MAX_ROOMS_PER_USER)
    ) {
        Ok(found) => found,
        Err(error) => {
            tracing::error!(%error, "cannot read the rooms of a connecting user");
            hub.unregister(&conn);
            return close(&mut sink, CloseReason::Unavailable).await;
        }
    };
    let ready = ServerFrame::Ready { session_id: Uuid::now_v7(), user_id: user, rooms: &summaries };
    if sink.send(Message::Text(ready.encode())).await.is_err() {
        hub.unregister(&conn);
        return;
    }

    let known: HashMap<RoomId, u64> =
        summaries.iter().map(|room| (RoomId::from_uuid(room.room_id), room.last_seq.max(0) as u64)).collect();
    let mut initial = Vec::with_capacity(memberships.len() + resume.len());
    for &(room, joined) in &memberships {
        initial.push(match resume.get(&room) {
            Some(&seen) => Outbound::Attach { room, after: seen, report: true },
            // Rooms the read model does not list yet were joined a moment ago: from the join.
            None => Outbound::Attach {
                room,
                after: known.get(&room).copied().unwrap_or(joined.saturating_sub(1)),
                report: false,
            },
        });
    }
    let members: HashSet<RoomId> = memberships.iter().map(|(room, _)| *room).collect();
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

    let writer = Writer { hub: hub.clone(), conn: conn.clone(), sink, positions: HashMap::new() };
    let writer = tokio::spawn(writer.run(outbox, initial));
    let (commands, queued) = mpsc::channel(COMMAND_QUEUE);
    let runner = tokio::spawn(run_commands(hub.clone(), conn.clone(), queued));
    read(&hub, &conn, &mut stream, commands).await;
    conn.closer.close(CloseReason::ClientGone);
    let _ = writer.await;
    runner.abort();
    hub.unregister(&conn);
}

/// Waits for the `identify` frame and checks its token.
async fn identify(
    hub: &Hub,
    stream: &mut SplitStream<WebSocket>,
) -> Result<(UserId, HashMap<RoomId, u64>), CloseReason> {
    let first = tokio::time::timeout(hub.config.identify_timeout, async {
        while let Some(Ok(message)) = stream.next().await {
            match message {
                Message::Text(text) => return Some(text),
                Message::Ping(_) | Message::Pong(_) => continue,
                Message::Binary(_) | Message::Close(_) => return None,
            }
        }
        None
    })
    .await
    .map_err(|_| CloseReason::IdentifyTimeout)?
    .ok_or(CloseReason::ClientGone)?;
    let Ok(ClientFrame::Identify { token, resume }) = ClientFrame::parse(&first) else {
        return Err(CloseReason::AuthenticationFailed);
    };
    let user = hub.tokens.verify(&token).map_err(|_| CloseReason::AuthenticationFailed)?;
    Ok((user, resume))
}

/// How long a close frame may wait behind unread data. A client closed as too slow only sees
/// the close code once it has read what was already in flight, so it gets some time for that;
/// after this the socket is dropped regardless.
const CLOSE_GRACE: Duration = Duration::from_secs(10);

async fn close(sink: &mut SplitSink<WebSocket, Message>, reason: CloseReason) {
    if reason == CloseReason::ClientGone {
        return;
    }
    let frame = CloseFrame { code: reason.code(), reason: Utf8Bytes::from_static(reason.text()) };
    let _ = tokio::time::timeout(CLOSE_GRACE, sink.send(Message::Close(Some(frame)))).await;
}

fn error_frame(id: Option<&str>, code: &str, message: &str) -> Outbound {
    Outbound::Frame(ServerFrame::Error { id, code, message, field: None }.encode())
}

/// The reader: until the client goes, the heartbeat times out, or the connection is closed.
async fn read(
    hub: &Hub,
    conn: &ConnHandle,
    stream: &mut SplitStream<WebSocket>,
    commands: mpsc::Sender<(String, RoomId, WireCommand)>,
) {
    let mut typing_sent: HashMap<RoomId, Instant> = HashMap::new();
    loop {
        let next = tokio::select! {
            next = tokio::time::timeout(hub.config.heartbeat_timeout, stream.next()) => next,
            _ = conn.closer.closed() => return,
        };
        let message = match next {
            Err(_) => return conn.closer.close(CloseReason::HeartbeatTimeout),
            Ok(None) => return,
            Ok(Some(Err(error))) => {
                // tungstenite reports an oversized frame as a capacity error ("Space limit
                // exceeded: Message too long: …"); anything else means the connection broke.
                let text = error.to_string();
                let reason = if text.contains("too long") || text.contains("Space limit") {
                    CloseReason::MessageTooBig
                } else {
                    CloseReason::ClientGone
                };
                return conn.closer.close(reason);
            }
            Ok(Some(Ok(message))) => message,
        };
        let text = match message {
            Message::Text(text) => text,
            Message::Binary(_) => {
                conn.deliver(error_frame(None, "unsupported_frame", "frames are JSON text"));
                continue;
            }
            Message::Ping(_) | Message::Pong(_) => continue,
            Message::Close(_) => return,
        };
        match ClientFrame::parse(&text) {
            Err(error) => conn.deliver(error_frame(error.id.as_deref(), error.code, &error.message)),
            Ok(ClientFrame::Identify { .. }) => {
                conn.deliver(error_frame(None, "already_identified", "this connection is already identified"));
            }
            Ok(ClientFrame::Ping { id }) => {
                conn.deliver(Outbound::Frame(ServerFrame::Pong { id: id.as_deref() }.encode()))
            }
            Ok(ClientFrame::Typing { room_id, typing }) => {
                if !conn.is_in(room_id) {
                    conn.deliver(error_frame(None, "not_a_member", "you are not a member of this room"));
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
                // Waiting here when the queue is full slows the client down instead of buffering.
                if commands.send((id, room_id, command)).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Sends the connection's commands to the command service one at a time and answers each.
async fn run_commands(hub: Arc<Hub>, conn: ConnHandle, mut queued: mpsc::Receiver<(String, RoomId, WireCommand)>) {
    let via = format!("gateway:{}", hub.config.gateway_id);
    while let Some((id, room_id, command)) = queued.recv().await {
        let request = CommandRequest {
            actor: conn.user,
            request_id: Uuid::now_v7().to_string(),
            via: via.clone(),
            room_id,
            command,
        };
        let reply = hub.nats.request(hub.subjects.room_commands(), encode(&request)).await;
        let frame = match reply.map(|reply| decode::<CommandResponse>(&reply.payload)) {
            Ok(Ok(CommandResponse::Ok { seq, message_id, changed })) => {
                ServerFrame::Ack { id: &id, seq, message_id, changed }.encode()
            }
            Ok(Ok(CommandResponse::Error { code, message, field })) => {
                ServerFrame::Error { id: Some(&id), code: &code, message: &message, field: field.as_deref() }.encode()
            }
            Ok(Err(error)) => {
                tracing::error!(%error, "undecodable command reply");
                ServerFrame::Error { id: Some(&id), code: "internal", message: "internal error", field: None }.encode()
            }
            Err(error) => {
                let (code, message) = match error.kind() {
                    async_nats::RequestErrorKind::TimedOut => (
                        "timeout",
                        "the command service did not answer in time; retry (posts are idempotent by client_msg_id)",
                    ),
                    _ => ("unavailable", "the command service is unavailable; retry shortly"),
                };
                ServerFrame::Error { id: Some(&id), code, message, field: None }.encode()
            }
        };
        conn.deliver(Outbound::Frame(frame));
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
        let mut heartbeat = tokio::time::interval(self.hub.config.heartbeat_interval);
        heartbeat.tick().await;
        loop {
            tokio::select! {
                biased;
                _ = self.conn.closer.closed() => return Err(Stop),
                item = outbox.recv() => match item {
                    Some(item) => self.process(item).await?,
                    None => return Ok(()),
                },
                _ = heartbeat.tick() => self.send(Message::Ping(Default::default())).await?,
            }
        }
    }

    /// Sends unless the connection closes first (a client that stops reading blocks the send;
    /// the room feeds then close it as too slow, which ends the wait here).
    async fn send(&mut self, message: Message) -> Result<(), Stop> {
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
            Outbound::Typing { room, user, frame } => {
                if user != self.conn.user && self.positions.contains_key(&room) {
                    self.send(Message::Text(frame)).await?;
                }
            }
            Outbound::Frame(frame) => self.send(Message::Text(frame)).await?,
            Outbound::Attach { room, after, report } => self.attach(room, after, report).await?,
            Outbound::Detach { room, through } => {
                if let Some(&last) = self.positions.get(&room) {
                    if let Some(through) = through
                        && last < through
                    {
                        self.send_from_store(room, last, Some(through)).await?;
                    }
                    self.detach(room);
                }
            }
            Outbound::Sync(rooms) => {
                let wanted: HashSet<RoomId> = rooms.iter().map(|(room, _)| *room).collect();
                let gone: Vec<RoomId> = self.positions.keys().filter(|room| !wanted.contains(room)).copied().collect();
                for room in gone {
                    self.detach(room);
                }
                for (room, last_seq) in rooms {
                    self.attach(room, last_seq, false).await?;
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
        let caught_up = self.send_from_store(room, after, None).await?;
        let mut reason = None;
        let mut last = caught_up;
        if caught_up == after && after > 0 {
            let stored = backfill::last_seq(&self.hub.pool, room).await.map_err(|_| self.unavailable())?;
            if stored < after {
                // The client claims to have seen more than the room holds.
                reason = Some("unknown_position");
                last = stored;
            }
        }
        self.positions.insert(room, last);
        self.conn.rooms.lock().unwrap_or_else(|p| p.into_inner()).insert(room);
        self.hub.subscribe(room, &self.conn);
        let last = self.send_from_store(room, last, None).await?;
        self.positions.insert(room, last);
        if report {
            self.report(room, reason.is_none(), after, last, reason).await?;
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

    fn detach(&mut self, room: RoomId) {
        self.positions.remove(&room);
        self.conn.rooms.lock().unwrap_or_else(|p| p.into_inner()).remove(&room);
        self.hub.unsubscribe(room, self.conn.id);
    }

    /// Sends `room`'s stored events after `after` (through `until`, if given); returns the
    /// last sequence sent (or `after`).
    async fn send_from_store(&mut self, room: RoomId, mut after: u64, until: Option<u64>) -> Result<u64, Stop> {
        loop {
            let page = backfill::page(&self.hub.pool, room, after).await.map_err(|error| {
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
