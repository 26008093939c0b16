//! The object store, as uploads use it: blobs at `blobs/<sha256>`, uploads in progress at
//! `tmp/<uuid>` (written in parts, so a file of any size passes through in constant memory).
//!
//! Whatever the backend, an upload in progress is its own object until it is complete and
//! checked; only then does it become (or turn out to be) the blob of its digest. A blob that
//! already exists is never written again: the same bytes are stored once.

use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use chat_domain::attachment::Sha256Digest;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{GetOptions, GetRange, GetResultPayload, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;
use uuid::Uuid;

use super::config::StorageUrl;

/// Parts of an upload are written this large (S3's smallest part is 5 MiB)…
const PART_BYTES: usize = 8 * 1024 * 1024;
/// …and at most this many at once: an upload holds at most about (this + 1) parts in memory.
const PARTS_IN_FLIGHT: usize = 2;
/// A local blob is read this much at a time for a download.
const READ_CHUNK_BYTES: usize = 256 * 1024;

#[derive(Clone)]
pub struct BlobStore {
    inner: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BlobStore({})", self.inner)
    }
}

/// What a download reads: the bytes (or part of them) as they come from the store.
pub struct BlobRead {
    pub bytes: BoxStream<'static, Result<Bytes, object_store::Error>>,
}

