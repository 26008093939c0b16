//! Uploads and attachments: files in an object store, named by posts.
//!
//! A client uploads a file (`POST /v1/uploads`, streamed: [`receive`]) and gets an upload id;
//! a post names up to ten of its uploads (`attachments`), which [`Uploads::attachments_of`]
//! resolves to what the post's event records before the room decides. Members of a room the
//! file was posted in download it (`GET /v1/rooms/{room_id}/attachments/{id}`, or a signed URL:
//! [`signed`]). Uploads no post names expire ([`collect`]); erasing a user deletes theirs.
//!
//! Bytes are content-addressed (`blobs/<sha256>`, [`store`]): the same bytes are stored once,
//! however many uploads name them, and a blob goes only when no upload names it any more.
//!
//! # Layout
//! - [`config`]: where blobs live and the limits (`CHAT_STORAGE_URL`, `CHAT_UPLOAD_*`).
//! - [`store`]: the object store (a local directory or S3): blobs and uploads in progress.
//! - [`receive`]: taking in a stream of bytes in constant memory: limit, hash, type, parts.
//! - [`sniff`]: what a file is, by its bytes, and the allow-list of types.
//! - [`image`]: images' dimensions and thumbnails, decoded with limits.
//! - [`records`]: the `uploads` and `blob_orphans` tables and the locks around blobs.
//! - [`collect`]: expired uploads and unused blobs, deleted by the upkeep.
//! - [`signed`]: signed, short-lived download URLs.
//! - [`error`]: why an upload or an attachment was refused.

pub mod collect;
pub mod config;
pub mod error;
pub mod image;
pub mod receive;
pub mod records;
pub mod signed;
pub mod sniff;
pub mod store;

use std::sync::Arc;

use bytes::Bytes;
use chat_auth::SigningKey;
use chat_domain::attachment::{Attachment, FileName, MimeType, Sha256Digest};
use chat_domain::{UploadId, UserId};
use chat_nats::wire::WireCommand;
use chrono::{DateTime, Utc};
use futures::Stream;
use serde::Serialize;
use sqlx::PgPool;
use tokio::sync::Semaphore;
use uuid::Uuid;

pub use config::{StorageUrl, UploadConfig};
pub use error::{AttachError, UploadError};
use receive::{Limit, Received};
use records::UploadRow;
pub use signed::{Grant, SignatureError, UrlSigner, Variant};
pub use store::BlobStore;

/// The uploads service of a process. Cheap to clone.
#[derive(Clone)]
pub struct Uploads {
    pool: PgPool,
    store: BlobStore,
    config: Arc<UploadConfig>,
    signer: UrlSigner,
    decodes: Arc<Semaphore>,
}

impl std::fmt::Debug for Uploads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Uploads({:?})", self.store)
    }
}

/// An upload, as its uploader sees it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Upload)]
pub struct UploadView {
    pub upload_id: UploadId,
    /// The sanitised file name.
    pub name: String,
    /// The type sniffed from the bytes (it agreed with the declared one).
    pub mime: String,
    pub size: u64,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    /// Pixels, for images.
    #[schema(required = true)]
    pub width: Option<u32>,
    #[schema(required = true)]
    pub height: Option<u32>,
    /// Whether a thumbnail was made (images).
    pub thumbnail: bool,
    pub created_at: DateTime<Utc>,
    /// Unless a post names it by then, the upload is deleted after this.
    pub expires_at: DateTime<Utc>,
}

/// What a client sent with an upload.
pub struct Incoming<S> {
    pub owner: UserId,
    /// The client's file name (sanitised here).
    pub name: Option<String>,
    /// The `Content-Type` of the request, if any.
    pub declared: Option<String>,
    /// The `Content-Length` of the request, if known.
    pub length: Option<u64>,
    pub body: S,
}

impl Uploads {
    /// Opens the store; fails when a local directory cannot be made or an S3 bucket is
    /// misconfigured.
    pub fn new(pool: PgPool, config: UploadConfig, keys: &[SigningKey]) -> Result<Self, object_store::Error> {
        Ok(Self {
            pool,
            store: BlobStore::open(&config.storage)?,
            config: Arc::new(config),
            signer: UrlSigner::new(keys),
            decodes: Arc::new(Semaphore::new(image::DECODES_AT_ONCE)),
        })
    }

