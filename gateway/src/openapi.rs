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

use chat_domain::contacts::ContactsEvent;
use chat_domain::room::RoomEvent;
use chat_domain::{MessageId, RoomId, UploadId, UserId};
use serde::Serialize;
use utoipa::OpenApi;
use utoipa::openapi::schema::{AdditionalProperties, Discriminator, Schema};
use utoipa::openapi::{Components, Ref, RefOr};

use crate::protocol::{EventFrame, PresenceEntry, ServerFrame};

#[derive(OpenApi)]
#[openapi(components(schemas(ClientFrameSchema, ServerFrame, EventFrame, PresenceEntry, RoomEvent, ContactsEvent)))]
struct ProtocolDoc;

/// The WebSocket protocol's components (no paths: the WebSocket endpoint belongs to the
/// gateways, not to the REST API). Each variant of the three tagged unions is a component of
/// its own, so that generated clients get a named type per frame and per event: `RoomEvent` is
/// `MessagePosted | MemberJoined | …` (named as the events are), `ServerFrame` is `ServerHello |
/// ServerReady | ServerEvent | …`, `ClientFrame` is `ClientIdentify | ClientPost | …`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = ProtocolDoc::openapi();
    if let Some(components) = document.components.as_mut() {
        name_variants(components, "RoomEvent", |tag| tag.to_owned(), false);
        name_variants(components, "ContactsEvent", |tag| tag.to_owned(), false);
        name_variants(components, "ServerFrame", |tag| format!("Server{}", pascal(tag)), false);
        // The gateway refuses a client frame's field that it does not know (`invalid_frame`).
        name_variants(components, "ClientFrame", |tag| format!("Client{}", pascal(tag)), true);
    }
    document
}

/// Moves each variant of the one-of schema `union` into a component named by `name(its type
/// tag)`, leaving a reference in its place, and maps each tag to its component (the
/// discriminator, `type`). `closed`: the variants refuse unknown fields.
fn name_variants(components: &mut Components, union: &str, name: impl Fn(&str) -> String, closed: bool) {
    let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut(union) else {
        return;
    };
    let mut named = Vec::new();
    let mut discriminator = Discriminator::new("type");
    for variant in &mut one_of.items {
        if let Some(tag) = tag(variant) {
            let name = name(&tag);
            if let RefOr::T(Schema::Object(object)) = variant
                && closed
            {
                object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
            discriminator.mapping.insert(tag, format!("#/components/schemas/{name}"));
            let schema = std::mem::replace(variant, RefOr::Ref(Ref::from_schema_name(name.clone())));
            named.push((name, schema));
        }
    }
    one_of.discriminator = Some(discriminator);
    for (name, schema) in named {
        components.schemas.insert(name, schema);
    }
}

/// The one value of a variant's `type` property (in the variant, or in one part of it).
fn tag(variant: &RefOr<Schema>) -> Option<String> {
    match variant {
        RefOr::T(Schema::Object(object)) => match object.properties.get("type") {
            Some(RefOr::T(Schema::Object(tag))) => tag.enum_values.as_ref()?.first()?.as_str().map(str::to_owned),
            _ => None,
        },
        RefOr::T(Schema::AllOf(all_of)) => all_of.items.iter().find_map(tag),
        _ => None,
    }
}

/// `mark_read` → `MarkRead`.
fn pascal(tag: &str) -> String {
    tag.split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// Frames a client sends (docs/protocol.md §3). `id` is optional on control frames and
/// required on commands (≤ 64 characters, echoed by the answer).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[schema(as = ClientFrame)]
pub enum ClientFrameSchema {
    /// The first frame, and only the first.
    Identify {
        #[schema(max_length = 64)]
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
    /// The client has received the room up to and including `up_to_seq` (no answer; coalesce:
    /// send the latest position at most every few hundred milliseconds per room).
    Received {
        #[schema(max_length = 64)]
        id: Option<String>,
        room_id: RoomId,
        up_to_seq: u64,
    },
    Post {
        #[schema(max_length = 64)]
        id: String,
        room_id: RoomId,
        /// May be left out when `attachments` names an upload.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        body: Option<String>,
        client_msg_id: String,
        reply_to: Option<MessageId>,
        /// At most 50.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false)]
        mentions: Option<Vec<UserId>>,
        /// The sender's uploads (`POST /v1/uploads`), at most 10.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schema(nullable = false, max_items = 10)]
        attachments: Option<Vec<UploadId>>,
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
            ClientFrameSchema::Received { id: None, room_id: room, up_to_seq: 4 },
            ClientFrameSchema::Received { id: Some(id()), room_id: room, up_to_seq: 0 },
            ClientFrameSchema::Post {
                id: id(),
                room_id: room,
                body: Some("hi".into()),
                client_msg_id: "c1".into(),
                reply_to: Some(message),
                mentions: Some(vec![UserId::from_uuid(Uuid::now_v7())]),
                attachments: None,
            },
            ClientFrameSchema::Post {
                id: id(),
                room_id: room,
                body: Some("hi".into()),
                client_msg_id: "c1".into(),
                reply_to: None,
                mentions: None,
                attachments: None,
            },
            ClientFrameSchema::Post {
                id: id(),
                room_id: room,
                body: None,
                client_msg_id: "c2".into(),
                reply_to: None,
                mentions: None,
                attachments: Some(vec![UploadId::from_uuid(Uuid::now_v7())]),
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
        let names = [
            "ClientFrame",
            "ClientStatus",
            "ClientIdentify",
            "ClientMarkRead",
            "ClientReceived",
            "ServerReceipt",
            "ServerFrame",
            "ServerHello",
            "ServerEvent",
            "ServerError",
            "EventFrame",
            "PresenceEntry",
            "RoomEvent",
            "MessagePosted",
            "ReadMarkerMoved",
        ];
        for name in names {
            assert!(components.schemas.contains_key(name), "no component {name}");
        }
        // Every variant of the unions is a named component.
        for union in ["ClientFrame", "ServerFrame", "RoomEvent"] {
            let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get(union) else {
                panic!("{union} is not a one-of");
            };
            assert!(one_of.items.iter().all(|item| matches!(item, RefOr::Ref(_))), "{union} has an unnamed variant");
        }
    }
}
