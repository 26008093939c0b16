//! A file as an HTTP answer: ranges, validators, and the headers that keep a browser from
//! treating a user's file as part of our site.
//!
//! - `ETag` is the quoted SHA-256 of the bytes (content-addressed, so it never changes);
//!   `If-None-Match` with it answers `304`.
//! - One `Range` (`bytes=a-b`, `bytes=a-`, `bytes=-n`) answers `206` with `Content-Range`; one
//!   outside the file answers `416` (`range_not_satisfiable`, with `Content-Range: bytes */size`);
//!   several ranges, or one that does not parse, are ignored (the whole file, as RFC 9110
//!   allows); `If-Range` with another validator than ours also gets the whole file.
//! - `Content-Disposition: attachment` with the sanitised name (RFC 6266 `filename*`), `inline`
//!   only for images of the allowed types; `X-Content-Type-Options: nosniff`;
//!   `Content-Security-Policy: default-src 'none'; sandbox`, so that a file opened in the
//!   browser runs nothing with our origin.

use std::ops::Range;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chat_domain::attachment::{FileName, Sha256Digest};

use super::ApiError;
use crate::uploads::Uploads;

/// A file's raw bytes, as the document describes request and response bodies of files
/// (`type: string, format: binary`).
pub(super) struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .build()
            .into()
    }
}

impl utoipa::ToSchema for FileBytes {}

/// What is served: which blob, as what.
pub(super) struct Served {
    pub digest: Sha256Digest,
    pub size: u64,
    pub mime: String,
    /// The name offered for saving.
    pub name: FileName,
    /// `Cache-Control`: private either way (a member's file), and how long.
    pub cache: &'static str,
    pub max_age: Option<u64>,
}

/// Types a browser may show in place (images it decodes itself, never script).
const INLINE: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

/// How much of the file a request asks for.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Wanted {
    All,
    Part(Range<u64>),
    Unsatisfiable,
}

/// The single byte range asked for by `range` of a file of `size` bytes.
pub(super) fn wanted(range: Option<&str>, size: u64) -> Wanted {
    let Some(spec) = range.and_then(|range| range.trim().strip_prefix("bytes=")) else { return Wanted::All };
    if spec.contains(',') {
        return Wanted::All;
    }
    let Some((first, last)) = spec.trim().split_once('-') else { return Wanted::All };
    let (first, last) = (first.trim(), last.trim());
    let parse = |s: &str| s.parse::<u64>().ok();
    match (first.is_empty(), last.is_empty()) {
        // `-n`: the last n bytes.
        (true, false) => match parse(last) {
            Some(0) => Wanted::Unsatisfiable,
            Some(_) if size == 0 => Wanted::Unsatisfiable,
            Some(n) => Wanted::Part(size.saturating_sub(n)..size),
            None => Wanted::All,
        },
        // `a-` or `a-b`.
        (false, _) => {
            let Some(start) = parse(first) else { return Wanted::All };
            let end = if last.is_empty() {
                Some(u64::MAX)
            } else {
                match parse(last) {
                    Some(end) if end >= start => Some(end),
                    _ => None,
                }
            };
            match end {
                None => Wanted::All,
                Some(_) if start >= size => Wanted::Unsatisfiable,
                Some(end) => Wanted::Part(start..end.min(size - 1) + 1),
            }
        }
        (true, true) => Wanted::All,
    }
}

fn etag(digest: &Sha256Digest) -> String {
    format!("\"{digest}\"")
}

/// Whether `If-None-Match` names our validator (weak comparison, `*` matches).
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|list| list.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag))
}

/// `Content-Disposition` for `name`, `inline` or `attachment`.
fn disposition(name: &FileName, inline: bool) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let encoded: String = name
        .as_str()
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect();
    format!("{kind}; filename=\"{}\"; filename*=UTF-8''{encoded}", name.ascii_fallback())
}

