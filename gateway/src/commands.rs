//! A connection's commands, forwarded to the command service over NATS request/reply.
//!
//! Commands for one room run one at a time, in the order the client sent them, so they apply
//! in that order whichever command instance takes each; commands for different rooms run
//! concurrently. Every command gets exactly one `ack` or `error` (acks of different rooms may
//! overtake each other).
//!
//! The connection's reader drives them (no task of their own): it pushes each command frame
//! here and polls [`Commands::answer`] alongside the socket, and stops reading while
//! [`Commands::accepts`] is false. Their state is created on the first command, since most
//! connections never send one and an idle connection should cost as little as possible.

use std::collections::{HashSet, VecDeque};

use axum::extract::ws::Utf8Bytes;
use chat_domain::{RoomId, UserId};
use chat_nats::wire::{CommandRequest, CommandResponse, WireCommand, decode, encode};
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use uuid::Uuid;

use crate::hub::Hub;
use crate::protocol::ServerFrame;

/// Commands of one connection in flight at once (each for a different room).
const MAX_IN_FLIGHT: usize = 16;
/// Commands waiting (behind an earlier command of their room, or for a free slot); only these
/// may start.
const MAX_WAITING: usize = 64;
/// Commands queued behind the waiting ones before the reader stops reading, which slows the
/// client down instead of buffering (the limits of `docs/protocol.md`).
const MAX_QUEUED: usize = 32;

/// A command frame as the reader queues it.
pub struct Queued {
    pub id: String,
    pub room: RoomId,
    pub command: WireCommand,
}

/// One connection's commands: waiting, and in flight to the command service.
pub struct Commands<'a> {
    hub: &'a Hub,
    actor: UserId,
    /// Created on the first command.
    state: Option<Box<State<'a>>>,
}

#[derive(Default)]
struct State<'a> {
    /// Oldest first: the first `MAX_WAITING` wait, the rest are queued behind them.
    waiting: VecDeque<Queued>,
    /// Rooms with a command in flight.
    busy: HashSet<RoomId>,
    /// Boxed: the set's own bookkeeping is then sized for a pointer, not for a NATS request.
    in_flight: FuturesUnordered<BoxFuture<'a, (RoomId, Utf8Bytes)>>,
}

impl<'a> Commands<'a> {
    pub fn new(hub: &'a Hub, actor: UserId) -> Self {
        Self { hub, actor, state: None }
    }

    /// Whether the reader may take another command.
    pub fn accepts(&self) -> bool {
        self.state.as_ref().is_none_or(|state| state.waiting.len() < MAX_WAITING + MAX_QUEUED)
    }

    /// Queues `command` behind the earlier ones of its room, starting it if the room is free.
    pub fn push(&mut self, command: Queued) {
        let state = self.state.get_or_insert_with(Box::default);
        state.waiting.push_back(command);
        state.start(self.hub, self.actor);
    }

    /// The answer to the next command that completes (an `ack` or `error` frame); pending while
    /// none is in flight. Cancel-safe: an answer is only taken when it is returned.
    pub async fn answer(&mut self) -> Utf8Bytes {
        if let Some(state) = self.state.as_mut()
            && let Some((room, frame)) = state.in_flight.next().await
        {
            state.busy.remove(&room);
            state.start(self.hub, self.actor);
            return frame;
        }
        std::future::pending().await
    }
}

impl<'a> State<'a> {
    /// Starts every waiting command whose room is free, oldest first; a later command of a
    /// busy room stays behind the earlier one.
    fn start(&mut self, hub: &'a Hub, actor: UserId) {
        let mut index = 0;
        while index < self.waiting.len().min(MAX_WAITING) && self.in_flight.len() < MAX_IN_FLIGHT {
            if self.busy.contains(&self.waiting[index].room) {
                index += 1;
                continue;
            }
            if let Some(command) = self.waiting.remove(index) {
                self.busy.insert(command.room);
                self.in_flight.push(Box::pin(send(hub, actor, command)));
            }
        }
    }
}

async fn send(hub: &Hub, actor: UserId, queued: Queued) -> (RoomId, Utf8Bytes) {
    let Queued { id, room, command } = queued;
    let request = CommandRequest {
        actor,
        request_id: Uuid::now_v7().to_string(),
        via: format!("gateway:{}", hub.config.gateway_id),
        room_id: room,
        command,
    };
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
