//! Downloading attachments (docs/api.md §13): by a member with their token, or by anyone with a
//! signed URL a member asked for (for `<img src>` and download links, which send no token).
//!
//! Every refusal about the file itself is `404 attachment_not_found`, whoever asks: an unknown
//! id, a room the caller is not in (not `403`: that would tell a stranger the room and the file
//! exist), a deleted message, a file whose uploader was erased.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chat_domain::attachment::{FileName, Sha256Digest};
use chat_domain::{RoomId, UploadId};
use chat_projections::queries::attachments::{self, Asker, AttachmentFile, Lookup};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::callers::Caller;
use super::download::{self, FileBytes, Served};
use super::error::ErrorBody;
use super::extract::ApiPath;
use super::{ApiError, AppState};
use crate::uploads::{Grant, Uploads, Variant};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Behind a member's or a visitor's token.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(original)).routes(routes!(thumbnail)).routes(routes!(links))
}

/// Public: the signature in the query is the permission.
pub fn signed_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(signed_original)).routes(routes!(signed_thumbnail))
}

/// The file, or its thumbnail, of `attachment` in `room`, for `asker`.
async fn find(pool: &PgPool, room: RoomId, attachment: UploadId, asker: Asker) -> Result<AttachmentFile, ApiError> {
    match attachments::lookup(pool, room, attachment, asker).await? {
        Lookup::AccountErased => Err(ApiError::AccountErased),
        Lookup::NotFound => Err(ApiError::AttachmentNotFound),
        Lookup::Found(file) => Ok(file),
    }
}

/// What to serve of `file`: the original or its thumbnail (404 if it has none).
fn served(file: AttachmentFile, variant: Variant, max_age: Option<u64>) -> Result<Served, ApiError> {
    let name = FileName::sanitise(file.name.as_deref().unwrap_or_default());
    let cache = if max_age.is_some() { "private" } else { "private, no-cache" };
    let (digest, size, mime) = match variant {
        Variant::Original => (file.sha256, u64::try_from(file.size).unwrap_or_default(), file.mime),
        Variant::Thumbnail => match (file.thumbnail_sha256, file.thumbnail_mime, file.thumbnail_size) {
            (Some(digest), Some(mime), Some(size)) => (digest, u64::try_from(size).unwrap_or_default(), mime),
            _ => return Err(ApiError::AttachmentNotFound),
        },
    };
    let digest = Sha256Digest::parse(&digest).map_err(|_| ApiError::Internal(anyhow::anyhow!("a stored digest")))?;
    Ok(Served { digest, size, mime, name, cache, max_age })
}

/// A member's download: the caller's account and membership are checked with the file.
async fn by_member(
    pool: &PgPool,
    uploads: &Uploads,
    caller: &Caller,
    (room, attachment): (RoomId, UploadId),
    variant: Variant,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let file = find(pool, room, attachment, Asker::Member(caller.user)).await?;
    download::respond(uploads, served(file, variant, None)?, headers).await
}

/// The file, as uploaded. Supports `Range`, `If-None-Match` and `If-Range`.
#[utoipa::path(get, path = "/v1/rooms/{room_id}/attachments/{attachment_id}", operation_id = "download_attachment", tag = "uploads",
    params(("room_id" = Uuid, Path, description = "The room it was posted in"), ("attachment_id" = Uuid, Path, description = "The attachment (its upload id)"),
        ("range" = Option<String>, Header, description = "One byte range, e.g. `bytes=0-1023`"),
        ("if-none-match" = Option<String>, Header, description = "The `ETag` you have")),
    responses(
        (status = 200, description = "The file, as its sniffed type", content_type = "*/*", body = inline(FileBytes),
            headers(("etag" = String, description = "The quoted SHA-256"), ("content-disposition" = String, description = "`attachment` (or `inline` for images) with the file name"))),
        (status = 206, description = "The range asked for", content_type = "*/*", body = inline(FileBytes),
            headers(("content-range" = String, description = "`bytes first-last/size`"))),
        (status = 304, description = "Not modified (`If-None-Match`)"),
        (status = 404, description = "`attachment_not_found`: no such file in a room of yours (or its message was deleted)", body = ErrorBody),
        (status = 416, description = "`range_not_satisfiable`", body = ErrorBody,
            headers(("content-range" = String, description = "`bytes */size`"))),
    ))]
async fn original(
    State(pool): State<PgPool>,
    State(uploads): State<Uploads>,
    caller: Caller,
    ApiPath(ids): ApiPath<(RoomId, UploadId)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    by_member(&pool, &uploads, &caller, ids, Variant::Original, &headers).await
}

/// An image's thumbnail (at most 320 pixels a side, JPEG or PNG); 404 for other files.
#[utoipa::path(get, path = "/v1/rooms/{room_id}/attachments/{attachment_id}/thumbnail", operation_id = "download_thumbnail", tag = "uploads",
    params(("room_id" = Uuid, Path, description = "The room it was posted in"), ("attachment_id" = Uuid, Path, description = "The attachment (its upload id)")),
    responses(
        (status = 200, description = "The thumbnail (JPEG, or PNG for transparent images)", content_type = "image/*", body = inline(FileBytes)),
        (status = 304, description = "Not modified (`If-None-Match`)"),
        (status = 404, description = "`attachment_not_found` (also for a file without a thumbnail)", body = ErrorBody),
        (status = 416, description = "`range_not_satisfiable`", body = ErrorBody),
    ))]
async fn thumbnail(
    State(pool): State<PgPool>,
    State(uploads): State<Uploads>,
    caller: Caller,
    ApiPath(ids): ApiPath<(RoomId, UploadId)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    by_member(&pool, &uploads, &caller, ids, Variant::Thumbnail, &headers).await
}

