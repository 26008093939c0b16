//! The roles a process can run: the HTTP API and the projection feeds.

use std::net::SocketAddr;

use chat_commands::api::{Api, ApiConfig};
use chat_commands::room_writer::WriterConfig;
use chat_projections::feed::{FeedRunner, RunnerConfig, Wakeup};
use chat_projections::projectors::{HistoryProjector, RoomsProjector, UsersProjector};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::{ApiArgs, DEV_JWT_SECRET};

/// Starts the API; returns once it listens, with its address. Logs a `listening` line on
/// stdout (`listening api http://<addr>`), which scripts and tests wait for.
pub async fn start_api(
    args: &ApiArgs,
    pool: PgPool,
    tasks: &TaskTracker,
    shutdown: CancellationToken,
) -> anyhow::Result<SocketAddr> {
    if args.jwt_secret == DEV_JWT_SECRET {
        tracing::warn!("CHAT_JWT_SECRET is the development default: tokens can be forged by anyone");
    }
    let config = ApiConfig {
        listen: args.http_addr,
        jwt_secret: args.jwt_secret.clone(),
        token_ttl: args.token_ttl(),
        writers: WriterConfig::default(),
    };
    let api = Api::build(&config, pool).await?;
    let addr = api.local_addr()?;
    tasks.spawn(async move {
        if let Err(error) = api.run_until_stopped(shutdown).await {
            tracing::error!(%error, "API server failed");
        }
    });
    println!("listening api http://{addr}");
    tracing::info!(%addr, "API listening");
    Ok(addr)
}

/// Starts one feed runner per projector, woken by one shared `LISTEN` connection.
pub fn start_projections(pool: PgPool, tasks: &TaskTracker, shutdown: CancellationToken) {
    let wakeup = Wakeup::listen(pool.clone(), shutdown.clone());
    let config = RunnerConfig::default();
    let users = FeedRunner::new(UsersProjector::NAME, pool.clone(), UsersProjector, wakeup.clone(), config.clone());
    let rooms = FeedRunner::new(RoomsProjector::NAME, pool.clone(), RoomsProjector, wakeup.clone(), config.clone());
    let history = FeedRunner::new(HistoryProjector::NAME, pool, HistoryProjector, wakeup, config);
    tasks.spawn(users.run(shutdown.clone()));
    tasks.spawn(rooms.run(shutdown.clone()));
    tasks.spawn(history.run(shutdown));
    println!("running projections");
}
