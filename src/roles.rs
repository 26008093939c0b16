//! The roles a process can run: the HTTP API with the command bus, the WebSocket gateway, the
//! projection feeds and the NATS relay. Each prints one readiness line on stdout (`listening
//! api http://…`, `listening gateway ws://…/v1/ws`, `running projections`, `running relay`),
//! which scripts and tests wait for.
//!
//! Roles run under one supervisor per process ([`RoleContext::spawn`]): a role that ends on
//! its own — failed, or stopped for no reason — stops every other role, and the process exits
//! with an error, so that a half-working `chat up` is never mistaken for a healthy one (an
//! orchestrator restarts the process instead).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context as _;
use chat_auth::Tokens;
use chat_commands::api::{Api, ApiConfig};
use chat_commands::http::OpenApiDocument;
use chat_commands::presence::{PresenceConfig, PresenceTracker};
use chat_commands::room_writer::RoomWriters;
use chat_commands::room_writer::WriterConfig;
use chat_commands::store::EventStore;
use chat_commands::upkeep::Upkeep;
use chat_commands::uploads::Uploads;
use chat_commands::verification::Verifier;
use chat_commands::websites::Websites;
use chat_feed::{FeedRunner, RunnerConfig, Wakeup};
use chat_gateway::{Gateway, GatewayConfig};
use chat_nats::Subjects;
use chat_nats::connect::{Connection, connect};
use chat_nats::relay::Relay;
use chat_nats::stream::{StreamSettings, ensure_stream};
use chat_projections::projectors::{
    BansProjector, ContactsProjector, InvitesProjector, RoomsProjector, SearchProjector, SupportProjector,
    UsersProjector,
};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use uuid::Uuid;

use crate::config::{ApiArgs, AuthArgs, GatewayArgs, NatsConfig, PresenceArgs};

/// What every role is started with.
pub struct RoleContext<'a> {
    pub pool: PgPool,
    pub tasks: &'a TaskTracker,
    pub shutdown: CancellationToken,
    /// The first role that ended before the shutdown, if any.
    pub failed: Arc<OnceLock<&'static str>>,
}

impl RoleContext<'_> {
    /// Runs `role` until the shutdown; if it ends before, with or without an error, every role
    /// is stopped.
    pub fn spawn<F>(&self, role: &'static str, run: F)
    where
        F: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let (shutdown, failed) = (self.shutdown.clone(), self.failed.clone());
        self.tasks.spawn(async move {
            let result = run.await;
            if shutdown.is_cancelled() {
                if let Err(error) = result {
                    tracing::error!(role, error = format!("{error:#}"), "role failed while stopping");
                }
                return;
            }
            match result {
                Err(error) => tracing::error!(role, error = format!("{error:#}"), "role failed; stopping every role"),
                Ok(()) => tracing::error!(role, "role ended on its own; stopping every role"),
            }
            let _ = failed.set(role);
            shutdown.cancel();
        });
    }
}

pub async fn connect_nats(config: &NatsConfig, role: &str) -> anyhow::Result<(Connection, Subjects)> {
    let connection = connect(&config.nats_url, &format!("chat-{role}"))
        .await
        .context("NATS is required (start it with scripts/ensure-services.sh, or set NATS_URL)")?;
    Ok((connection, Subjects::new(&config.nats_prefix)))
}

/// What the API shares with the process's other command-side roles (the upkeep).
pub struct ApiParts {
    pub rooms: RoomWriters,
    pub uploads: Uploads,
}

/// The HTTP API and, with NATS, the command bus for gateways; answers its room writers and
/// uploads.
pub async fn start_api(
    cx: &RoleContext<'_>,
    args: &ApiArgs,
    auth: &AuthArgs,
    bus: Option<(async_nats::Client, Subjects)>,
    gateway_port: Option<u16>,
) -> anyhow::Result<ApiParts> {
    let config = ApiConfig {
        listen: args.http_addr,
        keys: auth.keys()?,
        token_ttl: Duration::from_secs(args.token_ttl_secs),
        refresh_ttl: Duration::from_secs(args.refresh_ttl_secs),
        limits: args.limits(),
        trust_forwarded_for: args.trust_forwarded_for,
        cors_origins: args.cors_origins.iter().filter(|origin| !origin.is_empty()).cloned().collect(),
        writers: WriterConfig::default(),
        openapi: OpenApiDocument::new(crate::openapi::json()),
        web: args.web(gateway_port),
        verifier: args.verifier(),
        uploads: args.uploads(),
    };
    let api = Api::build(&config, cx.pool.clone(), bus).await.context("cannot start the HTTP API")?;
    let addr = api.local_addr()?;
    let parts = ApiParts { rooms: api.rooms(), uploads: api.uploads() };
    let shutdown = cx.shutdown.clone();
    cx.spawn("api", async move { api.run_until_stopped(shutdown).await.context("the HTTP API failed") });
    println!("listening api http://{addr}");
    tracing::info!(%addr, "API listening");
    Ok(parts)
}

