//! Delivery acknowledgements from gateways over NATS request/reply (queue group `commands`):
//! one batch per gateway per interval, recorded in one statement, then one live notice per
//! room whose markers moved (core NATS, on the room's subject every gateway in the room
//! follows), then the reply. Batches are handled a few at a time; more wait in NATS's buffer,
//! and the gateways, which wait for each reply before sending their next batch, slow down.

use std::collections::BTreeMap;

use async_nats::Client;
use chat_domain::{ErrorCode, RoomId};
use chat_nats::Subjects;
use chat_nats::wire::{DeliveryAcks, DeliveryAcksReply, MemberReceipt, ReceiptNotice, decode, encode};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use super::LIVE_RECEIPTS_MAX_MEMBERS;
use super::markers::{MovedMarker, record};
use crate::serving::Serving;

/// Batches recorded at once per instance (each holds a pooled connection for one statement).
const MAX_IN_FLIGHT: usize = 8;

/// The most acknowledgements one batch may carry (a gateway sends at most 1 000).
pub const MAX_ACKS_PER_BATCH: usize = 10_000;

/// The subscription, made at start-up so that a NATS problem fails the start.
pub struct AckBus {
    client: Client,
    subjects: Subjects,
    requests: async_nats::Subscriber,
}

impl AckBus {
    pub async fn subscribe(client: Client, subjects: Subjects) -> Result<Self, async_nats::SubscribeError> {
        let requests = client.queue_subscribe(subjects.delivery_acks(), subjects.command_queue().to_owned()).await?;
        Ok(Self { client, subjects, requests })
    }

    /// Records batches until `shutdown`, then finishes the ones in flight.
    pub async fn serve(self, pool: PgPool, shutdown: CancellationToken) {
        let AckBus { client, subjects, requests } = self;
        let mut serving = Serving::new(requests, shutdown, MAX_IN_FLIGHT);
        while let Some((message, permit)) = serving.next().await {
            let (client, subjects, pool) = (client.clone(), subjects.clone(), pool.clone());
            let span = tracing::error_span!("delivery_acks", gateway = tracing::field::Empty);
            serving.spawn(
                async move {
                    let reply = handle(&client, &subjects, &pool, &message.payload).await;
                    if let Some(reply_to) = message.reply
                        && let Err(error) = client.publish(reply_to, encode(&reply)).await
                    {
                        tracing::warn!(%error, "cannot answer a batch of delivery acknowledgements");
                    }
                    drop(permit);
                }
                .instrument(span),
            );
        }
        serving.finish().await;
    }
}

/// Decodes, records and announces one batch.
async fn handle(client: &Client, subjects: &Subjects, pool: &PgPool, payload: &[u8]) -> DeliveryAcksReply {
    let failed = |code: ErrorCode| DeliveryAcksReply::Failed { code: code.as_str().to_owned() };
    let batch = match decode::<DeliveryAcks>(payload) {
        Ok(batch) if batch.acks.len() <= MAX_ACKS_PER_BATCH => batch,
        Ok(batch) => {
            tracing::warn!(acks = batch.acks.len(), "a batch of delivery acknowledgements too large; refused");
            return failed(ErrorCode::InvalidRequest);
        }
        Err(error) => {
            tracing::warn!(%error, "undecodable batch of delivery acknowledgements");
            return failed(ErrorCode::InvalidRequest);
        }
    };
    tracing::Span::current().record("gateway", batch.gateway_id.as_str());
    let Ok(moved) = record(pool, &batch.acks).await else {
        // Logged with its cause by `record`.
        return failed(ErrorCode::Internal);
    };
    for (room, receipts) in notices(&moved) {
        let notice = ReceiptNotice { room_id: room, receipts };
        if let Err(error) = client.publish(subjects.room_receipts(room), encode(&notice)).await {
            tracing::warn!(%error, room_id = %room, "cannot publish receipts");
        }
    }
    DeliveryAcksReply::Recorded { moved: moved.len() as u64 }
}

/// The live receipts of moved markers, per room: only in rooms small enough for live receipts,
/// and only markers that went past the member's read marker (read implies delivered: below it,
/// what members are shown does not change).
pub fn notices(moved: &[MovedMarker]) -> BTreeMap<RoomId, Vec<MemberReceipt>> {
    let mut rooms: BTreeMap<RoomId, Vec<MemberReceipt>> = BTreeMap::new();
    for marker in moved.iter().filter(|m| m.member_count <= LIVE_RECEIPTS_MAX_MEMBERS && m.delivered_seq > m.read_seq) {
        let receipt =
            MemberReceipt { user_id: marker.user, delivered_seq: marker.delivered_seq, read_seq: marker.read_seq };
        rooms.entry(marker.room).or_default().push(receipt);
    }
    rooms
}

#[cfg(test)]
mod tests {
    use chat_domain::UserId;
    use uuid::Uuid;

    use super::*;

    fn marker(room: u128, user: u128, delivered_seq: u64, read_seq: u64, member_count: i32) -> MovedMarker {
        MovedMarker {
            room: RoomId::from_uuid(Uuid::from_u128(room)),
            user: UserId::from_uuid(Uuid::from_u128(user)),
            delivered_seq,
            read_seq,
            member_count,
        }
    }

    #[test]
    fn one_notice_per_room_of_the_markers_that_show_a_change() {
        let moved = [
            marker(1, 10, 7, 3, 2),
            marker(1, 11, 7, 5, 2),
            marker(2, 10, 4, 4, 2),                             // read already says as much
            marker(3, 10, 9, 1, LIVE_RECEIPTS_MAX_MEMBERS + 1), // too large for live receipts
            marker(4, 12, 2, 0, 0),                             // not in the read model yet
        ];
        let notices = notices(&moved);
        let rooms: Vec<u128> = notices.keys().map(|room| room.as_uuid().as_u128()).collect();
        assert_eq!(rooms, [1, 4]);
        let first = &notices[&RoomId::from_uuid(Uuid::from_u128(1))];
        assert_eq!(first.iter().map(|r| (r.delivered_seq, r.read_seq)).collect::<Vec<_>>(), [(7, 3), (7, 5)]);
    }
}
