//! The CSV and Parquet exports read back with the `csv` crate and the Arrow Parquet reader.

use std::path::Path;

use serde_json::{Value, json};
use uuid::Uuid;

use super::{COLUMNS, export};
use crate::harness::Stack;

/// CSV and Parquet hold the same rows and values as the NDJSON export.
pub(super) async fn files(stack: &Stack, full: &[Value]) {
    let dir = std::env::temp_dir().join(format!("chat-export-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv_path = dir.join("events.csv");
    let parquet_path = dir.join("events.parquet");
    let csv_file = csv_path.to_str().unwrap();
    let (stdout, _) = export(stack, &["--format", "csv", "--output", csv_file, "--page-size", "1000"]).await;
    assert!(stdout.is_empty(), "with --output nothing goes to stdout");
    export(stack, &["--output", parquet_path.to_str().unwrap()]).await;
    assert!(!dir.join("events.parquet.partial").exists());

    let csv_rows = read_csv(&csv_path);
    assert_eq!(csv_rows.len(), full.len(), "CSV rows");
    for (n, (row, record)) in csv_rows.iter().zip(full).enumerate() {
        assert_eq!(row, record, "CSV row {n}");
    }

    let parquet_rows = read_parquet(&parquet_path);
    assert_eq!(parquet_rows.len(), full.len(), "Parquet rows");
    let micros = recorded_micros(stack).await;
    for (n, ((row, at), record)) in parquet_rows.iter().zip(&micros).zip(full).enumerate() {
        assert_eq!(row.1, *at, "Parquet recorded_at of row {n}");
        let mut record = record.clone();
        record["recorded_at"] = Value::Null;
        assert_eq!(row.0, record, "Parquet row {n}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The CSV export read back with the `csv` crate into records like the NDJSON ones.
fn read_csv(path: &Path) -> Vec<Value> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header, COLUMNS);
    reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            let number = |i: usize| row[i].parse::<i64>().unwrap();
            json!({
                "global_position": number(0), "tx_id": row[1].parse::<u64>().unwrap(), "recorded_at": &row[2],
                "aggregate_type": &row[3], "aggregate_id": &row[4], "sequence": number(5),
                "event_type": &row[6], "event_version": &row[7],
                "payload": serde_json::from_str::<Value>(&row[8]).unwrap(),
                "metadata": serde_json::from_str::<Value>(&row[9]).unwrap(),
            })
        })
        .collect()
}

/// The Parquet export read back with the Arrow reader: records (without `recorded_at`) and
/// `recorded_at` in microseconds since the epoch.
fn read_parquet(path: &Path) -> Vec<(Value, i64)> {
    use arrow_array::{Array, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray, UInt64Array};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
    let mut rows = Vec::new();
    for batch in reader {
        let batch: RecordBatch = batch.unwrap();
        let names: Vec<&str> = batch.schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, COLUMNS);
        fn column<'a, T: 'static>(batch: &'a RecordBatch, name: &str) -> &'a T {
            batch.column_by_name(name).unwrap().as_any().downcast_ref::<T>().unwrap()
        }
        let text = |name: &str| column::<StringArray>(&batch, name);
        let at = column::<TimestampMicrosecondArray>(&batch, "recorded_at");
        assert_eq!(at.timezone(), Some("UTC"));
        assert_eq!(batch.column_by_name("payload").unwrap().null_count(), 0);
        for i in 0..batch.num_rows() {
            let record = json!({
                "global_position": column::<Int64Array>(&batch, "global_position").value(i),
                "tx_id": column::<UInt64Array>(&batch, "tx_id").value(i),
                "recorded_at": null,
                "aggregate_type": text("aggregate_type").value(i),
                "aggregate_id": text("aggregate_id").value(i),
                "sequence": column::<Int64Array>(&batch, "sequence").value(i),
                "event_type": text("event_type").value(i),
                "event_version": text("event_version").value(i),
                "payload": serde_json::from_str::<Value>(text("payload").value(i)).unwrap(),
                "metadata": serde_json::from_str::<Value>(text("metadata").value(i)).unwrap(),
            });
            rows.push((record, at.value(i)));
        }
    }
    rows
}

/// Each event's `recorded_at` in microseconds since the epoch, in feed order.
async fn recorded_micros(stack: &Stack) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT (extract(epoch FROM recorded_at) * 1000000)::bigint FROM events ORDER BY tx_id, global_position",
    )
    .fetch_all(&mut stack.db.connect().await)
    .await
    .unwrap()
}