pub async fn start_gateway(
    cx: &RoleContext<'_>,
    args: &GatewayArgs,
    auth: &AuthArgs,
    presence: &PresenceArgs,
    nats: Connection,
    subjects: Subjects,
) -> anyhow::Result<SocketAddr> {
    let gateway_id = args.gateway_id.clone().unwrap_or_else(|| Uuid::new_v4().simple().to_string()[..8].to_owned());
    let mut config = GatewayConfig::new(args.gateway_addr, gateway_id)
        .with_heartbeat(Duration::from_millis(args.heartbeat_ms))
        .with_typing_ttl(Duration::from_millis(args.typing_ttl_ms));
    config.send_queue = args.send_queue as usize;
    config.command_rate = args.ws_command_rate;
    config.presence_heartbeat = presence.heartbeat();
    config.presence_batch = Duration::from_millis(presence.presence_batch_ms);
    config.presence_room_limit = presence.presence_room_limit;
    // Gateways only verify tokens; the lifetime is the API's business.
    let tokens = Arc::new(Tokens::new(&auth.keys()?, Duration::ZERO));
    let gateway =
        Gateway::build(config, cx.pool.clone(), nats, subjects, tokens).await.context("cannot start the gateway")?;
    let addr = gateway.local_addr()?;
    let shutdown = cx.shutdown.clone();
    cx.spawn("gateway", async move { gateway.run_until_stopped(shutdown).await.context("the gateway failed") });
    println!("listening gateway ws://{addr}/v1/ws");
    tracing::info!(%addr, "gateway listening");
    Ok(addr)
}

/// The upkeep (domains checked again, former agents dismissed, uploads collected): one active
/// across all command instances; it writes rooms through the API's `rooms`.
pub fn start_upkeep(cx: &RoleContext<'_>, args: &ApiArgs, api: ApiParts) -> anyhow::Result<()> {
    let verifier = Verifier::new(args.verifier()).context("cannot set up domain checks")?;
    let store = EventStore::new(cx.pool.clone());
    let upkeep = Upkeep {
        pool: cx.pool.clone(),
        websites: Websites::new(cx.pool.clone(), store, verifier),
        rooms: api.rooms,
        recheck_every: Duration::from_secs(args.domain_recheck_secs),
        uploads: api.uploads,
    };
    let shutdown = cx.shutdown.clone();
    cx.spawn("upkeep", async move {
        upkeep.run(shutdown).await;
        Ok(())
    });
    Ok(())
}

/// The presence tracker: one active across all command instances, the others stand by.
pub fn start_presence_tracker(cx: &RoleContext<'_>, args: &PresenceArgs, nats: async_nats::Client, subjects: Subjects) {
    let tracker = PresenceTracker {
        pool: cx.pool.clone(),
        store: EventStore::new(cx.pool.clone()),
        nats,
        subjects,
        config: PresenceConfig { heartbeat: args.heartbeat(), grace: Duration::from_millis(args.presence_grace_ms) },
    };
    let shutdown = cx.shutdown.clone();
    cx.spawn("presence tracker", async move {
        tracker.run(shutdown).await;
        Ok(())
    });
}

/// How long projectors let events accumulate after a wake-up: read models may trail the
/// relay by this much, and in exchange a busy feed costs a transaction per page, not per event.
const PROJECTOR_GATHER: Duration = Duration::from_millis(10);

