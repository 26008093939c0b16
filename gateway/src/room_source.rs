//! What room feeds are given in a running gateway: live messages from NATS (one core
//! subscription per room per gateway: events, typing, receipts), the store and the members
//! from Postgres.

use chat_domain::{RoomId, UserId};
use chat_nats::Subjects;
use chat_nats::subjects::RoomSubject;
use chat_nats::wire::{EventMessage, ReceiptNotice, TypingNotice, decode};
use chat_projections::queries::rooms;
use futures::StreamExt;
use futures::stream::BoxStream;
use sqlx::PgPool;
use tokio::sync::watch;

use crate::backfill::RoomStore;
use crate::room_feed::{BoxError, RoomMessage, RoomSource};

pub struct BusRooms {
    pub nats: async_nats::Client,
    pub subjects: Subjects,
    pub pool: PgPool,
    pub reconnects: watch::Receiver<u64>,
}

impl RoomStore for BusRooms {
    async fn events_after(&self, room: RoomId, after: u64) -> Result<Vec<EventMessage>, sqlx::Error> {
        self.pool.events_after(room, after).await
    }

    async fn last_seq(&self, room: RoomId) -> Result<u64, sqlx::Error> {
        self.pool.last_seq(room).await
    }
}

impl RoomSource for BusRooms {
    async fn subscribe(&self, room: RoomId) -> Result<BoxStream<'static, RoomMessage>, BoxError> {
        let subscription = self.nats.subscribe(self.subjects.room_all(room)).await?;
        // The server must have the subscription before the feed reads its baseline, so that
        // every event committed after the baseline reaches it live.
        self.nats.flush().await?;
        let subjects = self.subjects.clone();
        let messages = subscription.filter_map(move |message| {
            let decoded = match subjects.room_kind(&message.subject) {
                Some(RoomSubject::Event) => decode::<EventMessage>(&message.payload).map(RoomMessage::Event),
                Some(RoomSubject::Typing) => decode::<TypingNotice>(&message.payload).map(RoomMessage::Typing),
                Some(RoomSubject::Receipt) => decode::<ReceiptNotice>(&message.payload).map(RoomMessage::Receipts),
                None => return std::future::ready(None),
            };
            let decoded = decoded
                .inspect_err(|error| tracing::warn!(room_id = %room, %error, "undecodable message on the bus"))
                .ok();
            std::future::ready(decoded)
        });
        Ok(messages.boxed())
    }

    async fn members(&self, room: RoomId) -> Result<Vec<UserId>, sqlx::Error> {
        rooms::members(&self.pool, room).await
    }

    fn reconnects(&self) -> watch::Receiver<u64> {
        self.reconnects.clone()
    }
}
