//! The one error type of the HTTP API and its exhaustive mapping to status and stable code.
//!
//! Body: `{"error": {"code": "not_a_member", "message": "…"}}` (plus `field` for invalid
//! input). The code is the transport-neutral [`ErrorCode`]; [`status`] gives its HTTP status.
//! Internal errors carry their cause chain (`anyhow`), which is logged once, with the request
//! id, when the response is made; their body is generic.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chat_domain::ErrorCode;
use chat_domain::contacts::ContactsError;
use chat_domain::room::RoomError;
use chat_domain::user::UserError;

use crate::accounts::AccountError;
use crate::contacts::ContactsCommandError;
use chat_auth::TokenError;

use crate::credentials::RefreshError;
use crate::erasure::ErasureError;
use crate::limits::RateLimited;
use crate::parse::InvalidField;
use crate::room_writer::CommandError;
use crate::uploads::{AttachError, SignatureError, UploadError};
use crate::websites::WebsiteCommandError;

/// Every error answer's body (docs/api.md §1 "Errors"); its schema is the OpenAPI document's
/// `ErrorBody`, so the document and the answers cannot differ.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable: branch on it (docs/api.md §7).
    pub code: ErrorCode,
    /// For humans; may change. Generic (`internal error`) for 5xx.
    pub message: String,
    /// Only with `invalid_input`: the request field that broke a rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, nullable = false)]
    pub field: Option<&'static str>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing bearer token")]
    MissingToken,
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("more than one Authorization header; send exactly one")]
    AmbiguousCredentials,
    #[error(transparent)]
    Room(#[from] RoomError),
    #[error(transparent)]
    User(#[from] UserError),
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error(transparent)]
    Website(#[from] WebsiteCommandError),
    #[error(transparent)]
    Contacts(#[from] ContactsError),
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
    #[error("the request URI is longer than {} bytes", super::refusals::MAX_URI_BYTES)]
    UriTooLong,
    /// Refused by the HTTP parser (see `super::refusals`).
    #[error("the request headers are too large or too many")]
    HeadersTooLarge,
    /// Refused by the HTTP parser (see `super::refusals`).
    #[error("the request is not valid HTTP/1.1")]
    MalformedRequest,
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
    #[error("a website visitor's token is good for their support conversations only")]
    VisitorNotAllowed,
    #[error("this origin is not a verified domain of the website")]
    OriginNotAllowed,
    /// A visitor's identity whose signature does not verify (or the website has no secret).
    #[error("the user id's signature does not verify with the website's identity secret")]
    IdentityNotVerified,
    /// The server has no build of the support widget (`npm --prefix web run build`).
    #[error("the support widget is not built on this server")]
    WidgetNotBuilt,
    #[error("your account was erased")]
    AccountErased,
    #[error(transparent)]
    Upload(#[from] UploadError),
    #[error(transparent)]
    Attach(#[from] AttachError),
    /// Unknown, of a room the caller is not in, of a deleted message, or gone: alike.
    #[error("no such attachment in this room")]
    AttachmentNotFound,
    #[error("the requested range is not within the file's {size} bytes")]
    RangeNotSatisfiable { size: u64 },
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error(transparent)]
    RateLimited(#[from] RateLimited),
    #[error("the service is busy; retry shortly")]
    Busy,
    #[error("the request took too long; it may still complete")]
    Timeout,
    /// Everything the client cannot act on; the cause is logged, never sent.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// The stable error code (the same over WebSocket for the same failure).
    pub fn code(&self) -> ErrorCode {
        use ErrorCode as C;
        match self {
            ApiError::MissingToken => C::Unauthorized,
            ApiError::Token(TokenError::Expired) => C::TokenExpired,
            ApiError::Token(TokenError::Invalid) | ApiError::AmbiguousCredentials => C::InvalidToken,
            ApiError::Room(error) => error.code(),
            ApiError::User(error) => error.code(),
            ApiError::Command(error) => error.code(),
            ApiError::Website(WebsiteCommandError::Rejected(error)) => error.code(),
            ApiError::Website(WebsiteCommandError::Erased) => C::AccountErased,
            ApiError::Website(WebsiteCommandError::UserNotFound) => C::UserNotFound,
            ApiError::Website(WebsiteCommandError::Busy) => C::Busy,
            ApiError::Website(WebsiteCommandError::Internal(_)) => C::Internal,
            ApiError::Contacts(error) => error.code(),
            ApiError::UserNotFound => C::UserNotFound,
            ApiError::AccountErased => C::AccountErased,
            ApiError::InvalidField(_) => C::InvalidInput,
            ApiError::MalformedJson(_) => C::MalformedJson,
            ApiError::InvalidJson(_) => C::InvalidRequest,
            ApiError::UnsupportedMediaType => C::UnsupportedMediaType,
            ApiError::PayloadTooLarge => C::PayloadTooLarge,
            ApiError::UriTooLong => C::UriTooLong,
            ApiError::HeadersTooLarge => C::HeadersTooLarge,
            ApiError::MalformedRequest => C::MalformedRequest,
            ApiError::InvalidPath(_) => C::InvalidPath,
            ApiError::InvalidQuery(_) => C::InvalidQuery,
            ApiError::RouteNotFound => C::NotFound,
            ApiError::MethodNotAllowed => C::MethodNotAllowed,
            ApiError::UsernameTaken => C::UsernameTaken,
            ApiError::InvalidCredentials => C::InvalidCredentials,
            ApiError::InvalidRefreshToken => C::InvalidRefreshToken,
            ApiError::RefreshTokenReused => C::RefreshTokenReused,
            ApiError::AdminOnly => C::AdminOnly,
            ApiError::VisitorNotAllowed => C::VisitorNotAllowed,
            ApiError::OriginNotAllowed => C::OriginNotAllowed,
            ApiError::IdentityNotVerified => C::IdentityNotVerified,
            ApiError::WidgetNotBuilt => C::WidgetNotBuilt,
            ApiError::Upload(error) => error.code(),
            ApiError::Attach(error) => error.code(),
            ApiError::AttachmentNotFound => C::AttachmentNotFound,
            ApiError::RangeNotSatisfiable { .. } => C::RangeNotSatisfiable,
            ApiError::Signature(SignatureError::Invalid) => C::InvalidSignature,
            ApiError::Signature(SignatureError::Expired) => C::UrlExpired,
            ApiError::RateLimited(_) => C::RateLimited,
            ApiError::Busy => C::Busy,
            ApiError::Timeout => C::Timeout,
            ApiError::Internal(_) => C::Internal,
        }
    }

    /// For `rate_limited`: when to try again.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            ApiError::RateLimited(limited) => Some(limited.retry_after),
            _ => None,
        }
    }

    /// The response body: `{"error": {"code", "message"}}`, plus `field` for `invalid_input`;
    /// the message of an internal error is generic.
    pub(super) fn body(&self) -> ErrorBody {
        let code = self.code();
        let message = match code {
            // Either the cause is logged by `into_response`, or it failed below this layer,
            // which logged it.
            ErrorCode::Internal => "internal error".to_owned(),
            _ => self.to_string(),
        };
        ErrorBody { error: ErrorDetail { code, message, field: self.field() } }
    }

    /// The input field at fault, for `invalid_input`.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ApiError::InvalidField(invalid) => Some(invalid.field),
            _ => None,
        }
    }
}

