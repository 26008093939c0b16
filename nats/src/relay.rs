//! The relay: a durable-feed sink that publishes every committed event to NATS.
//!
//! Each batch is published (pipelined) and every JetStream ack awaited before the runner stores
//! the checkpoint; a crash before that republishes the batch, which JetStream drops as
//! duplicates by `Nats-Msg-Id` (and gateways de-duplicate by sequence anyway).

use async_nats::jetstream::{self, message::PublishMessage};
use chat_domain::room::{Room, RoomEvent};
use chat_feed::{FeedSink, StoredEvent};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use crate::Subjects;
use crate::wire::{EventMessage, MembershipNotice, encode};

pub struct Relay {
    client: async_nats::Client,
    js: jetstream::Context,
    subjects: Subjects,
}

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("publish failed: {0}")]
    Publish(#[from] jetstream::context::PublishError),
    #[error("core publish failed: {0}")]
    CorePublish(#[from] async_nats::PublishError),
    #[error("flush failed: {0}")]
    Flush(#[from] async_nats::client::FlushError),
    #[error(transparent)]
    Decode(#[from] chat_feed::DecodeError),
}

impl Relay {
    pub const NAME: &'static str = "relay";

    pub fn new(client: async_nats::Client, subjects: Subjects) -> Self {
        Self { js: jetstream::new(client.clone()), client, subjects }
    }

    /// The notice gateways need when a room event changes someone's membership (decided by
    /// the domain, so that a new kind of membership change cannot be missed here).
    fn membership(event: &StoredEvent) -> Result<Option<MembershipNotice>, RelayError> {
        if event.aggregate_type != Room::TYPE {
            return Ok(None);
        }
        let room_id = event.id()?;
        let seq = event.sequence.max(0) as u64;
        Ok(event.decode::<RoomEvent>()?.membership_change().map(|change| MembershipNotice {
            user_id: change.user_id,
            room_id,
            seq,
            joined: change.joined,
        }))
    }
}

impl FeedSink for Relay {
    type Error = RelayError;

    #[tracing::instrument(name = "relay_batch", level = "error", skip_all, fields(events = events.len()))]
    async fn handle(&mut self, _: &mut PgConnection, events: &[StoredEvent]) -> Result<(), RelayError> {
        let mut acks = Vec::with_capacity(events.len());
        for event in events {
            let subject = self.subjects.aggregate_event(&event.aggregate_type, &event.aggregate_id);
            let message_id = format!("{}:{}:{}", event.aggregate_type, event.aggregate_id, event.sequence);
            let publish =
                PublishMessage::build().payload(encode(&EventMessage::try_from(event)?)).message_id(message_id);
            acks.push(self.js.send_publish(subject, publish).await?);
            if let Some(notice) = Self::membership(event)? {
                self.client.publish(self.subjects.membership(notice.user_id), encode(&notice)).await?;
            }
        }
        for ack in acks {
            ack.await?;
        }
        self.client.flush().await?;
        Ok(())
    }
}
