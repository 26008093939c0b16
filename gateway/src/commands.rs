//! A connection's commands, forwarded to the command service over NATS request/reply.
//!
//! Commands for one room run one at a time, in the order the client sent them, so they apply
//! in that order whichever command instance takes each; commands for different rooms run
//! concurrently. Every command gets exactly one `ack` or `error` (acks of different rooms may
//! overtake each other).

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use chat_domain::{RoomId, UserId};
use chat_nats::wire::{CommandRequest, CommandResponse, WireCommand, decode, encode};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::connection::{ConnHandle, Outbound};
use crate::hub::Hub;
use crate::protocol::ServerFrame;

/// Commands of one connection in flight at once (each for a different room).
const MAX_IN_FLIGHT: usize = 16;
/// Commands held back behind a busy room before the connection stops taking more.
const MAX_WAITING: usize = 64;

/// A command frame as the reader queues it.
pub struct Queued {
    pub id: String,
    pub room: RoomId,
    pub command: WireCommand,
}

/// Queued commands travel boxed: an idle connection's channel then holds pointers, not frames.
pub async fn run(hub: Arc<Hub>, conn: ConnHandle, mut queued: mpsc::Receiver<Box<Queued>>) {
    let via = format!("gateway:{}", hub.config.gateway_id);
    let mut waiting: VecDeque<Queued> = VecDeque::new();
    let mut busy: HashSet<RoomId> = HashSet::new();
    let mut in_flight = FuturesUnordered::new();
    let mut open = true;
    loop {
        // Start every waiting command whose room is free, oldest first; a later command of a
        // busy room stays behind the earlier one.
        let mut index = 0;
        while index < waiting.len() && in_flight.len() < MAX_IN_FLIGHT {
            if busy.contains(&waiting[index].room) {
                index += 1;
                continue;
            }
            if let Some(command) = waiting.remove(index) {
                busy.insert(command.room);
                in_flight.push(send(&hub, &via, conn.user, command));
            }
        }
        tokio::select! {
            next = queued.recv(), if open && waiting.len() < MAX_WAITING => match next {
                Some(command) => waiting.push_back(*command),
                None => open = false,
            },
            Some((room, frame)) = in_flight.next(), if !in_flight.is_empty() => {
                busy.remove(&room);
                conn.deliver(Outbound::Frame(frame));
            }
            else => break,
        }
    }
}

async fn send(hub: &Hub, via: &str, actor: UserId, queued: Queued) -> (RoomId, Utf8Bytes) {
    let Queued { id, room, command } = queued;
    let request =
        CommandRequest { actor, request_id: Uuid::now_v7().to_string(), via: via.to_owned(), room_id: room, command };
    let reply = hub.nats.request(hub.subjects.room_commands(), encode(&request)).await;
    let frame = match reply.map(|reply| decode::<CommandResponse>(&reply.payload)) {
        Ok(Ok(CommandResponse::Ok { seq, message_id, changed })) => {
            ServerFrame::Ack { id: &id, seq, message_id, changed }.encode()
        }
        Ok(Ok(CommandResponse::Error { code, message, field, retry_after_ms })) => ServerFrame::Error {
            id: Some(&id),
            code: &code,
            message: &message,
            field: field.as_deref(),
            retry_after_ms,
        }
        .encode(),
        Ok(Err(error)) => {
            tracing::error!(%error, "undecodable command reply");
            let message = "internal error";
            ServerFrame::Error { id: Some(&id), code: "internal", message, field: None, retry_after_ms: None }.encode()
        }
        Err(error) => {
            let (code, message) = match error.kind() {
                async_nats::RequestErrorKind::TimedOut => (
                    "timeout",
                    "the command service did not answer in time; retry (posts are idempotent by client_msg_id)",
                ),
                _ => ("unavailable", "the command service is unavailable; retry shortly"),
            };
            ServerFrame::Error { id: Some(&id), code, message, field: None, retry_after_ms: None }.encode()
        }
    };
    (room, frame)
}
