//! The JSON Schema of an export record (`docs/schemas/export-record.schema.json`): the
//! envelope columns, and for each event type of the catalog its payload, chosen by
//! `aggregate_type` + `event_type` + `event_version`.

use chat_domain::catalog;
use serde_json::{Map, Value, json};

use crate::format::COLUMNS;

/// Where the rendered schema lives, relative to the workspace root.
pub const SCHEMA_PATH: &str = "docs/schemas/export-record.schema.json";

/// Each column's schema and meaning, in [`COLUMNS`] order.
fn columns() -> [Value; 10] {
    let aggregates = catalog::aggregates();
    [
        json!({"type": "integer", "minimum": 1,
               "description": "The event's position in the store: unique, increasing within a transaction, with gaps. With tx_id it is the record's cursor (`<tx_id>:<global_position>`)."}),
        json!({"type": "integer", "minimum": 0,
               "description": "The id of the transaction that committed the event (events committed together share it). Records are ordered by (tx_id, global_position), the durable feed's order."}),
        json!({"type": "string", "format": "date-time",
               "description": "When the committing transaction started: RFC 3339, UTC, microseconds."}),
        json!({"enum": aggregates, "description": "The kind of aggregate the event belongs to."}),
        json!({"type": "string",
               "description": "The aggregate's id (a UUID: the room id, or the user id for user and presence events)."}),
        json!({"type": "integer", "minimum": 1,
               "description": "The event's number within its aggregate: 1, 2, 3… without gaps (a room's seq)."}),
        json!({"type": "string", "description": "The event type; see docs/events.md."}),
        json!({"type": "string", "pattern": "^[0-9]+\\.[0-9]+$",
               "description": "The payload's version after upcasting: always the current one."}),
        json!({"type": "object", "description": "The event's fields, upcast to the current version (see $defs)."}),
        json!({"type": "object",
        "description": "Who caused the event and through which door.",
        "properties": {
            "actor": {"type": "string", "format": "uuid", "description": "The user whose command it was."},
            "request_id": {"type": "string", "description": "The HTTP request id (x-request-id) or command id."},
            "via": {"type": "string", "description": "`rest`, `gateway:<id>`, `presence`, …"}
        }}),
    ]
}

/// The export record schema (draft 2020-12).
pub fn export_record_schema() -> Value {
    let mut properties = Map::new();
    for (name, schema) in COLUMNS.iter().zip(columns()) {
        properties.insert((*name).to_owned(), schema);
    }
    let mut defs = Map::new();
    let mut one_of = Vec::new();
    for doc in catalog::events() {
        let key = format!("{}.{}", doc.aggregate, doc.name);
        one_of.push(json!({
            "properties": {
                "aggregate_type": {"const": doc.aggregate},
                "event_type": {"const": doc.name},
                "event_version": {"const": doc.version},
                "payload": {"$ref": format!("#/$defs/{key}")}
            }
        }));
        defs.insert(key, doc.payload_schema());
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "export-record.schema.json",
        "title": "chat event export record",
        "description": "One event as `chat events export` and `GET /v1/admin/events` write it (one NDJSON line; the same columns in CSV and Parquet, with payload and metadata as JSON text). Generated from the code: UPDATE_DOCS=1 cargo test -p chat-history schema",
        "type": "object",
        "properties": properties,
        "required": COLUMNS,
        "additionalProperties": false,
        "oneOf": one_of,
        "$defs": defs,
    })
}

/// The schema file's text.
pub fn render() -> String {
    let mut text = serde_json::to_string_pretty(&export_record_schema()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::json;
    use serde_json::value::to_raw_value;

    use super::*;
    use crate::format::Record;
    use chat_feed::StoredEvent;

    #[test]
    fn a_record_has_exactly_the_columns_of_the_schema() {
        let event = StoredEvent {
            global_position: 3,
            tx_id: 800,
            aggregate_type: "presence".to_owned(),
            aggregate_id: "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b".to_owned(),
            sequence: 1,
            event_type: "PresenceChanged".to_owned(),
            event_version: "1.0".to_owned(),
            payload: to_raw_value(&json!({"type": "PresenceChanged", "status": "online"})).unwrap(),
            metadata: to_raw_value(
                &json!({"actor": "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b", "request_id": "r", "via": "presence"}),
            )
            .unwrap(),
            recorded_at: Utc::now(),
        };
        let record = serde_json::to_value(Record::try_from(&event).unwrap()).unwrap();
        let keys: Vec<&str> = record.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = COLUMNS.to_vec();
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
        let schema = export_record_schema();
        assert_eq!(schema["required"], json!(COLUMNS));
        assert!(catalog::find("presence", "PresenceChanged").unwrap().admits(&record["payload"]));
        assert_eq!(schema["oneOf"].as_array().unwrap().len(), catalog::events().count());
    }

    #[test]
    fn the_schema_file_is_up_to_date() {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(SCHEMA_PATH);
        let rendered = render();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, rendered).unwrap();
            return;
        }
        let current = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            current == rendered,
            "{SCHEMA_PATH} is out of date with the code; regenerate it with \
             `UPDATE_DOCS=1 cargo test -p chat-history schema`"
        );
    }
}