fn set(response: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// The answer to a `GET` of `served`, given the request's headers.
pub(super) async fn respond(uploads: &Uploads, served: Served, headers: &HeaderMap) -> Result<Response, ApiError> {
    let etag = etag(&served.digest);
    if not_modified(headers, &etag) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        common_headers(&mut response, &served, &etag);
        return Ok(response);
    }
    let if_range_differs = headers
        .get(header::IF_RANGE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|validator| validator.trim() != etag);
    let range = headers.get(header::RANGE).and_then(|value| value.to_str().ok()).filter(|_| !if_range_differs);
    let part = match wanted(range, served.size) {
        Wanted::Unsatisfiable => return Err(ApiError::RangeNotSatisfiable { size: served.size }),
        Wanted::All => None,
        Wanted::Part(part) => Some(part),
    };
    let read = uploads.read(&served.digest, part.clone()).await.map_err(|error| ApiError::Internal(error.into()))?;
    // A blob gone under a visible attachment (an erasure between the lookup and now).
    let Some(read) = read else { return Err(ApiError::AttachmentNotFound) };
    let (status, length) = match &part {
        Some(part) => (StatusCode::PARTIAL_CONTENT, part.end - part.start),
        None => (StatusCode::OK, served.size),
    };
    let mut response = (status, Body::from_stream(read.bytes)).into_response();
    common_headers(&mut response, &served, &etag);
    set(&mut response, header::CONTENT_LENGTH, &length.to_string());
    if let Some(part) = part {
        set(&mut response, header::CONTENT_RANGE, &format!("bytes {}-{}/{}", part.start, part.end - 1, served.size));
    }
    Ok(response)
}

fn common_headers(response: &mut Response, served: &Served, etag: &str) {
    let content_type =
        if served.mime.starts_with("text/") { format!("{}; charset=utf-8", served.mime) } else { served.mime.clone() };
    set(response, header::CONTENT_TYPE, &content_type);
    set(response, header::ETAG, etag);
    set(response, header::ACCEPT_RANGES, "bytes");
    set(response, header::CONTENT_DISPOSITION, &disposition(&served.name, INLINE.contains(&served.mime.as_str())));
    set(response, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(response, header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox");
    let cache = match served.max_age {
        Some(seconds) => format!("{}, max-age={seconds}", served.cache),
        None => served.cache.to_owned(),
    };
    set(response, header::CACHE_CONTROL, &cache);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_ranges_are_served_and_clamped_to_the_file() {
        assert_eq!(wanted(Some("bytes=0-9"), 100), Wanted::Part(0..10));
        assert_eq!(wanted(Some("bytes=90-200"), 100), Wanted::Part(90..100));
        assert_eq!(wanted(Some("bytes=95-"), 100), Wanted::Part(95..100));
        assert_eq!(wanted(Some("bytes=-10"), 100), Wanted::Part(90..100));
        assert_eq!(wanted(Some("bytes=-500"), 100), Wanted::Part(0..100));
        assert_eq!(wanted(Some("bytes=99-99"), 100), Wanted::Part(99..100));
    }

    #[test]
    fn ranges_beyond_the_file_are_unsatisfiable() {
        assert_eq!(wanted(Some("bytes=100-"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=100-200"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=-0"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=0-"), 0), Wanted::Unsatisfiable);
    }

    #[test]
    fn other_ranges_are_ignored() {
        assert_eq!(wanted(None, 100), Wanted::All);
        assert_eq!(wanted(Some("bytes=0-1,5-6"), 100), Wanted::All);
        assert_eq!(wanted(Some("bytes=5-1"), 100), Wanted::All);
        assert_eq!(wanted(Some("items=0-1"), 100), Wanted::All);
        assert_eq!(wanted(Some("bytes=x-1"), 100), Wanted::All);
        assert_eq!(wanted(Some("bytes=-"), 100), Wanted::All);
    }

    #[test]
    fn the_file_name_is_offered_in_ascii_and_in_utf_8() {
        let name = FileName::sanitise("Übersicht März.pdf");
        assert_eq!(
            disposition(&name, false),
            "attachment; filename=\"_bersicht M_rz.pdf\"; filename*=UTF-8''%C3%9Cbersicht%20M%C3%A4rz.pdf"
        );
        assert!(disposition(&FileName::sanitise("a.png"), true).starts_with("inline; "));
    }

    #[test]
    fn if_none_match_matches_strong_weak_and_any() {
        let etag = "\"abc\"";
        let headers = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
            headers
        };
        assert!(not_modified(&headers("\"abc\""), etag));
        assert!(not_modified(&headers("W/\"abc\""), etag));
        assert!(not_modified(&headers("\"x\", \"abc\""), etag));
        assert!(not_modified(&headers("*"), etag));
        assert!(!not_modified(&headers("\"abd\""), etag));
        assert!(!not_modified(&HeaderMap::new(), etag));
    }
}
