//! The reader: parses the client's frames, answers pings, publishes typing, queues commands.

use std::collections::HashMap;

use axum::extract::ws::{Message, WebSocket};
use chat_domain::RoomId;
use chat_nats::wire::{TypingNotice, WireCommand, encode};
use futures::StreamExt;
use futures::stream::SplitStream;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::read_error;
use crate::commands::Queued;
use crate::connection::{ConnHandle, Outbound};
use crate::hub::Hub;
use crate::limits::ConnectionLimits;
use crate::protocol::{ClientFrame, CloseReason, ServerFrame};

fn error_frame(id: Option<&str>, code: &str, message: &str) -> Outbound {
    Outbound::Frame(ServerFrame::Error { id, code, message, field: None, retry_after_ms: None }.encode())
}

/// The reader: until the client goes, the heartbeat times out, or the connection is closed.
pub(super) async fn read(
    hub: &Hub,
    conn: &ConnHandle,
    stream: &mut SplitStream<WebSocket>,
    commands: mpsc::Sender<Box<Queued>>,
) {
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
