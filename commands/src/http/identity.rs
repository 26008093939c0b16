//! Identity verification for support chat (docs/api.md §12.4; see `crate::identity`): the
//! owner's identity secret (`/v1/websites/{id}/identity-secret`), and a visitor's signed
//! identity (`POST /v1/widget/{id}/identify`, with the visitor's token).

use std::net::IpAddr;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chat_domain::WebsiteId;
use chat_domain::text::DisplayName;
use chat_domain::user::{Email, ExternalUserId};
use serde::{Deserialize, Serialize};

use super::callers::Caller;
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath, ClientAddress, RequestId};
use super::widget::{admit_visitor, visitor_of};
use super::{ApiError, AppState};
use crate::accounts::{VisitorIdentity, VisitorSession};
use crate::identity;
use crate::parse::field;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The owner's routes (members' tokens).
pub fn secret_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(secret, rotate))
}

/// The visitors' route (their token).
pub fn visitor_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(identify))
}

#[derive(Serialize, utoipa::ToSchema)]
struct IdentitySecret {
    /// 64 hex digits to key the HMAC with, as text; null until the owner made one.
    #[schema(required = true)]
    secret: Option<String>,
}

/// The website's identity secret (its owner only): the website's server signs its users' ids
/// with it, `hex(HMAC-SHA256(secret, user_id))`. Keep it on the server.
#[utoipa::path(get, path = "/v1/websites/{website_id}/identity-secret", operation_id = "get_identity_secret", tag = "websites",
    params(("website_id" = Uuid, Path, description = "The website")),
    responses(
        (status = 200, description = "The secret (null until made)", body = IdentitySecret),
        (status = 403, description = "`not_allowed` (an agent)", body = ErrorBody),
        (status = 404, description = "`website_not_found`", body = ErrorBody),
    ))]
async fn secret(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(website): ApiPath<WebsiteId>,
) -> Result<Json<IdentitySecret>, ApiError> {
    let secret = state.websites.identity_secret(website, caller.user).await?;
    Ok(Json(IdentitySecret { secret }))
}

/// Make a new identity secret (its owner only); signatures made with the one before stop
/// verifying, visitors identified before stay who they are.
#[utoipa::path(post, path = "/v1/websites/{website_id}/identity-secret", operation_id = "rotate_identity_secret", tag = "websites",
    params(("website_id" = Uuid, Path, description = "The website")),
    responses(
        (status = 201, description = "The new secret", body = IdentitySecret),
        (status = 403, description = "`not_allowed` (an agent)", body = ErrorBody),
        (status = 404, description = "`website_not_found`", body = ErrorBody),
    ))]
async fn rotate(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(website): ApiPath<WebsiteId>,
) -> Result<(StatusCode, Json<IdentitySecret>), ApiError> {
    let secret = state.websites.rotate_identity_secret(website, caller.user, caller.meta()).await?;
    Ok((StatusCode::CREATED, Json(IdentitySecret { secret: Some(secret) })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct IdentifyRequest {
    /// The website's id for its logged-in user, exactly as signed (1–128 characters).
    #[schema(max_length = 128)]
    user_id: String,
    /// `hex(HMAC-SHA256(identity secret, user_id))`, made by the website's server.
    #[schema(min_length = 64, max_length = 64)]
    user_hash: String,
    /// The user's name, as the website knows it (renames the visitor).
    #[schema(max_length = 64)]
    display_name: Option<String>,
    /// The user's email address, as the website knows it.
    #[schema(max_length = 254)]
    email: Option<String>,
}

/// The visitor is this website user (identity verification): answers the session of the
/// visitor who is that user — the caller themselves if they were nobody yet (what they wrote
/// stays theirs), or the visitor that user already is (their conversations on another device).
/// The widget then continues with the session answered.
#[utoipa::path(post, path = "/v1/widget/{website_id}/identify", operation_id = "identify_visitor", tag = "widget",
    params(("website_id" = Uuid, Path, description = "The website")),
    request_body = IdentifyRequest,
    responses(
        (status = 200, description = "The session of the visitor who is this user", body = VisitorSession),
        (status = 403, description = "`identity_not_verified` (wrong signature, or no secret made), `not_allowed` (not a visitor's token)", body = ErrorBody),
        (status = 404, description = "`website_not_found` (another website's visitor)", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `invalid_input` (`user_id`, `display_name`, `email`)", body = ErrorBody),
        (status = 429, description = "`rate_limited` (as new visitors)", body = ErrorBody),
    ))]
async fn identify(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddress(address): ClientAddress,
    RequestId(request_id): RequestId,
    ApiPath(website): ApiPath<WebsiteId>,
    ApiJson(request): ApiJson<IdentifyRequest>,
) -> Result<Json<VisitorSession>, ApiError> {
    visitor_of(&caller, website)?;
    let identity = VisitorIdentity {
        external_id: field("user_id", ExternalUserId::parse(request.user_id))?,
        display_name: request.display_name.map(|name| field("display_name", DisplayName::parse(name))).transpose()?,
        email: request.email.map(|email| field("email", Email::parse(email))).transpose()?,
    };
    verified(&state, address, website, &identity.external_id, &request.user_hash).await?;
    Ok(Json(state.accounts.identify_visitor(website, caller.user, identity, request_id).await?))
}

/// Rate limits as for a new visitor (an identity may make one), then the signature.
async fn verified(
    state: &AppState,
    address: IpAddr,
    website: WebsiteId,
    external_id: &ExternalUserId,
    signature: &str,
) -> Result<(), ApiError> {
    admit_visitor(state, address, website).await?;
    let secret = identity::secret(&state.pool, website).await.map_err(|e| ApiError::Internal(e.into()))?;
    match secret {
        Some(secret) if identity::is_signed(&secret, external_id, signature) => Ok(()),
        _ => Err(ApiError::IdentityNotVerified),
    }
}
