//! Export formats: pages of events in, byte chunks out, so that the same encoder feeds a file,
//! stdout or an HTTP body without holding more than a page (Parquet: a row group).

use std::fmt;
use std::str::FromStr;

use chrono::SecondsFormat;
use serde::Serialize;
use serde_json::Value;

use crate::columnar::ParquetEncoder;
use chat_feed::StoredEvent;

/// How exported events are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line ([`Record`]).
    #[default]
    Ndjson,
    /// RFC 4180 CSV with a header row; `payload` and `metadata` as JSON text.
    Csv,
    /// Apache Parquet (snappy); `payload` and `metadata` as JSON text columns.
    Parquet,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Ndjson, Format::Csv, Format::Parquet];

    pub const fn name(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }

    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Ndjson => "application/x-ndjson",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Parquet => "application/vnd.apache.parquet",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown format; expected one of ndjson, csv, parquet")]
pub struct UnknownFormat;

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, UnknownFormat> {
        Format::ALL.into_iter().find(|format| format.name().eq_ignore_ascii_case(s.trim())).ok_or(UnknownFormat)
    }
}

/// The column names, in order, of every format (NDJSON keys, CSV header, Parquet columns).
pub const COLUMNS: [&str; 10] = [
    "global_position",
    "tx_id",
    "recorded_at",
    "aggregate_type",
    "aggregate_id",
    "sequence",
    "event_type",
    "event_version",
    "payload",
    "metadata",
];

/// One exported event as NDJSON writes it (see `docs/schemas/export-record.schema.json`).
#[derive(Serialize)]
pub struct Record<'a> {
    /// The event's position in the store (gaps are normal); with `tx_id`, its cursor.
    pub global_position: i64,
    /// The transaction that committed it; the feed orders by `(tx_id, global_position)`.
    pub tx_id: u64,
    /// Commit-transaction start time, RFC 3339 UTC with microseconds.
    pub recorded_at: String,
    pub aggregate_type: &'a str,
    pub aggregate_id: &'a str,
    pub sequence: i64,
    pub event_type: &'a str,
    pub event_version: &'a str,
    /// The payload in the current version's shape (upcast).
    pub payload: Value,
    /// Who caused it and through which door (`actor`, `request_id`, `via`).
    pub metadata: Value,
}

impl<'a> TryFrom<&'a StoredEvent> for Record<'a> {
    type Error = EncodeError;

    fn try_from(event: &'a StoredEvent) -> Result<Self, EncodeError> {
        let (payload, metadata) = payload_and_metadata(event)?;
        Ok(Record {
            global_position: event.global_position,
            tx_id: event.tx_id,
            recorded_at: recorded_at(event),
            aggregate_type: &event.aggregate_type,
            aggregate_id: &event.aggregate_id,
            sequence: event.sequence,
            event_type: &event.event_type,
            event_version: &event.event_version,
            payload,
            metadata,
        })
    }
}

/// An event's payload and metadata as every format writes them: as compact JSON with keys in
/// alphabetical order, whatever the spacing and key order of the stored text.
pub(super) fn payload_and_metadata(event: &StoredEvent) -> Result<(Value, Value), EncodeError> {
    Ok((event.decode().map_err(EncodeError::from)?, event.decode_metadata().map_err(EncodeError::from)?))
}

/// `recorded_at` as text: RFC 3339, UTC, always six fractional digits.
pub fn recorded_at(event: &StoredEvent) -> String {
    event.recorded_at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[derive(Debug, thiserror::Error)]
#[error("cannot encode the export: {0}")]
pub struct EncodeError(pub String);

impl EncodeError {
    pub(super) fn from(error: impl fmt::Display) -> Self {
        EncodeError(error.to_string())
    }
}

/// Turns pages of events into the bytes of one output, chunk by chunk.
pub enum Encoder {
    Ndjson,
    /// Whether the header row is still to be written.
    Csv {
        header: bool,
    },
    Parquet(Box<ParquetEncoder>),
}

impl Encoder {
    pub fn new(format: Format) -> Result<Self, EncodeError> {
        Ok(match format {
            Format::Ndjson => Encoder::Ndjson,
            Format::Csv => Encoder::Csv { header: true },
            Format::Parquet => Encoder::Parquet(Box::new(ParquetEncoder::new()?)),
        })
    }

    /// The bytes for `events` (possibly none yet, for Parquet until a row group fills).
    pub fn encode(&mut self, events: &[StoredEvent]) -> Result<Vec<u8>, EncodeError> {
        match self {
            Encoder::Ndjson => {
                let mut out = Vec::with_capacity(events.len() * 512);
                for event in events {
                    serde_json::to_writer(&mut out, &Record::try_from(event)?).map_err(EncodeError::from)?;
                    out.push(b'\n');
                }
                Ok(out)
            }
            Encoder::Csv { header } => {
                let mut writer = ::csv::Writer::from_writer(Vec::with_capacity(events.len() * 512 + 256));
                if std::mem::take(header) {
                    writer.write_record(COLUMNS).map_err(EncodeError::from)?;
                }
                for event in events {
                    let (payload, metadata) = payload_and_metadata(event)?;
                    writer.write_field(event.global_position.to_string()).map_err(EncodeError::from)?;
                    writer.write_field(event.tx_id.to_string()).map_err(EncodeError::from)?;
                    writer.write_field(recorded_at(event)).map_err(EncodeError::from)?;
                    writer.write_field(&event.aggregate_type).map_err(EncodeError::from)?;
                    writer.write_field(&event.aggregate_id).map_err(EncodeError::from)?;
                    writer.write_field(event.sequence.to_string()).map_err(EncodeError::from)?;
                    writer.write_field(&event.event_type).map_err(EncodeError::from)?;
                    writer.write_field(&event.event_version).map_err(EncodeError::from)?;
                    writer.write_field(payload.to_string()).map_err(EncodeError::from)?;
                    writer.write_field(metadata.to_string()).map_err(EncodeError::from)?;
                    writer.write_record(None::<&[u8]>).map_err(EncodeError::from)?;
                }
                writer.into_inner().map_err(EncodeError::from)
            }
            Encoder::Parquet(encoder) => encoder.encode(events),
        }
    }

    /// The remaining bytes (the Parquet footer).
    pub fn finish(self) -> Result<Vec<u8>, EncodeError> {
        match self {
            Encoder::Ndjson => Ok(Vec::new()),
            // An empty export is still a CSV file with its header.
            Encoder::Csv { header: true } => Encoder::Csv { header: true }.encode(&[]),
            Encoder::Csv { header: false } => Ok(Vec::new()),
            Encoder::Parquet(encoder) => encoder.finish(),
        }
    }
}
