//! The event catalog: every stored event type with its current version and its fields, for
//! analysts (`docs/events.md`, the JSON Schemas under `docs/schemas/`).
//!
//! Each aggregate describes its events beside its event enum (`CATALOG` in `room/events.rs`,
//! `user/events.rs`, `presence.rs`). The tests below hold the descriptions to the code: every
//! variant must be described, with the version it reports and exactly the fields serde writes,
//! each of the described type; and the documents in `docs/` must equal what is rendered here
//! (`UPDATE_DOCS=1 cargo test -p chat-domain catalog` rewrites them).

use std::fmt::Write;

use serde_json::{Map, Value, json};

use crate::redaction::{PERSONAL_DATA, PersonalData, REDACTED_MARKER};

/// One event type as stored (after upcasting).
#[derive(Debug)]
pub struct EventDoc {
    /// The aggregate type (`events.aggregate_type`).
    pub aggregate: &'static str,
    /// The event type (`events.event_type`, and the payload's `type`).
    pub name: &'static str,
    /// The current version (`events.event_version` after upcasting).
    pub version: &'static str,
    /// What happened, in a sentence or two.
    pub summary: &'static str,
    /// How older versions differ (empty when there is only one).
    pub history: &'static str,
    pub fields: &'static [FieldDoc],
}

/// One payload field.
#[derive(Debug)]
pub struct FieldDoc {
    pub name: &'static str,
    pub ty: FieldType,
    pub meaning: &'static str,
}

/// A field's JSON shape.
#[derive(Debug)]
pub enum FieldType {
    /// A UUID as a string.
    Uuid,
    /// A string (limits are those of the day the event was written, so not part of the schema).
    Text,
    /// An integer ≥ 0.
    Count,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// The inner type, or `null`.
    Nullable(&'static FieldType),
    /// A JSON array of the inner type.
    List(&'static FieldType),
    /// `true` or `false`.
    Flag,
    /// An object with exactly these fields.
    Object(&'static [FieldDoc]),
    /// An object tagged by its `type` field: one of these variants with their fields.
    Tagged(&'static [(&'static str, &'static [FieldDoc])]),
}

/// Every event type of every aggregate, in catalog order.
pub fn events() -> impl Iterator<Item = &'static EventDoc> {
    crate::room::CATALOG
        .iter()
        .chain(crate::user::CATALOG)
        .chain(crate::contacts::CATALOG)
        .chain(crate::presence::CATALOG)
        .chain(crate::website::CATALOG)
}

/// The catalog entry of `aggregate`'s event `name`.
pub fn find(aggregate: &str, name: &str) -> Option<&'static EventDoc> {
    events().find(|doc| doc.aggregate == aggregate && doc.name == name)
}

/// The aggregate types, in catalog order.
pub fn aggregates() -> Vec<&'static str> {
    let mut names: Vec<&str> = Vec::new();
    for doc in events() {
        if !names.contains(&doc.aggregate) {
            names.push(doc.aggregate);
        }
    }
    names
}

impl FieldType {
    /// The type as the Markdown catalog shows it.
    pub fn describe(&self) -> String {
        match self {
            FieldType::Uuid => "uuid".to_owned(),
            FieldType::Text => "string".to_owned(),
            FieldType::Count => "integer ≥ 0".to_owned(),
            FieldType::Enum(values) => values.iter().map(|v| format!("`\"{v}\"`")).collect::<Vec<_>>().join(" \\| "),
            FieldType::Nullable(inner) => format!("{} or null", inner.describe()),
            FieldType::List(inner) => format!("list of {}", inner.describe()),
            FieldType::Flag => "boolean".to_owned(),
            FieldType::Object(_) => "object".to_owned(),
            FieldType::Tagged(variants) => {
                let tags: Vec<String> = variants.iter().map(|(tag, _)| format!("`{tag}`")).collect();
                format!("object tagged by `type`: {}", tags.join(" or "))
            }
        }
    }

