//! What the rest of the gateway holds of one client connection: a bounded outbox and a way to
//! close it with a reason. Room feeds never wait on a connection: a full outbox closes it as
//! too slow (the client then resumes), so one slow client cannot hold up a room.
//!
//! Most connections are idle most of the time, so what they share is one allocation
//! ([`Connection`] behind an `Arc`), and the outbox is a queue that holds memory only while it
//! holds items. A tokio bounded channel costs about 1.8 KiB up front (its state padded to cache
//! lines, a first block of 32 slots), a `CancellationToken` another allocation.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::ws::Utf8Bytes;
use chat_domain::{RoomId, UserId};
use tokio::sync::Notify;

use crate::backfill::Membership;
use crate::lock::locked;
use crate::presence::PresenceFrame;
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

/// A frame about `room` that is not an event (a receipt), shared by every connection it fans
/// out to; sent only while the connection delivers the room.
#[derive(Debug)]
pub struct RoomFrame {
    pub room: RoomId,
    pub frame: Utf8Bytes,
}

/// Work for a connection's writer, in order. Kept small (large parts behind pointers): a
/// connection's queue holds these inline.
#[derive(Debug)]
pub enum Outbound {
    Event(Arc<Dispatch>),
    /// A typing frame, shared by every connection it fans out to.
    Typing(Arc<Typing>),
    /// A member's receipt.
    Receipt(Arc<RoomFrame>),
    /// A batch of presence changes, shared by every connection it fans out to; what the
    /// connection's user may not see is taken out when sent.
    Presence(Arc<PresenceFrame>),
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
#[derive(Default)]
pub struct Closer {
    reason: OnceLock<CloseReason>,
    closed: Notify,
}

impl Closer {
    pub fn close(&self, reason: CloseReason) {
        if self.reason.set(reason).is_ok() {
            self.closed.notify_waiters();
        }
    }

    pub fn reason(&self) -> CloseReason {
        self.reason.get().copied().unwrap_or(CloseReason::ClientGone)
    }

    pub async fn closed(&self) {
        // Created before the check, the future sees a close that happens after it.
        let closed = self.closed.notified();
        if self.is_closed() {
            return;
        }
        closed.await;
    }

    pub fn is_closed(&self) -> bool {
        self.reason.get().is_some()
    }
}

/// What others hold of a connection.
pub type ConnHandle = Arc<Connection>;

pub struct Connection {
    pub id: ConnId,
    pub user: UserId,
    pub closer: Closer,
    outbox: Mutex<VecDeque<Outbound>>,
    /// The most items the outbox holds.
    capacity: usize,
    /// Wakes the writer when an item is queued.
    queued: Notify,
    /// The rooms this connection delivers, or will once their catch-up begins (for checks
    /// outside the writer: typing, delivery acknowledgements).
    rooms: Mutex<HashSet<RoomId>>,
    /// The client reported its user idle.
    away: AtomicBool,
    /// Counted in its user's presence: set once its account was found not erased.
    admitted: AtomicBool,
    /// Users who block this connection's user: their presence and typing are not sent here.
    blocked_by: Mutex<HashSet<UserId>>,
}

/// An outbox that grew past this many items in a burst gives its memory back once drained.
const OUTBOX_KEPT: usize = 16;

impl Connection {
    pub fn new(user: UserId, capacity: usize) -> ConnHandle {
        Arc::new(Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            user,
            closer: Closer::default(),
            outbox: Mutex::default(),
            capacity,
            queued: Notify::new(),
            rooms: Mutex::default(),
            away: AtomicBool::new(false),
            admitted: AtomicBool::new(false),
            blocked_by: Mutex::default(),
        })
    }

    /// Records whether `blocker` blocks this connection's user.
    pub fn set_blocked_by(&self, blocker: UserId, blocks: bool) {
        let mut blocked_by = locked(&self.blocked_by);
        if blocks {
            blocked_by.insert(blocker);
        } else {
            blocked_by.remove(&blocker);
        }
    }

    /// Sets who blocks this connection's user (read again after missed events).
    pub fn replace_blocked_by(&self, blockers: &[UserId]) {
        *locked(&self.blocked_by) = blockers.iter().copied().collect();
    }

    /// Whether `user` blocks this connection's user.
    pub fn is_blocked_by(&self, user: UserId) -> bool {
        locked(&self.blocked_by).contains(&user)
    }

    /// The users whose presence this connection's user may not see: themselves (they know) and
    /// those who block them.
    pub fn hidden_presence(&self) -> Vec<UserId> {
        std::iter::once(self.user).chain(locked(&self.blocked_by).iter().copied()).collect()
    }

    /// Queues `item`; a full queue closes the connection as too slow. Once the connection is
    /// closing, items are dropped: the writer takes nothing more.
    pub fn deliver(&self, item: Outbound) {
        if self.closer.is_closed() {
            return;
        }
        let mut outbox = locked(&self.outbox);
        if outbox.len() >= self.capacity {
            drop(outbox);
            tracing::warn!(conn = self.id, user = %self.user, "send queue full; closing slow connection");
            self.closer.close(CloseReason::TooSlow);
            return;
        }
        outbox.push_back(item);
        drop(outbox);
        self.queued.notify_one();
    }

    /// The next item for the writer (the only caller), waiting for one. Cancel-safe.
    pub async fn next_outbound(&self) -> Outbound {
        loop {
            if let Some(item) = self.take() {
                return item;
            }
            // A notification given while no one waits is kept for the next wait.
            self.queued.notified().await;
        }
    }

    /// Whether items are waiting for the writer (which then holds back its flush).
    pub fn has_outbound(&self) -> bool {
        !locked(&self.outbox).is_empty()
    }

    fn take(&self) -> Option<Outbound> {
        let mut outbox = locked(&self.outbox);
        let item = outbox.pop_front();
        if outbox.is_empty() && outbox.capacity() > OUTBOX_KEPT {
            outbox.shrink_to_fit();
        }
        item
    }

    pub fn is_admitted(&self) -> bool {
        self.admitted.load(Ordering::Relaxed)
    }

    pub fn admit(&self) {
        self.admitted.store(true, Ordering::Relaxed);
    }

    pub fn is_away(&self) -> bool {
        self.away.load(Ordering::Relaxed)
    }

    pub fn set_away(&self, away: bool) {
        self.away.store(away, Ordering::Relaxed);
    }

    pub fn is_in(&self, room: RoomId) -> bool {
        locked(&self.rooms).contains(&room)
    }

    /// Records whether the writer delivers `room` (a member may type while it catches up).
    pub fn set_attached(&self, room: RoomId, attached: bool) {
        let mut rooms = locked(&self.rooms);
        if attached {
            rooms.insert(room);
        } else {
            rooms.remove(&room);
        }
    }
}
