//! Who is asking, and what they asked: the extractors every authenticated handler takes
//! exactly one of. Each carries the route's query string parsed as `Q` (by default
//! [`NoQuery`], which refuses any parameter), so that a route takes a query only by saying
//! so, and the checks come in the order of docs/api.md §1 whatever the handler's argument
//! order:
//!
//! 1. authentication — the token, by the [`super::authentication`] layer, before any
//!    extractor runs;
//! 2. the path — every `…_id` parameter must be a UUID ([`check_path`]);
//! 3. the query — `Q`, which refuses unknown parameters itself (`deny_unknown_fields`, or a
//!    parser that does, as every query type here does);
//! 4. (the body, by `ApiJson`, which axum always extracts last; then the handler's field
//!    rules;)
//! 5. the account and the room — reads refuse an account that was erased since its token
//!    was issued (`401 account_erased`) with their first database query: [`RoomReader`] in
//!    the same query as its membership check, [`Reader`] and [`Admin`] with one primary-key
//!    lookup. Commands take [`Caller`], which makes no query: the room writers refuse an
//!    erased actor themselves, so that posting stays one round trip.
//!
//! Reads take [`Reader`], [`RoomReader`] or [`Admin`]; commands take [`Caller`] (or `Admin`).

use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{FromRef, FromRequestParts, Query, RawPathParams};
use axum::http::request::Parts;
use chat_domain::room::{Role, RoomError};
use chat_domain::{RoomId, UserId, WebsiteId};
use chat_projections::queries::rooms::{self, Access};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sqlx::PgPool;
use uuid::Uuid;

use super::authentication::Authenticated;
use super::error::ApiError;
use super::extract::request_id;
use crate::accounts;
use crate::store::CommandMeta;

/// The query of a route that takes none: any parameter is `400 invalid_query`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

/// The authenticated caller, with the request id that their commands will be recorded under
/// and the route's query. Makes no database query (see the module doc).
pub struct Caller<Q = NoQuery> {
    pub user: UserId,
    /// A global administrator (operations and analytics endpoints).
    pub admin: bool,
    /// A visitor of this website (support chat), on the routes that admit visitors.
    pub visitor_of: Option<WebsiteId>,
    pub request_id: String,
    pub query: Q,
}

impl<Q> Caller<Q> {
    pub fn meta(&self) -> CommandMeta {
        CommandMeta { actor: self.user, request_id: self.request_id.clone(), via: "rest".to_owned() }
    }
}

impl<S, Q> FromRequestParts<S> for Caller<Q>
where
    S: Send + Sync,
    Q: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Authenticated { user, admin, visitor_of } =
            parts.extensions.get::<Authenticated>().copied().ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("{} is not behind the authentication layer", parts.uri.path()))
            })?;
        check_path(parts, state).await?;
        let Query(query) = Query::<Q>::try_from_uri(&parts.uri)?;
        Ok(Caller { user, admin, visitor_of, request_id: request_id(parts), query })
    }
}

/// A caller reading something other than a room (their profile, another user's, their room
/// list): refused with `401 account_erased` once their account is gone.
pub struct Reader<Q = NoQuery> {
    pub user: UserId,
    pub query: Q,
}

impl<S, Q> FromRequestParts<S> for Reader<Q>
where
    PgPool: FromRef<S>,
    S: Send + Sync,
    Q: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let caller = Caller::<Q>::from_request_parts(parts, state).await?;
        existing_account(&PgPool::from_ref(state), caller.user).await?;
        Ok(Reader { user: caller.user, query: caller.query })
    }
}

/// A member reading the room named by the route's `{room_id}`: the one check every room read
/// goes through, in one query — `401 account_erased` for an erased account, `404
/// room_not_found` for a room that does not exist, `403 not_a_member` for anyone outside it.
/// Writes are checked by the room aggregate instead.
pub struct RoomReader<Q = NoQuery> {
    pub user: UserId,
    pub room: RoomId,
    /// The reader's role in the room (admins' lists check it).
    pub role: Role,
    pub query: Q,
}

impl<Q> RoomReader<Q> {
    /// `403 not_allowed` unless the reader is an admin or the owner.
    pub fn moderator(self) -> Result<Self, ApiError> {
        if self.role.moderates() { Ok(self) } else { Err(ApiError::Room(RoomError::NotAllowed)) }
    }
}

impl<S, Q> FromRequestParts<S> for RoomReader<Q>
where
    PgPool: FromRef<S>,
    S: Send + Sync,
    Q: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let caller = Caller::<Q>::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state).await.map_err(ApiError::from_path)?;
        let room = params
            .iter()
            .find(|(name, _)| *name == "room_id")
            .and_then(|(_, value)| value.parse::<RoomId>().ok())
            .ok_or_else(|| ApiError::InvalidPath("room_id: not a room id".to_owned()))?;
        match rooms::account_access(&PgPool::from_ref(state), room, caller.user).await? {
            None => Err(ApiError::AccountErased),
            Some(Access::NoSuchRoom) => Err(ApiError::Room(RoomError::RoomNotFound)),
            Some(Access::NotAMember) => Err(ApiError::Room(RoomError::NotAMember)),
            Some(Access::Member(role)) => Ok(RoomReader { user: caller.user, room, role, query: caller.query }),
        }
    }
}

/// A caller who is a global administrator: `401 account_erased` once their account is gone
/// (checked for every administrators' route, commands included: they are rare, and the
/// erasure they can start does not look at its actor's account), then `403 admin_only` for
/// anyone who is not an administrator.
pub struct Admin<Q = NoQuery>(pub Caller<Q>);

impl<S, Q> FromRequestParts<S> for Admin<Q>
where
    PgPool: FromRef<S>,
    S: Send + Sync,
    Q: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let caller = Caller::<Q>::from_request_parts(parts, state).await?;
        existing_account(&PgPool::from_ref(state), caller.user).await?;
        if caller.admin { Ok(Admin(caller)) } else { Err(ApiError::AdminOnly) }
    }
}

/// An account exists while its `user_credentials` row does (erasure deletes it).
async fn existing_account(pool: &PgPool, user: UserId) -> Result<(), ApiError> {
    match accounts::without_account(pool, &[user]).await?.is_empty() {
        true => Ok(()),
        false => Err(ApiError::AccountErased),
    }
}

/// Every path parameter named `…_id` (`room_id`, `user_id`, `message_id`) must be a UUID, and
/// every parameter valid UTF-8 once decoded: checked before the query, so that a bad path is
/// `400 invalid_path` whatever else is wrong. The handler's `ApiPath` then parses the types.
async fn check_path<S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<(), ApiError> {
    let params = match RawPathParams::from_request_parts(parts, state).await {
        Ok(params) => params,
        Err(RawPathParamsRejection::MissingPathParams(_)) => return Ok(()),
        Err(rejection) => return Err(ApiError::from_path(rejection)),
    };
    match params.iter().find(|(name, value)| name.ends_with("_id") && value.parse::<Uuid>().is_err()) {
        Some((name, _)) => Err(ApiError::InvalidPath(format!("{name}: not a UUID"))),
        None => Ok(()),
    }
}
