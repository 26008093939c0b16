//! Contacts events (`chat.contacts.*.event`) as a gateway uses them: each goes to its owner's
//! connections as a `contacts` frame (so both people see a request, an answer or a removal as
//! it happens: the command writes both sides), and blocks are kept per connection of the
//! blocked user, whose writer then leaves out the blocker's presence and typing. The blocked
//! user's connections are told nothing: a `UserBlocked` is only ever on the blocker's stream,
//! and only its owner's connections receive it.
//!
//! A connection learns who blocks its user when it connects ([`load`]) and from these events
//! after; after a NATS reconnect (events may have been missed) every connected user's list is
//! read again.

use std::collections::HashMap;
use std::sync::Arc;

use chat_domain::UserId;
use chat_domain::contacts::ContactsEvent;
use chat_nats::wire::{EventMessage, decode};
use futures::StreamExt;
use serde::Deserialize;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::connection::{ConnHandle, Outbound};
use crate::hub::Hub;
use crate::protocol::ServerFrame;

pub async fn follow(hub: Arc<Hub>, mut events: async_nats::Subscriber, stop: CancellationToken) {
    let mut reconnects = hub.reconnects();
    loop {
        tokio::select! {
            message = events.next() => {
                let Some(message) = message else { break };
                match decode::<EventMessage>(&message.payload) {
                    Ok(event) => apply(&hub, &event),
                    Err(error) => tracing::warn!(%error, "undecodable contacts event"),
                }
            }
            Ok(()) = reconnects.changed() => {
                tokio::spawn(reload_all(hub.clone()));
            }
            _ = stop.cancelled() => break,
        }
    }
}

fn apply(hub: &Hub, message: &EventMessage) {
    let (Ok(owner), Ok(event)) = (message.aggregate_id.parse::<UserId>(), ContactsEvent::deserialize(&message.payload))
    else {
        tracing::warn!(aggregate_id = %message.aggregate_id, "undecodable contacts event payload");
        return;
    };
    // The block first: once the blocker's own sessions hear of it, it is in force here.
    let blocks = match event {
        ContactsEvent::UserBlocked { .. } => Some(true),
        ContactsEvent::UserUnblocked { .. } => Some(false),
        _ => None,
    };
    if let Some(blocks) = blocks {
        for conn in hub.connections_of(event.user()) {
            conn.set_blocked_by(owner, blocks);
        }
    }
    let frame = ServerFrame::Contacts { event: &message.payload, at: message.recorded_at }.encode();
    for conn in hub.connections_of(owner) {
        conn.deliver(Outbound::Frame(frame.clone()));
    }
}

/// Reads who blocks `conn`'s user (before it is admitted: no presence reaches it before).
pub async fn load(pool: &PgPool, conn: &ConnHandle) -> Result<(), sqlx::Error> {
    for blocker in blockers_of(pool, conn.user).await? {
        conn.set_blocked_by(UserId::from_uuid(blocker), true);
    }
    Ok(())
}

async fn reload_all(hub: Arc<Hub>) {
    let users = hub.connected_users();
    let ids: Vec<Uuid> = users.iter().map(UserId::as_uuid).collect();
    let blocks: Vec<(Uuid, Uuid)> =
        match sqlx::query_as("SELECT blocked_id, user_id FROM user_blocks WHERE blocked_id = ANY($1)")
            .bind(&ids)
            .fetch_all(&hub.pool)
            .await
        {
            Ok(blocks) => blocks,
            Err(error) => {
                tracing::warn!(%error, "cannot read blocks again after reconnecting");
                return;
            }
        };
    let mut blockers: HashMap<UserId, Vec<UserId>> = HashMap::new();
    for (blocked, blocker) in blocks {
        blockers.entry(UserId::from_uuid(blocked)).or_default().push(UserId::from_uuid(blocker));
    }
    for user in users {
        let theirs = blockers.get(&user).map_or(&[][..], Vec::as_slice);
        for conn in hub.connections_of(user) {
            conn.replace_blocked_by(theirs);
        }
    }
}

async fn blockers_of(pool: &PgPool, user: UserId) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar("SELECT user_id FROM user_blocks WHERE blocked_id = $1")
        .bind(user.as_uuid())
        .fetch_all(pool)
        .await
}