/// One feed runner per projector, woken by one shared `LISTEN` connection.
pub fn start_projections(cx: &RoleContext<'_>) {
    let wakeup = Wakeup::listen(cx.pool.clone(), cx.shutdown.clone());
    let config = RunnerConfig { gather: PROJECTOR_GATHER, ..RunnerConfig::default() };
    let pool = &cx.pool;
    let users = FeedRunner::new(UsersProjector::NAME, pool.clone(), UsersProjector, wakeup.clone(), config.clone());
    let rooms = FeedRunner::new(RoomsProjector::NAME, pool.clone(), RoomsProjector, wakeup.clone(), config.clone());
    let support =
        FeedRunner::new(SupportProjector::NAME, pool.clone(), SupportProjector, wakeup.clone(), config.clone());
    let invites =
        FeedRunner::new(InvitesProjector::NAME, pool.clone(), InvitesProjector, wakeup.clone(), config.clone());
    let bans = FeedRunner::new(BansProjector::NAME, pool.clone(), BansProjector, wakeup.clone(), config.clone());
    let contacts =
        FeedRunner::new(ContactsProjector::NAME, pool.clone(), ContactsProjector, wakeup.clone(), config.clone());
    let search = FeedRunner::new(SearchProjector::NAME, pool.clone(), SearchProjector, wakeup, config);
    let shutdown = cx.shutdown.clone();
    cx.spawn("users projector", async move {
        users.run(shutdown).await;
        Ok(())
    });
    let shutdown = cx.shutdown.clone();
    cx.spawn("rooms projector", async move {
        rooms.run(shutdown).await;
        Ok(())
    });
    let shutdown = cx.shutdown.clone();
    cx.spawn("support projector", async move {
        support.run(shutdown).await;
        Ok(())
    });
    let shutdown = cx.shutdown.clone();
    cx.spawn("contacts projector", async move {
        contacts.run(shutdown).await;
        Ok(())
    });
    let shutdown = cx.shutdown.clone();
    cx.spawn("search projector", async move {
        search.run(shutdown).await;
        Ok(())
    });
    let shutdown = cx.shutdown.clone();
    cx.spawn("invites projector", async move {
        invites.run(shutdown).await;
        Ok(())
    });
    let shutdown = cx.shutdown.clone();
    cx.spawn("bans projector", async move {
        bans.run(shutdown).await;
        Ok(())
    });
    println!("running projections");
}

/// The relay from the durable feed to JetStream (one active per deployment; others stand by).
pub async fn start_relay(cx: &RoleContext<'_>, client: async_nats::Client, subjects: Subjects) -> anyhow::Result<()> {
    let js = async_nats::jetstream::new(client.clone());
    ensure_stream(&js, &subjects, &StreamSettings::default()).await?;
    let wakeup = Wakeup::listen(cx.pool.clone(), cx.shutdown.clone());
    let relay = Relay::new(client, subjects);
    let runner = FeedRunner::new(Relay::NAME, cx.pool.clone(), relay, wakeup, RunnerConfig::default());
    let shutdown = cx.shutdown.clone();
    cx.spawn("relay", async move {
        runner.run(shutdown).await;
        Ok(())
    });
    println!("running relay");
    Ok(())
}

#[cfg(test)]
mod tests {
    use sqlx::postgres::PgPoolOptions;

    use super::*;

    #[tokio::test]
    async fn a_role_that_ends_on_its_own_stops_every_role_and_is_named() {
        let tasks = TaskTracker::new();
        let shutdown = CancellationToken::new();
        let failed = Arc::new(OnceLock::new());
        // Never connects: the roles here do not use it.
        let pool = PgPoolOptions::new().connect_lazy("postgres://nobody@127.0.0.1:1/none").unwrap();
        let cx = RoleContext { pool, tasks: &tasks, shutdown: shutdown.clone(), failed: failed.clone() };
        let (stopped_tx, stopped) = tokio::sync::oneshot::channel();
        let until_shutdown = shutdown.clone();
        cx.spawn("steady", async move {
            until_shutdown.cancelled().await;
            let _ = stopped_tx.send(());
            Ok(())
        });
        cx.spawn("broken", async { anyhow::bail!("cannot bind") });
        tasks.close();
        tokio::time::timeout(Duration::from_secs(5), tasks.wait()).await.expect("every role stops");
        assert!(stopped.await.is_ok(), "the steady role was told to stop");
        assert_eq!(failed.get(), Some(&"broken"));
    }
}
