//! Presence on a gateway: reporting this gateway's users to the presence tracker, and
//! delivering recorded presence changes to the local members who share a room with the user.
//!
//! Reports go out as changes happen and, as a heartbeat, for every user periodically (the
//! tracker expires a gateway that stops reporting). A full report also goes out at once when a
//! tracker that has just taken over asks for one (a sync: it holds offline transitions only
//! until the gateways could answer) and after NATS reconnects (reports sent while disconnected
//! were lost, and a tracker may have taken over meanwhile). Deliveries are batched: at most one
//! `presence` frame per connection per batch interval, listing only the changes of users it
//! shares a room with (a delta: the current presence of a room's members is in its detail).
//! Each batch's frames are built once and shared ([`frame`]); who gets which is [`fan_out`].

mod fan_out;
mod frame;

use std::sync::Arc;

use chat_domain::UserId;
use chat_domain::presence::{PresenceEvent, PresenceStatus};
use chat_nats::wire::{EventMessage, PresenceReport, decode, encode};
use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt};
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use self::fan_out::{Changes, fan_out};
pub use self::frame::PresenceFrame;
use crate::hub::Hub;

/// Users per heartbeat message (keeps each well under NATS's payload limit).
const REPORT_CHUNK: usize = 1_000;

/// Publishes this gateway's presence changes as they come, and everyone as a heartbeat, when a
/// tracker asks (a sync) and after NATS reconnects.
pub async fn report(hub: Arc<Hub>, mut changes: mpsc::Receiver<(UserId, PresenceStatus)>, stop: CancellationToken) {
    let subject = hub.subjects.presence_reports();
    let mut syncs = sync_requests(&hub).await;
    let mut reconnects = hub.reconnects();
    let mut heartbeat = tokio::time::interval(hub.config.presence_heartbeat);
    loop {
        let users = tokio::select! {
            change = changes.recv() => {
                let Some(change) = change else { return };
                let mut users = vec![change];
                while let Ok(change) = changes.try_recv() {
                    users.push(change);
                }
                users
            }
            _ = heartbeat.tick() => hub.presence_snapshot(),
            Some(()) = syncs.next() => {
                // Requests that came together (trackers taking turns) get one answer.
                while let Some(Some(())) = syncs.next().now_or_never() {}
                hub.presence_snapshot()
            }
            Ok(()) = reconnects.changed() => hub.presence_snapshot(),
            _ = stop.cancelled() => {
                // The last changes (the connections closed while draining) still go out, so
                // that the tracker need not wait for this gateway's heartbeats to expire.
                let mut users = Vec::new();
                while let Ok(change) = changes.try_recv() {
                    users.push(change);
                }
                return publish(&hub, &subject, &users).await;
            }
        };
        publish(&hub, &subject, &users).await;
    }
}

async fn publish(hub: &Hub, subject: &str, users: &[(UserId, PresenceStatus)]) {
    for chunk in users.chunks(REPORT_CHUNK) {
        let report = PresenceReport { gateway_id: hub.config.gateway_id.clone(), users: chunk.to_vec() };
        if let Err(error) = hub.nats.publish(subject.to_owned(), encode(&report)).await {
            tracing::warn!(%error, "cannot publish a presence report");
        }
    }
}

/// Requests for a full report ([`PresenceSync`](chat_nats::wire::PresenceSync)); any message on
/// the subject is one. Without the subscription the tracker still learns of this gateway's
/// users from its heartbeats, only later.
async fn sync_requests(hub: &Hub) -> BoxStream<'static, ()> {
    match hub.nats.subscribe(hub.subjects.presence_sync()).await {
        Ok(requests) => requests.map(|_| ()).boxed(),
        Err(error) => {
            tracing::error!(%error, "cannot subscribe to presence sync requests; reporting by heartbeat only");
            futures::stream::pending().boxed()
        }
    }
}

/// Delivers recorded presence changes (`PresenceChanged` events from the relay), batched.
pub async fn deliver(hub: Arc<Hub>, mut events: async_nats::Subscriber, stop: CancellationToken) {
    let mut pending = Changes::new();
    let mut batch = tokio::time::interval(hub.config.presence_batch);
    loop {
        tokio::select! {
            message = events.next() => {
                let Some(message) = message else { return };
                match decode::<EventMessage>(&message.payload).map(|event| changed(&event)) {
                    Ok(Some((user, status, since))) => {
                        pending.insert(user, (status, since));
                    }
                    Ok(None) => {}
                    Err(error) => tracing::warn!(%error, "undecodable presence event"),
                }
            }
            _ = batch.tick(), if !pending.is_empty() => {
                let (feeds, changes, limit) = (hub.feeds(), std::mem::take(&mut pending), hub.config.presence_room_limit);
                // A batch of many changes in many rooms is still milliseconds of encoding: off
                // the runtime's workers, which meanwhile deliver everything else. Awaited, so
                // that batches go out in order.
                if let Err(error) = tokio::task::spawn_blocking(move || fan_out(&feeds, &changes, limit)).await {
                    tracing::error!(%error, "presence fan-out failed");
                }
            }
            _ = stop.cancelled() => return,
        }
    }
}

fn changed(event: &EventMessage) -> Option<(UserId, PresenceStatus, chrono::DateTime<chrono::Utc>)> {
    let user = event.aggregate_id.parse().ok()?;
    let PresenceEvent::PresenceChanged { status } = PresenceEvent::deserialize(&event.payload).ok()?;
    Some((user, status, event.recorded_at))
}
