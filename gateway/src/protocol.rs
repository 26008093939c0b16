//! The WebSocket protocol: client frames in, server frames out, close codes. Documented for
//! client authors in `docs/protocol.md`; change both together.
//!
//! Text frames are JSON objects with a `type`. Every client request that expects an answer
//! carries an `id`, echoed by its `ack` or `error`.

use std::collections::HashMap;

use axum::extract::ws::Utf8Bytes;
use chat_domain::contacts::ContactsEvent;
use chat_domain::presence::PresenceStatus;
use chat_domain::room::RoomEvent;
use chat_domain::{ErrorCode, MessageId, RoomId, UserId};
use chat_nats::wire::{EventMessage, WireCommand};
use chat_projections::queries::rooms::RoomSummary;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// The protocol version announced in `hello`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Close codes (RFC 6455 private range 4000–4999, plus standard ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// Missing, invalid or expired token, a first frame that is not `identify`, or an erased
    /// account, at `identify` or later (4001).
    AuthenticationFailed,
    /// No `identify` within the allowed time (4002).
    IdentifyTimeout,
    /// Nothing received within the heartbeat timeout (4003).
    HeartbeatTimeout,
    /// The client did not read fast enough; reconnect and resume (4008).
    TooSlow,
    /// The gateway is shutting down; reconnect (to any gateway) and resume (4009).
    Draining,
    /// A frame larger than the limit (1009).
    MessageTooBig,
    /// The gateway cannot reach what it needs (database, bus); reconnect and resume (1013).
    Unavailable,
    /// The client sent a close frame; answered with its echo.
    ClientClosed,
    /// The connection broke; nothing can be sent.
    ClientGone,
}

impl CloseReason {
    pub fn code(self) -> u16 {
        match self {
            CloseReason::AuthenticationFailed => 4001,
            CloseReason::IdentifyTimeout => 4002,
            CloseReason::HeartbeatTimeout => 4003,
            CloseReason::TooSlow => 4008,
            CloseReason::Draining => 4009,
            CloseReason::MessageTooBig => 1009,
            CloseReason::Unavailable => 1013,
            CloseReason::ClientClosed | CloseReason::ClientGone => 1000,
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            CloseReason::AuthenticationFailed => "authentication_failed",
            CloseReason::IdentifyTimeout => "identify_timeout",
            CloseReason::HeartbeatTimeout => "heartbeat_timeout",
            CloseReason::TooSlow => "too_slow_resume_required",
            CloseReason::Draining => "server_draining",
            CloseReason::MessageTooBig => "message_too_big",
            CloseReason::Unavailable => "try_again_later",
            CloseReason::ClientClosed | CloseReason::ClientGone => "bye",
        }
    }
}

/// A parsed client frame.
#[derive(Debug, PartialEq)]
pub enum ClientFrame {
    Identify {
        id: Option<String>,
        token: String,
        resume: HashMap<RoomId, u64>,
    },
    Ping {
        id: Option<String>,
    },
    Typing {
        id: Option<String>,
        room_id: RoomId,
        typing: bool,
    },
    /// The user is idle (`away`) or active again (`online`) on this connection.
    Presence {
        id: Option<String>,
        away: bool,
    },
    /// The client has received `room_id` up to and including `up_to_seq` (its delivery marker).
    Received {
        id: Option<String>,
        room_id: RoomId,
        up_to_seq: u64,
    },
    Command {
        id: String,
        room_id: RoomId,
        command: WireCommand,
    },
}

/// Why a client frame was refused; answered with an `error` frame, the connection stays.
#[derive(Debug, PartialEq, Eq)]
pub struct FrameError {
    pub id: Option<String>,
    pub code: ErrorCode,
    pub message: String,
}

