//! `/v1/auth/*` and `/v1/me`: registration, login, own profile.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chat_domain::UserId;
use chat_domain::text::{DisplayName, Username};
use chat_projections::queries::users::{self, UserIdentity, UserView};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::callers::{Caller, Reader};
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath, ClientAddress, RequestId};
use super::{ApiError, AppState};
use crate::accounts::{Accounts, Refreshed, Session};
use crate::credentials::Password;
use crate::limits::Limits;
use crate::parse::field;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes anyone may call: they take credentials or a refresh token in the body.
pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
}

/// The routes for an authenticated caller.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(logout_all))
        .routes(routes!(me, update_me))
        .routes(routes!(user))
        .routes(routes!(find_users))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RegisterRequest {
    /// 3–32 characters of `a-z 0-9 _ . -` (lower-cased), starting with a letter or digit.
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$")]
    username: String,
    #[schema(min_length = 8, max_length = 256)]
    password: String,
    /// Defaults to the username. 1–64 characters on one line, trimmed.
    #[schema(
        max_length = 64,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    display_name: Option<String>,
}

/// Register (docs/api.md §2.1): the new user is logged in.
#[utoipa::path(post, path = "/v1/auth/register", tag = "accounts", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and logged in", body = Session),
        (status = 409, description = "`username_taken`", body = ErrorBody),
        (status = 422, description = "`invalid_request`, or `invalid_input` (`username`, `password`, `display_name`)", body = ErrorBody),
        (status = 429, description = "`rate_limited` (registrations and logins per address)", body = ErrorBody,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    ))]
async fn register(
    State(accounts): State<Accounts>,
    State(limits): State<Arc<Limits>>,
    ClientAddress(address): ClientAddress,
    RequestId(request_id): RequestId,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    limits.auth(address)?;
    let username = field("username", Username::parse(&request.username))?;
    let password = field("password", Password::parse(request.password))?;
    let display_name =
        field("display_name", DisplayName::parse(request.display_name.as_deref().unwrap_or(&request.username)))?;
    let session = accounts.register(username, password, display_name, request_id).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    username: String,
    password: String,
}

/// Log in (docs/api.md §2.2).
#[utoipa::path(post, path = "/v1/auth/login", tag = "accounts", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = Session),
        (status = 401, description = "`invalid_credentials`", body = ErrorBody),
        (status = 429, description = "`rate_limited` (registrations and logins per address)", body = ErrorBody,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    ))]
async fn login(
    State(accounts): State<Accounts>,
    State(limits): State<Arc<Limits>>,
    ClientAddress(address): ClientAddress,
    RequestId(request_id): RequestId,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<Session>, ApiError> {
    limits.auth(address)?;
    Ok(Json(accounts.login(&request.username, request.password, request_id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RefreshRequest {
    refresh_token: String,
}

/// A new access token and a new refresh token for a refresh token, which is used up.
#[utoipa::path(post, path = "/v1/auth/refresh", tag = "accounts", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new access token and refresh token", body = Refreshed),
        (status = 401, description = "`invalid_refresh_token`, `refresh_token_reused`", body = ErrorBody),
    ))]
async fn refresh(
    State(accounts): State<Accounts>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<Json<Refreshed>, ApiError> {
    Ok(Json(accounts.refresh(&request.refresh_token).await?))
}

/// Ends the login the refresh token belongs to.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "accounts", request_body = RefreshRequest,
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "`invalid_refresh_token`, `refresh_token_reused`", body = ErrorBody),
    ))]
async fn logout(
    State(accounts): State<Accounts>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    accounts.logout(&request.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every login of the caller.
#[utoipa::path(post, path = "/v1/auth/logout-all", operation_id = "logout_all", tag = "accounts",
    responses((status = 204, description = "Every login of the caller ended")))]
async fn logout_all(State(accounts): State<Accounts>, caller: Caller) -> Result<StatusCode, ApiError> {
    accounts.logout_everywhere(caller.user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's profile and presence.
#[utoipa::path(get, path = "/v1/me", operation_id = "get_me", tag = "accounts",
    responses(
        (status = 200, description = "The caller's profile", body = UserView),
        (status = 404, description = "`user_not_found` (the profile is not projected yet)", body = ErrorBody),
    ))]
async fn me(State(pool): State<PgPool>, reader: Reader) -> Result<Json<UserView>, ApiError> {
    users::get(&pool, reader.user).await?.map(Json).ok_or(ApiError::UserNotFound)
}

/// Another user's profile and presence, for those who share a room with them (to anyone else
/// the user does not exist).
#[utoipa::path(get, path = "/v1/users/{user_id}", operation_id = "get_user", tag = "accounts",
    params(("user_id" = Uuid, Path, description = "The user")),
    responses(
        (status = 200, description = "The user's profile", body = UserView),
        (status = 404, description = "`user_not_found` (also for a website's visitor who shares no room with the caller)", body = ErrorBody),
    ))]
async fn user(
    State(pool): State<PgPool>,
    reader: Reader,
    ApiPath(user): ApiPath<UserId>,
) -> Result<Json<UserView>, ApiError> {
    users::profile_for(&pool, reader.user, user).await?.map(Json).ok_or(ApiError::UserNotFound)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FindParams {
    username: String,
}

/// What a user search found.
#[derive(Serialize, utoipa::ToSchema)]
struct FoundUsers {
    /// At most one: the user with exactly that username.
    users: Vec<UserIdentity>,
}

/// Finds the user with a username, to open a direct room with them: their identity only (their
/// presence and profile stay for those who share a room with them). Matching is exact, after
/// the same normalisation as at registration (lower case); a name no one could register finds
/// no one.
#[utoipa::path(get, path = "/v1/users", operation_id = "find_users", tag = "accounts",
    params(("username" = String, Query, description = "The exact username (any case)")),
    responses(
        (status = 200, description = "The user with that username, or no one", body = FoundUsers),
        (status = 429, description = "`rate_limited` (lookups per user)", body = ErrorBody,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    ))]
async fn find_users(
    State(pool): State<PgPool>,
    State(limits): State<Arc<Limits>>,
    reader: Reader<FindParams>,
) -> Result<Json<FoundUsers>, ApiError> {
    limits.lookup(reader.user)?;
    let users = match Username::parse(&reader.query.username) {
        Ok(username) => users::by_username(&pool, username.as_str()).await?.into_iter().collect(),
        Err(_) => Vec::new(),
    };
    Ok(Json(FoundUsers { users }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UpdateProfileRequest)]
struct ProfileRequest {
    /// 1–64 characters on one line, trimmed.
    #[schema(
        max_length = 64,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    display_name: String,
}

/// Change the caller's display name.
#[utoipa::path(patch, path = "/v1/me", operation_id = "update_me", tag = "accounts", request_body = ProfileRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 404, description = "`user_not_found` (no account)", body = ErrorBody),
        (status = 422, description = "`invalid_request`, or `invalid_input` (`display_name`)", body = ErrorBody),
    ))]
async fn update_me(
    State(accounts): State<Accounts>,
    caller: Caller,
    ApiJson(request): ApiJson<ProfileRequest>,
) -> Result<StatusCode, ApiError> {
    let display_name = field("display_name", DisplayName::parse(&request.display_name))?;
    accounts.update_profile(caller.user, display_name, caller.request_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
