//! Connecting to Postgres: create the database if missing, apply the migrations, pool.

use std::time::Duration;

use anyhow::Context;
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use crate::config::DatabaseConfig;

/// `role` names the process's connections (`application_name` `chat-<role>`).
pub async fn connect(config: &DatabaseConfig, role: &str) -> anyhow::Result<PgPool> {
    let shown = &config.database_url;
    let url = shown.expose();
    let exists = Postgres::database_exists(url)
        .await
        .with_context(|| format!("cannot reach Postgres at DATABASE_URL={shown}"))?;
    if !exists {
        tracing::info!(database = %shown, "creating database");
        if let Err(error) = Postgres::create_database(url).await {
            // Another process may have created it meanwhile.
            if !Postgres::database_exists(url).await.unwrap_or(false) {
                return Err(error).context("cannot create the database");
            }
        }
    }
    let options: PgConnectOptions =
        url.parse().with_context(|| format!("DATABASE_URL={shown} is not a Postgres URL"))?;
    // Unless the URL or PGAPPNAME names the connections already.
    let options = match options.get_application_name() {
        Some(_) => options,
        None => options.application_name(&format!("chat-{role}")),
    };
    let pool = PgPoolOptions::new()
        .max_connections(config.db_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        // sqlx pings every connection it hands out by default: one more round trip per
        // transaction on the write path. A connection that died is discarded when its query
        // fails instead, which the callers already handle (and retry where it is safe).
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot connect to DATABASE_URL={shown}"))?;
    chat_migrations::MIGRATOR.run(&pool).await.context("cannot apply database migrations")?;
    Ok(pool)
}
