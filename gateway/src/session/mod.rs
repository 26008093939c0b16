//! One client connection, from `hello` to close.
//!
//! Two tasks per connection: the [`reader`] (parses frames, answers pings, publishes typing,
//! runs commands) and the [`writer`] (owns the socket's send half and the per-room delivery
//! positions; de-duplicates by sequence, fills gaps from the store, heartbeats, and closes with
//! the recorded reason). This module starts them.

mod reader;
mod writer;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use chat_domain::{RoomId, UserId};
use chat_projections::queries::rooms;
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use tracing::Instrument;
use tracing::field::Empty;
use uuid::Uuid;

use self::reader::Reader;
use self::writer::Writer;
use crate::backfill;
use crate::connection::{ConnHandle, Connection, Outbound};
use crate::contacts;
use crate::hub::{Hub, MAX_ROOMS_PER_USER};
use crate::protocol::{ClientFrame, CloseReason, PROTOCOL_VERSION, ResumeFailure, ServerFrame};

/// Serves one connection. Not an `async fn`, whose future would keep its arguments for the
/// connection's lifetime (the socket alone is 368 bytes) although the start-up takes them.
///
/// Everything a connection logs is inside its `connection` span: the gateway, the session id
/// (the `ready` frame's) and, once identified, the user.
pub fn run(socket: WebSocket, hub: Arc<Hub>) -> impl Future<Output = ()> {
    let session = Uuid::now_v7();
    let span = tracing::error_span!("connection", gateway = %hub.config.gateway_id, %session, user_id = Empty);
    // The start-up (identify, reading the user's rooms) awaits large database futures; boxed,
    // they are freed once it is done instead of sizing this task for the connection's lifetime.
    let start = Box::pin(start(socket, hub.clone(), session));
    async move {
        let Some(Started { conn, sink, mut stream, initial }) = start.await else {
            return;
        };
        let writer = Writer::new(hub.clone(), conn.clone(), sink).run(initial);
        let writer = tokio::spawn(writer.instrument(tracing::Span::current()));
        Reader::new(&hub, &conn, &mut stream).run().await;
        conn.closer.close(CloseReason::ClientGone);
        let _ = writer.await;
        hub.unregister(&conn);
    }
    .instrument(span)
}

/// An identified connection, registered with the hub, its `ready` sent.
struct Started {
    conn: ConnHandle,
    sink: SplitSink<WebSocket, Message>,
    stream: SplitStream<WebSocket>,
    /// What the writer does first: attach the user's rooms (catching up), report resumes.
    initial: Vec<Outbound>,
}