    /// The type as a JSON Schema (draft 2020-12).
    pub fn schema(&self) -> Value {
        match self {
            FieldType::Uuid => json!({"type": "string", "format": "uuid"}),
            FieldType::Text => json!({"type": "string"}),
            FieldType::Count => json!({"type": "integer", "minimum": 0}),
            FieldType::Enum(values) => json!({"enum": values}),
            FieldType::Nullable(inner) => json!({"anyOf": [inner.schema(), {"type": "null"}]}),
            FieldType::List(inner) => json!({"type": "array", "items": inner.schema()}),
            FieldType::Flag => json!({"type": "boolean"}),
            FieldType::Object(fields) => object_schema(None, fields),
            FieldType::Tagged(variants) => {
                let one_of: Vec<Value> =
                    variants.iter().map(|(tag, fields)| object_schema(Some(tag), fields)).collect();
                json!({"oneOf": one_of})
            }
        }
    }

    /// Whether `value` has this shape (a small validator, so that tests can check real
    /// payloads against the catalog without a JSON Schema engine).
    pub fn admits(&self, value: &Value) -> bool {
        match self {
            FieldType::Uuid => value.as_str().is_some_and(|s| uuid::Uuid::parse_str(s).is_ok()),
            FieldType::Text => value.is_string(),
            FieldType::Count => value.is_u64(),
            FieldType::Enum(values) => value.as_str().is_some_and(|s| values.contains(&s)),
            FieldType::Nullable(inner) => value.is_null() || inner.admits(value),
            FieldType::List(inner) => value.as_array().is_some_and(|items| items.iter().all(|item| inner.admits(item))),
            FieldType::Flag => value.is_boolean(),
            FieldType::Object(fields) => admits_object(false, fields, value),
            FieldType::Tagged(variants) => {
                let tag = value.get("type").and_then(Value::as_str);
                variants.iter().any(|(name, fields)| Some(*name) == tag && admits_object(true, fields, value))
            }
        }
    }
}

/// An object with exactly `fields`, all required, and `type` = `tag` if tagged.
fn object_schema(tag: Option<&str>, fields: &[FieldDoc]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    if let Some(tag) = tag {
        properties.insert("type".to_owned(), json!({"const": tag}));
        required.push(json!("type"));
    }
    for field in fields {
        let mut schema = field.ty.schema();
        schema["description"] = json!(field.meaning);
        properties.insert(field.name.to_owned(), schema);
        required.push(json!(field.name));
    }
    json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
}

/// Whether `value` is an object with exactly `fields`, each of its type (and a `type`, if
/// `tagged`).
fn admits_object(tagged: bool, fields: &[FieldDoc], value: &Value) -> bool {
    let Some(object) = value.as_object() else { return false };
    object.len() == fields.len() + usize::from(tagged)
        && (!tagged || object.contains_key("type"))
        && fields.iter().all(|field| object.get(field.name).is_some_and(|v| field.ty.admits(v)))
}

impl EventDoc {
    /// Where this event keeps personal data that an erasure redacts, if it does.
    pub fn personal_data(&self) -> Option<&'static PersonalData> {
        PERSONAL_DATA.iter().find(|p| p.aggregate_type == self.aggregate && p.event_type == self.name)
    }

    /// Whether an erasure may have set `field` to `null`.
    fn redactable(&self, field: &str) -> bool {
        self.personal_data().is_some_and(|p| p.fields.contains(&field))
    }

    /// The JSON Schema of this event's payload: its fields, the personal ones nullable, and
    /// the erasure's marker where an erasure can reach.
    pub fn payload_schema(&self) -> Value {
        let mut properties = Map::new();
        properties.insert("type".to_owned(), json!({"const": self.name}));
        let mut required = vec![json!("type")];
        for field in self.fields {
            let mut schema = field.ty.schema();
            if self.redactable(field.name) {
                schema = json!({"anyOf": [schema, {"type": "null"}]});
            }
            schema["description"] = json!(self.meaning(field));
            properties.insert(field.name.to_owned(), schema);
            required.push(json!(field.name));
        }
        if self.personal_data().is_some() {
            let description = "Present when an erasure redacted this event's personal fields.";
            properties.insert(REDACTED_MARKER.to_owned(), json!({"const": true, "description": description}));
        }
        json!({
            "title": format!("{} {} (version {})", self.aggregate, self.name, self.version),
            "description": self.summary,
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        })
    }

    /// Whether `payload` (after upcasting) has exactly this event's shape.
    pub fn admits(&self, payload: &Value) -> bool {
        let Some(object) = payload.as_object() else { return false };
        let marked = self.personal_data().is_some() && object.get(REDACTED_MARKER) == Some(&Value::Bool(true));
        object.len() == self.fields.len() + 1 + usize::from(marked)
            && object.get("type").and_then(Value::as_str) == Some(self.name)
            && self.fields.iter().all(|field| {
                object
                    .get(field.name)
                    .is_some_and(|value| field.ty.admits(value) || (value.is_null() && self.redactable(field.name)))
            })
    }