/// The HTTP status of each code. REST never answers with the WebSocket-only codes; they are
/// mapped anyway, so that every code has one status.
pub fn status(code: ErrorCode) -> StatusCode {
    use ErrorCode as C;
    use StatusCode as S;
    match code {
        C::MalformedRequest
        | C::MalformedJson
        | C::InvalidPath
        | C::InvalidQuery
        | C::InvalidFrame
        | C::UnknownType
        | C::UnsupportedFrame
        | C::AlreadyIdentified => S::BAD_REQUEST,
        C::Unauthorized
        | C::InvalidToken
        | C::TokenExpired
        | C::InvalidCredentials
        | C::InvalidRefreshToken
        | C::RefreshTokenReused
        | C::AccountErased => S::UNAUTHORIZED,
        C::NotAMember
        | C::NotAllowed
        | C::RoomPrivate
        | C::UserBanned
        | C::NotTheAuthor
        | C::AdminOnly
        | C::VisitorNotAllowed
        | C::IdentityNotVerified
        | C::OriginNotAllowed
        | C::UrlExpired
        | C::InvalidSignature
        | C::DirectBlocked => S::FORBIDDEN,
        C::NotFound
        | C::UserNotFound
        | C::RoomNotFound
        | C::MessageNotFound
        | C::WebsiteNotFound
        | C::DomainNotFound
        | C::WidgetNotBuilt
        | C::AttachmentNotFound
        | C::InviteNotFound
        | C::ContactRequestNotFound => S::NOT_FOUND,
        C::InviteExpired | C::InviteRevoked | C::InviteUsedUp => S::GONE,
        C::MethodNotAllowed => S::METHOD_NOT_ALLOWED,
        C::RoomExists
        | C::DirectRoomMembershipFixed
        | C::OwnerCannotLeave
        | C::MessageDeleted
        | C::UsernameTaken
        | C::AlreadyRegistered
        | C::IdentityMismatch
        | C::WebsiteExists
        | C::MembershipManaged
        | C::NotASupportConversation
        | C::InviteExists
        | C::UserBlocked => S::CONFLICT,
        C::PayloadTooLarge | C::QuotaExceeded => S::PAYLOAD_TOO_LARGE,
        C::RangeNotSatisfiable => S::RANGE_NOT_SATISFIABLE,
        C::UriTooLong => S::URI_TOO_LONG,
        C::HeadersTooLarge => S::REQUEST_HEADER_FIELDS_TOO_LARGE,
        C::UnsupportedMediaType | C::MimeMismatch => S::UNSUPPORTED_MEDIA_TYPE,
        C::InvalidRequest
        | C::InvalidInput
        | C::DirectRoomWithSelf
        | C::TargetNotAMember
        | C::ReplyTargetNotFound
        | C::SeqOutOfRange
        | C::TooManyDomains
        | C::TooManyAgents
        | C::EmptyMessage
        | C::TooManyAttachments
        | C::UploadNotFound
        | C::ImageTooLarge
        | C::InvalidImage
        | C::ContactWithSelf => S::UNPROCESSABLE_ENTITY,
        C::RateLimited => S::TOO_MANY_REQUESTS,
        C::Internal => S::INTERNAL_SERVER_ERROR,
        C::Busy | C::Unavailable => S::SERVICE_UNAVAILABLE,
        C::Timeout => S::GATEWAY_TIMEOUT,
    }
}

