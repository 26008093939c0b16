//! The upkeep, in the background of the `commands` role: one task across all command instances
//! (a lease) that, round after round,
//! - checks verified domains again once their verification is old ([`domains`]),
//! - takes former agents out of the conversations they are still in ([`former_agents`]), and
//! - collects uploads no post named before they expired, and blobs no upload names any more
//!   (`crate::uploads::collect`).
//!
//! Each does what no request is there to do: a domain that changed hands long after it was
//! verified, a process that stopped between a team change and the dismissals that follow it, a
//! file uploaded and never posted, the bytes of an erased user.

mod domains;
mod former_agents;

use std::time::Duration;

use chat_feed::lease;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::room_writer::RoomWriters;
use crate::uploads::Uploads;
use crate::websites::Websites;
use domains::DomainRechecks;

/// The lease name; one upkeep task is active. (Named when support chat's repairs were all it
/// did; kept so that instances of both versions share one lease during an upgrade.)
const LEASE: &str = "support-upkeep";
/// Between two rounds (shorter if verifications are to stand, or uploads to wait, less).
const ROUND_EVERY: Duration = Duration::from_secs(60);

pub struct Upkeep {
    pub pool: PgPool,
    pub websites: Websites,
    pub rooms: RoomWriters,
    /// How long a domain's verification stands before it is checked again.
    pub recheck_every: Duration,
    /// The uploads whose unposted files and unused blobs are collected.
    pub uploads: Uploads,
}

impl Upkeep {
    /// Runs until `shutdown`: waits for the lease, then keeps up until the lease is lost.
    pub async fn run(self, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            if let Err(error) = self.lead(&shutdown).await {
                tracing::error!(%error, "upkeep failed; retrying");
                if pause(Duration::from_secs(5), &shutdown).await {
                    return;
                }
            }
        }
    }

    async fn lead(&self, shutdown: &CancellationToken) -> Result<(), sqlx::Error> {
        let Some(mut held) = lease::acquire(&self.pool, LEASE, Duration::from_secs(5), shutdown).await? else {
            return Ok(());
        };
        let mut rechecks = DomainRechecks::new(self.recheck_every);
        loop {
            if !lease::still_held(&mut held).await {
                tracing::warn!("upkeep lease lost");
                return Ok(());
            }
            former_agents::dismiss(&self.pool, &self.websites, &self.rooms).await?;
            if let Err(error) = self.uploads.collect().await {
                tracing::warn!(%error, "cannot collect uploads this round");
            }
            if rechecks.round(&self.pool, &self.websites, shutdown).await? {
                return Ok(());
            }
            let every = ROUND_EVERY.min(self.recheck_every).min(self.uploads.config().expiry);
            if pause(every, shutdown).await {
                return Ok(());
            }
        }
    }
}

/// Sleeps `duration`; whether `shutdown` came first.
async fn pause(duration: Duration, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(duration) => false,
        _ = shutdown.cancelled() => true,
    }
}