    /// A field's meaning, with a note when an erasure may have redacted it.
    fn meaning(&self, field: &FieldDoc) -> String {
        if self.redactable(field.name) {
            format!("{} `null` once the user is erased.", field.meaning)
        } else {
            field.meaning.to_owned()
        }
    }

    /// The type as the Markdown catalog shows it.
    fn describe(&self, field: &FieldDoc) -> String {
        if self.redactable(field.name) { format!("{} or null", field.ty.describe()) } else { field.ty.describe() }
    }
}

/// `docs/events.md`.
pub fn render_markdown() -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Event catalog\n");
    let _ = writeln!(
        out,
        "<!-- Generated from domain/src/catalog.rs and the `CATALOG`s beside the event enums; do not edit.\n     \
         Regenerate: UPDATE_DOCS=1 cargo test -p chat-domain catalog -->\n"
    );
    let _ = writeln!(
        out,
        "Every event the event store holds, by aggregate. Each stored row has the envelope columns \
         (`aggregate_type`, `aggregate_id`, `sequence`, `event_type`, `event_version`, `metadata`, \
         `global_position`, `recorded_at`) and a JSON `payload` whose `type` is the event type and \
         whose other fields are listed here. Readers (the command side, the projections and the \
         export) upcast older versions first, so every payload you see has the current version's \
         fields. The export record format is in `docs/schemas/export-record.schema.json`.\n"
    );
    let _ = writeln!(
        out,
        "Erasure: when a user is erased, the personal fields of their events (marked \"or null\" \
         below) are set to `null` and the payload gains `\"{REDACTED_MARKER}\": true`; everything \
         else (ids, sequences, timestamps) stays, so counts and orders are unchanged.\n"
    );
    let _ = writeln!(out, "Versions: `event_version` is `major.minor`; a minor version only adds fields.\n");
    for aggregate in aggregates() {
        let _ = writeln!(out, "## Aggregate `{aggregate}`\n");
        for doc in events().filter(|doc| doc.aggregate == aggregate) {
            let _ = writeln!(out, "### {} (version {})\n", doc.name, doc.version);
            let _ = writeln!(out, "{}\n", doc.summary);
            if !doc.history.is_empty() {
                let _ = writeln!(out, "History: {}\n", doc.history);
            }
            if doc.fields.is_empty() {
                let _ = writeln!(out, "No fields besides `type`.\n");
                continue;
            }
            let _ = writeln!(out, "| field | type | meaning |\n| --- | --- | --- |");
            for field in doc.fields {
                let _ = writeln!(out, "| `{}` | {} | {} |", field.name, doc.describe(field), doc.meaning(field));
                nested_rows(&mut out, field.name, &field.ty);
            }
            if let Some(personal) = doc.personal_data() {
                let _ = writeln!(
                    out,
                    "| `{REDACTED_MARKER}` | `true`, or absent | Present when an erasure set {} to `null`. |",
                    personal.fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                );
            }
            out.push('\n');
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// Rows for the fields inside an object (`settings.color`, …) or a tagged object (`kind.name`,
/// …), at any depth.
fn nested_rows(out: &mut String, path: &str, ty: &FieldType) {
    let mut ty = ty;
    while let FieldType::Nullable(inner) | FieldType::List(inner) = ty {
        ty = inner;
    }
    let variants: Vec<(Option<&str>, &[FieldDoc])> = match ty {
        FieldType::Object(fields) => vec![(None, fields)],
        FieldType::Tagged(variants) => variants.iter().map(|(tag, fields)| (Some(*tag), *fields)).collect(),
        _ => return,
    };
    for (tag, fields) in variants {
        for inner in fields {
            let path = format!("{path}.{}", inner.name);
            let when = tag.map(|tag| format!(" *(when `type` is `{tag}`)*")).unwrap_or_default();
            let _ = writeln!(out, "| `{path}` | {} | {}{when} |", inner.ty.describe(), inner.meaning);
            nested_rows(out, &path, &inner.ty);
        }
    }
}

#[cfg(test)]
mod tests;
