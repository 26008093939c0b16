//! The gateway service: a WebSocket endpoint plus health, buildable on any address.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{State, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{Json, Router};
use chat_auth::Tokens;
use chat_domain::UserId;
use chat_domain::presence::PresenceStatus;
use chat_nats::Subjects;
use chat_nats::connect::Connection;
use chat_nats::wire::DeliveryAck;
use serde_json::json;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::acks;
use crate::config::GatewayConfig;
use crate::contacts;
use crate::hub::Hub;
use crate::presence;
use crate::session;

pub struct Gateway {
    listener: TcpListener,
    hub: Arc<Hub>,
    memberships: async_nats::Subscriber,
    user_events: async_nats::Subscriber,
    contacts_events: async_nats::Subscriber,
    presence_events: async_nats::Subscriber,
    presence_changes: mpsc::Receiver<(UserId, PresenceStatus)>,
    acks: mpsc::Receiver<DeliveryAck>,
}

#[derive(Clone)]
struct AppState {
    hub: Arc<Hub>,
    sessions: TaskTracker,
}

impl Gateway {
    pub async fn build(
        config: GatewayConfig,
        pool: PgPool,
        nats: Connection,
        subjects: Subjects,
        tokens: Arc<Tokens>,
    ) -> std::io::Result<Self> {
        // Subscribed before accepting anyone, so that no membership change or erasure is missed.
        let memberships = nats.client.subscribe(subjects.all_memberships()).await.map_err(std::io::Error::other)?;
        let user_events = nats.client.subscribe(subjects.all_user_events()).await.map_err(std::io::Error::other)?;
        let contacts_events =
            nats.client.subscribe(subjects.all_contacts_events()).await.map_err(std::io::Error::other)?;
        let presence_events =
            nats.client.subscribe(subjects.all_presence_events()).await.map_err(std::io::Error::other)?;
        let listener = TcpListener::bind(config.listen).await?;
        let (changes, presence_changes) = mpsc::channel(PRESENCE_QUEUE);
        let (acknowledged, acks) = mpsc::channel(acks::QUEUE);
        let hub = Arc::new(Hub::new(nats, subjects, pool, tokens, config, changes, acknowledged));
        Ok(Self { listener, hub, memberships, user_events, contacts_events, presence_events, presence_changes, acks })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown`; then stops accepting, tells every client to reconnect
    /// elsewhere (close code 4009 after a `reconnect` frame) and waits for them to go.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> std::io::Result<()> {
        let sessions = TaskTracker::new();
        let stop_background = CancellationToken::new();
        let background = [
            tokio::spawn(self.hub.clone().follow_memberships(self.memberships, stop_background.clone())),
            tokio::spawn(self.hub.clone().follow_erasures(self.user_events, stop_background.clone())),
            tokio::spawn(contacts::follow(self.hub.clone(), self.contacts_events, stop_background.clone())),
            tokio::spawn(presence::report(self.hub.clone(), self.presence_changes, stop_background.clone())),
            tokio::spawn(presence::deliver(self.hub.clone(), self.presence_events, stop_background.clone())),
            tokio::spawn(acks::run(
                self.hub.nats.clone(),
                self.hub.subjects.clone(),
                self.hub.config.gateway_id.clone(),
                self.acks,
                stop_background.clone(),
            )),
        ];
        let state = AppState { hub: self.hub.clone(), sessions: sessions.clone() };
        let router = Router::new()
            .route("/v1/ws", get(upgrade))
            .route("/healthz", get(|| async { Json(json!({"status": "ok"})) }))
            .route("/readyz", get(ready))
            .with_state(state);
        // Frames are small and latency-bound: without TCP_NODELAY an ack or event written while
        // an earlier one is unacknowledged waits for the client's delayed ACK (40 ms on Linux).
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, router).with_graceful_shutdown(shutdown.cancelled_owned()).await?;

        tracing::info!("gateway draining");
        self.hub.drain();
        sessions.close();
        if tokio::time::timeout(self.hub.config.drain_timeout, sessions.wait()).await.is_err() {
            tracing::warn!("some connections did not close within the drain timeout");
        }
        // The reporter publishes the closed connections' last changes as it stops, and the
        // batcher sends the last delivery acknowledgements.
        stop_background.cancel();
        for task in background {
            let _ = task.await;
        }
        self.hub.wait().await;
        let _ = self.hub.nats.flush().await;
        Ok(())
    }
}

/// Socket buffer sizes: small, because most connections are idle most of the time and these
/// buffers are most of what an idle connection costs (tungstenite's defaults are 128 KiB each).
/// A larger frame is read in several steps; a burst of outgoing frames is written in several.
/// Clients send little (a command, a typing frame, a pong), so 1 KiB holds all but long posts;
/// halving it from 2 KiB took an idle connection from 6.25 to 5.0 KiB.
const READ_BUFFER: usize = 1024;
const WRITE_BUFFER: usize = 8 * 1024;

/// Presence changes of this gateway's users waiting to be reported (a full queue only delays
/// the news to the next heartbeat).
const PRESENCE_QUEUE: usize = 4096;

async fn upgrade(State(state): State<AppState>, upgrade: WebSocketUpgrade) -> Response {
    let max = state.hub.config.max_frame_bytes;
    let hub = state.hub.clone();
    let sessions = state.sessions.clone();
    upgrade
        .max_message_size(max)
        .max_frame_size(max)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .on_upgrade(move |socket| sessions.track_future(session::run(socket, hub)))
        .into_response()
}

async fn ready(State(state): State<AppState>) -> Response {
    let nats = state.hub.nats.connection_state() == async_nats::connection::State::Connected;
    let database = sqlx::query("SELECT 1").execute(&state.hub.pool).await.is_ok();
    let status = if nats && database { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = json!({"nats": nats, "database": database, "rooms_subscribed": state.hub.subscribed_rooms()});
    (status, Json(body)).into_response()
}
