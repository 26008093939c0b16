//! Taking in an upload's bytes as they arrive: counted against the limit, hashed, sniffed and
//! passed on to the store in parts, so that memory stays constant whatever the file's size.
//!
//! The upload fails, and leaves nothing behind, as soon as it must: when it passes its limit
//! (before the bytes over it are stored), when its first bytes show a type that is refused,
//! when a text file turns out not to be text, when the client's connection breaks, or when no
//! bytes come for [`IDLE`].

use std::time::Duration;

use bytes::Bytes;
use chat_domain::attachment::{MimeType, Sha256Digest};
use futures::{Stream, StreamExt};
use sha2::{Digest, Sha256};

use super::error::UploadError;
use super::sniff::{self, SNIFF_BYTES, TextCheck};
use super::store::{BlobStore, TempObject};

/// An upload that sends nothing for this long is given up.
pub const IDLE: Duration = Duration::from_secs(30);

/// How many bytes an upload may have, and what passing that is.
pub struct Limit {
    pub bytes: u64,
    pub exceeded: UploadError,
}

/// A complete upload, stored as a temporary object, and what it is.
pub struct Received {
    pub temp: TempObject,
    pub digest: Sha256Digest,
    pub size: u64,
    pub mime: MimeType,
}

/// Receives `body` into a new temporary object of `store`; on failure the object is gone by the
/// time this returns.
pub async fn receive<S, E>(
    store: &BlobStore,
    body: S,
    declared: Option<&MimeType>,
    limit: Limit,
) -> Result<Received, UploadError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let mut temp = store.start().await?;
    match take_in(&mut temp, body, declared, limit).await {
        Ok((digest, size, mime)) => Ok(Received { temp, digest, size, mime }),
        Err(error) => {
            temp.discard().await;
            Err(error)
        }
    }
}

async fn take_in<S, E>(
    temp: &mut TempObject,
    mut body: S,
    declared: Option<&MimeType>,
    limit: Limit,
) -> Result<(Sha256Digest, u64, MimeType), UploadError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut mime: Option<MimeType> = None;
    // Until the type is known every byte is checked as text; after, only a text file's.
    let mut text = Some(TextCheck::default());
    loop {
        let chunk = match tokio::time::timeout(IDLE, body.next()).await {
            Err(_) => return Err(UploadError::Stalled(IDLE)),
            Ok(None) => break,
            Ok(Some(Err(_))) => return Err(UploadError::Interrupted),
            Ok(Some(Ok(chunk))) => chunk,
        };
        size += chunk.len() as u64;
        if size > limit.bytes {
            return Err(limit.exceeded);
        }
        hasher.update(&chunk);
        if let Some(check) = &mut text
            && !check.feed(&chunk)
        {
            text = None;
            if mime.as_ref().is_some_and(is_text) {
                return Err(UploadError::NotAllowed { sniffed: None });
            }
        }
        if mime.is_none() {
            let wanted = (SNIFF_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..wanted]);
            if head.len() == SNIFF_BYTES {
                let decided = decide(&head, false, text.is_some(), declared)?;
                if !is_text(&decided) {
                    text = None;
                }
                mime = Some(decided);
            }
        }
        temp.write(chunk).await?;
    }
    let mime = match mime {
        Some(mime) => mime,
        None => decide(&head, true, text.is_some(), declared)?,
    };
    if is_text(&mime) && !text.is_some_and(|check| check.finish()) {
        return Err(UploadError::NotAllowed { sniffed: None });
    }
    temp.finish().await?;
    Ok((Sha256Digest::from_bytes(hasher.finalize().into()), size, mime))
}

/// The stored type of a file starting with `head`; `text_so_far` says whether every byte so
/// far could be text.
fn decide(head: &[u8], whole: bool, text_so_far: bool, declared: Option<&MimeType>) -> Result<MimeType, UploadError> {
    let sniffed = sniff::sniff(head, whole).filter(|sniffed| *sniffed != "text/plain" || text_so_far);
    Ok(sniff::agree(declared, sniffed)?)
}

/// Whether `mime` was stored as text (`text/plain` or a refinement of it).
fn is_text(mime: &MimeType) -> bool {
    mime.as_str().starts_with("text/")
}
