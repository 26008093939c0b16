//! The collector: uploads that no post names are deleted once they expire, and blobs that no
//! upload names any more are deleted from the store. Run by the upkeep, one round a minute
//! (or every `expiry`, if shorter), on one command instance at a time.
//!
//! # When an upload is collected
//! A post may name an upload until it is `expiry` old, and the post's event then commits within
//! the request's deadline. Whether a post names it is read from the rooms read model
//! (`message_attachments`), which trails the event store; so an upload is collected only once
//! it is older than `expiry` plus a grace ([`grace`]: as long again, at most two minutes), and
//! only if the `rooms` projector has applied every event recorded before that — a stopped or
//! lagging projector holds the collector back instead of letting it delete a file a post names.
//!
//! # When a blob is deleted
//! Blobs whose last upload may have gone wait in `blob_orphans` (an expired or erased upload
//! puts its blob and thumbnail there). Each is deleted under its blob lock, and only if still no
//! upload names it: an upload of the same bytes that came meanwhile keeps it.

use std::time::Duration;

use chat_domain::attachment::Sha256Digest;
use chat_projections::projectors::RoomsProjector;
use sqlx::PgPool;

use super::records;
use super::store::BlobStore;

/// Uploads and blobs handled per round at most (the next round takes the rest).
const PER_ROUND: i64 = 1000;

/// How long after its expiry an unattached upload is kept: as long again as the expiry, at most
/// two minutes (well over the request deadline of a post that named it in time).
pub fn grace(expiry: Duration) -> Duration {
    expiry.min(Duration::from_secs(120))
}

/// What a round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Collected {
    pub uploads: u64,
    pub blobs: u64,
}

/// One round: expired uploads, then orphaned blobs.
pub async fn round(pool: &PgPool, store: &BlobStore, expiry: Duration) -> Result<Collected, CollectError> {
    let uploads = expired(pool, expiry).await?;
    let blobs = orphans(pool, store).await?;
    if uploads + blobs > 0 {
        tracing::info!(uploads, blobs, "collected unposted uploads and unused blobs");
    }
    Ok(Collected { uploads, blobs })
}

#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Storage(#[from] object_store::Error),
}

/// Deletes unattached uploads past their expiry and grace, queueing their blobs.
async fn expired(pool: &PgPool, expiry: Duration) -> Result<u64, sqlx::Error> {
    let kept = (expiry + grace(expiry)).as_secs_f64();
    let deleted: i64 = sqlx::query_scalar(
        "WITH settled AS (
             -- Events before this time have all been applied by the rooms projector.
             SELECT COALESCE((SELECT min(e.recorded_at) FROM events e
                              WHERE (e.tx_id, e.global_position) > (c.tx_id, c.position)), now()) AS before
             FROM feed_checkpoints c WHERE c.name = $1
         ), gone AS (
             DELETE FROM uploads u WHERE u.upload_id IN (
                 SELECT u.upload_id FROM uploads u, settled
                 WHERE u.created_at + make_interval(secs => $2) < settled.before
                   AND NOT EXISTS (SELECT 1 FROM message_attachments a WHERE a.attachment_id = u.upload_id)
                 ORDER BY u.created_at LIMIT $3)
             RETURNING u.sha256, u.thumbnail_sha256
         ), queued AS (
             INSERT INTO blob_orphans (sha256)
             SELECT sha256 FROM gone UNION SELECT thumbnail_sha256 FROM gone WHERE thumbnail_sha256 IS NOT NULL
             ON CONFLICT DO NOTHING
         )
         SELECT count(*) FROM gone",
    )
    .bind(RoomsProjector::NAME)
    .bind(kept)
    .bind(PER_ROUND)
    .fetch_one(pool)
    .await?;
    Ok(u64::try_from(deleted).unwrap_or_default())
}

/// Deletes the queued blobs no upload names; how many were deleted.
pub async fn orphans(pool: &PgPool, store: &BlobStore) -> Result<u64, CollectError> {
    let queued: Vec<String> = sqlx::query_scalar("SELECT sha256 FROM blob_orphans ORDER BY since LIMIT $1")
        .bind(PER_ROUND)
        .fetch_all(pool)
        .await?;
    let mut deleted = 0;
    for digest in queued {
        let mut tx = pool.begin().await?;
        let Ok(parsed) = Sha256Digest::parse(&digest) else {
            sqlx::query("DELETE FROM blob_orphans WHERE sha256 = $1").bind(&digest).execute(&mut *tx).await?;
            tx.commit().await?;
            continue;
        };
        records::lock_blob(&mut tx, &parsed).await?;
        let named: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM uploads WHERE sha256 = $1 OR thumbnail_sha256 = $1)")
                .bind(&digest)
                .fetch_one(&mut *tx)
                .await?;
        if !named {
            store.delete_blob(&parsed).await?;
            deleted += 1;
        }
        sqlx::query("DELETE FROM blob_orphans WHERE sha256 = $1").bind(&digest).execute(&mut *tx).await?;
        tx.commit().await?;
    }
    Ok(deleted)
}
