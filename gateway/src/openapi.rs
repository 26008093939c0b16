//! The WebSocket protocol as OpenAPI components (`ClientFrame`, `ServerFrame` and what they
//! hold, with the room events as `RoomEvent`), for the `chat` binary to merge into the REST
//! API's document (`/openapi.json`, docs/openapi.json), so that clients generate their frame
//! types from the same file as their REST types.
//!
//! `ServerFrame` and its parts derive their schema on the very types the gateway serialises
//! ([`crate::protocol`]). Client frames are parsed by hand (`ClientFrame::parse`, which
//! checks `id` and `room_id` before the command), so their schema is [`ClientFrameSchema`],
//! a type that exists only to describe them; the tests below serialise one of each of its
//! variants and check that the real parser takes it, so the description cannot drift from
//! what the gateway accepts. docs/protocol.md §3–4 is the prose for the same frames.

use std::collections::HashMap;

use chat_domain::room::RoomEvent;
use chat_domain::{MessageId, RoomId, UserId};
use serde::Serialize;
use utoipa::OpenApi;

use crate::protocol::{EventFrame, PresenceEntry, ServerFrame};

#[derive(OpenApi)]
#[openapi(components(schemas(ClientFrameSchema, ServerFrame, EventFrame, PresenceEntry, RoomEvent)))]
struct ProtocolDoc;

/// The WebSocket protocol's components (no paths: the WebSocket endpoint belongs to the
/// gateways, not to the REST API).
pub fn openapi() -> utoipa::openapi::OpenApi {
    ProtocolDoc::openapi()
}

/// Frames a client sends (docs/protocol.md §3). `id` is optional on control frames and
/// required on commands (≤ 64 characters, echoed by the answer).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[schema(as = ClientFrame)]
pub enum ClientFrameSchema {
    /// The first frame, and only the first.
    Identify {
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        id: Option<String>,
        token: String,
        /// `{"<room_id>": <last seq processed>}`; `0`: from the start of the room.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        resume: Option<HashMap<RoomId, u64>>,
    },
    Ping {
        #[schema(max_length = 64)]
        id: Option<String>,
    },
    Typing {
        #[schema(max_length = 64)]
        id: Option<String>,
        room_id: RoomId,
        /// Default `true`; `false`: stopped typing.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        typing: Option<bool>,
    },
    Presence {
        #[schema(max_length = 64)]
        id: Option<String>,
        status: ClientStatusSchema,
    },
    Post {
        #[schema(max_length = 64)]
        id: String,
        room_id: RoomId,
        body: String,
        client_msg_id: String,
        reply_to: Option<MessageId>,
        /// At most 50.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        mentions: Option<Vec<UserId>>,
    },
    Edit {
        #[schema(max_length = 64)]
        id: String,
        room_id: RoomId,
        message_id: MessageId,
        body: String,
    },
    Delete {
        #[schema(max_length = 64)]
        id: String,
        room_id: RoomId,
        message_id: MessageId,
    },
    React {
        #[schema(max_length = 64)]
        id: String,
        room_id: RoomId,
        message_id: MessageId,
        reaction: String,
    },
    Unreact {
        #[schema(max_length = 64)]
        id: String,
        room_id: RoomId,
        message_id: MessageId,
        reaction: String,
    },
    MarkRead {
        #[schema(max_length = 64)]
        id: String,
        room_id: RoomId,
        up_to_seq: u64,
    },
}

/// What a client may say of its user's activity.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ClientStatus)]
pub enum ClientStatusSchema {
    Online,
    Away,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ClientFrame;
    use uuid::Uuid;

    fn examples() -> Vec<ClientFrameSchema> {
        let room = RoomId::from_uuid(Uuid::now_v7());
        let message = MessageId::from_uuid(Uuid::now_v7());
        let id = || "r1".to_owned();
        vec![
            ClientFrameSchema::Identify { id: Some(id()), token: "t".into(), resume: Some(HashMap::from([(room, 3)])) },
            ClientFrameSchema::Identify { id: None, token: "t".into(), resume: None },
            ClientFrameSchema::Ping { id: Some(id()) },
            ClientFrameSchema::Ping { id: None },
            ClientFrameSchema::Typing { id: None, room_id: room, typing: Some(false) },
            ClientFrameSchema::Typing { id: Some(id()), room_id: room, typing: None },
            ClientFrameSchema::Presence { id: None, status: ClientStatusSchema::Away },
            ClientFrameSchema::Presence { id: Some(id()), status: ClientStatusSchema::Online },
            ClientFrameSchema::Post {
                id: id(),
                room_id: room,
                body: "hi".into(),
                client_msg_id: "c1".into(),
                reply_to: Some(message),
                mentions: Some(vec![UserId::from_uuid(Uuid::now_v7())]),
            },
            ClientFrameSchema::Post {
                id: id(),
                room_id: room,
                body: "hi".into(),
                client_msg_id: "c1".into(),
                reply_to: None,
                mentions: None,
            },
            ClientFrameSchema::Edit { id: id(), room_id: room, message_id: message, body: "hi".into() },
            ClientFrameSchema::Delete { id: id(), room_id: room, message_id: message },
            ClientFrameSchema::React { id: id(), room_id: room, message_id: message, reaction: "👍".into() },
            ClientFrameSchema::Unreact { id: id(), room_id: room, message_id: message, reaction: "👍".into() },
            ClientFrameSchema::MarkRead { id: id(), room_id: room, up_to_seq: 7 },
        ]
    }

    #[test]
    fn every_documented_client_frame_is_accepted_by_the_parser() {
        for example in examples() {
            let text = serde_json::to_string(&example).unwrap();
            assert!(ClientFrame::parse(&text).is_ok(), "the gateway refuses a documented frame: {text}");
        }
    }

    #[test]
    fn the_protocol_components_are_named_as_clients_expect() {
        let components = openapi().components.unwrap();
        for name in ["ClientFrame", "ClientStatus", "ServerFrame", "EventFrame", "PresenceEntry", "RoomEvent"] {
            assert!(components.schemas.contains_key(name), "no component {name}");
        }
    }
}
