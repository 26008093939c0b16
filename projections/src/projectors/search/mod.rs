//! `search`: the full-text index of messages (`search_messages`), read by
//! [`crate::queries::search`] for `GET /v1/search`.
//!
//! A projector of its own, so that the index is kept, rebuilt (`chat projections rebuild
//! search`), replayed and erased like every read model: a post inserts a row, an edit replaces
//! its text (the old text is found no more), a delete removes the row, and a post or edit whose
//! text an erasure redacted is never indexed (the erasure itself deletes the author's rows, see
//! [`crate::erasure`]). A page of the feed is applied set-wise ([`changes`]): at most one
//! insert, one update and one delete per page, whatever its size.
//!
//! # Text search in PostgreSQL
//! Each row's `document` is a stored generated column (see the migration `…_search.sql`) made
//! of two vectors of the message's text:
//! - `chat_simple` (weight `A`): every word as written, lower-cased and without accents, no
//!   stemming and no stop words. Any language that separates words with spaces finds its exact
//!   words (`creme` finds "Crème", `strasse` finds "Straße", `the` finds "The Who").
//! - `chat_english` (weight `B`): English stems, accents removed, English stop words dropped
//!   (`running` finds "runs").
//!
//! A query is parsed by `websearch_to_tsquery` with both configurations and the two are OR-ed:
//! quoted phrases, `-word` and `or` work as on web search engines. Other languages than English
//! get exact-word matches but no stemming (a German `Häuser` does not find `Haus`); one more
//! stemmed vector per language would, at the cost of index size. **Scripts without spaces
//! (Chinese, Japanese, Thai) fare badly**: the parser takes a whole run of such characters for
//! one word, so only a search for the whole run finds it. A trigram index (`pg_trgm`, installed
//! for the user directory) could serve substring matches for them; a dedicated engine with
//! language-aware tokenizers serves them properly (below).
//!
//! The parser reads the text HTML-escaped (`chat_search_markup`): messages are plain text, and
//! unescaped the parser would take `<b>` for a tag, leave it out and blank it in snippets.
//!
//! Ranking (`order=relevance`) is `ts_rank_cd` (cover density: matches close together rank
//! higher; exact words weigh more than stems, by the weights above), ties broken by recency;
//! `order=recent` is newest first. Snippets are `ts_headline` over the same escaped text,
//! with control characters as match markers (message bodies cannot contain them) turned into
//! `<mark>` by the query: escaped HTML whose only tags are `<mark>`.
//!
//! Membership is not in the index: a search joins the `rooms` projector's `room_members`, so
//! that it follows the history rule (current members read the whole history; leaving loses it,
//! coming back regains it) at the moment of the search, with nothing to re-index.
//!
//! # Replacing the index with a dedicated engine
//! For deployments that outgrow PostgreSQL (OpenSearch, Meilisearch, Tantivy), the projector
//! is the seam: it turns a page into per-message changes (new, changed, gone) before it
//! touches any table, and those are exactly an engine's bulk upserts and deletes by message
//! id. What it would take:
//! - a sink that sends [`changes`]' output as one bulk request per page. The engine is outside
//!   the feed transaction, so effects become at-least-once: upserts and deletes keyed by
//!   `message_id` are idempotent, and the sink records the checkpoint only after the engine
//!   acknowledged (and waits for the engine's refresh if reads must see it at once);
//! - rebuild as a new engine index filled from the feed and swapped in by alias (the engine's
//!   counterpart of the shadow schema), replay likewise into a named index;
//! - erasure deleting by `author_id` in the engine too (delete-by-query) and fencing the
//!   `search` feed as now; the engine's own snapshots and replicas are then copies SECURITY.md
//!   must name;
//! - the query: room ids of the caller's current memberships (from `room_members`, a few
//!   hundred ids at most per user) as a terms filter, plus the other filters; cursors become
//!   the engine's `search_after` values; snippets the engine's highlighter with pre/post tags
//!   that are escaped the same way;
//! - per-language analysis (stemming per language, CJK tokenizers), which is most of why one
//!   would switch.
//!
//! The API (`GET /v1/search`, its cursor, its snippet format) would not change.

mod changes;
mod kind;

pub use kind::SearchableKind;

use chat_domain::room::{Room, RoomEvent};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use super::ProjectionError;
use changes::{Changes, PostedAt};
use chat_feed::{FeedSink, StoredEvent};

/// Each row is one message, written only by its room's events: rebuilt in lanes by room
/// ([`crate::rebuild::rebuild_in_lanes`]).
#[derive(Clone)]
pub struct SearchProjector;

impl SearchProjector {
    pub const NAME: &'static str = "search";
    pub const TABLES: &'static [&'static str] = &["search_messages"];
}

/// The room events this projector reads (the others it skips undecoded).
const SEARCH_EVENTS: [&str; 3] = ["MessagePosted", "MessageEdited", "MessageDeleted"];

impl FeedSink for SearchProjector {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        let mut changes = Changes::default();
        let relevant =
            events.iter().filter(|e| e.aggregate_type == Room::TYPE && SEARCH_EVENTS.contains(&e.event_type.as_str()));
        for event in relevant {
            match event.decode::<RoomEvent>()? {
                RoomEvent::MessagePosted { message_id, author, body, attachments, .. } => {
                    let room = event.id::<chat_domain::RoomId>()?.as_uuid();
                    let posted =
                        PostedAt { room, seq: event.sequence, author: author.as_uuid(), at: event.recorded_at };
                    changes.posted(message_id.as_uuid(), posted, kind::indexed(body, &attachments));
                }
                RoomEvent::MessageEdited { message_id, body, .. } => {
                    let body = body.into_present().map(chat_domain::text::MessageBody::into_string);
                    changes.edited(message_id.as_uuid(), body, event.recorded_at);
                }
                RoomEvent::MessageDeleted { message_id, .. } => changes.gone(message_id.as_uuid()),
                // Not among SEARCH_EVENTS.
                _ => {}
            }
        }
        changes.apply(conn).await?;
        Ok(())
    }
}
