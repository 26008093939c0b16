//! The public room directory: group rooms anyone may join, found by name, so that joining a
//! room does not need its id passed around.
//!
//! A name search is a case-insensitive substring match. Without a trigram index it scans the
//! public rooms (the partial index keeps the unfiltered listing, most members first, cheap);
//! full-text search over rooms and messages is a later step.

use chat_domain::UserId;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

/// One public room, as the directory shows it.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = DirectoryRoom)]
pub struct DirectoryRoom {
    pub room_id: Uuid,
    pub name: String,
    /// `null`: none.
    #[schema(required = true)]
    pub topic: Option<String>,
    pub member_count: i32,
    pub last_activity_at: DateTime<Utc>,
    /// Whether the caller is a member already.
    pub joined: bool,
}

/// Up to `limit` public rooms whose name contains `search` (any case; all of them when
/// `None`), most members first, then most recently active.
pub async fn public_rooms(
    pool: &PgPool,
    viewer: UserId,
    search: Option<&str>,
    limit: i64,
) -> Result<Vec<DirectoryRoom>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.room_id, r.name, r.topic, r.member_count, r.last_activity_at,
                EXISTS (SELECT 1 FROM room_members m WHERE m.room_id = r.room_id AND m.user_id = $1) AS joined
         FROM rooms r
         WHERE r.visibility = 'public' AND r.name IS NOT NULL AND r.deleted_at IS NULL
           AND ($2::text IS NULL OR r.name ILIKE '%' || $2 || '%' ESCAPE '\\')
         ORDER BY r.member_count DESC, r.last_activity_at DESC, r.room_id
         LIMIT $3",
    )
    .bind(viewer.as_uuid())
    .bind(search.map(like_literal))
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// `text` as a literal inside a `LIKE` pattern (escape character `\`).
pub(crate) fn like_literal(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::like_literal;

    #[test]
    fn like_wildcards_in_a_search_match_themselves() {
        assert_eq!(like_literal("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(like_literal("général"), "général");
    }
}