/// Longest request id accepted (ids are echoed, so they are bounded).
const MAX_ID_CHARS: usize = 64;

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum Control {
    Identify {
        token: String,
        #[serde(default)]
        resume: HashMap<RoomId, u64>,
    },
    Ping {},
    Typing {
        room_id: RoomId,
        #[serde(default = "yes")]
        typing: bool,
    },
    Presence {
        status: ClientStatus,
    },
    Received {
        room_id: RoomId,
        up_to_seq: u64,
    },
}

/// What a client may say of its user's activity.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ClientStatus {
    Online,
    Away,
}

fn yes() -> bool {
    true
}

const COMMAND_TYPES: [&str; 6] = ["post", "edit", "delete", "react", "unreact", "mark_read"];

impl ClientFrame {
    pub fn parse(text: &str) -> Result<Self, FrameError> {
        let refuse = |id: Option<String>, code, message: String| FrameError { id, code, message };
        let mut value: Value =
            serde_json::from_str(text).map_err(|e| refuse(None, ErrorCode::MalformedJson, format!("not JSON: {e}")))?;
        let Some(object) = value.as_object_mut() else {
            return Err(refuse(None, ErrorCode::InvalidFrame, "a frame is a JSON object".to_owned()));
        };
        let id = match object.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(id)) if id.chars().count() <= MAX_ID_CHARS => Some(id.clone()),
            Some(_) => {
                return Err(refuse(
                    None,
                    ErrorCode::InvalidFrame,
                    format!("`id` must be a string of at most {MAX_ID_CHARS} characters"),
                ));
            }
        };
        let Some(kind) = object.get("type").and_then(Value::as_str).map(str::to_owned) else {
            return Err(refuse(id, ErrorCode::InvalidFrame, "a frame needs a string `type`".to_owned()));
        };
        if COMMAND_TYPES.contains(&kind.as_str()) {
            let Some(request_id) = id.clone() else {
                return Err(refuse(None, ErrorCode::InvalidFrame, format!("a `{kind}` frame needs an `id`")));
            };
            object.remove("id");
            let room_id =
                object.remove("room_id").and_then(|room| serde_json::from_value::<RoomId>(room).ok()).ok_or_else(
                    || refuse(id.clone(), ErrorCode::InvalidFrame, "`room_id` must be a room UUID".to_owned()),
                )?;
            let command =
                serde_json::from_value(value).map_err(|e| refuse(id, ErrorCode::InvalidFrame, e.to_string()))?;
            return Ok(ClientFrame::Command { id: request_id, room_id, command });
        }
        match kind.as_str() {
            "identify" | "ping" | "typing" | "presence" | "received" => {}
            other => return Err(refuse(id, ErrorCode::UnknownType, format!("unknown frame type `{other}`"))),
        }
        object.remove("id");
        Ok(
            match serde_json::from_value(value)
                .map_err(|e| refuse(id.clone(), ErrorCode::InvalidFrame, e.to_string()))?
            {
                Control::Identify { token, resume } => ClientFrame::Identify { id, token, resume },
                Control::Ping {} => ClientFrame::Ping { id },
                Control::Typing { room_id, typing } => ClientFrame::Typing { id, room_id, typing },
                Control::Presence { status } => {
                    ClientFrame::Presence { id, away: matches!(status, ClientStatus::Away) }
                }
                Control::Received { room_id, up_to_seq } => ClientFrame::Received { id, room_id, up_to_seq },
            },
        )
    }
}