impl IntoResponse for ApiError {
    /// The one place an API error becomes a response: an internal error is logged here, with
    /// its whole cause chain (inside the request's span: route and request id), and the client
    /// gets a generic message.
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(cause) => tracing::error!(error = format!("{cause:#}"), "request failed"),
            ApiError::Upload(_) | ApiError::Attach(_) if self.code() == ErrorCode::Internal => {
                tracing::error!(error = %self, "request failed")
            }
            _ => {}
        }
        let mut response = (status(self.code()), Json(self.body())).into_response();
        if let ApiError::RangeNotSatisfiable { size } = &self
            && let Ok(range) = HeaderValue::from_str(&format!("bytes */{size}"))
        {
            response.headers_mut().insert(header::CONTENT_RANGE, range);
        }
        if let Some(wait) = self.retry_after() {
            // Whole seconds, rounded up: a client that waits that long is admitted.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        match response.status() {
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
        ApiError::Internal(error.into())
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::UsernameTaken => ApiError::UsernameTaken,
            AccountError::InvalidCredentials => ApiError::InvalidCredentials,
            AccountError::Refresh(RefreshError::Invalid) => ApiError::InvalidRefreshToken,
            AccountError::Refresh(RefreshError::Reused) => ApiError::RefreshTokenReused,
            AccountError::Refresh(RefreshError::Database(error)) => ApiError::Internal(error.into()),
            AccountError::Rejected(error) => ApiError::User(error),
            AccountError::Busy => ApiError::Busy,
            AccountError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<ContactsCommandError> for ApiError {
    fn from(error: ContactsCommandError) -> Self {
        match error {
            ContactsCommandError::Rejected(error) => ApiError::Contacts(error),
            ContactsCommandError::UserNotFound => ApiError::UserNotFound,
            ContactsCommandError::AccountErased => ApiError::AccountErased,
            ContactsCommandError::Busy => ApiError::Busy,
            ContactsCommandError::Storage(error) => ApiError::Internal(error.into()),
            ContactsCommandError::Database(error) => ApiError::Internal(error.into()),
        }
    }
}

impl From<ErasureError> for ApiError {
    fn from(error: ErasureError) -> Self {
        match error {
            ErasureError::Rejected(error) => ApiError::User(error),
            ErasureError::Busy => ApiError::Busy,
            ErasureError::Database(error) => ApiError::Internal(error.into()),
            ErasureError::Decode(error) => ApiError::Internal(error.into()),
        }
    }
}