    pub fn config(&self) -> &UploadConfig {
        &self.config
    }

    pub fn store(&self) -> &BlobStore {
        &self.store
    }

    pub fn signer(&self) -> &UrlSigner {
        &self.signer
    }

    /// Takes in an upload: checked against the limits and the allow-list as it streams, stored
    /// under its digest, recorded as the owner's.
    #[tracing::instrument(level = "error", skip_all, fields(user_id = %incoming.owner))]
    pub async fn upload<S, E>(&self, incoming: Incoming<S>) -> Result<UploadView, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
    {
        let Incoming { owner, name, declared, length, body } = incoming;
        let declared = match declared.as_deref().map(MimeType::parse) {
            None => None,
            Some(Ok(mime)) => Some(mime),
            Some(Err(_)) => return Err(UploadError::InvalidContentType),
        };
        let limit = self.limit(owner).await?;
        if length.is_some_and(|length| length > limit.bytes) {
            return Err(limit.exceeded);
        }
        let received = receive::receive(&self.store, body, declared.as_ref(), limit).await?;
        let name = FileName::sanitise(name.as_deref().unwrap_or_default());
        self.record(owner, name, received).await
    }

    /// What an upload of `owner` may take: the per-file limit, or what is left of their quota.
    async fn limit(&self, owner: UserId) -> Result<Limit, UploadError> {
        let used = records::usage(&self.pool, owner).await?;
        let left = self.config.quota_bytes.saturating_sub(used);
        Ok(if self.config.max_file_bytes <= left {
            Limit {
                bytes: self.config.max_file_bytes,
                exceeded: UploadError::TooLarge { max: self.config.max_file_bytes },
            }
        } else {
            Limit { bytes: left, exceeded: UploadError::QuotaExceeded { quota: self.config.quota_bytes } }
        })
    }

    /// Inspects an image, then makes the blobs and records the upload in one transaction (see
    /// `records` for the locks).
    async fn record(&self, owner: UserId, name: FileName, mut received: Received) -> Result<UploadView, UploadError> {
        let inspected = match self.inspect(&mut received).await {
            Ok(inspected) => inspected,
            Err(error) => {
                received.temp.discard().await;
                return Err(error);
            }
        };
        let mut tx = self.pool.begin().await?;
        records::lock_owner(&mut tx, owner).await?;
        if records::usage(&mut *tx, owner).await?.saturating_add(received.size) > self.config.quota_bytes {
            received.temp.discard().await;
            return Err(UploadError::QuotaExceeded { quota: self.config.quota_bytes });
        }
        let thumbnail = inspected.as_ref().map(|inspected| &inspected.thumbnail);
        let mut digests = vec![&received.digest];
        digests.extend(thumbnail.map(|thumbnail| &thumbnail.digest));
        digests.sort();
        digests.dedup();
        for digest in digests {
            records::lock_blob(&mut tx, digest).await?;
        }
        let digest = received.digest.clone();
        let mut made = Vec::new();
        if self.store.promote(received.temp, &digest).await? {
            made.push(digest.to_string());
        }
        if let Some(thumbnail) = thumbnail
            && self.store.put_blob(&thumbnail.digest, thumbnail.bytes.clone()).await?
        {
            made.push(thumbnail.digest.to_string());
        }
        let row = UploadRow {
            upload_id: Uuid::now_v7(),
            owner_id: owner.as_uuid(),
            sha256: digest.to_string(),
            size: i64::try_from(received.size).unwrap_or(i64::MAX),
            mime: received.mime.to_string(),
            name: name.as_str().to_owned(),
            width: inspected.as_ref().and_then(|i| i32::try_from(i.width).ok()),
            height: inspected.as_ref().and_then(|i| i32::try_from(i.height).ok()),
            thumbnail_sha256: thumbnail.map(|t| t.digest.to_string()),
            thumbnail_mime: thumbnail.map(|t| t.mime.to_string()),
            thumbnail_size: thumbnail.map(|t| i64::try_from(t.bytes.len()).unwrap_or(i64::MAX)),
            created_at: Utc::now(),
        };
        let committed = match records::insert(&mut tx, &row).await {
            Ok(()) => tx.commit().await,
            Err(error) => Err(error),
        };
        if let Err(error) = committed {
            // The blobs made here may be named by nothing: the collector looks at them.
            if let Err(queue_error) = records::orphan(&self.pool, &made).await {
                tracing::warn!(error = %queue_error, "cannot queue the blobs of a failed upload");
            }
            return Err(error.into());
        }
        tracing::info!(size = received.size, mime = %received.mime, new_blob = !made.is_empty(), "upload stored");
        Ok(self.view(&row, received.size))
    }