/// Frames the server sends. (The schema in the OpenAPI document is derived from this type:
/// see [`crate::openapi`].)
#[derive(Serialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame<'a> {
    /// `typing_renew_ms`: how often a client should repeat `typing` while the user types.
    Hello {
        protocol: u32,
        #[schema(value_type = String)]
        gateway_id: &'a str,
        heartbeat_interval_ms: u64,
        typing_renew_ms: u64,
    },
    Ready {
        session_id: Uuid,
        user_id: UserId,
        #[schema(value_type = Vec<RoomSummary>)]
        rooms: &'a [RoomSummary],
    },
    Event(EventFrame<'a>),
    Resumed {
        room_id: RoomId,
        recovered: bool,
        from_seq: u64,
        to_seq: u64,
        #[schema(required = true)]
        reason: Option<ResumeFailure>,
    },
    Ack {
        #[schema(value_type = String)]
        id: &'a str,
        seq: u64,
        #[schema(required = true)]
        message_id: Option<MessageId>,
        changed: bool,
    },
    Error {
        #[schema(value_type = Option<String>, required = true)]
        id: Option<&'a str>,
        #[schema(value_type = ErrorCode)]
        code: &'a str,
        #[schema(value_type = String)]
        message: &'a str,
        #[schema(value_type = Option<String>, required = true)]
        field: Option<&'a str>,
        /// For `rate_limited`: when to try again.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        retry_after_ms: Option<u64>,
    },
    /// Shown from `typing: true` until `typing: false` (sent when the user stops, posts, or
    /// stops renewing).
    Typing {
        room_id: RoomId,
        user_id: UserId,
        typing: bool,
    },
    Pong {
        #[schema(value_type = Option<String>, required = true)]
        id: Option<&'a str>,
    },
    /// A member's delivery marker moved (their devices received the room up to
    /// `delivered_seq`); `read_seq` is their read marker as far as the server knew then.
    Receipt {
        room_id: RoomId,
        user_id: UserId,
        delivered_seq: u64,
        read_seq: u64,
    },
    /// Presence changes of users who share a room with the client, batched.
    Presence {
        #[schema(value_type = Vec<PresenceEntry>)]
        users: &'a [PresenceEntry],
    },
    Reconnect {
        reason: ReconnectReason,
    },
    /// A change to the user's own side of their contacts or blocks (docs/api.md §14), as their
    /// `contacts` stream recorded it: a request sent or received, a contact added or removed, a
    /// block or unblock of theirs. Never anything about someone blocking them.
    Contacts {
        #[schema(value_type = ContactsEvent)]
        event: &'a Value,
        at: chrono::DateTime<chrono::Utc>,
    },
}

/// Why a room was not resumed from the position the client gave (`resumed.recovered: false`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResumeFailure {
    /// The user is no longer a member: the room is not delivered at all.
    NotAMember,
    /// The position is past the room's end: delivery starts from `to_seq`.
    UnknownPosition,
}

/// Why the gateway asks the client to reconnect elsewhere (then it closes with 4009).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReconnectReason {
    ServerDraining,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PresenceEntry {
    pub user_id: UserId,
    pub status: PresenceStatus,
    /// When the status began (for `offline`: last seen).
    pub since: chrono::DateTime<chrono::Utc>,
}

/// One room event as clients see it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EventFrame<'a> {
    pub room_id: RoomId,
    pub seq: u64,
    /// The event (its `type` is the event type, e.g. `MessagePosted`).
    #[schema(value_type = RoomEvent)]
    pub event: &'a Value,
    #[schema(value_type = String)]
    pub event_version: &'a str,
    #[schema(required = true)]
    pub actor: Option<UserId>,
    pub at: chrono::DateTime<chrono::Utc>,
}

