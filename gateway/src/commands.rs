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
use chat_domain::{ErrorCode, RoomId, UserId};
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
        let send = sender(self.hub, self.actor);
        let state = self.state.get_or_insert_with(Box::default);
        state.waiting.push_back(command);
        state.start(send);
    }

    /// The answer to the next command that completes (an `ack` or `error` frame); pending while
    /// none is in flight. Cancel-safe: an answer is only taken when it is returned.
    pub async fn answer(&mut self) -> Utf8Bytes {
        let send = sender(self.hub, self.actor);
        if let Some(state) = self.state.as_mut()
            && let Some((room, frame)) = state.in_flight.next().await
        {
            state.busy.remove(&room);
            state.start(send);
            return frame;
        }
        std::future::pending().await
    }
}

impl<'a> State<'a> {
    /// Starts every waiting command whose room is free, oldest first; a later command of a
    /// busy room stays behind the earlier one.
    fn start(&mut self, send: impl Fn(Queued) -> BoxFuture<'a, (RoomId, Utf8Bytes)>) {
        let mut index = 0;
        while index < self.waiting.len().min(MAX_WAITING) && self.in_flight.len() < MAX_IN_FLIGHT {
            if self.busy.contains(&self.waiting[index].room) {
                index += 1;
                continue;
            }
            if let Some(command) = self.waiting.remove(index) {
                self.busy.insert(command.room);
                self.in_flight.push(send(command));
            }
        }
    }
}

fn sender<'a>(hub: &'a Hub, actor: UserId) -> impl Fn(Queued) -> BoxFuture<'a, (RoomId, Utf8Bytes)> {
    move |command| Box::pin(send(hub, actor, command))
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
            let (code, message) = (ErrorCode::Internal.as_str(), "internal error");
            ServerFrame::Error { id: Some(&id), code, message, field: None, retry_after_ms: None }.encode()
        }
        Err(error) => {
            let (code, message) = match error.kind() {
                async_nats::RequestErrorKind::TimedOut => (
                    ErrorCode::Timeout,
                    "the command service did not answer in time; retry (posts are idempotent by client_msg_id)",
                ),
                async_nats::RequestErrorKind::NoResponders | async_nats::RequestErrorKind::Other => {
                    (ErrorCode::Unavailable, "the command service is unavailable; retry shortly")
                }
                // Our own mistake (a bad subject, a request over NATS's payload limit).
                async_nats::RequestErrorKind::InvalidSubject | async_nats::RequestErrorKind::MaxPayloadExceeded => {
                    tracing::error!(%error, "cannot send a command to the command service");
                    (ErrorCode::Internal, "internal error")
                }
            };
            let code = code.as_str();
            ServerFrame::Error { id: Some(&id), code, message, field: None, retry_after_ms: None }.encode()
        }
    };
    (room, frame)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use futures::FutureExt;
    use uuid::Uuid;

    use super::*;

    fn command(id: usize, room: RoomId) -> Queued {
        Queued { id: id.to_string(), room, command: WireCommand::MarkRead { up_to_seq: 1 } }
    }

    fn room(n: u128) -> RoomId {
        RoomId::from_uuid(Uuid::from_u128(n))
    }

    /// Starts what `state` may start, each command answering at once with its id; returns the
    /// ids started, in order.
    fn start(state: &mut State<'static>) -> Vec<String> {
        let started = Mutex::new(Vec::new());
        state.start(|queued| {
            started.lock().unwrap().push(queued.id.clone());
            Box::pin(async move { (queued.room, Utf8Bytes::from(queued.id)) })
        });
        started.into_inner().unwrap()
    }

    /// Completes one command in flight, freeing its room.
    fn complete(state: &mut State<'static>) -> String {
        let (room, frame) = state.in_flight.next().now_or_never().flatten().expect("a command in flight");
        state.busy.remove(&room);
        frame.to_string()
    }

    #[test]
    fn a_room_runs_one_command_at_a_time_in_order_while_other_rooms_go_ahead() {
        let mut state = State::default();
        state.waiting.extend([command(1, room(1)), command(2, room(1)), command(3, room(2))]);
        assert_eq!(start(&mut state), ["1", "3"]);
        assert_eq!(state.waiting.len(), 1);
        // Whichever finishes first, room 1's second command starts only after its first.
        while complete(&mut state) != "1" {}
        assert_eq!(start(&mut state), ["2"]);
    }

    #[test]
    fn only_the_waiting_commands_start_and_the_queued_ones_stay_behind_them() {
        let mut state = State::default();
        let busy = room(1);
        state.waiting.extend((0..MAX_WAITING + MAX_QUEUED).map(|id| command(id, busy)));
        let other = MAX_WAITING + MAX_QUEUED;
        state.waiting.push_back(command(other, room(2)));
        assert_eq!(start(&mut state), ["0"]);
        // The other room's command is queued beyond the waiting places: it cannot start yet.
        for id in 1..MAX_QUEUED {
            assert_eq!(complete(&mut state), (id - 1).to_string());
            assert_eq!(start(&mut state), [id.to_string()]);
        }
        // Once enough have gone, it is among the waiting ones and starts.
        complete(&mut state);
        assert_eq!(start(&mut state), [MAX_QUEUED.to_string(), other.to_string()]);
    }

    #[test]
    fn no_more_commands_than_the_in_flight_limit_run_at_once() {
        let mut state = State::default();
        state.waiting.extend((0..MAX_IN_FLIGHT + 1).map(|id| command(id, room(id as u128))));
        assert_eq!(start(&mut state).len(), MAX_IN_FLIGHT);
        complete(&mut state);
        assert_eq!(start(&mut state), [MAX_IN_FLIGHT.to_string()]);
    }
}
