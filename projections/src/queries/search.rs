//! Full-text search over the messages of the rooms the caller is a member of now (the history
//! rule: a member reads a room's whole history, a former member none of it). The index and
//! the choices behind it (text-search configurations, ranking, snippets) are described on the
//! `search` projector (`crate::projectors::search`).
//!
//! Paging is by keyset: a page ends with the sort key of its last hit, and the next page starts
//! strictly after it, so hits inserted meanwhile never shift a page (no duplicates, no gaps
//! among the rows that existed throughout). A hit whose rank changes between pages (its message
//! was edited) may be seen twice or not at all; no other may.

use std::fmt;
use std::str::FromStr;

use chat_domain::{MessageId, RoomId, UserId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::projectors::SearchableKind;

/// Marks the start and end of a match in `ts_headline`'s output: control characters, which no
/// message body contains (`MessageBody` refuses them), so they cannot be forged by a message.
const MATCH_START: char = '\u{2}';
const MATCH_END: char = '\u{3}';

/// `order=relevance` ranks the newest this many matches (after the filters): ranking every
/// match of a word in half of a million messages took seconds, the newest 10,000 about 50 ms.
/// Older matches are found newest first (`order=recent`) or with `before`.
pub const RANKED_MATCHES: i64 = 10_000;

/// A message up to this long is its own snippet, whole; a longer one is cut to the fragments
/// around its matches.
const WHOLE_TEXT_CHARS: i32 = 280;

/// How hits are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = SearchOrder)]
pub enum SearchOrder {
    /// Best match first (`ts_rank_cd`), then newest first.
    #[default]
    Relevance,
    /// Newest first.
    Recent,
}

/// Where the previous page ended: its last hit's sort key.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SearchCursor {
    Relevance { rank: f32, created_at: DateTime<Utc>, message_id: MessageId },
    Recent { created_at: DateTime<Utc>, message_id: MessageId },
}

impl SearchCursor {
    pub fn order(&self) -> SearchOrder {
        match self {
            SearchCursor::Relevance { .. } => SearchOrder::Relevance,
            SearchCursor::Recent { .. } => SearchOrder::Recent,
        }
    }
}

/// Opaque to clients: `r.<rank's bits>.<µs>.<id>` or `t.<µs>.<id>`, plain ASCII, safe in a URL.
impl fmt::Display for SearchCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchCursor::Relevance { rank, created_at, message_id } => write!(
                f,
                "r.{:08x}.{}.{}",
                rank.to_bits(),
                created_at.timestamp_micros(),
                message_id.as_uuid().simple()
            ),
            SearchCursor::Recent { created_at, message_id } => {
                write!(f, "t.{}.{}", created_at.timestamp_micros(), message_id.as_uuid().simple())
            }
        }
    }
}

impl FromStr for SearchCursor {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = "not a search cursor";
        let mut parts = s.split('.');
        let order = parts.next().ok_or(invalid)?;
        let rank = match order {
            "r" => {
                let bits = parts.next().filter(|bits| bits.len() == 8).ok_or(invalid)?;
                let rank = u32::from_str_radix(bits, 16).map(f32::from_bits).map_err(|_| invalid)?;
                if !(rank.is_finite() && rank >= 0.0) {
                    return Err(invalid);
                }
                Some(rank)
            }
            "t" => None,
            _ => return Err(invalid),
        };
        let created_at = parts
            .next()
            .and_then(|micros| micros.parse::<i64>().ok())
            .filter(|&micros| micros >= EARLIEST_TIMESTAMP_MICROS)
            .and_then(DateTime::from_timestamp_micros)
            .ok_or(invalid)?;
        let message_id = parts
            .next()
            .filter(|id| id.len() == 32)
            .and_then(|id| Uuid::try_parse(id).ok())
            .map(MessageId::from_uuid)
            .ok_or(invalid)?;
        if parts.next().is_some() {
            return Err(invalid);
        }
        Ok(match rank {
            Some(rank) => SearchCursor::Relevance { rank, created_at, message_id },
            None => SearchCursor::Recent { created_at, message_id },
        })
    }
}

/// The earliest `timestamptz` Postgres holds (4714-11-24 BC), in microseconds since 1970.
const EARLIEST_TIMESTAMP_MICROS: i64 = -210_866_803_200_000_000;

/// Which messages qualify, besides matching the text.
#[derive(Clone, Debug, Default)]
pub struct SearchFilters {
    pub room: Option<RoomId>,
    pub author: Option<UserId>,
    /// Posted before this time (exclusive).
    pub before: Option<DateTime<Utc>>,
    /// Posted at or after this time.
    pub after: Option<DateTime<Utc>>,
    pub has_attachments: Option<bool>,
    pub kind: Option<SearchableKind>,
}

