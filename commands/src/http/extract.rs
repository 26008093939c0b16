//! Extractors that turn every rejection into an [`ApiError`], and what every request carries
//! (client address, request id). Who is asking, and the query, are in [`super::callers`].

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts};
use axum::http::request::Parts;

use super::TrustForwardedFor;
use super::error::ApiError;

/// `Json` whose rejections are API errors (400 malformed, 422 wrong shape, 413, 415).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `Path` whose rejections are API errors (400 `invalid_path`).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// The client's address: the peer's, or behind a trusted proxy the last `X-Forwarded-For`
/// entry (the one that proxy added).
pub struct ClientAddress(pub IpAddr);

impl<S> FromRequestParts<S> for ClientAddress
where
    TrustForwardedFor: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if TrustForwardedFor::from_ref(state).0
            && let Some(forwarded) = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok())
            && let Some(Ok(address)) = forwarded.rsplit(',').next().map(|last| last.trim().parse())
        {
            return Ok(ClientAddress(address));
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
        peer.map(ClientAddress).ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no peer address")))
    }
}

/// The request id set by the request-id layer (`x-request-id`).
pub struct RequestId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestId(request_id(parts)))
    }
}

pub(super) fn request_id(parts: &Parts) -> String {
    parts.headers.get(super::REQUEST_ID_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned()
}
