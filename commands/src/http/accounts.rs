//! `/v1/auth/*` and `/v1/me`: registration, login, own profile.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chat_domain::UserId;
use chat_domain::text::{DisplayName, Username};
use chat_projections::queries::users::{self, UserView};
use serde::Deserialize;
use sqlx::PgPool;

use super::callers::{Caller, Reader};
use super::extract::{ApiJson, ApiPath, ClientAddress, RequestId};
use super::{ApiError, AppState};
use crate::accounts::{Accounts, Refreshed, Session};
use crate::credentials::Password;
use crate::limits::Limits;
use crate::parse::field;

/// The routes anyone may call: they take credentials or a refresh token in the body.
pub fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/v1/auth/register", post(register))
        .route("/v1/auth/login", post(login))
        .route("/v1/auth/refresh", post(refresh))
        .route("/v1/auth/logout", post(logout))
}

/// The routes for an authenticated caller.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/auth/logout-all", post(logout_all))
        .route("/v1/me", get(me).patch(update_me))
        .route("/v1/users/{user_id}", get(user))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterRequest {
    username: String,
    password: String,
    /// Defaults to the username.
    display_name: Option<String>,
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    username: String,
    password: String,
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefreshRequest {
    refresh_token: String,
}

/// A new access token and a new refresh token for a refresh token, which is used up.
async fn refresh(
    State(accounts): State<Accounts>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<Json<Refreshed>, ApiError> {
    Ok(Json(accounts.refresh(&request.refresh_token).await?))
}

/// Ends the login the refresh token belongs to.
async fn logout(
    State(accounts): State<Accounts>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    accounts.logout(&request.refresh_token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every login of the caller.
async fn logout_all(State(accounts): State<Accounts>, caller: Caller) -> Result<StatusCode, ApiError> {
    accounts.logout_everywhere(caller.user).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(pool): State<PgPool>, reader: Reader) -> Result<Json<UserView>, ApiError> {
    users::get(&pool, reader.user).await?.map(Json).ok_or(ApiError::UserNotFound)
}

/// Another user's profile and presence, for those who share a room with them (to anyone else
/// the user does not exist).
async fn user(
    State(pool): State<PgPool>,
    reader: Reader,
    ApiPath(user): ApiPath<UserId>,
) -> Result<Json<UserView>, ApiError> {
    if user != reader.user && !users::share_a_room(&pool, reader.user, user).await? {
        return Err(ApiError::UserNotFound);
    }
    users::get(&pool, user).await?.map(Json).ok_or(ApiError::UserNotFound)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileRequest {
    display_name: String,
}

async fn update_me(
    State(accounts): State<Accounts>,
    caller: Caller,
    ApiJson(request): ApiJson<ProfileRequest>,
) -> Result<StatusCode, ApiError> {
    let display_name = field("display_name", DisplayName::parse(&request.display_name))?;
    accounts.update_profile(caller.user, display_name, caller.request_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
