//! JSON messages on the bus. Fields are only ever added (readers ignore unknown fields), so
//! that services of different versions can share a bus during a rolling upgrade.

use bytes::Bytes;
use chat_domain::presence::PresenceStatus;
use chat_domain::{MessageId, RoomId, UploadId, UserId};
use chat_feed::{DecodeError, StoredEvent};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A committed event, as the relay publishes it and as gateways backfill it from the store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventMessage {
    pub aggregate_type: String,
    pub aggregate_id: String,
    /// The aggregate sequence: for a room, its gap-free timeline position.
    pub seq: u64,
    pub event_type: String,
    pub event_version: String,
    /// The event itself (its JSON has a `type` field equal to `event_type`).
    pub payload: Value,
    /// Who caused it, when known.
    pub actor: Option<UserId>,
    pub recorded_at: DateTime<Utc>,
}

/// The part of an event's metadata the bus carries.
#[derive(Deserialize)]
struct Cause {
    actor: Option<String>,
}

impl TryFrom<&StoredEvent> for EventMessage {
    type Error = DecodeError;

    fn try_from(event: &StoredEvent) -> Result<Self, DecodeError> {
        Ok(Self {
            aggregate_type: event.aggregate_type.clone(),
            aggregate_id: event.aggregate_id.clone(),
            seq: event.sequence.max(0) as u64,
            event_type: event.event_type.clone(),
            event_version: event.event_version.clone(),
            payload: event.decode()?,
            actor: event.decode_metadata::<Cause>().ok().and_then(|cause| cause.actor?.parse().ok()),
            recorded_at: event.recorded_at,
        })
    }
}

/// A user joined or left a room (derived from `MemberJoined` / `MemberLeft`), so that gateways
/// can start or stop delivering that room to the user's live connections.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipNotice {
    pub user_id: UserId,
    pub room_id: RoomId,
    /// The sequence of the membership event in the room.
    pub seq: u64,
    pub joined: bool,
}

/// Someone is typing in a room (or stopped). Ephemeral: never stored, lost if nobody listens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypingNotice {
    pub room_id: RoomId,
    pub user_id: UserId,
    /// `false` when the user explicitly stopped (e.g. sent the message).
    pub typing: bool,
}

/// What clients acknowledged receiving (`received` frames), coalesced by one gateway over a
/// short interval: at most one entry per (room, user), the furthest position. The gateway has
/// checked that each user's connection receives the room; the command service clamps each
/// position to the room's last sequence and moves markers only forward.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAcks {
    pub gateway_id: String,
    pub acks: Vec<DeliveryAck>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAck {
    pub room_id: RoomId,
    pub user_id: UserId,
    /// "I have received everything up to and including this room sequence."
    pub up_to_seq: u64,
}

/// The command service's answer to [`DeliveryAcks`]. No answer, or one that does not decode,
/// means the batch may not have been recorded (recording it again is harmless).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum DeliveryAcksReply {
    /// Recorded; `moved` markers moved forward.
    Recorded { moved: u64 },
    /// Not recorded; `code` is a stable error code (`invalid_request`, `internal`).
    Failed { code: String },
}

/// Members' delivery markers that moved in one room (one message per room per recorded batch).
/// Ephemeral: never stored, lost if nobody listens; `GET /v1/rooms/{id}/receipts` has them all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptNotice {
    pub room_id: RoomId,
    pub receipts: Vec<MemberReceipt>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberReceipt {
    pub user_id: UserId,
    /// How far the member's devices have received the room (read implies delivered: at least
    /// `read_seq`).
    pub delivered_seq: u64,
    /// Their read marker as the read model had it when the delivery marker moved.
    pub read_seq: u64,
}

/// What one gateway knows of some users' presence: sent on every change (a user's first
/// connection, last disconnection, idle/active) and, as a heartbeat, for all its users
/// periodically in chunks. `offline` means "no connection here any more".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceReport {
    pub gateway_id: String,
    pub users: Vec<(UserId, PresenceStatus)>,
}

/// Sent by a presence tracker that has just taken over (it starts knowing nothing of which
/// gateway has whom): every gateway answers at once with a full [`PresenceReport`], as if its
/// heartbeat were due, so that the tracker need not wait a heartbeat before it may record
/// anyone offline. Carries nothing yet; gateways answer any message on the subject.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceSync {}

/// A room command sent by a gateway on behalf of an authenticated user. Field values are
/// client input and are validated by the command service exactly as REST input is.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CommandRequest {
    pub actor: UserId,
    pub request_id: String,
    /// `gateway:<id>`.
    pub via: String,
    pub room_id: RoomId,
    pub command: WireCommand,
}

/// The room commands a client can send over a WebSocket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum WireCommand {
    Post {
        /// `None` (or absent) for a post of attachments only.
        #[serde(default)]
        body: Option<String>,
        client_msg_id: String,
        reply_to: Option<MessageId>,
        /// Members to notify; others are dropped.
        #[serde(default)]
        mentions: Vec<UserId>,
        /// The poster's uploads to attach (at most 10).
        #[serde(default)]
        attachments: Vec<UploadId>,
    },
    Edit {
        message_id: MessageId,
        body: String,
    },
    Delete {
        message_id: MessageId,
    },
    React {
        message_id: MessageId,
        reaction: String,
    },
    Unreact {
        message_id: MessageId,
        reaction: String,
    },
    MarkRead {
        up_to_seq: u64,
    },
}

/// The command service's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CommandResponse {
    Ok {
        seq: u64,
        message_id: Option<MessageId>,
        changed: bool,
    },
    /// `code` is the same stable code the REST API uses.
    Error {
        code: String,
        message: String,
        field: Option<String>,
        /// For `rate_limited`: when to try again.
        #[serde(default)]
        retry_after_ms: Option<u64>,
    },
}

pub fn encode<T: Serialize>(message: &T) -> Bytes {
    // Serialising these plain structs cannot fail (no maps with non-string keys).
    Bytes::from(serde_json::to_vec(message).unwrap_or_default())
}

pub fn decode<T: for<'de> Deserialize<'de>>(payload: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(payload)
}
