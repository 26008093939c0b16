//! Extractors that turn every rejection into an [`ApiError`], and the authenticated caller.

use std::sync::Arc;

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, RawPathParams};
use axum::http::header;
use axum::http::request::Parts;
use chat_domain::room::RoomError;
use chat_domain::{RoomId, UserId};
use chat_projections::queries::rooms::{self, Access};
use sqlx::PgPool;

use super::TrustForwardedFor;
use super::error::ApiError;
use crate::store::CommandMeta;
use chat_auth::Tokens;

/// `Json` whose rejections are API errors (400 malformed, 422 wrong shape, 413, 415).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// `Path` whose rejections are API errors (400 `invalid_path`).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `Query` whose rejections are API errors (400 `invalid_query`).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// The caller, authenticated by `Authorization: Bearer <access token>`, with the request id
/// that their commands will be recorded under.
pub struct Caller {
    pub user: UserId,
    /// A global administrator (operations and analytics endpoints).
    pub admin: bool,
    pub request_id: String,
}

impl Caller {
    pub fn meta(&self) -> CommandMeta {
        CommandMeta { actor: self.user, request_id: self.request_id.clone(), via: "rest".to_owned() }
    }
}

impl<S> FromRequestParts<S> for Caller
where
    Arc<Tokens>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let header = parts.headers.get(header::AUTHORIZATION).ok_or(ApiError::MissingToken)?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .ok_or(ApiError::Token(chat_auth::TokenError::Invalid))?
            .1;
        let verified = Arc::<Tokens>::from_ref(state).verify(token.trim())?;
        Ok(Caller { user: verified.user, admin: verified.admin, request_id: request_id(parts) })
    }
}

/// A member reading the room named by the route's `{room_id}`: the one check every room read
/// goes through (404 `room_not_found` for a room that does not exist, 403 `not_a_member` for
/// anyone outside it). Writes are checked by the room aggregate instead.
pub struct RoomReader {
    pub user: UserId,
    pub room: RoomId,
}

impl<S> FromRequestParts<S> for RoomReader
where
    Arc<Tokens>: FromRef<S>,
    PgPool: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state).await.map_err(ApiError::from_path)?;
        let room = params
            .iter()
            .find(|(name, _)| *name == "room_id")
            .and_then(|(_, value)| value.parse::<RoomId>().ok())
            .ok_or_else(|| ApiError::InvalidPath("room_id: not a room id".to_owned()))?;
        match rooms::access(&PgPool::from_ref(state), room, caller.user).await? {
            Access::NoSuchRoom => Err(ApiError::Room(RoomError::RoomNotFound)),
            Access::NotAMember => Err(ApiError::Room(RoomError::NotAMember)),
            Access::Member(_) => Ok(RoomReader { user: caller.user, room }),
        }
    }
}

/// A caller who is a global administrator (403 `admin_only` for anyone else).
pub struct Admin(pub Caller);

impl<S> FromRequestParts<S> for Admin
where
    Arc<Tokens>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if caller.admin { Ok(Admin(caller)) } else { Err(ApiError::AdminOnly) }
    }
}

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

fn request_id(parts: &Parts) -> String {
    parts.headers.get(super::REQUEST_ID_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned()
}
