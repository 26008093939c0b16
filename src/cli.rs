//! Subcommands of `chat`.

use clap::{Parser, Subcommand};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::{ApiArgs, DatabaseConfig};
use crate::{database, roles};

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
    /// Everything in one process: migrations, HTTP API, projections.
    Up(ApiArgs),
    /// The HTTP API only (scale it separately from projections).
    Commands(ApiArgs),
    /// The projection feeds only (one active runner per feed across all processes).
    Projections,
    /// Create the database if needed, apply migrations, exit.
    Migrate,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let pool = database::connect(&cli.database).await?;
    let shutdown = CancellationToken::new();
    let tasks = TaskTracker::new();
    match &cli.command {
        Command::Migrate => {
            println!("migrations applied");
            return Ok(());
        }
        Command::Up(api) => {
            roles::start_projections(pool.clone(), &tasks, shutdown.clone());
            roles::start_api(api, pool.clone(), &tasks, shutdown.clone()).await?;
        }
        Command::Commands(api) => {
            roles::start_api(api, pool.clone(), &tasks, shutdown.clone()).await?;
        }
        Command::Projections => roles::start_projections(pool.clone(), &tasks, shutdown.clone()),
    }
    tasks.close();
    tokio::select! {
        () = shutdown_signal() => tracing::info!("shutting down"),
        () = tasks.wait() => tracing::warn!("all tasks ended"),
    }
    shutdown.cancel();
    tasks.wait().await;
    pool.close().await;
    Ok(())
}

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
