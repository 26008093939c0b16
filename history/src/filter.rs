//! Which events an export keeps, and the parsing of export parameters shared by the CLI and
//! the HTTP endpoint (so that both accept and refuse the same input).

use chat_domain::RoomId;
use chat_domain::catalog;
use chrono::{DateTime, Utc};

use crate::{Cursor, Format};

/// Events to keep; everything else is skipped (but still passed by the cursor).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// `recorded_at >= since`.
    pub since: Option<DateTime<Utc>>,
    /// `recorded_at < until`.
    pub until: Option<DateTime<Utc>>,
    pub aggregate_type: Option<String>,
    pub aggregate_id: Option<String>,
    /// Any of these event types (all when empty).
    pub event_types: Vec<String>,
}

/// An export parameter that cannot be used, naming the parameter.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {reason}")]
pub struct InvalidParam {
    pub name: &'static str,
    pub reason: String,
}

impl InvalidParam {
    fn new(name: &'static str, reason: impl Into<String>) -> Self {
        Self { name, reason: reason.into() }
    }
}

/// Everything an export is asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportRequest {
    pub filter: Filter,
    pub after: Cursor,
    pub format: Format,
}

/// An RFC 3339 timestamp (`2026-11-23T00:00:00Z`, `2026-11-23T01:00:00+01:00`).
pub fn parse_time(name: &'static str, value: &str) -> Result<DateTime<Utc>, InvalidParam> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|time| time.with_timezone(&Utc))
        .map_err(|e| InvalidParam::new(name, format!("not an RFC 3339 timestamp ({e})")))
}

impl Filter {
    /// Checks that the filter can match anything the store can hold: known aggregate and
    /// event types (from the event catalog), a room id that is a room id, a non-empty time
    /// range. A typo fails loudly instead of exporting nothing.
    pub fn validate(&self) -> Result<(), InvalidParam> {
        if let Some(aggregate) = &self.aggregate_type
            && !catalog::aggregates().contains(&aggregate.as_str())
        {
            let known = catalog::aggregates().join(", ");
            return Err(InvalidParam::new(
                "aggregate_type",
                format!("unknown aggregate type {aggregate:?}; known: {known}"),
            ));
        }
        for event_type in &self.event_types {
            let known_here = |doc: &&catalog::EventDoc| {
                doc.name == event_type && self.aggregate_type.as_deref().is_none_or(|a| a == doc.aggregate)
            };
            if !catalog::events().any(|doc| known_here(&doc)) {
                let known: Vec<&str> = catalog::events()
                    .filter(|doc| self.aggregate_type.as_deref().is_none_or(|a| a == doc.aggregate))
                    .map(|doc| doc.name)
                    .collect();
                return Err(InvalidParam::new(
                    "event_type",
                    format!("unknown event type {event_type:?}; known: {}", known.join(", ")),
                ));
            }
        }
        if self.aggregate_type.as_deref() == Some("room")
            && let Some(id) = &self.aggregate_id
            && id.parse::<RoomId>().is_err()
        {
            return Err(InvalidParam::new("room", format!("{id:?} is not a room id")));
        }
        if let (Some(since), Some(until)) = (self.since, self.until)
            && since >= until
        {
            return Err(InvalidParam::new("until", "must be later than since"));
        }
        Ok(())
    }

    /// Only `room`'s events (`--room` / `room=`): aggregate type `room` with that id.
    pub fn set_room(&mut self, room: &str) -> Result<(), InvalidParam> {
        let room: RoomId =
            room.trim().parse().map_err(|_| InvalidParam::new("room", format!("{room:?} is not a room id")))?;
        if self.aggregate_type.as_deref().is_some_and(|a| a != "room") {
            return Err(InvalidParam::new("room", "cannot be combined with another aggregate_type"));
        }
        self.aggregate_type = Some("room".to_owned());
        self.aggregate_id = Some(room.to_string());
        Ok(())
    }
}

