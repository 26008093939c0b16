//! An erased user's personal data out of the read models, in the erasure's transaction.
//!
//! The projectors would get there by themselves once they read the redacted events (a post
//! with a `null` body stores a `null` body; `UserErased` deletes the profile), but only for
//! events they have not applied yet. This does the same to what they already wrote, so that
//! the tables equal a replay of the redacted history the moment the erasure commits:
//! - `users`, `presence`: the user's rows deleted;
//! - `messages`: the bodies of the user's messages set to `NULL`;
//! - `message_attachments`: the file names of the user's attachments set to `NULL`;
//! - `rooms`: a last-message preview of theirs set to `NULL`;
//! - `support_conversations`: a visitor's context (page, referrer, language, browser) set to
//!   `NULL`;
//! - `search_messages`: the user's messages taken out of the search index.
//!
//! Every copy of those tables is reached: the live ones in `public`, a rebuild's shadow in
//! `rebuild_*` (so a rebuild in progress cannot swap the text back in) and analysts' replay
//! schemas (marked `chat replay…`, see `crate::history::replay`).
//!
//! The caller must keep the `users`, `rooms`, `support` and `search` feeds out while this runs
//! (`lease::exclude_batches`), or a batch in flight could write a body back after it.

use chat_domain::UserId;
use sqlx::PgConnection;

/// What was taken out of the read models.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RedactedRows {
    /// Schemas that held a copy of a read model (`public` first); the counts are `public`'s.
    pub schemas: Vec<String>,
    /// Profile and presence rows deleted, and visitor contexts cleared.
    pub profiles: u64,
    /// Message bodies set to `NULL`.
    pub messages: u64,
    /// Last-message previews set to `NULL`.
    pub previews: u64,
    /// Attachment file names set to `NULL`.
    pub attachment_names: u64,
    /// Messages taken out of the search index.
    pub search_entries: u64,
}

/// Each statement, the table it needs, and which count it adds to.
const STATEMENTS: &[(&str, &str, Count)] = &[
    ("users", "DELETE FROM {schema}.users WHERE user_id = $1", Count::Profiles),
    ("presence", "DELETE FROM {schema}.presence WHERE user_id = $1", Count::Profiles),
    ("messages", "UPDATE {schema}.messages SET body = NULL WHERE author_id = $1 AND body IS NOT NULL", Count::Messages),
    (
        "message_attachments",
        "UPDATE {schema}.message_attachments SET name = NULL WHERE author_id = $1 AND name IS NOT NULL",
        Count::AttachmentNames,
    ),
    (
        "rooms",
        "UPDATE {schema}.rooms SET last_message_preview = NULL
         WHERE last_message_author = $1 AND last_message_preview IS NOT NULL",
        Count::Previews,
    ),
    (
        "support_conversations",
        "UPDATE {schema}.support_conversations SET page_url = NULL, referrer = NULL, language = NULL, user_agent = NULL
         WHERE visitor_id = $1
           AND (page_url IS NOT NULL OR referrer IS NOT NULL OR language IS NOT NULL OR user_agent IS NOT NULL)",
        Count::Profiles,
    ),
    ("search_messages", "DELETE FROM {schema}.search_messages WHERE author_id = $1", Count::SearchEntries),
];

#[derive(Clone, Copy)]
enum Count {
    Profiles,
    Messages,
    Previews,
    AttachmentNames,
    SearchEntries,
}

/// Redacts `user`'s personal data in every copy of the read models.
pub async fn redact_read_models(conn: &mut PgConnection, user: UserId) -> Result<RedactedRows, sqlx::Error> {
    let tables: Vec<&str> = STATEMENTS.iter().map(|(table, _, _)| *table).collect();
    let copies: Vec<(String, String)> = sqlx::query_as(
        "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND c.relname = ANY($1)
           AND (n.nspname = 'public' OR n.nspname LIKE 'rebuild\\_%'
                OR obj_description(n.oid, 'pg_namespace') LIKE 'chat replay%')
         ORDER BY n.nspname <> 'public', n.nspname",
    )
    .bind(&tables)
    .fetch_all(&mut *conn)
    .await?;
    let mut redacted = RedactedRows::default();
    for (schema, _) in &copies {
        if !redacted.schemas.contains(schema) {
            redacted.schemas.push(schema.clone());
        }
    }
    for (table, statement, count) in STATEMENTS {
        for (schema, _) in copies.iter().filter(|(_, name)| name == table) {
            // Schema names come from the catalog and were checked when created; quote anyway.
            let sql = statement.replace("{schema}", &format!("\"{}\"", schema.replace('"', "\"\"")));
            let rows = sqlx::query(&sql).bind(user.as_uuid()).execute(&mut *conn).await?.rows_affected();
            let counter = match count {
                Count::Profiles => &mut redacted.profiles,
                Count::Messages => &mut redacted.messages,
                Count::Previews => &mut redacted.previews,
                Count::AttachmentNames => &mut redacted.attachment_names,
                Count::SearchEntries => &mut redacted.search_entries,
            };
            if schema == "public" {
                *counter += rows;
            }
        }
    }
    Ok(redacted)
}
