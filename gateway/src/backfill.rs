//! Reading a room's events from the event store, the source of truth for resume and gaps, a
//! page at a time and as the bus carries them ([`EventMessage`]), so that stored and live
//! events are dispatched alike.

use std::future::Future;

use chat_domain::RoomId;
use chat_feed::rooms;
use chat_nats::wire::EventMessage;
use sqlx::PgPool;

pub use chat_feed::rooms::{Membership, memberships, memberships_of_account};

/// Events read per query while catching up.
pub const PAGE: usize = 500;

/// Where stored room events come from: the event store (or, in unit tests, a list).
pub trait RoomStore: Send + Sync {
    /// Up to [`PAGE`] events of `room` after `after`, in sequence order.
    fn events_after(
        &self,
        room: RoomId,
        after: u64,
    ) -> impl Future<Output = Result<Vec<EventMessage>, sqlx::Error>> + Send;

    /// The room's latest sequence (0 if it has no events).
    fn last_seq(&self, room: RoomId) -> impl Future<Output = Result<u64, sqlx::Error>> + Send;
}

impl RoomStore for PgPool {
    async fn events_after(&self, room: RoomId, after: u64) -> Result<Vec<EventMessage>, sqlx::Error> {
        let stored = rooms::events_after(self, room, after, PAGE as i64).await?;
        stored.iter().map(|event| EventMessage::try_from(event).map_err(|e| sqlx::Error::Decode(Box::new(e)))).collect()
    }

    async fn last_seq(&self, room: RoomId) -> Result<u64, sqlx::Error> {
        rooms::last_seq(self, room).await
    }
}

/// A room's stored events after a position and up to an optional end, a page at a time: the
/// one paging loop of room feeds (filling gaps) and connections (catching up).
pub struct Backfill {
    room: RoomId,
    /// The last sequence returned (or the start).
    after: u64,
    until: Option<u64>,
    done: bool,
}

impl Backfill {
    /// The events of `room` after `after`, through `until` if given.
    pub fn new(room: RoomId, after: u64, until: Option<u64>) -> Self {
        Self { room, after, until, done: false }
    }

    /// The next page, or `None` once the end (or `until`) is reached.
    pub async fn next_page(&mut self, store: &impl RoomStore) -> Result<Option<Vec<EventMessage>>, sqlx::Error> {
        if self.done {
            return Ok(None);
        }
        let mut page = store.events_after(self.room, self.after).await?;
        self.done = page.len() < PAGE;
        if let Some(until) = self.until
            && let Some(past) = page.iter().position(|event| event.seq > until)
        {
            page.truncate(past);
            self.done = true;
        }
        match page.last() {
            Some(last) => {
                self.after = last.seq;
                Ok(Some(page))
            }
            None => Ok(None),
        }
    }

    /// The last sequence returned so far (the start, before any).
    pub fn position(&self) -> u64 {
        self.after
    }
}