impl BlobStore {
    /// Opens the store `url` names; a local directory is created if missing.
    pub fn open(url: &StorageUrl) -> Result<Self, object_store::Error> {
        let inner: Arc<dyn ObjectStore> = match url {
            StorageUrl::Directory(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| object_store::Error::Generic {
                    store: "LocalFileSystem",
                    source: Box::new(source),
                })?;
                Arc::new(LocalFileSystem::new_with_prefix(dir)?.with_automatic_cleanup(true))
            }
            StorageUrl::S3 { bucket, prefix } => {
                let s3 = AmazonS3Builder::from_env().with_bucket_name(bucket).build()?;
                match prefix {
                    Some(prefix) => Arc::new(PrefixStore::new(s3, prefix.as_str())),
                    None => Arc::new(s3),
                }
            }
        };
        Ok(Self { inner })
    }

    fn blob(digest: &Sha256Digest) -> Path {
        Path::from(format!("blobs/{digest}"))
    }

    /// A new object for an upload in progress, written in parts.
    pub async fn start(&self) -> Result<TempObject, object_store::Error> {
        let path = Path::from(format!("tmp/{}", Uuid::now_v7()));
        let upload = self.inner.put_multipart(&path).await?;
        Ok(TempObject {
            store: self.clone(),
            path,
            writer: Some(WriteMultipart::new_with_chunk_size(upload, PART_BYTES)),
            complete: false,
        })
    }

    /// Makes the complete upload `temp` the blob of `digest`, or drops it if that blob exists.
    /// Call under the blob's lock (`records::lock_blob`), so that no deleter runs meanwhile;
    /// whether the blob is new.
    pub async fn promote(&self, mut temp: TempObject, digest: &Sha256Digest) -> Result<bool, object_store::Error> {
        let blob = Self::blob(digest);
        let created = match self.inner.head(&blob).await {
            Ok(_) => false,
            Err(object_store::Error::NotFound { .. }) => {
                self.inner.rename(&temp.path, &blob).await?;
                true
            }
            Err(error) => return Err(error),
        };
        temp.discard().await;
        Ok(created)
    }

    /// Stores small bytes (a thumbnail) as the blob of `digest`, unless it exists. Under the
    /// blob's lock, like [`BlobStore::promote`].
    pub async fn put_blob(&self, digest: &Sha256Digest, bytes: Bytes) -> Result<bool, object_store::Error> {
        let blob = Self::blob(digest);
        match self.inner.head(&blob).await {
            Ok(_) => Ok(false),
            Err(object_store::Error::NotFound { .. }) => {
                self.inner.put(&blob, PutPayload::from(bytes)).await?;
                Ok(true)
            }
            Err(error) => Err(error),
        }
    }

    /// The blob of `digest`, or the bytes `range` of it; `None` if it is not there.
    pub async fn read(
        &self,
        digest: &Sha256Digest,
        range: Option<Range<u64>>,
    ) -> Result<Option<BlobRead>, object_store::Error> {
        let options = GetOptions { range: range.map(GetRange::Bounded), ..GetOptions::default() };
        match self.inner.get_opts(&Self::blob(digest), options).await {
            Ok(result) => {
                let bytes = match result.payload {
                    GetResultPayload::File(file, _) => file_stream(file, result.range),
                    GetResultPayload::Stream(stream) => stream,
                };
                Ok(Some(BlobRead { bytes }))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Deletes the blob of `digest` (under its lock); gone already is fine.
    pub async fn delete_blob(&self, digest: &Sha256Digest) -> Result<(), object_store::Error> {
        match self.inner.delete(&Self::blob(digest)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Whether the blob of `digest` is there (for tests and checks).
    pub async fn has_blob(&self, digest: &Sha256Digest) -> Result<bool, object_store::Error> {
        match self.inner.head(&Self::blob(digest)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(error),
        }
    }
}

/// An upload in progress: its parts go to the store as they come. Dropped before it was made a
/// blob (the client went away, the request was refused), it is aborted or deleted in the
/// background, so that nothing of it stays.
pub struct TempObject {
    store: BlobStore,
    path: Path,
    writer: Option<WriteMultipart>,
    complete: bool,
}

impl TempObject {
    /// Adds bytes, waiting while too many parts are in flight (constant memory).
    pub async fn write(&mut self, bytes: Bytes) -> Result<(), object_store::Error> {
        if let Some(writer) = &mut self.writer {
            writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
            writer.put(bytes);
        }
        Ok(())
    }

    /// Completes the object (all parts written).
    pub async fn finish(&mut self) -> Result<(), object_store::Error> {
        if let Some(writer) = self.writer.take() {
            writer.finish().await?;
            self.complete = true;
        }
        Ok(())
    }

    /// The whole object, once finished (for decoding an image, whose size is bounded). Takes
    /// `&mut` only so that the future is `Send` (a part writer is not `Sync`).
    pub async fn read_all(&mut self) -> Result<Bytes, object_store::Error> {
        self.store.inner.get(&self.path).await?.bytes().await
    }

    /// Aborts or deletes it now.
    pub async fn discard(&mut self) {
        let (writer, complete) = (self.writer.take(), std::mem::take(&mut self.complete));
        cleanup(self.store.clone(), self.path.clone(), writer, complete).await;
    }
}

impl Drop for TempObject {
    fn drop(&mut self) {
        if self.writer.is_none() && !self.complete {
            return;
        }
        let (writer, complete) = (self.writer.take(), self.complete);
        let (store, path) = (self.store.clone(), self.path.clone());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(cleanup(store, path, writer, complete));
        }
    }
}

async fn cleanup(store: BlobStore, path: Path, writer: Option<WriteMultipart>, complete: bool) {
    if let Some(writer) = writer
        && let Err(error) = writer.abort().await
    {
        tracing::warn!(%error, path = %path, "cannot abort an unfinished upload");
    }
    if complete
        && let Err(error) = store.inner.delete(&path).await
        && !matches!(error, object_store::Error::NotFound { .. })
    {
        tracing::warn!(%error, path = %path, "cannot delete an unfinished upload");
    }
}

/// The bytes `range` of a local blob, read [`READ_CHUNK_BYTES`] at a time. object_store reads a
/// local file 8 KiB at a time, each read a trip to the blocking pool: downloads topped out at
/// about 160 MiB/s, a fortieth of reading the file (BENCHMARKS.md, *files*).
fn file_stream(file: std::fs::File, range: Range<u64>) -> BoxStream<'static, Result<Bytes, object_store::Error>> {
    futures::stream::once(async move {
        let mut file = tokio::fs::File::from_std(file);
        file.seek(std::io::SeekFrom::Start(range.start)).await?;
        Ok::<_, std::io::Error>(ReaderStream::with_capacity(file.take(range.end - range.start), READ_CHUNK_BYTES))
    })
    .try_flatten()
    .map_err(|source| object_store::Error::Generic { store: "LocalFileSystem", source: Box::new(source) })
    .boxed()
}
