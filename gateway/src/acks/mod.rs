//! Delivery acknowledgements (`received` frames): every connection of this gateway hands its
//! acknowledgements to one batcher through a bounded channel; the batcher keeps the furthest
//! position per (room, user) ([`Coalescer`]) and sends them to the command service as one
//! batch per interval, or sooner once a batch is full. The command service records a batch
//! in one statement and announces the markers that moved (`chat_commands::delivery`).
//!
//! Why the command service writes: it is the one role that writes, and the gateways' database
//! access stays read-only; a batch per interval per gateway costs one request and one reply.
//!
//! Bounded throughout: one batch in flight at a time, at most [`MAX_BATCH`] markers pending
//! beside it; while both are full the batcher stops taking from the channel, the channel fills,
//! and the connections acknowledging wait (their sockets are not read meanwhile: TCP
//! back-pressure, like a full command queue). A batch the command service did not record (it
//! is unreachable, or answered with a failure) is merged back and sent again with the next.
//! Acknowledgements are advisory: one lost in a crash only delays a "delivered" tick until the
//! client's next acknowledgement of the room.

mod coalescer;

use std::time::Duration;

use chat_domain::ErrorCode;
use chat_nats::Subjects;
use chat_nats::wire::{DeliveryAck, DeliveryAcks, DeliveryAcksReply, decode, encode};
use futures::FutureExt;
use futures::future::{BoxFuture, OptionFuture};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use coalescer::{Coalescer, Offered};

/// Acknowledgements waiting for the batcher, from all connections.
pub const QUEUE: usize = 1024;
/// The most markers in one batch.
pub const MAX_BATCH: usize = 1000;
/// How long acknowledgements are gathered before they are sent.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(100);
/// How long the command service has to answer a batch.
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long to wait after a batch was not recorded before sending again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// What a batch sent came to: `Err` gives the batch back to be sent again.
type Sending = BoxFuture<'static, Result<u64, Vec<DeliveryAck>>>;

/// Gathers acknowledgements from `acks` and sends them in batches until `stop`; then sends what
/// is left once.
pub async fn run(
    nats: async_nats::Client,
    subjects: Subjects,
    gateway_id: String,
    mut acks: mpsc::Receiver<DeliveryAck>,
    stop: CancellationToken,
) {
    let start = move |batch: Vec<DeliveryAck>| -> Sending {
        let (nats, subject, gateway_id) = (nats.clone(), subjects.delivery_acks(), gateway_id.clone());
        async move { send(&nats, subject, gateway_id, batch).await }.boxed()
    };
    let mut pending = Coalescer::new(MAX_BATCH);
    let mut in_flight: Option<Sending> = None;
    // After a failure, the next batch waits a little (the command service may be restarting).
    let mut not_before = Instant::now();
    let mut tick = tokio::time::interval(FLUSH_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let idle = in_flight.is_none() && !pending.is_empty();
        tokio::select! {
            ack = acks.recv(), if !pending.is_full() => match ack {
                Some(ack) => {
                    pending.offer(ack);
                }
                None => break,
            },
            _ = tick.tick(), if idle => {
                if Instant::now() >= not_before {
                    in_flight = Some(start(pending.take()));
                }
            }
            Some(sent) = OptionFuture::from(in_flight.as_mut()), if in_flight.is_some() => {
                in_flight = None;
                if let Err(batch) = sent {
                    not_before = Instant::now() + RETRY_AFTER;
                    let dropped = pending.restore(batch);
                    if dropped > 0 {
                        tracing::warn!(dropped, "delivery acknowledgements dropped: the batch is full");
                    }
                }
            }
            _ = stop.cancelled() => break,
        }
        // A full batch goes at once rather than at the next tick.
        if in_flight.is_none() && pending.is_full() && Instant::now() >= not_before {
            in_flight = Some(start(pending.take()));
        }
    }
    // Stopping: what the connections handed over goes out once more, best effort.
    if let Some(sending) = in_flight.take()
        && let Err(batch) = sending.await
    {
        pending.restore(batch);
    }
    while let Ok(ack) = acks.try_recv() {
        pending.offer(ack);
    }
    if !pending.is_empty() {
        let _ = start(pending.take()).await;
    }
}

/// Sends one batch and waits for the command service to record it.
#[tracing::instrument(level = "debug", skip_all, fields(acks = batch.len()))]
async fn send(
    nats: &async_nats::Client,
    subject: String,
    gateway_id: String,
    batch: Vec<DeliveryAck>,
) -> Result<u64, Vec<DeliveryAck>> {
    let request = DeliveryAcks { gateway_id, acks: batch };
    let reply = tokio::time::timeout(REPLY_TIMEOUT, nats.request(subject, encode(&request))).await;
    let outcome = match reply {
        Ok(Ok(message)) => match decode::<DeliveryAcksReply>(&message.payload) {
            Ok(DeliveryAcksReply::Recorded { moved }) => return Ok(moved),
            // Refused as malformed: sending it again would not help.
            Ok(DeliveryAcksReply::Failed { code }) if code == ErrorCode::InvalidRequest.as_str() => {
                tracing::error!("the command service refused a batch of delivery acknowledgements");
                return Ok(0);
            }
            Ok(DeliveryAcksReply::Failed { code }) => code,
            Err(error) => error.to_string(),
        },
        Ok(Err(error)) => error.to_string(),
        Err(_) => "no answer in time".to_owned(),
    };
    tracing::warn!(error = %outcome, "the command service did not record delivery acknowledgements; retrying");
    Err(request.acks)
}