/// Signed URLs of an attachment, for `<img src>` and links.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = AttachmentLinks)]
struct Links {
    /// The file (path and query, on this API's origin).
    url: String,
    /// Its thumbnail, for images.
    #[schema(required = true)]
    thumbnail_url: Option<String>,
    /// When both stop working.
    expires_at: DateTime<Utc>,
}

/// Short-lived URLs of the file (and thumbnail) that work without a token.
#[utoipa::path(get, path = "/v1/rooms/{room_id}/attachments/{attachment_id}/links", operation_id = "attachment_links", tag = "uploads",
    params(("room_id" = Uuid, Path, description = "The room it was posted in"), ("attachment_id" = Uuid, Path, description = "The attachment (its upload id)")),
    responses(
        (status = 200, description = "Signed URLs, valid for `CHAT_SIGNED_URL_TTL_SECS`", body = Links),
        (status = 404, description = "`attachment_not_found`", body = ErrorBody),
    ))]
async fn links(
    State(pool): State<PgPool>,
    State(uploads): State<Uploads>,
    caller: Caller,
    ApiPath((room, attachment)): ApiPath<(RoomId, UploadId)>,
) -> Result<Json<Links>, ApiError> {
    let file = find(&pool, room, attachment, Asker::Member(caller.user)).await?;
    let expires_at = Utc::now() + chrono::Duration::from_std(uploads.config().signed_url_ttl).unwrap_or_default();
    let url = |variant: Variant| {
        let grant = Grant { room, attachment, variant, expires: expires_at.timestamp() };
        let suffix = if variant == Variant::Thumbnail { "/thumbnail" } else { "" };
        let sig = uploads.signer().sign(&grant);
        format!("/v1/files/{room}/{attachment}{suffix}?expires={}&sig={sig}", grant.expires)
    };
    let thumbnail_url = file.thumbnail_sha256.is_some().then(|| url(Variant::Thumbnail));
    Ok(Json(Links { url: url(Variant::Original), thumbnail_url, expires_at }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Signature {
    expires: i64,
    sig: String,
}

/// Signature first (so that nothing about the file shows to a wrong one), then the file.
async fn by_signature(
    pool: &PgPool,
    uploads: &Uploads,
    (room, attachment): (RoomId, UploadId),
    variant: Variant,
    signature: Signature,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let grant = Grant { room, attachment, variant, expires: signature.expires };
    let now = Utc::now().timestamp();
    uploads.signer().verify(&grant, &signature.sig, now)?;
    let file = find(pool, room, attachment, Asker::SignedUrl).await?;
    let left = u64::try_from(signature.expires.saturating_sub(now)).unwrap_or_default();
    download::respond(uploads, served(file, variant, Some(left))?, headers).await
}

/// A file by signed URL (from `…/links`); no token.
#[utoipa::path(get, path = "/v1/files/{room_id}/{attachment_id}", operation_id = "signed_download", tag = "uploads",
    params(("room_id" = Uuid, Path, description = "The room"), ("attachment_id" = Uuid, Path, description = "The attachment"),
        ("expires" = i64, Query, description = "Unix seconds, as signed"), ("sig" = String, Query, description = "The signature")),
    responses(
        (status = 200, description = "The file (as the member's download: ranges, validators)", content_type = "*/*", body = inline(FileBytes)),
        (status = 206, description = "The range asked for", content_type = "*/*", body = inline(FileBytes)),
        (status = 304, description = "Not modified"),
        (status = 403, description = "`invalid_signature`, `url_expired`", body = ErrorBody),
        (status = 404, description = "`attachment_not_found` (the message was deleted, or the file is gone)", body = ErrorBody),
        (status = 416, description = "`range_not_satisfiable`", body = ErrorBody),
    ))]
async fn signed_original(
    State(pool): State<PgPool>,
    State(uploads): State<Uploads>,
    ApiPath(ids): ApiPath<(RoomId, UploadId)>,
    query: SignedQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    by_signature(&pool, &uploads, ids, Variant::Original, query.0, &headers).await
}

/// A thumbnail by signed URL; no token.
#[utoipa::path(get, path = "/v1/files/{room_id}/{attachment_id}/thumbnail", operation_id = "signed_thumbnail", tag = "uploads",
    params(("room_id" = Uuid, Path, description = "The room"), ("attachment_id" = Uuid, Path, description = "The attachment"),
        ("expires" = i64, Query, description = "Unix seconds, as signed"), ("sig" = String, Query, description = "The signature")),
    responses(
        (status = 200, description = "The thumbnail (JPEG, or PNG for transparent images)", content_type = "image/*", body = inline(FileBytes)),
        (status = 304, description = "Not modified"),
        (status = 403, description = "`invalid_signature`, `url_expired`", body = ErrorBody),
        (status = 404, description = "`attachment_not_found`", body = ErrorBody),
        (status = 416, description = "`range_not_satisfiable`", body = ErrorBody),
    ))]
async fn signed_thumbnail(
    State(pool): State<PgPool>,
    State(uploads): State<Uploads>,
    ApiPath(ids): ApiPath<(RoomId, UploadId)>,
    query: SignedQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    by_signature(&pool, &uploads, ids, Variant::Thumbnail, query.0, &headers).await
}

/// The signed route's query, refused as `400 invalid_query` when missing or malformed (before
/// the signature is checked).
struct SignedQuery(Signature);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for SignedQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, ApiError> {
        let axum::extract::Query(signature) = axum::extract::Query::<Signature>::try_from_uri(&parts.uri)?;
        Ok(SignedQuery(signature))
    }
}