impl ServerFrame<'_> {
    pub fn encode(&self) -> Utf8Bytes {
        // Plain data with string keys: serialisation cannot fail.
        Utf8Bytes::from(serde_json::to_string(self).unwrap_or_default())
    }

    pub fn event(room_id: RoomId, message: &EventMessage) -> Utf8Bytes {
        ServerFrame::Event(EventFrame {
            room_id,
            seq: message.seq,
            event: &message.payload,
            event_version: &message.event_version,
            actor: message.actor,
            at: message.recorded_at,
        })
        .encode()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> RoomId {
        RoomId::from_uuid(Uuid::from_u128(7))
    }

    #[test]
    fn commands_are_parsed_with_their_request_id_and_room() {
        let frame = ClientFrame::parse(&format!(
            r#"{{"type":"post","id":"r1","room_id":"{}","body":"hi","client_msg_id":"c1"}}"#,
            room()
        ));
        assert_eq!(
            frame,
            Ok(ClientFrame::Command {
                id: "r1".to_owned(),
                room_id: room(),
                command: WireCommand::Post {
                    body: Some("hi".to_owned()),
                    client_msg_id: "c1".to_owned(),
                    reply_to: None,
                    mentions: vec![],
                    attachments: vec![],
                },
            })
        );
    }

    #[test]
    fn bad_frames_get_codes_and_keep_the_request_id_when_there_is_one() {
        assert_eq!(ClientFrame::parse("{nope").unwrap_err().code, ErrorCode::MalformedJson);
        assert_eq!(ClientFrame::parse("[1]").unwrap_err().code, ErrorCode::InvalidFrame);
        let unknown = ClientFrame::parse(r#"{"type":"dance","id":"r9"}"#).unwrap_err();
        assert_eq!((unknown.code, unknown.id.as_deref()), (ErrorCode::UnknownType, Some("r9")));
        let no_id = ClientFrame::parse(&format!(r#"{{"type":"delete","room_id":"{}"}}"#, room())).unwrap_err();
        assert_eq!(no_id.code, ErrorCode::InvalidFrame);
        let extra = ClientFrame::parse(&format!(
            r#"{{"type":"mark_read","id":"r2","room_id":"{}","up_to_seq":3,"x":1}}"#,
            room()
        ))
        .unwrap_err();
        assert_eq!((extra.code, extra.id.as_deref()), (ErrorCode::InvalidFrame, Some("r2")));
        let bad_room = ClientFrame::parse(r#"{"type":"mark_read","id":"r3","room_id":"x","up_to_seq":3}"#).unwrap_err();
        assert_eq!(bad_room.code, ErrorCode::InvalidFrame);
    }

    #[test]
    fn control_frames_parse() {
        assert_eq!(
            ClientFrame::parse(&format!(r#"{{"type":"identify","token":"t","resume":{{"{}":5}}}}"#, room())),
            Ok(ClientFrame::Identify { id: None, token: "t".to_owned(), resume: HashMap::from([(room(), 5)]) })
        );
        assert_eq!(ClientFrame::parse(r#"{"type":"ping"}"#), Ok(ClientFrame::Ping { id: None }));
        assert_eq!(
            ClientFrame::parse(&format!(r#"{{"type":"typing","room_id":"{}"}}"#, room())),
            Ok(ClientFrame::Typing { id: None, room_id: room(), typing: true })
        );
    }

    #[test]
    fn received_needs_no_id_and_refuses_what_is_not_a_position() {
        assert_eq!(
            ClientFrame::parse(&format!(r#"{{"type":"received","room_id":"{}","up_to_seq":9}}"#, room())),
            Ok(ClientFrame::Received { id: None, room_id: room(), up_to_seq: 9 })
        );
        assert_eq!(
            ClientFrame::parse(&format!(r#"{{"type":"received","id":"x","room_id":"{}","up_to_seq":0}}"#, room())),
            Ok(ClientFrame::Received { id: Some("x".to_owned()), room_id: room(), up_to_seq: 0 })
        );
        for bad in
            [r#""up_to_seq":-1"#, r#""up_to_seq":1.5"#, r#""up_to_seq":"3""#, r#""up_to_seq":null"#, r#""seq":3"#]
        {
            let refused =
                ClientFrame::parse(&format!(r#"{{"type":"received","id":"r","room_id":"{}",{bad}}}"#, room()))
                    .unwrap_err();
            assert_eq!((refused.code, refused.id.as_deref()), (ErrorCode::InvalidFrame, Some("r")), "{bad}");
        }
        let no_room = ClientFrame::parse(r#"{"type":"received","room_id":"x","up_to_seq":3}"#).unwrap_err();
        assert_eq!(no_room.code, ErrorCode::InvalidFrame);
    }
}