/// A search, valid by construction (the edge checks the text and the limit).
#[derive(Clone, Debug)]
pub struct Search<'a> {
    pub viewer: UserId,
    /// Web-search syntax: words, `"quoted phrases"`, `-excluded`, `or`.
    pub text: &'a str,
    pub filters: SearchFilters,
    pub order: SearchOrder,
    /// Continue after this place (a previous page's `next`); its order must be `order`.
    pub cursor: Option<SearchCursor>,
    pub limit: i64,
}

/// One message found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = SearchHit)]
pub struct SearchHit {
    pub message_id: Uuid,
    pub room_id: Uuid,
    /// The room's name; `None` for direct rooms and support conversations, which have none.
    #[schema(required = true)]
    pub room_name: Option<String>,
    pub seq: i64,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
    #[schema(required = true)]
    pub edited_at: Option<DateTime<Utc>>,
    pub kind: SearchableKind,
    pub has_attachments: bool,
    /// Where the message matches: HTML-escaped text (`&amp;`, `&lt;`, `&gt;`, `&quot;`,
    /// `&#39;`) whose only tags are `<mark>` and `</mark>` around the matching words; fragments
    /// of a long message are joined by ` … `.
    pub snippet: String,
}

/// A page of hits and where the next one starts (`None` at the end).
#[derive(Debug)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub next: Option<SearchCursor>,
}

#[derive(sqlx::FromRow)]
struct Row {
    message_id: Uuid,
    room_id: Uuid,
    room_name: Option<String>,
    seq: i64,
    author_id: Uuid,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
    kind: String,
    has_attachments: bool,
    rank: f32,
    headline: String,
}

/// The hits matching `search`, one page of them.
pub async fn search(pool: &PgPool, search: &Search<'_>) -> Result<SearchPage, sqlx::Error> {
    let (order, after_cursor) = match search.order {
        SearchOrder::Relevance => {
            ("rank DESC, created_at DESC, message_id DESC", "(rank, created_at, message_id) < ($12, $13, $14)")
        }
        SearchOrder::Recent => ("created_at DESC, message_id DESC", "(created_at, message_id) < ($13, $14)"),
    };
    // The query's text is parsed in the statement itself (not in a CTE) and every search is
    // planned with its text (an unnamed statement): the planner then knows from the index's
    // statistics how common the words are, and walks `search_messages_recent` from the newest
    // message for a common one instead of collecting and sorting every match.
    let query = "(websearch_to_tsquery('public.chat_simple', $2) || websearch_to_tsquery('public.chat_english', $2))";
    let (window, rank) = match search.order {
        SearchOrder::Relevance => (
            format!("ORDER BY s.created_at DESC, s.message_id DESC LIMIT {RANKED_MATCHES}"),
            format!("ts_rank_cd(document, {query})"),
        ),
        SearchOrder::Recent => (String::new(), "0::real".to_owned()),
    };
    let (cursor_rank, cursor_at, cursor_id) = match search.cursor {
        None => (None, None, None),
        Some(SearchCursor::Relevance { rank, created_at, message_id }) => {
            (Some(rank), Some(created_at), Some(message_id.as_uuid()))
        }
        Some(SearchCursor::Recent { created_at, message_id }) => (None, Some(created_at), Some(message_id.as_uuid())),
    };
    // The headlines are made for the page's rows only, after the limit.
    let statement = format!(
        "WITH matches AS (
             SELECT s.message_id, s.room_id, s.seq, s.author_id, s.kind, s.has_attachments, s.created_at, s.edited_at,
                    s.body, s.document
             FROM search_messages s
             JOIN room_members m ON m.room_id = s.room_id AND m.user_id = $1
             WHERE s.document @@ {query}
               AND ($3::uuid IS NULL OR s.room_id = $3)
               AND ($4::uuid IS NULL OR s.author_id = $4)
               AND ($5::timestamptz IS NULL OR s.created_at < $5)
               AND ($6::timestamptz IS NULL OR s.created_at >= $6)
               AND ($7::bool IS NULL OR s.has_attachments = $7)
               AND ($8::text IS NULL OR s.kind = $8)
             {window}
         ), hits AS (
             SELECT message_id, room_id, seq, author_id, kind, has_attachments, created_at, edited_at, body,
                    {rank} AS rank
             FROM matches
         ), page AS (
             SELECT * FROM hits
             WHERE $13::timestamptz IS NULL OR {after_cursor}
             ORDER BY {order}
             LIMIT $9
         )
         SELECT p.message_id, p.room_id, r.name AS room_name, p.seq, p.author_id, p.created_at, p.edited_at, p.kind,
                p.has_attachments, p.rank,
                ts_headline('public.chat_english', public.chat_search_markup(p.body), {query},
                            CASE WHEN length(p.body) <= $11 THEN $15 ELSE $10 END)
                    AS headline
         FROM page p LEFT JOIN rooms r ON r.room_id = p.room_id
         ORDER BY {order}"
    );
    let fragments = format!(
        "StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, \
         FragmentDelimiter=\" … \""
    );
    let whole = format!("StartSel={MATCH_START}, StopSel={MATCH_END}, HighlightAll=true");
    let mut rows: Vec<Row> = sqlx::query_as(&statement)
        .persistent(false)
        .bind(search.viewer.as_uuid())
        .bind(search.text)
        .bind(search.filters.room.map(|room| room.as_uuid()))
        .bind(search.filters.author.map(|author| author.as_uuid()))
        .bind(search.filters.before)
        .bind(search.filters.after)
        .bind(search.filters.has_attachments)
        .bind(search.filters.kind.map(SearchableKind::as_str))
        .bind(search.limit.saturating_add(1))
        .bind(fragments)
        .bind(WHOLE_TEXT_CHARS)
        .bind(cursor_rank)
        .bind(cursor_at)
        .bind(cursor_id)
        .bind(whole)
        .fetch_all(pool)
        .await?;
    let more = rows.len() as i64 > search.limit;
    rows.truncate(usize::try_from(search.limit).unwrap_or(0));
    let next = match rows.last() {
        Some(last) if more => Some(cursor_of(search.order, last)),
        _ => None,
    };
    let hits = rows.into_iter().map(hit).collect::<Result<_, _>>()?;
    Ok(SearchPage { hits, next })
}

