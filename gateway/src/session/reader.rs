//! The reader: parses the client's frames, answers pings, publishes typing, hands delivery
//! acknowledgements to the batcher ([`crate::acks`]), and runs the
//! connection's commands ([`Commands`], polled here alongside the socket rather than in a task
//! of their own, which an idle connection would pay for).

use std::collections::HashMap;
use std::ops::ControlFlow;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use chat_domain::{ErrorCode, RoomId};
use chat_nats::wire::{DeliveryAck, TypingNotice, WireCommand, encode};
use futures::StreamExt;
use futures::stream::SplitStream;
use tokio::time::Instant;

use super::read_error;
use crate::commands::{Commands, Queued};
use crate::connection::{ConnHandle, Outbound};
use crate::hub::Hub;
use crate::limits::ConnectionLimits;
use crate::protocol::{ClientFrame, CloseReason, ServerFrame};

fn error_frame(id: Option<&str>, code: ErrorCode, message: &str) -> Outbound {
    let code = code.as_str();
    Outbound::Frame(ServerFrame::Error { id, code, message, field: None, retry_after_ms: None }.encode())
}

pub(super) struct Reader<'a> {
    hub: &'a Hub,
    conn: &'a ConnHandle,
    stream: &'a mut SplitStream<WebSocket>,
    commands: Commands<'a>,
    limits: ConnectionLimits,
    /// When this connection last published typing in each room (for the throttle).
    typing_sent: HashMap<RoomId, Instant>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(hub: &'a Hub, conn: &'a ConnHandle, stream: &'a mut SplitStream<WebSocket>) -> Self {
        Self {
            hub,
            conn,
            stream,
            commands: Commands::new(hub, conn.user),
            limits: ConnectionLimits::new(&hub.config),
            typing_sent: HashMap::new(),
        }
    }

    /// Reads until the client goes, the heartbeat times out, or the connection is closed.
    /// Commands not yet answered then are dropped (their answers could not arrive).
    ///
    /// While the commands do not accept another one, the socket is not read: that slows the
    /// client down instead of buffering, and the heartbeat timeout counts only time spent
    /// waiting for the client.
    pub(super) async fn run(mut self) {
        let timeout = self.hub.config.heartbeat_timeout;
        let mut deadline = Instant::now() + timeout;
        loop {
            let reading = self.commands.accepts();
            tokio::select! {
                next = self.stream.next(), if reading => {
                    let message = match next {
                        None => return,
                        Some(Err(error)) => return self.conn.closer.close(read_error(error)),
                        Some(Ok(message)) => message,
                    };
                    // Boxed: handling a frame is brief and the reader mostly waits, so the
                    // task is sized for waiting (a typing publish alone is larger).
                    if Box::pin(self.handle(message)).await.is_break() {
                        return;
                    }
                    deadline = Instant::now() + timeout;
                }
                _ = tokio::time::sleep_until(deadline), if reading => {
                    return self.conn.closer.close(CloseReason::HeartbeatTimeout);
                }
                answer = self.commands.answer() => {
                    self.conn.deliver(Outbound::Frame(answer));
                    if !reading {
                        // Reading may resume now: the client gets the whole timeout again.
                        deadline = Instant::now() + timeout;
                    }
                }
                _ = self.conn.closer.closed() => return,
            }
        }
    }

    async fn handle(&mut self, message: Message) -> ControlFlow<()> {
        match message {
            Message::Text(text) => self.frame(text).await,
            Message::Binary(_) => {
                self.conn.deliver(error_frame(None, ErrorCode::UnsupportedFrame, "frames are JSON text"));
            }
            Message::Ping(_) | Message::Pong(_) => {}
            Message::Close(_) => {
                self.conn.closer.close(CloseReason::ClientClosed);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }

    async fn frame(&mut self, text: Utf8Bytes) {
        let conn = self.conn;
        match ClientFrame::parse(&text) {
            Err(error) => conn.deliver(error_frame(error.id.as_deref(), error.code, &error.message)),
            Ok(ClientFrame::Identify { id, .. }) => {
                conn.deliver(error_frame(
                    id.as_deref(),
                    ErrorCode::AlreadyIdentified,
                    "this connection is already identified",
                ));
            }
            Ok(ClientFrame::Presence { away, .. }) => self.hub.set_away(conn, away),
            Ok(ClientFrame::Ping { id }) => {
                conn.deliver(Outbound::Frame(ServerFrame::Pong { id: id.as_deref() }.encode()))
            }
            Ok(ClientFrame::Typing { id, room_id, typing }) => self.typing(id.as_deref(), room_id, typing).await,
            Ok(ClientFrame::Received { id, room_id, up_to_seq }) => {
                if !conn.is_in(room_id) {
                    let message = "you are not a member of this room";
                    return conn.deliver(error_frame(id.as_deref(), ErrorCode::NotAMember, message));
                }
                self.hub.acknowledge(DeliveryAck { room_id, user_id: conn.user, up_to_seq }).await;
            }
            Ok(ClientFrame::Command { id, room_id, command }) => {
                if let Err(refused) = self.limits.command() {
                    return conn.deliver(refused.frame(Some(&id)));
                }
                if matches!(command, WireCommand::Post { .. }) {
                    // A post ends the typing indicator; typing again shows it again at once.
                    self.typing_sent.remove(&room_id);
                }
                self.commands.push(Queued { id, room: room_id, command });
            }
        }
    }

    async fn typing(&mut self, id: Option<&str>, room_id: RoomId, typing: bool) {
        let (hub, conn) = (self.hub, self.conn);
        if let Err(refused) = self.limits.typing() {
            return conn.deliver(refused.frame(id));
        }
        if !conn.is_in(room_id) {
            return conn.deliver(error_frame(id, ErrorCode::NotAMember, "you are not a member of this room"));
        }
        let now = Instant::now();
        if typing && self.typing_sent.get(&room_id).is_some_and(|at| now < *at + hub.config.typing_throttle) {
            return;
        }
        if typing {
            self.typing_sent.insert(room_id, now);
        } else {
            self.typing_sent.remove(&room_id);
        }
        let notice = TypingNotice { room_id, user_id: conn.user, typing };
        if let Err(error) = hub.nats.publish(hub.subjects.room_typing(room_id), encode(&notice)).await {
            tracing::warn!(%error, "cannot publish a typing notice");
        }
    }
}
