//! The stable error codes clients see, whatever the door: REST bodies (`{"error": {"code": …}}`),
//! WebSocket `error` frames, and command replies on the bus carry the same code for the same
//! failure. Each transport maps a code to its own form (REST to an HTTP status), and every
//! error type maps each of its variants to a code with no catch-all, so a new variant must be
//! given one. Documented in `docs/api.md` §7 and `docs/protocol.md` §10; never rename a code.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::contacts::ContactsError;
use crate::room::RoomError;
use crate::user::UserError;
use crate::website::WebsiteError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // The request itself.
    MalformedRequest,
    MalformedJson,
    InvalidPath,
    InvalidQuery,
    InvalidRequest,
    InvalidInput,
    UnsupportedMediaType,
    PayloadTooLarge,
    UriTooLong,
    HeadersTooLarge,
    NotFound,
    MethodNotAllowed,
    // WebSocket frames.
    InvalidFrame,
    UnknownType,
    UnsupportedFrame,
    AlreadyIdentified,
    // Who is asking.
    Unauthorized,
    InvalidToken,
    TokenExpired,
    InvalidCredentials,
    InvalidRefreshToken,
    RefreshTokenReused,
    AccountErased,
    AdminOnly,
    VisitorNotAllowed,
    IdentityNotVerified,
    OriginNotAllowed,
    WidgetNotBuilt,
    // Accounts and users.
    UsernameTaken,
    AlreadyRegistered,
    UserNotFound,
    IdentityMismatch,
    // Rooms and messages.
    RoomNotFound,
    RoomExists,
    NotAMember,
    NotAllowed,
    RoomPrivate,
    DirectRoomWithSelf,
    DirectRoomMembershipFixed,
    OwnerCannotLeave,
    TargetNotAMember,
    MessageNotFound,
    MessageDeleted,
    NotTheAuthor,
    ReplyTargetNotFound,
    SeqOutOfRange,
    MembershipManaged,
    NotASupportConversation,
    EmptyMessage,
    TooManyAttachments,
    InviteNotFound,
    InviteExpired,
    InviteRevoked,
    InviteUsedUp,
    InviteExists,
    UserBanned,
    // Uploads and attachments.
    UploadNotFound,
    AttachmentNotFound,
    MimeMismatch,
    QuotaExceeded,
    ImageTooLarge,
    InvalidImage,
    RangeNotSatisfiable,
    UrlExpired,
    InvalidSignature,
    // Websites (support chat).
    WebsiteNotFound,
    WebsiteExists,
    DomainNotFound,
    TooManyDomains,
    TooManyAgents,
    // Contacts and blocking.
    ContactWithSelf,
    ContactRequestNotFound,
    UserBlocked,
    DirectBlocked,
    // Load and failures.
    RateLimited,
    Busy,
    Timeout,
    Unavailable,
    Internal,
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        use ErrorCode as C;
        match self {
            C::MalformedRequest => "malformed_request",
            C::MalformedJson => "malformed_json",
            C::InvalidPath => "invalid_path",
            C::InvalidQuery => "invalid_query",
            C::InvalidRequest => "invalid_request",
            C::InvalidInput => "invalid_input",
            C::UnsupportedMediaType => "unsupported_media_type",
            C::PayloadTooLarge => "payload_too_large",
            C::UriTooLong => "uri_too_long",
            C::HeadersTooLarge => "headers_too_large",
            C::NotFound => "not_found",
            C::MethodNotAllowed => "method_not_allowed",
            C::InvalidFrame => "invalid_frame",
            C::UnknownType => "unknown_type",
            C::UnsupportedFrame => "unsupported_frame",
            C::AlreadyIdentified => "already_identified",
            C::Unauthorized => "unauthorized",
            C::InvalidToken => "invalid_token",
            C::TokenExpired => "token_expired",
            C::InvalidCredentials => "invalid_credentials",
            C::InvalidRefreshToken => "invalid_refresh_token",
            C::RefreshTokenReused => "refresh_token_reused",
            C::AccountErased => "account_erased",
            C::AdminOnly => "admin_only",
            C::VisitorNotAllowed => "visitor_not_allowed",
            C::IdentityNotVerified => "identity_not_verified",
            C::OriginNotAllowed => "origin_not_allowed",
            C::WidgetNotBuilt => "widget_not_built",
            C::UsernameTaken => "username_taken",
            C::AlreadyRegistered => "already_registered",
            C::IdentityMismatch => "identity_mismatch",
            C::UserNotFound => "user_not_found",
            C::RoomNotFound => "room_not_found",
            C::RoomExists => "room_exists",
            C::NotAMember => "not_a_member",
            C::NotAllowed => "not_allowed",
            C::RoomPrivate => "room_private",
            C::DirectRoomWithSelf => "direct_room_with_self",
            C::DirectRoomMembershipFixed => "direct_room_membership_fixed",
            C::OwnerCannotLeave => "owner_cannot_leave",
            C::TargetNotAMember => "target_not_a_member",
            C::MessageNotFound => "message_not_found",
            C::MessageDeleted => "message_deleted",
            C::NotTheAuthor => "not_the_author",
            C::ReplyTargetNotFound => "reply_target_not_found",
            C::SeqOutOfRange => "seq_out_of_range",
            C::MembershipManaged => "membership_managed",
            C::NotASupportConversation => "not_a_support_conversation",
            C::EmptyMessage => "empty_message",
            C::TooManyAttachments => "too_many_attachments",
            C::InviteNotFound => "invite_not_found",
            C::InviteExpired => "invite_expired",
            C::InviteRevoked => "invite_revoked",
            C::InviteUsedUp => "invite_used_up",
            C::InviteExists => "invite_exists",
            C::UserBanned => "user_banned",
            C::UploadNotFound => "upload_not_found",
            C::AttachmentNotFound => "attachment_not_found",
            C::MimeMismatch => "mime_mismatch",
            C::QuotaExceeded => "quota_exceeded",
            C::ImageTooLarge => "image_too_large",
            C::InvalidImage => "invalid_image",
            C::RangeNotSatisfiable => "range_not_satisfiable",
            C::UrlExpired => "url_expired",
            C::InvalidSignature => "invalid_signature",
            C::WebsiteNotFound => "website_not_found",
            C::WebsiteExists => "website_exists",
            C::DomainNotFound => "domain_not_found",
            C::TooManyDomains => "too_many_domains",
            C::TooManyAgents => "too_many_agents",
            C::ContactWithSelf => "contact_with_self",
            C::ContactRequestNotFound => "contact_request_not_found",
            C::UserBlocked => "user_blocked",
            C::DirectBlocked => "direct_blocked",
            C::RateLimited => "rate_limited",
            C::Busy => "busy",
            C::Timeout => "timeout",
            C::Unavailable => "unavailable",
            C::Internal => "internal",
        }
    }

    /// Whether the same request may succeed if sent again unchanged (after `retry_after_ms`
    /// for `rate_limited`).
    pub const fn is_retryable(self) -> bool {
        matches!(self, ErrorCode::RateLimited | ErrorCode::Busy | ErrorCode::Timeout | ErrorCode::Unavailable)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl RoomError {
    pub const fn code(self) -> ErrorCode {
        use ErrorCode as C;
        match self {
            RoomError::RoomNotFound => C::RoomNotFound,
            RoomError::RoomAlreadyExists => C::RoomExists,
            RoomError::NotAMember => C::NotAMember,
            RoomError::NotAllowed => C::NotAllowed,
            RoomError::RoomIsPrivate => C::RoomPrivate,
            RoomError::DirectRoomWithSelf => C::DirectRoomWithSelf,
            RoomError::DirectRoomMembershipIsFixed => C::DirectRoomMembershipFixed,
            RoomError::OwnerCannotLeave => C::OwnerCannotLeave,
            RoomError::TargetNotAMember => C::TargetNotAMember,
            RoomError::MessageNotFound => C::MessageNotFound,
            RoomError::MessageDeleted => C::MessageDeleted,
            RoomError::NotTheAuthor => C::NotTheAuthor,
            RoomError::ReplyTargetNotFound => C::ReplyTargetNotFound,
            RoomError::ReadMarkerBeyondEnd => C::SeqOutOfRange,
            RoomError::MembershipManaged => C::MembershipManaged,
            RoomError::NotSupport => C::NotASupportConversation,
            RoomError::EmptyMessage => C::EmptyMessage,
            RoomError::TooManyAttachments => C::TooManyAttachments,
            RoomError::InviteNotFound => C::InviteNotFound,
            RoomError::InviteExpired => C::InviteExpired,
            RoomError::InviteRevoked => C::InviteRevoked,
            RoomError::InviteUsedUp => C::InviteUsedUp,
            RoomError::InviteExists => C::InviteExists,
            RoomError::UserBanned => C::UserBanned,
            RoomError::DirectBlocked => C::DirectBlocked,
        }
    }
}

impl UserError {
    pub const fn code(self) -> ErrorCode {
        match self {
            UserError::UserNotFound => ErrorCode::UserNotFound,
            UserError::AlreadyRegistered => ErrorCode::AlreadyRegistered,
            UserError::Erased => ErrorCode::AccountErased,
            UserError::IdentityMismatch => ErrorCode::IdentityMismatch,
        }
    }
}

impl WebsiteError {
    pub const fn code(self) -> ErrorCode {
        match self {
            WebsiteError::WebsiteNotFound => ErrorCode::WebsiteNotFound,
            WebsiteError::WebsiteAlreadyExists => ErrorCode::WebsiteExists,
            WebsiteError::NotAllowed => ErrorCode::NotAllowed,
            WebsiteError::DomainNotFound => ErrorCode::DomainNotFound,
            WebsiteError::TooManyDomains => ErrorCode::TooManyDomains,
            WebsiteError::TooManyAgents => ErrorCode::TooManyAgents,
            WebsiteError::OwnerCannotLeave => ErrorCode::OwnerCannotLeave,
        }
    }
}

impl ContactsError {
    pub const fn code(self) -> ErrorCode {
        match self {
            ContactsError::ContactWithSelf => ErrorCode::ContactWithSelf,
            ContactsError::RequestNotFound => ErrorCode::ContactRequestNotFound,
            ContactsError::UserBlocked => ErrorCode::UserBlocked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes in the first column of the error tables of `docs/api.md` §7 and
    /// `docs/protocol.md` §10.
    fn documented() -> Vec<String> {
        let mut codes = Vec::new();
        for (doc, section) in [("api.md", "## 7. Error codes"), ("protocol.md", "## 10. Error codes")] {
            let text = std::fs::read_to_string(format!("{}/../docs/{doc}", env!("CARGO_MANIFEST_DIR"))).unwrap();
            let section = text.split(section).nth(1).unwrap().split("\n## ").next().unwrap();
            codes.extend(section.lines().filter_map(|line| {
                let first = line.strip_prefix("| `")?;
                Some(first.split('`').next()?.to_owned())
            }));
        }
        codes
    }

    #[test]
    fn every_documented_code_is_a_code_and_reads_as_its_text() {
        let documented = documented();
        assert!(documented.len() > 40, "{documented:?}");
        for text in documented {
            let code: ErrorCode = serde_json::from_value(serde_json::Value::String(text.clone()))
                .unwrap_or_else(|_| panic!("`{text}` is documented but not an ErrorCode"));
            assert_eq!(code.as_str(), text);
            assert_eq!(serde_json::to_value(code).unwrap(), text);
        }
    }
}