fn cursor_of(order: SearchOrder, row: &Row) -> SearchCursor {
    let message_id = MessageId::from_uuid(row.message_id);
    match order {
        SearchOrder::Relevance => SearchCursor::Relevance { rank: row.rank, created_at: row.created_at, message_id },
        SearchOrder::Recent => SearchCursor::Recent { created_at: row.created_at, message_id },
    }
}

fn hit(row: Row) -> Result<SearchHit, sqlx::Error> {
    let kind = match row.kind.as_str() {
        "text" => SearchableKind::Text,
        "image" => SearchableKind::Image,
        "file" => SearchableKind::File,
        other => return Err(sqlx::Error::Decode(format!("unknown message kind {other:?} in search_messages").into())),
    };
    Ok(SearchHit {
        message_id: row.message_id,
        room_id: row.room_id,
        room_name: row.room_name,
        seq: row.seq,
        author_id: row.author_id,
        created_at: row.created_at,
        edited_at: row.edited_at,
        kind,
        has_attachments: row.has_attachments,
        snippet: snippet(&row.headline),
    })
}

/// A headline of the escaped text with the match markers as `<mark>` tags, always balanced.
fn snippet(headline: &str) -> String {
    let mut snippet = String::with_capacity(headline.len() + 32);
    let mut open = false;
    for c in headline.chars() {
        match c {
            MATCH_START if !open => {
                snippet.push_str("<mark>");
                open = true;
            }
            MATCH_END if open => {
                snippet.push_str("</mark>");
                open = false;
            }
            MATCH_START | MATCH_END => {}
            c => snippet.push(c),
        }
    }
    if open {
        snippet.push_str("</mark>");
    }
    snippet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_what_they_wrote_and_refuse_anything_else() {
        let created_at = DateTime::from_timestamp_micros(1_765_000_000_123_456).unwrap();
        let message_id = MessageId::from_uuid(Uuid::from_u128(0x0193_a1b2_7c3d_7e4f_8a9b_0c1d_2e3f_4a5b));
        for cursor in [
            SearchCursor::Relevance { rank: 0.1, created_at, message_id },
            SearchCursor::Relevance { rank: 0.0, created_at, message_id },
            SearchCursor::Recent { created_at, message_id },
        ] {
            assert_eq!(cursor.to_string().parse::<SearchCursor>(), Ok(cursor), "{cursor}");
        }
        let good = SearchCursor::Recent { created_at, message_id }.to_string();
        for bad in [
            "",
            "t",
            "x.1.0193a1b27c3d7e4f8a9b0c1d2e3f4a5b",
            "t.1.0193a1b2",
            "t.abc.0193a1b27c3d7e4f8a9b0c1d2e3f4a5b",
            "r.7fc00000.1.0193a1b27c3d7e4f8a9b0c1d2e3f4a5b",
            "r.bf800000.1.0193a1b27c3d7e4f8a9b0c1d2e3f4a5b",
            "r.1.1.0193a1b27c3d7e4f8a9b0c1d2e3f4a5b",
            "t.-999999999999999999.0193a1b27c3d7e4f8a9b0c1d2e3f4a5b",
            &format!("{good}.x"),
        ] {
            assert!(bad.parse::<SearchCursor>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn match_markers_become_balanced_mark_tags_and_nothing_else_is_markup() {
        assert_eq!(snippet("say \u{2}hello\u{3} &lt;b&gt;"), "say <mark>hello</mark> &lt;b&gt;");
        assert_eq!(snippet("\u{2}a\u{2}b\u{3}\u{3} \u{2}c"), "<mark>ab</mark> <mark>c</mark>");
        assert_eq!(snippet("plain"), "plain");
    }
}
