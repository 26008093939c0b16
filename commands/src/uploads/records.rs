//! The `uploads` and `blob_orphans` tables (write side), and the locks that keep a blob from
//! being deleted while an upload makes it or names it.
//!
//! Locks are transaction-scoped advisory locks: `uploads:<owner>` serialises one user's uploads
//! (their quota is checked and used in one step), `blob:<sha256>` serialises everything that
//! makes, names or deletes one blob. An upload takes its owner's lock, then its blobs' in digest
//! order; the collector takes one blob's at a time; so no two wait on each other in a cycle.

use chat_domain::attachment::{Attachment, FileName, MimeType, Sha256Digest};
use chat_domain::{UploadId, UserId};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

/// An upload as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UploadRow {
    pub upload_id: Uuid,
    pub owner_id: Uuid,
    pub sha256: String,
    pub size: i64,
    pub mime: String,
    pub name: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub thumbnail_sha256: Option<String>,
    pub thumbnail_mime: Option<String>,
    pub thumbnail_size: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl UploadRow {
    /// What a post records of it (its values were checked before they were stored; a row that
    /// no longer parses is reported as undecodable).
    pub fn attachment(&self) -> Result<Attachment, sqlx::Error> {
        let undecodable = |error: chat_domain::text::TextError| sqlx::Error::Decode(Box::new(error));
        Ok(Attachment {
            id: UploadId::from_uuid(self.upload_id),
            name: FileName::sanitise(&self.name).into(),
            mime: MimeType::parse(&self.mime).map_err(undecodable)?,
            size: u64::try_from(self.size).unwrap_or_default(),
            sha256: Sha256Digest::parse(&self.sha256).map_err(undecodable)?,
            width: self.width.and_then(|w| u32::try_from(w).ok()),
            height: self.height.and_then(|h| u32::try_from(h).ok()),
            thumbnail: self.thumbnail_sha256.is_some(),
        })
    }
}

const COLUMNS: &str =
    "upload_id, owner_id, sha256, size, mime, name, width, height, thumbnail_sha256, thumbnail_mime, thumbnail_size,
     created_at";

/// Bytes `owner`'s uploads take.
pub async fn usage(executor: impl PgExecutor<'_>, owner: UserId) -> Result<u64, sqlx::Error> {
    let used: i64 = sqlx::query_scalar("SELECT COALESCE(sum(size), 0)::bigint FROM uploads WHERE owner_id = $1")
        .bind(owner.as_uuid())
        .fetch_one(executor)
        .await?;
    Ok(u64::try_from(used).unwrap_or_default())
}

pub async fn lock_owner(conn: &mut PgConnection, owner: UserId) -> Result<(), sqlx::Error> {
    advisory_lock(conn, &format!("uploads:{owner}")).await
}

pub async fn lock_blob(conn: &mut PgConnection, digest: &Sha256Digest) -> Result<(), sqlx::Error> {
    advisory_lock(conn, &format!("blob:{digest}")).await
}

async fn advisory_lock(conn: &mut PgConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").bind(key).execute(conn).await?;
    Ok(())
}

pub async fn insert(conn: &mut PgConnection, row: &UploadRow) -> Result<(), sqlx::Error> {
    sqlx::query(&format!("INSERT INTO uploads ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"))
        .bind(row.upload_id)
        .bind(row.owner_id)
        .bind(&row.sha256)
        .bind(row.size)
        .bind(&row.mime)
        .bind(&row.name)
        .bind(row.width)
        .bind(row.height)
        .bind(&row.thumbnail_sha256)
        .bind(&row.thumbnail_mime)
        .bind(row.thumbnail_size)
        .bind(row.created_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// `owner`'s uploads among `ids` that a post may name: not older than `expiry` unless a post
/// names them already (an attached upload never expires).
pub async fn attachable(
    pool: &PgPool,
    owner: UserId,
    ids: &[Uuid],
    expiry: std::time::Duration,
) -> Result<Vec<UploadRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM uploads u
         WHERE u.upload_id = ANY($1) AND u.owner_id = $2
           AND (u.created_at > now() - make_interval(secs => $3)
                OR EXISTS (SELECT 1 FROM message_attachments a WHERE a.attachment_id = u.upload_id))"
    ))
    .bind(ids)
    .bind(owner.as_uuid())
    .bind(expiry.as_secs_f64())
    .fetch_all(pool)
    .await
}

/// Queues blobs that may have lost their last upload, for [`super::collect`].
pub async fn orphan(executor: impl PgExecutor<'_>, digests: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO blob_orphans (sha256) SELECT DISTINCT unnest($1::text[]) ON CONFLICT DO NOTHING")
        .bind(digests)
        .execute(executor)
        .await?;
    Ok(())
}

/// Deletes `owner`'s uploads (an erasure) and queues their blobs; how many there were.
pub async fn delete_all_of(conn: &mut PgConnection, owner: UserId) -> Result<u64, sqlx::Error> {
    let deleted: i64 = sqlx::query_scalar(
        "WITH gone AS (DELETE FROM uploads WHERE owner_id = $1 RETURNING sha256, thumbnail_sha256),
              queued AS (INSERT INTO blob_orphans (sha256)
                         SELECT sha256 FROM gone UNION SELECT thumbnail_sha256 FROM gone
                         WHERE thumbnail_sha256 IS NOT NULL
                         ON CONFLICT DO NOTHING)
         SELECT count(*) FROM gone",
    )
    .bind(owner.as_uuid())
    .fetch_one(conn)
    .await?;
    Ok(u64::try_from(deleted).unwrap_or_default())
}