/// From `hello` to `ready`; `None` once the connection has been closed instead.
async fn start(socket: WebSocket, hub: Arc<Hub>, session: Uuid) -> Option<Started> {
    let (mut sink, mut stream) = socket.split();
    let hello = ServerFrame::Hello {
        protocol: PROTOCOL_VERSION,
        gateway_id: &hub.config.gateway_id,
        heartbeat_interval_ms: hub.config.heartbeat_interval.as_millis() as u64,
        typing_renew_ms: hub.config.typing_throttle.as_millis() as u64,
    };
    if sink.send(Message::Text(hello.encode())).await.is_err() {
        return None;
    }
    let identified = tokio::select! {
        identified = identify(&hub, &mut stream) => identified,
        _ = hub.draining() => Err(CloseReason::Draining),
    };
    let (user, resume) = match identified {
        Ok(identified) => identified,
        Err(reason) => {
            close(&mut sink, reason).await;
            return None;
        }
    };
    tracing::Span::current().record("user_id", tracing::field::display(user));
    let conn = Connection::new(user, hub.config.send_queue);
    // Registered first: membership notices from here on reach this connection, and the
    // memberships read next already include every change notified before. An erasure this
    // gateway was told of refuses it here, or closes it from now on; one from before (or
    // missed) is found by the account check read with the memberships, before the connection
    // counts in presence, so that a refused one never shows there.
    if !hub.register(&conn) {
        close(&mut sink, CloseReason::AuthenticationFailed).await;
        return None;
    }
    if hub.is_draining() {
        hub.unregister(&conn);
        close(&mut sink, CloseReason::Draining).await;
        return None;
    }
    let (memberships, summaries) = match tokio::try_join!(
        backfill::memberships_of_account(&hub.pool, user, MAX_ROOMS_PER_USER),
        rooms::page(&hub.pool, user, None, MAX_ROOMS_PER_USER)
    ) {
        Ok((memberships, page)) => (memberships, page.rooms),
        Err(error) => {
            tracing::error!(%error, "cannot read the account and rooms of a connecting user");
            hub.unregister(&conn);
            close(&mut sink, CloseReason::Unavailable).await;
            return None;
        }
    };
    let Some(memberships) = memberships else {
        hub.unregister(&conn);
        close(&mut sink, CloseReason::AuthenticationFailed).await;
        return None;
    };
    if let Err(error) = contacts::load(&hub.pool, &conn).await {
        tracing::error!(%error, "cannot read who blocks a connecting user");
        hub.unregister(&conn);
        close(&mut sink, CloseReason::Unavailable).await;
        return None;
    }
    hub.admit(&conn);
    // The user may type in and acknowledge their rooms from `ready` on, also the ones whose
    // catch-up has not begun yet (rooms catch up one after another).
    for membership in memberships.iter().filter(|m| m.joined) {
        conn.set_attached(membership.room, true);
    }
    let ready = ServerFrame::Ready { session_id: session, user_id: user, rooms: &summaries };
    if sink.send(Message::Text(ready.encode())).await.is_err() {
        hub.unregister(&conn);
        return None;
    }

    let mut known: HashMap<RoomId, u64> =
        summaries.iter().map(|room| (RoomId::from_uuid(room.room_id), room.last_seq.max(0) as u64)).collect();
    // Support conversations are not in the room list but are delivered all the same: where
    // the read model has them, read only for a user in some (agents and visitors), after the
    // queries above rather than beside them, so that a connect never holds three of the
    // pool's connections.
    if memberships.iter().any(|m| m.joined && !known.contains_key(&m.room)) {
        match rooms::support_positions(&hub.pool, user).await {
            Ok(support) => {
                known.extend(support.into_iter().map(|(room, seq)| (RoomId::from_uuid(room), seq.max(0) as u64)))
            }
            Err(error) => {
                tracing::warn!(%error, "cannot read the support conversations' positions; they start from the join")
            }
        }
    }
    let members: HashSet<RoomId> = memberships.iter().filter(|m| m.joined).map(|m| m.room).collect();
    let mut initial = Vec::with_capacity(members.len() + resume.len());
    for membership in memberships.iter().filter(|m| m.joined) {
        let room = membership.room;
        initial.push(match resume.get(&room) {
            Some(&seen) => Outbound::Attach { room, after: seen, report: true },
            // Rooms the read model does not list yet were joined a moment ago: from the join.
            None => {
                let after = known.get(&room).copied().unwrap_or(membership.seq.saturating_sub(1));
                Outbound::Attach { room, after, report: false }
            }
        });
    }
    for (&room, &seen) in resume.iter().filter(|(room, _)| !members.contains(room)) {
        let frame = ServerFrame::Resumed {
            room_id: room,
            recovered: false,
            from_seq: seen,
            to_seq: seen,
            reason: Some(ResumeFailure::NotAMember),
        };
        initial.push(Outbound::Frame(frame.encode()));
    }

    Some(Started { conn, sink, stream, initial })
}

/// Waits for the `identify` frame and checks its token (whether its user was erased since
/// it was issued, as it outlives the account by up to its lifetime, is read with the rooms).
async fn identify(
    hub: &Hub,
    stream: &mut SplitStream<WebSocket>,
) -> Result<(UserId, HashMap<RoomId, u64>), CloseReason> {
    let first = tokio::time::timeout(hub.config.identify_timeout, async {
        loop {
            match stream.next().await {
                Some(Ok(Message::Text(text))) => return Ok(text),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(Message::Binary(_))) => return Err(CloseReason::AuthenticationFailed),
                Some(Ok(Message::Close(_))) => return Err(CloseReason::ClientClosed),
                Some(Err(error)) => return Err(read_error(error)),
                None => return Err(CloseReason::ClientGone),
            }
        }
    })
    .await
    .map_err(|_| CloseReason::IdentifyTimeout)??;
    let Ok(ClientFrame::Identify { token, resume, .. }) = ClientFrame::parse(&first) else {
        return Err(CloseReason::AuthenticationFailed);
    };
    let user = hub.tokens.verify(&token).map_err(|_| CloseReason::AuthenticationFailed)?.user;
    Ok((user, resume))
}

/// How long a close frame may wait behind unread data. A client closed as too slow only sees
/// the close code once it has read what was already in flight, so it gets some time for that;
/// after this the socket is dropped regardless.
const CLOSE_GRACE: Duration = Duration::from_secs(10);

async fn close(sink: &mut SplitSink<WebSocket, Message>, reason: CloseReason) {
    match reason {
        CloseReason::ClientGone => return,
        // The WebSocket layer has queued the echo of the client's close frame; flush it.
        CloseReason::ClientClosed => {
            let _ = tokio::time::timeout(CLOSE_GRACE, sink.close()).await;
            return;
        }
        _ => {}
    }
    let frame = CloseFrame { code: reason.code(), reason: Utf8Bytes::from_static(reason.text()) };
    let _ = tokio::time::timeout(CLOSE_GRACE, sink.send(Message::Close(Some(frame)))).await;
}

/// Why reading failed: a frame over the size limit, or a broken connection.
fn read_error(error: axum::Error) -> CloseReason {
    match error.into_inner().downcast_ref::<tungstenite::Error>() {
        Some(tungstenite::Error::Capacity(_)) => CloseReason::MessageTooBig,
        _ => CloseReason::ClientGone,
    }
}