    /// The image facts of an image upload (`None` for other types).
    async fn inspect(&self, received: &mut Received) -> Result<Option<image::Inspected>, UploadError> {
        if !image::is_decoded(&received.mime) {
            return Ok(None);
        }
        if received.size > image::MAX_FILE_BYTES {
            return Err(UploadError::ImageTooLarge { max_pixels: image::MAX_SIDE, max_bytes: image::MAX_FILE_BYTES });
        }
        let _permit = self.decodes.acquire().await.map_err(|error| UploadError::Processing(error.to_string()))?;
        let bytes = received.temp.read_all().await?;
        let mime = received.mime.clone();
        let inspected = tokio::task::spawn_blocking(move || image::inspect(&bytes, &mime))
            .await
            .map_err(|error| UploadError::Processing(error.to_string()))??;
        Ok(Some(inspected))
    }

    fn view(&self, row: &UploadRow, size: u64) -> UploadView {
        let expiry = chrono::Duration::from_std(self.config.expiry).unwrap_or(chrono::Duration::MAX);
        UploadView {
            upload_id: UploadId::from_uuid(row.upload_id),
            name: row.name.clone(),
            mime: row.mime.clone(),
            size,
            sha256: row.sha256.clone(),
            width: row.width.and_then(|w| u32::try_from(w).ok()),
            height: row.height.and_then(|h| u32::try_from(h).ok()),
            thumbnail: row.thumbnail_sha256.is_some(),
            created_at: row.created_at,
            expires_at: row.created_at.checked_add_signed(expiry).unwrap_or(DateTime::<Utc>::MAX_UTC),
        }
    }

    /// The attachments a room command names, resolved to what its event records: for a post
    /// with attachments, each must be an upload of `actor`'s that has not expired; other
    /// commands name none.
    pub async fn attachments_of(&self, actor: UserId, command: &WireCommand) -> Result<Vec<Attachment>, AttachError> {
        let WireCommand::Post { attachments, .. } = command else { return Ok(Vec::new()) };
        if attachments.is_empty() {
            return Ok(Vec::new());
        }
        if attachments.len() > chat_domain::attachment::MAX_PER_MESSAGE {
            return Err(AttachError::TooMany);
        }
        let ids: Vec<Uuid> = attachments.iter().map(UploadId::as_uuid).collect();
        let rows = records::attachable(&self.pool, actor, &ids, self.config.expiry).await?;
        attachments
            .iter()
            .map(|id| match rows.iter().find(|row| row.upload_id == id.as_uuid()) {
                Some(row) => Ok(row.attachment()?),
                None => Err(AttachError::NotFound(*id)),
            })
            .collect()
    }

    /// Deletes the blobs whose uploads are gone (after an erasure), now rather than at the next
    /// upkeep round.
    pub async fn delete_orphans(&self) -> Result<u64, collect::CollectError> {
        collect::orphans(&self.pool, &self.store).await
    }

    /// One round of the collector (see [`collect`]).
    pub async fn collect(&self) -> Result<collect::Collected, collect::CollectError> {
        collect::round(&self.pool, &self.store, self.config.expiry).await
    }

    /// Reads a blob (or part of it); `None` if it is gone.
    pub async fn read(
        &self,
        digest: &Sha256Digest,
        range: Option<std::ops::Range<u64>>,
    ) -> Result<Option<store::BlobRead>, object_store::Error> {
        self.store.read(digest, range).await
    }
}
