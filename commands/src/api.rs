//! The HTTP API service, buildable on any address (port 0 in tests).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use chat_nats::Subjects;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::accounts::Accounts;
use crate::contacts::ContactsService;
use chat_auth::{SigningKey, Tokens};

use crate::bus::Bus;
use crate::credentials::RefreshTokens;
use crate::delivery::AckBus;
use crate::http::TrustForwardedFor;
use crate::http::refusals::JsonRefusals;
use crate::http::{AppState, OpenApiDocument, WebConfig, router};
use crate::limits::{Limits, LimitsConfig};
use crate::room_writer::{RoomWriters, WriterConfig};
use crate::store::EventStore;
use crate::uploads::{UploadConfig, Uploads};
use crate::verification::{Verifier, VerifierConfig};
use crate::websites::Websites;

#[derive(Clone, Debug)]
pub struct ApiConfig {
    pub listen: SocketAddr,
    /// The first key signs access tokens; all verify them.
    pub keys: Vec<SigningKey>,
    pub token_ttl: Duration,
    pub refresh_ttl: Duration,
    pub limits: LimitsConfig,
    /// Take the client address from the last `X-Forwarded-For` entry (behind one trusted proxy).
    pub trust_forwarded_for: bool,
    /// Browser origins allowed to call the API (CORS); empty: same origin only.
    pub cors_origins: Vec<String>,
    pub writers: WriterConfig,
    /// What `GET /openapi.json` serves: the REST document plus the WebSocket components,
    /// assembled by the `chat` binary (see `http::spec`).
    pub openapi: OpenApiDocument,
    /// The web client's files and the gateways it is told about.
    pub web: WebConfig,
    /// Limits of the domain checks of support-chat websites.
    pub verifier: VerifierConfig,
    /// Where uploaded files go, and their limits.
    pub uploads: UploadConfig,
}

/// The HTTP API plus, when given a NATS client, the command bus for gateways (both share one
/// set of room writers) and the recorder of their delivery acknowledgements.
pub struct Api {
    listener: TcpListener,
    state: AppState,
    bus: Option<Bus>,
    acks: Option<AckBus>,
    cors_origins: Vec<String>,
}

impl Api {
    pub async fn build(
        config: &ApiConfig,
        pool: PgPool,
        bus: Option<(async_nats::Client, Subjects)>,
    ) -> std::io::Result<Self> {
        let store = EventStore::new(pool.clone());
        let tokens = Arc::new(Tokens::new(&config.keys, config.token_ttl));
        let refresh = RefreshTokens::new(pool.clone(), config.refresh_ttl);
        let uploads = Uploads::new(pool.clone(), config.uploads.clone(), &config.keys).map_err(|error| {
            std::io::Error::other(format!("cannot open the upload storage {}: {error}", config.uploads.storage))
        })?;
        let state = AppState {
            uploads,
            limits: Arc::new(Limits::new(&config.limits)),
            proxy: TrustForwardedFor(config.trust_forwarded_for),
            rooms: RoomWriters::new(store.clone(), config.writers.clone()),
            websites: Websites::new(
                pool.clone(),
                store.clone(),
                Verifier::new(config.verifier.clone()).map_err(std::io::Error::other)?,
            ),
            contacts: ContactsService::new(pool.clone(), store.clone()),
            accounts: Accounts::new(pool.clone(), store, tokens.clone(), refresh),
            pool,
            tokens,
            openapi: config.openapi.clone(),
            web: config.web.clone(),
        };
        let (bus, acks) = match bus {
            Some((client, subjects)) => (
                Some(Bus::subscribe(client.clone(), &subjects).await.map_err(std::io::Error::other)?),
                Some(AckBus::subscribe(client, subjects).await.map_err(std::io::Error::other)?),
            ),
            None => (None, None),
        };
        let listener = TcpListener::bind(config.listen).await?;
        Ok(Self { listener, state, bus, acks, cors_origins: config.cors_origins.clone() })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The API's room writers, for the process's other writers of rooms (the support upkeep):
    /// one writer per room per process.
    pub fn rooms(&self) -> RoomWriters {
        self.state.rooms.clone()
    }

    /// The API's uploads, for the upkeep's collector.
    pub fn uploads(&self) -> Uploads {
        self.state.uploads.clone()
    }

    /// Serves until `shutdown`, then finishes in-flight requests and queued room commands.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> std::io::Result<()> {
        let writers = self.state.rooms.clone();
        let limits = self.state.limits.clone();
        let uploads = self.state.uploads.clone();
        let bus =
            self.bus.map(|bus| tokio::spawn(bus.serve(writers.clone(), limits.clone(), uploads, shutdown.clone())));
        let acks = self.acks.map(|acks| tokio::spawn(acks.serve(self.state.pool.clone(), shutdown.clone())));
        let forgetting = tokio::spawn(forget_idle_limits(limits, shutdown.clone()));
        let app = router(self.state, &self.cors_origins).into_make_service_with_connect_info::<SocketAddr>();
        // hyper's own refusals (malformed requests, URI or headers too large) get the
        // documented JSON answer (see `http::refusals`). Responses are small: without
        // TCP_NODELAY one written while an earlier one is unacknowledged waits for the
        // client's delayed ACK (40 ms on Linux).
        let listener = JsonRefusals(self.listener).tap_io(|connection| {
            let _ = connection.get_ref().set_nodelay(true);
        });
        axum::serve(listener, app).with_graceful_shutdown(shutdown.cancelled_owned()).await?;
        forgetting.abort();
        if let Some(bus) = bus
            && let Err(error) = bus.await
        {
            tracing::error!(%error, "command bus panicked");
        }
        if let Some(acks) = acks
            && let Err(error) = acks.await
        {
            tracing::error!(%error, "delivery acknowledgements' bus panicked");
        }
        writers.shutdown().await;
        Ok(())
    }
}

/// Lets rate-limit state of users and addresses that went quiet be dropped.
async fn forget_idle_limits(limits: Arc<Limits>, shutdown: CancellationToken) {
    let mut every_minute = tokio::time::interval(Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = every_minute.tick() => limits.forget_idle(),
            _ = shutdown.cancelled() => return,
        }
    }
}
