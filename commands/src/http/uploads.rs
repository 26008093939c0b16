//! `POST /v1/uploads`: a file, streamed as the request body (docs/api.md §13).

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use serde::Deserialize;
use std::sync::Arc;

use super::callers::Caller;
use super::download::FileBytes;
use super::error::ErrorBody;
use super::{ApiError, AppState};
use crate::limits::Limits;
use crate::uploads::{Incoming, UploadView, Uploads};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const PATH: &str = "/v1/uploads";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upload))
}

/// Whether `request` is an upload (which the request deadline leaves alone: see `super::deadline`).
pub(super) fn is_upload(request: &Request) -> bool {
    request.method() == Method::POST && request.uri().path() == PATH
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadParams {
    /// The file's name (sanitised: no path, no control characters; at most 200 characters).
    name: Option<String>,
}

/// Upload a file as the request body (any length up to the limit, chunked or not). Its type is
/// sniffed from its bytes and must be allowed and agree with the `Content-Type` sent (omit it or
/// send `application/octet-stream` to declare none). Post it with `attachments: [upload_id]`
/// before it expires.
#[utoipa::path(post, path = "/v1/uploads", tag = "uploads",
    params(("name" = Option<String>, Query, max_length = 1000, description = "The file's name, e.g. `report.pdf` (sanitised; default `file`)")),
    request_body(content = inline(FileBytes), content_type = "application/octet-stream",
        description = "The file's bytes. Send its real `Content-Type` (e.g. `image/png`) or `application/octet-stream`."),
    responses(
        (status = 201, description = "Stored", body = UploadView),
        (status = 400, description = "`malformed_request`: the upload was interrupted", body = ErrorBody),
        (status = 413, description = "`payload_too_large` (over `CHAT_UPLOAD_MAX_BYTES`), `quota_exceeded` (over the user's `CHAT_UPLOAD_QUOTA_BYTES`)", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type` (a type not on the allow-list), `mime_mismatch` (the bytes are not the declared type)", body = ErrorBody),
        (status = 422, description = "`image_too_large` (over 10,000 pixels a side, 50 megapixels or 50 MB), `invalid_image`", body = ErrorBody),
        (status = 429, description = "`rate_limited` (uploads per user)", body = ErrorBody,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    ))]
async fn upload(
    State(uploads): State<Uploads>,
    State(limits): State<Arc<Limits>>,
    caller: Caller<UploadParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<UploadView>), ApiError> {
    limits.upload(caller.user)?;
    // A type that is not even text is passed on as such, and refused as no media type.
    let text = |name| headers.get(name).map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let incoming = Incoming {
        owner: caller.user,
        name: caller.query.name,
        declared: text(header::CONTENT_TYPE),
        length: text(header::CONTENT_LENGTH).and_then(|length| length.parse().ok()),
        body: body.into_data_stream(),
    };
    Ok((StatusCode::CREATED, Json(uploads.upload(incoming).await?)))
}
