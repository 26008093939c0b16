//! What the rest of the gateway holds of one client connection: a bounded outbox and a way to
//! close it with a reason. Room feeds never wait on a connection: a full outbox closes it as
//! too slow (the client then resumes), so one slow client cannot hold up a room.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::ws::Utf8Bytes;
use chat_domain::{RoomId, UserId};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::backfill::Membership;
use crate::protocol::CloseReason;

pub type ConnId = u64;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A room event ready to send, shared by every connection that receives it.
#[derive(Debug)]
pub struct Dispatch {
    pub room: RoomId,
    pub seq: u64,
    pub frame: Utf8Bytes,
    /// Set when the event removes this user from the room (`MemberLeft`).
    pub left: Option<UserId>,
}

/// A typing frame of `user` in `room` (not sent back to `user` themselves).
#[derive(Debug)]
pub struct Typing {
    pub room: RoomId,
    pub user: UserId,
    pub frame: Utf8Bytes,
}

/// Work for a connection's writer, in order. Kept small (large parts behind pointers): every
/// connection's queue allocates room for 32 of these up front.
#[derive(Debug)]
pub enum Outbound {
    Event(Arc<Dispatch>),
    /// A typing frame, shared by every connection it fans out to.
    Typing(Arc<Typing>),
    /// A direct answer (ack, error, pong).
    Frame(Utf8Bytes),
    /// Start delivering `room` from `after` (catching up from the store first); `report`
    /// asks for a `resumed` frame once caught up.
    Attach {
        room: RoomId,
        after: u64,
        report: bool,
    },
    /// Stop delivering `room` once events up to `through` (if known) have been delivered.
    Detach {
        room: RoomId,
        through: Option<u64>,
    },
    /// Re-align the attached rooms with the user's memberships (after a NATS reconnect, when
    /// notices may have been lost).
    Sync(Vec<Membership>),
}

/// Closes a connection once, remembering the first reason given.
#[derive(Clone, Default)]
pub struct Closer {
    token: CancellationToken,
    reason: Arc<OnceLock<CloseReason>>,
}

impl Closer {
    pub fn close(&self, reason: CloseReason) {
        let _ = self.reason.set(reason);
        self.token.cancel();
    }

    pub fn reason(&self) -> CloseReason {
        self.reason.get().copied().unwrap_or(CloseReason::ClientGone)
    }

    pub async fn closed(&self) {
        self.token.cancelled().await;
    }

    pub fn is_closed(&self) -> bool {
        self.token.is_cancelled()
    }
}

#[derive(Clone)]
pub struct ConnHandle {
    pub id: ConnId,
    pub user: UserId,
    outbox: mpsc::Sender<Outbound>,
    pub closer: Closer,
    /// The rooms this connection is attached to (for checks outside the writer, e.g. typing).
    pub rooms: Arc<Mutex<HashSet<RoomId>>>,
    /// The client reported its user idle.
    away: Arc<AtomicBool>,
}

impl ConnHandle {
    pub fn new(user: UserId, capacity: usize) -> (Self, mpsc::Receiver<Outbound>) {
        let (outbox, receiver) = mpsc::channel(capacity);
        let handle = Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            user,
            outbox,
            closer: Closer::default(),
            rooms: Arc::default(),
            away: Arc::default(),
        };
        (handle, receiver)
    }

    /// Queues `item`; a full queue closes the connection as too slow.
    pub fn deliver(&self, item: Outbound) {
        match self.outbox.try_send(item) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::warn!(conn = self.id, user = %self.user, "send queue full; closing slow connection");
                self.closer.close(CloseReason::TooSlow);
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    pub fn is_away(&self) -> bool {
        self.away.load(Ordering::Relaxed)
    }

    pub fn set_away(&self, away: bool) {
        self.away.store(away, Ordering::Relaxed);
    }

    pub fn is_in(&self, room: RoomId) -> bool {
        self.rooms.lock().unwrap_or_else(|p| p.into_inner()).contains(&room)
    }
}
