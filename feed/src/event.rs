//! An event as the feed delivers it: the envelope columns plus the feed's own position.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::Checkpoint;

/// The payload and metadata stay JSON text until a reader decodes what it needs from them
/// ([`StoredEvent::decode`]): decoding every row into `serde_json::Value` trees first, and
/// dropping them, took half of a rebuild's CPU in this process.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    pub global_position: i64,
    pub tx_id: u64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    /// The event's JSON, in the current version's shape (upcast when read).
    pub payload: Box<RawValue>,
    /// Who caused it and through which door (`actor`, `request_id`, `via`).
    pub metadata: Box<RawValue>,
    pub recorded_at: DateTime<Utc>,
}

/// A stored event whose payload or id does not fit the current code.
#[derive(Debug, thiserror::Error)]
#[error("cannot decode {aggregate_type} event {aggregate_id}#{sequence}: {reason}")]
pub struct DecodeError {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub reason: String,
}

impl StoredEvent {
    /// The feed position just after this event.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint { tx_id: self.tx_id, position: self.global_position }
    }

    /// The payload as `E`: a typed event, or a `serde_json::Value` where any JSON will do.
    pub fn decode<E: DeserializeOwned>(&self) -> Result<E, DecodeError> {
        serde_json::from_str(self.payload.get()).map_err(|e| self.decode_error(e))
    }

    /// The metadata as `M`.
    pub fn decode_metadata<M: DeserializeOwned>(&self) -> Result<M, DecodeError> {
        serde_json::from_str(self.metadata.get()).map_err(|e| self.decode_error(e))
    }

    /// The aggregate id parsed as a typed id (`RoomId`, `UserId`).
    pub fn id<T: std::str::FromStr>(&self) -> Result<T, DecodeError>
    where
        T::Err: std::fmt::Display,
    {
        self.aggregate_id.parse().map_err(|e| self.decode_error(e))
    }

    fn decode_error(&self, reason: impl std::fmt::Display) -> DecodeError {
        DecodeError {
            aggregate_type: self.aggregate_type.clone(),
            aggregate_id: self.aggregate_id.clone(),
            sequence: self.sequence,
            reason: reason.to_string(),
        }
    }
}
