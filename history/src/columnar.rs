//! The Parquet export: each page of events becomes an Arrow record batch; the writer groups
//! them into row groups of [`ROW_GROUP_ROWS`] and hands finished bytes back as chunks.

use std::sync::Arc;

use arrow_array::builder::{Int64Builder, StringBuilder, TimestampMicrosecondBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::format::{COLUMNS, EncodeError, payload_and_metadata};
use chat_feed::StoredEvent;

/// Rows per row group: small enough to bound the writer's memory, large enough for good
/// compression and fast scans.
pub const ROW_GROUP_ROWS: usize = 64 * 1024;

/// The Arrow schema of the Parquet export (same columns as NDJSON and CSV).
pub fn schema() -> SchemaRef {
    let timestamp = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    let types = [
        DataType::Int64,
        DataType::UInt64,
        timestamp,
        DataType::Utf8,
        DataType::Utf8,
        DataType::Int64,
        DataType::Utf8,
        DataType::Utf8,
        DataType::Utf8,
        DataType::Utf8,
    ];
    let fields: Vec<Field> =
        COLUMNS.iter().zip(types).map(|(name, data_type)| Field::new(*name, data_type, false)).collect();
    Arc::new(Schema::new(fields))
}

pub struct ParquetEncoder {
    writer: ArrowWriter<Vec<u8>>,
    schema: SchemaRef,
}

impl ParquetEncoder {
    pub fn new() -> Result<Self, EncodeError> {
        let schema = schema();
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_created_by(format!("chat events export {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(Vec::with_capacity(1024 * 1024), schema.clone(), Some(properties))
            .map_err(EncodeError::from)?;
        Ok(Self { writer, schema })
    }

    /// Adds `events`; returns the bytes of any row group this completed.
    pub fn encode(&mut self, events: &[StoredEvent]) -> Result<Vec<u8>, EncodeError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let batch = self.batch(events)?;
        self.writer.write(&batch).map_err(EncodeError::from)?;
        // The writer only appends to the Vec and counts offsets itself, so handing out what it
        // has written so far is safe.
        Ok(std::mem::take(self.writer.inner_mut()))
    }

    /// Flushes the last row group and writes the footer.
    pub fn finish(self) -> Result<Vec<u8>, EncodeError> {
        self.writer.into_inner().map_err(EncodeError::from)
    }

    fn batch(&self, events: &[StoredEvent]) -> Result<RecordBatch, EncodeError> {
        let n = events.len();
        let mut global_position = Int64Builder::with_capacity(n);
        let mut tx_id = UInt64Builder::with_capacity(n);
        let mut recorded_at = TimestampMicrosecondBuilder::with_capacity(n).with_timezone("UTC");
        let mut aggregate_type = StringBuilder::with_capacity(n, n * 8);
        let mut aggregate_id = StringBuilder::with_capacity(n, n * 36);
        let mut sequence = Int64Builder::with_capacity(n);
        let mut event_type = StringBuilder::with_capacity(n, n * 16);
        let mut event_version = StringBuilder::with_capacity(n, n * 3);
        let mut payload = StringBuilder::with_capacity(n, n * 256);
        let mut metadata = StringBuilder::with_capacity(n, n * 128);
        for event in events {
            let (event_payload, event_metadata) = payload_and_metadata(event)?;
            global_position.append_value(event.global_position);
            tx_id.append_value(event.tx_id);
            recorded_at.append_value(event.recorded_at.timestamp_micros());
            aggregate_type.append_value(&event.aggregate_type);
            aggregate_id.append_value(&event.aggregate_id);
            sequence.append_value(event.sequence);
            event_type.append_value(&event.event_type);
            event_version.append_value(&event.event_version);
            payload.append_value(event_payload.to_string());
            metadata.append_value(event_metadata.to_string());
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(global_position.finish()),
            Arc::new(tx_id.finish()),
            Arc::new(recorded_at.finish()),
            Arc::new(aggregate_type.finish()),
            Arc::new(aggregate_id.finish()),
            Arc::new(sequence.finish()),
            Arc::new(event_type.finish()),
            Arc::new(event_version.finish()),
            Arc::new(payload.finish()),
            Arc::new(metadata.finish()),
        ];
        RecordBatch::try_new(self.schema.clone(), columns).map_err(EncodeError::from)
    }
}
