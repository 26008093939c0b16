//! Subcommands of `chat`.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use clap::{Parser, Subcommand};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::{ApiArgs, AuthArgs, DatabaseConfig, GatewayArgs, NatsConfig, PresenceArgs};
use crate::roles::{self, RoleContext};
use crate::{database, events, projections, users};

#[derive(Parser, Debug)]
#[command(name = "chat", version, about = "Event-sourced CQRS chat backend")]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseConfig,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Everything in one process: migrations, HTTP API, command bus, projections, relay and a
    /// WebSocket gateway.
    Up {
        #[command(flatten)]
        api: ApiArgs,
        #[command(flatten)]
        gateway: GatewayArgs,
        #[command(flatten)]
        nats: NatsConfig,
        #[command(flatten)]
        auth: AuthArgs,
        #[command(flatten)]
        presence: PresenceArgs,
    },
    /// The HTTP API, the command bus for gateways and the presence tracker (one active).
    Commands {
        #[command(flatten)]
        api: ApiArgs,
        #[command(flatten)]
        nats: NatsConfig,
        #[command(flatten)]
        auth: AuthArgs,
        #[command(flatten)]
        presence: PresenceArgs,
    },
    /// A WebSocket gateway (run as many as you like).
    Gateway {
        #[command(flatten)]
        gateway: GatewayArgs,
        #[command(flatten)]
        nats: NatsConfig,
        #[command(flatten)]
        auth: AuthArgs,
        #[command(flatten)]
        presence: PresenceArgs,
    },
    /// The projection feeds (one active runner per feed across all processes), or a one-off
    /// action on them.
    Projections {
        #[command(subcommand)]
        action: Option<ProjectionsAction>,
    },
    /// The relay from the event store to NATS JetStream (one active across all processes).
    Relay {
        #[command(flatten)]
        nats: NatsConfig,
    },
    /// Create the database if needed, apply migrations, exit.
    Migrate,
    /// User administration.
    Users {
        #[command(subcommand)]
        action: UsersAction,
    },
    /// The event history for analysts.
    Events {
        #[command(subcommand)]
        action: EventsAction,
    },
    /// Print the OpenAPI 3.1 document that the API serves at `/openapi.json` (REST routes and
    /// WebSocket frames); `chat openapi > docs/openapi.json` regenerates the committed copy.
    /// Needs no database.
    Openapi,
}

