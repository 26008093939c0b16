//! `GET /v1/search` (messages of the caller's rooms, full text) and `GET /v1/users/search` (the
//! user directory, by prefix), both rate limited per user (one budget for the two).
//!
//! The query string is parsed here into valid values (text rules, dates, cursor), so that a bad
//! search is `400 invalid_query` before any database query but the account check.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use chat_domain::{RoomId, UserId};
use chat_projections::projectors::SearchableKind;
use chat_projections::queries::search::{self, Search, SearchCursor, SearchFilters, SearchHit, SearchOrder};
use chat_projections::queries::users::{self, UserIdentity};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::callers::Reader;
use super::error::ErrorBody;
use super::rooms::PageLimit;
use super::{ApiError, AppState};
use crate::limits::Limits;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search_messages)).routes(routes!(search_users))
}

/// Longest message search accepted, in characters.
const MAX_SEARCH_CHARS: usize = 200;
/// Longest user directory prefix accepted: a display name's own limit.
const MAX_PREFIX_CHARS: usize = 64;

/// A search's text: trimmed, 1 to `MAX` characters, no control characters, and for a message
/// search at least one word to find: a letter or digit outside an exclusion (`-word`).
/// Punctuation alone has no words to search for, and exclusions alone would match nearly every
/// message with no index to narrow them.
struct Text<const MAX: usize, const WORDS: bool>(String);

impl<'de, const MAX: usize, const WORDS: bool> Deserialize<'de> for Text<MAX, WORDS> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let text = text.trim();
        let refuse = |why: String| Err(serde::de::Error::custom(why));
        if text.is_empty() {
            return refuse("q must not be empty".to_owned());
        }
        if text.chars().count() > MAX {
            return refuse(format!("q is longer than {MAX} characters"));
        }
        if text.chars().any(char::is_control) {
            return refuse("q must not contain control characters".to_owned());
        }
        if WORDS
            && !text.split_whitespace().any(|word| !word.starts_with('-') && word.chars().any(char::is_alphanumeric))
        {
            return refuse("q has no word to search for (only excluded ones)".to_owned());
        }
        Ok(Self(text.to_owned()))
    }
}

/// A time (RFC 3339) that PostgreSQL can hold: chrono parses years back to 262143 BC,
/// `timestamptz` starts in 4714 BC.
#[derive(Clone, Copy)]
struct Time(DateTime<Utc>);

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let time = DateTime::<Utc>::deserialize(deserializer)?;
        match time.timestamp_micros() >= EARLIEST_TIMESTAMP_MICROS {
            true => Ok(Self(time)),
            false => Err(serde::de::Error::custom("times before 4713 BC are not supported")),
        }
    }
}

/// The earliest `timestamptz` (4714-11-24 BC) in microseconds since 1970.
const EARLIEST_TIMESTAMP_MICROS: i64 = -210_866_803_200_000_000;

/// A search cursor, checked while the query string is parsed.
struct Cursor(SearchCursor);

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map(Cursor).map_err(serde::de::Error::custom)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchParams {
    q: Text<MAX_SEARCH_CHARS, true>,
    room_id: Option<RoomId>,
    author_id: Option<UserId>,
    before: Option<Time>,
    after: Option<Time>,
    has_attachment: Option<bool>,
    kind: Option<SearchableKind>,
    order: Option<SearchOrder>,
    limit: Option<PageLimit>,
    cursor: Option<Cursor>,
}

impl SearchParams {
    /// The search these parameters ask for; refuses the combinations no single one shows.
    fn search(&self, viewer: UserId) -> Result<Search<'_>, ApiError> {
        let (after, before) = (self.after.map(|Time(time)| time), self.before.map(|Time(time)| time));
        if let (Some(after), Some(before)) = (after, before)
            && after >= before
        {
            return Err(ApiError::InvalidQuery("after must be earlier than before".to_owned()));
        }
        let order = self.order.unwrap_or_default();
        let cursor = self.cursor.as_ref().map(|Cursor(cursor)| *cursor);
        if cursor.is_some_and(|cursor| cursor.order() != order) {
            return Err(ApiError::InvalidQuery("cursor: it belongs to a search in another order".to_owned()));
        }
        let filters = SearchFilters {
            room: self.room_id,
            author: self.author_id,
            before,
            after,
            has_attachments: self.has_attachment,
            kind: self.kind,
        };
        let limit = PageLimit::or(self.limit, 20, 50);
        Ok(Search { viewer, text: &self.q.0, filters, order, cursor, limit })
    }
}

