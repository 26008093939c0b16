//! Leases: at most one holder of a name across all processes, for as long as its connection
//! lives (a Postgres session advisory lock). Work done on the lease's own connection is fenced
//! by it: losing the connection loses the lease and any uncommitted work together.

use std::time::Duration;

use sqlx::{Connection, PgConnection, PgPool};
use tokio_util::sync::CancellationToken;

/// Two-key advisory lock namespace for leases ("CHAT" in ASCII).
const LEASE_CLASS: i32 = 0x4348_4154;

/// Waits until this process holds the lease `name` (retrying every `retry`), and returns the
/// connection that holds it; `None` if `shutdown` comes first.
pub async fn acquire(
    pool: &PgPool,
    name: &str,
    retry: Duration,
    shutdown: &CancellationToken,
) -> Result<Option<PgConnection>, sqlx::Error> {
    let mut conn = PgConnection::connect_with(&pool.connect_options()).await?;
    let mut standby_logged = false;
    loop {
        let leased: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext($2))")
            .bind(LEASE_CLASS)
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
        if leased {
            tracing::info!(lease = name, "lease acquired");
            return Ok(Some(conn));
        }
        if !standby_logged {
            tracing::info!(lease = name, "another process holds this lease; standing by");
            standby_logged = true;
        }
        tokio::select! {
            _ = tokio::time::sleep(retry) => {}
            _ = shutdown.cancelled() => return Ok(None),
        }
    }
}

/// Lock namespace for batches of a feed ("CHAB" in ASCII).
const BATCH_CLASS: i32 = 0x4348_4142;

/// Marks the current transaction as one batch of feed `name`: batches of a feed never wait for
/// each other here, but they exclude [`exclude_batches`] until they commit.
pub async fn enter_batch(conn: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock_shared($1, hashtext($2))")
        .bind(BATCH_CLASS)
        .bind(name)
        .execute(conn)
        .await?;
    Ok(())
}

/// Waits for the batch of feed `name` in progress, if any, and keeps new ones out until the
/// current transaction ends (a rebuild's swap, which must not interleave with a live batch).
pub async fn exclude_batches(conn: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))").bind(BATCH_CLASS).bind(name).execute(conn).await?;
    Ok(())
}

/// Whether the lease's connection is still alive (and with it the lease).
pub async fn still_held(conn: &mut PgConnection) -> bool {
    conn.ping().await.is_ok()
}