impl Command {
    /// The subcommand's name, as the process names itself to Postgres (`application_name`,
    /// so that `pg_stat_activity` shows which role holds which connections) and to NATS.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Up { .. } => "up",
            Command::Commands { .. } => "commands",
            Command::Gateway { .. } => "gateway",
            Command::Projections { .. } => "projections",
            Command::Relay { .. } => "relay",
            Command::Migrate => "migrate",
            Command::Users { .. } => "users",
            Command::Events { .. } => "events",
            Command::Openapi => "openapi",
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum ProjectionsAction {
    /// Rebuild a projector's read models from the event store and swap them in while the
    /// system keeps serving (`all` for every projector).
    Rebuild { name: String },
    /// How far each feed is behind the event store.
    Status,
}

#[derive(Subcommand, Debug)]
pub enum UsersAction {
    /// Make a user a global administrator (operations and analytics endpoints).
    GrantAdmin { username: String },
    /// Take a user's administrator role away.
    RevokeAdmin { username: String },
    /// Erase a user's personal data: their message bodies and names are redacted in the events
    /// and read models, their account and sessions deleted (see SECURITY.md).
    Erase { user_id: chat_domain::UserId },
}

#[derive(Subcommand, Debug)]
pub enum EventsAction {
    /// Stream events in the durable feed's order (NDJSON, CSV or Parquet) to stdout or a file;
    /// prints a cursor to resume from at the end.
    Export(events::export::ExportArgs),
    /// A room as it was at a sequence or a moment (members and roles, counts), as JSON.
    At(events::time_travel::AtArgs),
    /// Feed the history (or part of it) through a projector into a schema of its own, for
    /// what-if analysis; the live read models and checkpoints are left alone.
    Replay(events::replay::ReplayArgs),
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Openapi = cli.command {
        print!("{}", crate::openapi::json());
        return Ok(());
    }
    let pool = database::connect(&cli.database, cli.command.name()).await?;
    let shutdown = CancellationToken::new();
    let tasks = TaskTracker::new();
    let failed = Arc::new(OnceLock::new());
    let cx = RoleContext { pool: pool.clone(), tasks: &tasks, shutdown: shutdown.clone(), failed: failed.clone() };
    // The NATS connection a role process uses, drained once every role has stopped.
    let mut nats_drain = None;
    match &cli.command {
        Command::Users { action } => return users::run(&pool, action).await,
        Command::Events { action } => return events::run(&pool, action).await,
        // Printed above, without a database.
        Command::Openapi => return Ok(()),
        Command::Migrate => {
            println!("migrations applied");
            return Ok(());
        }
        Command::Up { api, gateway, nats, auth, presence } => {
            let (connection, subjects) = roles::connect_nats(nats, cli.command.name()).await?;
            nats_drain = Some(connection.drain_handle());
            roles::start_projections(&cx);
            roles::start_relay(&cx, connection.client.clone(), subjects.clone()).await?;
            // The gateway first, so that the API can tell browsers its port (`--gateway-addr
            // 127.0.0.1:0` picks a free one). Until the API's bus is up, moments later, a command
            // sent through the gateway is answered `unavailable` rather than left waiting.
            let nats_client = connection.client.clone();
            let gateway_addr = roles::start_gateway(&cx, gateway, auth, presence, connection, subjects.clone()).await?;
            let parts = roles::start_api(
                &cx,
                api,
                auth,
                Some((nats_client.clone(), subjects.clone())),
                Some(gateway_addr.port()),
            )
            .await?;
            roles::start_presence_tracker(&cx, presence, nats_client, subjects);
            roles::start_upkeep(&cx, api, parts)?;
        }
        Command::Commands { api, nats, auth, presence } => {
            let (connection, subjects) = roles::connect_nats(nats, cli.command.name()).await?;
            nats_drain = Some(connection.drain_handle());
            let parts =
                roles::start_api(&cx, api, auth, Some((connection.client.clone(), subjects.clone())), None).await?;
            roles::start_presence_tracker(&cx, presence, connection.client, subjects);
            roles::start_upkeep(&cx, api, parts)?;
        }
        Command::Gateway { gateway, nats, auth, presence } => {
            let (connection, subjects) = roles::connect_nats(nats, cli.command.name()).await?;
            nats_drain = Some(connection.drain_handle());
            roles::start_gateway(&cx, gateway, auth, presence, connection, subjects).await?;
        }
        Command::Projections { action: None } => roles::start_projections(&cx),
        Command::Projections { action: Some(action) } => return projections::run(&pool, action).await,
        Command::Relay { nats } => {
            let (connection, subjects) = roles::connect_nats(nats, cli.command.name()).await?;
            nats_drain = Some(connection.drain_handle());
            roles::start_relay(&cx, connection.client, subjects).await?;
        }
    }
    tasks.close();
    tokio::select! {
        () = shutdown_signal() => tracing::info!("shutting down"),
        // A role ended on its own (see `RoleContext::spawn`).
        () = shutdown.cancelled() => {}
    }
    shutdown.cancel();
    tasks.wait().await;
    // Last: every role has stopped publishing and subscribing.
    if let Some(nats) = nats_drain {
        nats.drain(NATS_DRAIN_TIMEOUT).await;
    }
    pool.close().await;
    match failed.get() {
        Some(role) => anyhow::bail!("stopped because the {role} role ended"),
        None => Ok(()),
    }
}

/// How long draining the NATS connection may take at shutdown.
const NATS_DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