/// A page of search results.
#[derive(Serialize, utoipa::ToSchema)]
struct SearchResults {
    /// In the order asked for.
    results: Vec<SearchHit>,
    /// Pass as `cursor`, with the same other parameters, for the next page; `None` on the last.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// Full-text search over the messages of the rooms the caller is a member of now (docs/api.md
/// §4.6): words, `"phrases"`, `-excluded`, `or`; accents and case do not matter, English words
/// match their other forms.
#[utoipa::path(get, path = "/v1/search", operation_id = "search_messages", tag = "messages",
    params(
        ("q" = String, Query, min_length = 1, max_length = 200, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$", description = "What to search for (web-search syntax)"),
        ("room_id" = Option<uuid::Uuid>, Query, description = "Only this room's messages"),
        ("author_id" = Option<uuid::Uuid>, Query, description = "Only this user's messages"),
        ("before" = Option<DateTime<Utc>>, Query, description = "Posted before this time (RFC 3339)"),
        ("after" = Option<DateTime<Utc>>, Query, description = "Posted at or after this time (RFC 3339)"),
        ("has_attachment" = Option<bool>, Query, description = "Only messages with (`true`) or without (`false`) attachments"),
        ("kind" = inline(Option<SearchableKind>), Query, description = "Only messages of this kind"),
        ("order" = inline(Option<SearchOrder>), Query, description = "`relevance` (default; ranks the newest 10,000 matches) or `recent` (all matches, newest first)"),
        ("limit" = Option<i64>, Query, minimum = 1, description = "Page size; default 20, capped at 50"),
        ("cursor" = Option<String>, Query, description = "The previous page's `next_cursor`"),
    ),
    responses(
        (status = 200, description = "A page of matching messages", body = SearchResults),
        (status = 429, description = "`rate_limited` (searches per user)", body = ErrorBody,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    ))]
async fn search_messages(
    State(pool): State<PgPool>,
    State(limits): State<Arc<Limits>>,
    reader: Reader<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    limits.search(reader.user)?;
    let page = search::search(&pool, &reader.query.search(reader.user)?).await?;
    let next_cursor = page.next.map(|cursor| cursor.to_string());
    Ok(Json(SearchResults { results: page.hits, next_cursor }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectoryParams {
    q: Text<MAX_PREFIX_CHARS, false>,
    limit: Option<PageLimit>,
}

/// What the user directory found.
#[derive(Serialize, utoipa::ToSchema)]
struct DirectoryResults {
    users: Vec<UserIdentity>,
}

/// The user directory, to add people (docs/api.md §2.9): users whose username, or a word of
/// whose display name, starts with `q` (any case, accents ignored), among those who share a
/// room with the caller. Others are found by their exact username only (`GET /v1/users`).
#[utoipa::path(get, path = "/v1/users/search", operation_id = "search_users", tag = "accounts",
    params(
        ("q" = String, Query, min_length = 1, max_length = 64, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$", description = "The beginning of a username or of a word of a display name"),
        ("limit" = Option<i64>, Query, minimum = 1, description = "How many; default 10, capped at 20"),
    ),
    responses(
        (status = 200, description = "Matching users, an exact username first", body = DirectoryResults),
        (status = 429, description = "`rate_limited` (searches per user)", body = ErrorBody,
            headers(("retry-after" = u64, description = "Seconds to wait"))),
    ))]
async fn search_users(
    State(pool): State<PgPool>,
    State(limits): State<Arc<Limits>>,
    reader: Reader<DirectoryParams>,
) -> Result<Json<DirectoryResults>, ApiError> {
    limits.search(reader.user)?;
    let limit = PageLimit::or(reader.query.limit, 10, 20);
    Ok(Json(DirectoryResults { users: users::directory(&pool, reader.user, &reader.query.q.0, limit).await? }))
}