impl ExportRequest {
    /// Parses query-string pairs: `since`, `until`, `room`, `aggregate_type`, `event_type`
    /// (repeatable, or comma-separated), `after` and `format`. Unknown or repeated (other than
    /// `event_type`) parameters are refused.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, InvalidParam> {
        let mut request = ExportRequest::default();
        let mut seen: Vec<&'static str> = Vec::new();
        let mut room = None;
        for (key, value) in pairs {
            let value = value.as_ref();
            let name = match key.as_ref() {
                "since" => "since",
                "until" => "until",
                "room" => "room",
                "aggregate_type" => "aggregate_type",
                "event_type" => "event_type",
                "after" => "after",
                "format" => "format",
                other => return Err(InvalidParam::new("query", format!("unknown parameter {other:?}"))),
            };
            if name != "event_type" && seen.contains(&name) {
                return Err(InvalidParam::new(name, "given more than once"));
            }
            seen.push(name);
            match name {
                "since" => request.filter.since = Some(parse_time("since", value)?),
                "until" => request.filter.until = Some(parse_time("until", value)?),
                "room" => room = Some(value.to_owned()),
                "aggregate_type" => request.filter.aggregate_type = Some(value.trim().to_owned()),
                "event_type" => request
                    .filter
                    .event_types
                    .extend(value.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)),
                "after" => {
                    request.after =
                        value.parse().map_err(|e: super::BadCursor| InvalidParam::new("after", e.to_string()))?
                }
                _ => {
                    request.format =
                        value.parse().map_err(|e: super::UnknownFormat| InvalidParam::new("format", e.to_string()))?
                }
            }
        }
        if let Some(room) = room {
            request.filter.set_room(&room)?;
        }
        request.filter.validate()?;
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chat_feed::Checkpoint;

    fn parse(query: &[(&str, &str)]) -> Result<ExportRequest, InvalidParam> {
        ExportRequest::from_pairs(query.iter().copied())
    }

    #[test]
    fn every_parameter_is_read() {
        let room = "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b";
        let request = parse(&[
            ("since", "2026-11-23T00:00:00Z"),
            ("until", "2026-11-24T01:00:00+01:00"),
            ("room", room),
            ("event_type", "MessagePosted,MessageEdited"),
            ("event_type", "MessageDeleted"),
            ("after", "12:34"),
            ("format", "csv"),
        ])
        .unwrap();
        assert_eq!(request.filter.since.unwrap().to_rfc3339(), "2026-11-23T00:00:00+00:00");
        assert_eq!(request.filter.until.unwrap().to_rfc3339(), "2026-11-24T00:00:00+00:00");
        assert_eq!(
            (request.filter.aggregate_type.as_deref(), request.filter.aggregate_id.as_deref()),
            (Some("room"), Some(room))
        );
        assert_eq!(request.filter.event_types, ["MessagePosted", "MessageEdited", "MessageDeleted"]);
        assert_eq!(request.after, Cursor(Checkpoint { tx_id: 12, position: 34 }));
        assert_eq!(request.format, Format::Csv);
        assert_eq!(parse(&[]).unwrap(), ExportRequest::default());
    }

    #[test]
    fn bad_parameters_are_named() {
        let name = |query: &[(&str, &str)]| parse(query).unwrap_err().name;
        assert_eq!(name(&[("since", "yesterday")]), "since");
        assert_eq!(name(&[("since", "2026-11-24T00:00:00Z"), ("until", "2026-11-23T00:00:00Z")]), "until");
        assert_eq!(name(&[("room", "general")]), "room");
        assert_eq!(name(&[("aggregate_type", "rooms")]), "aggregate_type");
        assert_eq!(name(&[("event_type", "MessagePost")]), "event_type");
        assert_eq!(name(&[("aggregate_type", "user"), ("event_type", "MessagePosted")]), "event_type");
        assert_eq!(name(&[("aggregate_type", "user"), ("room", "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b")]), "room");
        assert_eq!(name(&[("after", "tomorrow")]), "after");
        assert_eq!(name(&[("format", "xlsx")]), "format");
        assert_eq!(name(&[("limit", "10")]), "query");
        assert_eq!(name(&[("after", "1:1"), ("after", "2:2")]), "after");
    }
}
