//! The one error type of the HTTP API and its exhaustive mapping to status and stable code.
//!
//! Body: `{"error": {"code": "not_a_member", "message": "…"}}` (plus `field` for invalid
//! input). 5xx bodies are generic; their cause is logged with the request id.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chat_domain::room::RoomError;
use chat_domain::user::UserError;
use serde_json::json;

use crate::accounts::AccountError;
use crate::auth::{RefreshError, TokenError};
use crate::erasure::ErasureError;
use crate::limits::RateLimited;
use crate::parse::InvalidField;
use crate::room_writer::CommandError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing bearer token")]
    MissingToken,
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Room(#[from] RoomError),
    #[error(transparent)]
    User(#[from] UserError),
    #[error("{}", .0.error)]
    InvalidField(#[from] InvalidField),
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("the request body does not match the expected shape: {0}")]
    InvalidJson(String),
    #[error("expected a request body with `Content-Type: application/json`")]
    UnsupportedMediaType,
    #[error("the request body is too large")]
    PayloadTooLarge,
    #[error("invalid path parameter: {0}")]
    InvalidPath(String),
    #[error("invalid query parameter: {0}")]
    InvalidQuery(String),
    #[error("no such route")]
    RouteNotFound,
    #[error("method not allowed on this route")]
    MethodNotAllowed,
    #[error("the user does not exist")]
    UserNotFound,
    #[error("that username is taken")]
    UsernameTaken,
    #[error("unknown username or wrong password")]
    InvalidCredentials,
    #[error("the refresh token is unknown, expired or revoked; log in again")]
    InvalidRefreshToken,
    #[error("the refresh token was already used; every session of that login is now revoked")]
    RefreshTokenReused,
    #[error("administrators only")]
    AdminOnly,
    #[error("your account was erased")]
    AccountErased,
    #[error(transparent)]
    RateLimited(#[from] RateLimited),
    #[error("the service is busy; retry shortly")]
    Busy,
    #[error("the request took too long; it may still complete")]
    Timeout,
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status and the stable error code (also used in WebSocket error frames).
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        use StatusCode as S;
        match self {
            ApiError::MissingToken => (S::UNAUTHORIZED, "unauthorized"),
            ApiError::Token(TokenError::Expired) => (S::UNAUTHORIZED, "token_expired"),
            ApiError::Token(TokenError::Invalid) => (S::UNAUTHORIZED, "invalid_token"),
            ApiError::Room(error) => match error {
                RoomError::RoomNotFound => (S::NOT_FOUND, "room_not_found"),
                RoomError::RoomAlreadyExists => (S::CONFLICT, "room_exists"),
                RoomError::NotAMember => (S::FORBIDDEN, "not_a_member"),
                RoomError::NotAllowed => (S::FORBIDDEN, "not_allowed"),
                RoomError::RoomIsPrivate => (S::FORBIDDEN, "room_private"),
                RoomError::DirectRoomWithSelf => (S::UNPROCESSABLE_ENTITY, "direct_room_with_self"),
                RoomError::DirectRoomMembershipIsFixed => (S::CONFLICT, "direct_room_membership_fixed"),
                RoomError::OwnerCannotLeave => (S::CONFLICT, "owner_cannot_leave"),
                RoomError::TargetNotAMember => (S::UNPROCESSABLE_ENTITY, "target_not_a_member"),
                RoomError::MessageNotFound => (S::NOT_FOUND, "message_not_found"),
                RoomError::MessageDeleted => (S::CONFLICT, "message_deleted"),
                RoomError::NotTheAuthor => (S::FORBIDDEN, "not_the_author"),
                RoomError::ReplyTargetNotFound => (S::UNPROCESSABLE_ENTITY, "reply_target_not_found"),
                RoomError::ReadMarkerBeyondEnd => (S::UNPROCESSABLE_ENTITY, "seq_out_of_range"),
            },
            ApiError::User(UserError::UserNotFound) | ApiError::UserNotFound => (S::NOT_FOUND, "user_not_found"),
            ApiError::User(UserError::AlreadyRegistered) => (S::CONFLICT, "already_registered"),
            ApiError::User(UserError::Erased) | ApiError::AccountErased => (S::UNAUTHORIZED, "account_erased"),
            ApiError::InvalidField(_) => (S::UNPROCESSABLE_ENTITY, "invalid_input"),
            ApiError::MalformedJson(_) => (S::BAD_REQUEST, "malformed_json"),
            ApiError::InvalidJson(_) => (S::UNPROCESSABLE_ENTITY, "invalid_request"),
            ApiError::UnsupportedMediaType => (S::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            ApiError::PayloadTooLarge => (S::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::InvalidPath(_) => (S::BAD_REQUEST, "invalid_path"),
            ApiError::InvalidQuery(_) => (S::BAD_REQUEST, "invalid_query"),
            ApiError::RouteNotFound => (S::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed => (S::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::UsernameTaken => (S::CONFLICT, "username_taken"),
            ApiError::InvalidCredentials => (S::UNAUTHORIZED, "invalid_credentials"),
            ApiError::InvalidRefreshToken => (S::UNAUTHORIZED, "invalid_refresh_token"),
            ApiError::RefreshTokenReused => (S::UNAUTHORIZED, "refresh_token_reused"),
            ApiError::AdminOnly => (S::FORBIDDEN, "admin_only"),
            ApiError::RateLimited(_) => (S::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Busy => (S::SERVICE_UNAVAILABLE, "busy"),
            ApiError::Timeout => (S::GATEWAY_TIMEOUT, "timeout"),
            ApiError::Internal(_) => (S::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The message shown to the client: the error itself, except for server errors, whose
    /// cause is logged here and replaced by a generic text.
    pub fn public_message(&self) -> String {
        match self.status_and_code().0 {
            status if status.is_server_error() && !matches!(self, ApiError::Busy | ApiError::Timeout) => {
                tracing::error!(error = %self, "request failed");
                "internal error".to_owned()
            }
            _ => self.to_string(),
        }
    }

    /// For `rate_limited`: when to try again.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            ApiError::RateLimited(limited) => Some(limited.retry_after),
            _ => None,
        }
    }

    /// The input field at fault, for `invalid_input`.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ApiError::InvalidField(invalid) => Some(invalid.field),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = self.public_message();
        let body = match self.field() {
            Some(field) => json!({"error": {"code": code, "message": message, "field": field}}),
            None => json!({"error": {"code": code, "message": message}}),
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(wait) = self.retry_after() {
            // Whole seconds, rounded up: a client that waits that long is admitted.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        match status {
            StatusCode::UNAUTHORIZED => {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonSyntaxError(e) => ApiError::MalformedJson(e.body_text()),
            JsonRejection::JsonDataError(e) => ApiError::InvalidJson(e.body_text()),
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            other => ApiError::MalformedJson(other.body_text()),
        }
    }
}

impl ApiError {
    pub(super) fn from_path(rejection: impl std::fmt::Display) -> Self {
        ApiError::InvalidPath(rejection.to_string())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::InvalidPath(rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::InvalidQuery(rejection.body_text())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<CommandError> for ApiError {
    fn from(error: CommandError) -> Self {
        match error {
            CommandError::Rejected(error) => ApiError::Room(error),
            CommandError::Busy | CommandError::ShuttingDown => ApiError::Busy,
            CommandError::Storage => ApiError::Internal(error.to_string()),
            CommandError::AccountErased => ApiError::AccountErased,
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::UsernameTaken => ApiError::UsernameTaken,
            AccountError::InvalidCredentials => ApiError::InvalidCredentials,
            AccountError::Refresh(RefreshError::Invalid) => ApiError::InvalidRefreshToken,
            AccountError::Refresh(RefreshError::Reused) => ApiError::RefreshTokenReused,
            AccountError::Refresh(RefreshError::Database(error)) => ApiError::Internal(error.to_string()),
            AccountError::Rejected(error) => ApiError::User(error),
            AccountError::Busy => ApiError::Busy,
            AccountError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<ErasureError> for ApiError {
    fn from(error: ErasureError) -> Self {
        match error {
            ErasureError::Rejected(error) => ApiError::User(error),
            ErasureError::Busy => ApiError::Busy,
            ErasureError::Database(error) => ApiError::Internal(error.to_string()),
            ErasureError::Decode(error) => ApiError::Internal(error.to_string()),
        }
    }
}
