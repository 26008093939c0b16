//! The HTTP API service, buildable on any address (port 0 in tests).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chat_nats::Subjects;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::accounts::Accounts;
use crate::auth::Tokens;
use crate::bus::Bus;
use crate::http::{AppState, router};
use crate::room_writer::{RoomWriters, WriterConfig};
use crate::store::EventStore;

#[derive(Clone, Debug)]
pub struct ApiConfig {
    pub listen: SocketAddr,
    pub jwt_secret: String,
    pub token_ttl: Duration,
    pub writers: WriterConfig,
}

/// The HTTP API plus, when given a NATS client, the command bus for gateways; both share one
/// set of room writers.
pub struct Api {
    listener: TcpListener,
    state: AppState,
    bus: Option<Bus>,
}

impl Api {
    pub async fn build(
        config: &ApiConfig,
        pool: PgPool,
        bus: Option<(async_nats::Client, Subjects)>,
    ) -> std::io::Result<Self> {
        let store = EventStore::new(pool.clone());
        let tokens = Arc::new(Tokens::new(config.jwt_secret.as_bytes(), config.token_ttl));
        let state = AppState {
            rooms: RoomWriters::new(store.clone(), config.writers.clone()),
            accounts: Accounts::new(pool.clone(), store, tokens.clone()),
            pool,
            tokens,
        };
        let bus = match bus {
            Some((client, subjects)) => Some(Bus::subscribe(client, &subjects).await.map_err(std::io::Error::other)?),
            None => None,
        };
        let listener = TcpListener::bind(config.listen).await?;
        Ok(Self { listener, state, bus })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown`, then finishes in-flight requests and queued room commands.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> std::io::Result<()> {
        let writers = self.state.rooms.clone();
        let bus = self.bus.map(|bus| tokio::spawn(bus.serve(writers.clone(), shutdown.clone())));
        axum::serve(self.listener, router(self.state)).with_graceful_shutdown(shutdown.cancelled_owned()).await?;
        if let Some(bus) = bus
            && let Err(error) = bus.await
        {
            tracing::error!(%error, "command bus panicked");
        }
        writers.shutdown().await;
        Ok(())
    }
}
