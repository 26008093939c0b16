//! Users' public profiles and presence.

use chat_domain::UserId;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = User)]
pub struct UserView {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub registered_at: DateTime<Utc>,
    /// `online`, `away` or `offline`.
    #[schema(value_type = chat_domain::presence::PresenceStatus)]
    pub presence: String,
    /// Since when the presence holds (for `offline`: last seen); `None` if never seen.
    #[schema(required = true)]
    pub presence_since: Option<DateTime<Utc>>,
}

pub async fn get(pool: &PgPool, user: UserId) -> Result<Option<UserView>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.user_id, u.username, u.display_name, u.registered_at,
                COALESCE(p.status, 'offline') AS presence, p.since AS presence_since
         FROM users u LEFT JOIN presence p ON p.user_id = u.user_id
         WHERE u.user_id = $1",
    )
    .bind(user.as_uuid())
    .fetch_optional(pool)
    .await
}

/// A user as anyone may find them: who they are, not how they are (no presence, which only
/// those who share a room with them see).
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct UserIdentity {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
}

/// The user with exactly this (normalised) username, if any; never a website's visitor.
pub async fn by_username(pool: &PgPool, username: &str) -> Result<Option<UserIdentity>, sqlx::Error> {
    sqlx::query_as("SELECT user_id, username, display_name FROM users WHERE username = $1 AND website_id IS NULL")
        .bind(username)
        .fetch_optional(pool)
        .await
}

/// Up to `limit` users whose username starts with `prefix`, or one of whose display name's
/// words does (any case, accents ignored), among those who share a room with `viewer` (never
/// `viewer`, never a website's visitor): the user directory for adding people. An exact
/// username first, then by username. `prefix` is matched literally (`%` and `_` are plain).
pub async fn directory(
    pool: &PgPool,
    viewer: UserId,
    prefix: &str,
    limit: i64,
) -> Result<Vec<UserIdentity>, sqlx::Error> {
    sqlx::query_as(
        "WITH pattern AS (SELECT public.chat_fold($2) AS folded)
         SELECT u.user_id, u.username, u.display_name
         FROM users u, pattern
         WHERE u.website_id IS NULL AND u.user_id <> $1
           AND (u.username LIKE pattern.folded || '%' ESCAPE '\\'
                OR public.chat_fold(u.display_name) LIKE pattern.folded || '%' ESCAPE '\\'
                OR public.chat_fold(u.display_name) LIKE '% ' || pattern.folded || '%' ESCAPE '\\')
           AND EXISTS (SELECT 1 FROM room_members theirs
                       JOIN room_members mine ON mine.room_id = theirs.room_id AND mine.user_id = $1
                       WHERE theirs.user_id = u.user_id)
         ORDER BY u.username = pattern.folded DESC, u.username
         LIMIT $3",
    )
    .bind(viewer.as_uuid())
    .bind(super::directory::like_literal(prefix))
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// `user`'s profile as `viewer` may see it (docs/api.md §2.7): a user's name for anyone signed
/// in, a website visitor's only for those who share a room with them; presence only their own,
/// a contact's, or a member's of a room they share, and never for someone `user` blocks (for
/// whom they read as `offline`, never seen).
pub async fn profile_for(pool: &PgPool, viewer: UserId, user: UserId) -> Result<Option<UserView>, sqlx::Error> {
    sqlx::query_as(
        "WITH seen AS (
             SELECT EXISTS (SELECT 1 FROM room_members x JOIN room_members y ON y.room_id = x.room_id
                            WHERE x.user_id = $1 AND y.user_id = $2) AS shares_a_room,
                    EXISTS (SELECT 1 FROM contacts WHERE user_id = $1 AND other_id = $2 AND state = 'contact')
                        AS contact,
                    EXISTS (SELECT 1 FROM user_blocks WHERE user_id = $2 AND blocked_id = $1) AS blocked
         ), visible AS (
             SELECT $1 = $2 OR (NOT blocked AND (shares_a_room OR contact)) AS presence, shares_a_room FROM seen
         )
         SELECT u.user_id, u.username, u.display_name, u.registered_at,
                CASE WHEN v.presence THEN COALESCE(p.status, 'offline') ELSE 'offline' END AS presence,
                CASE WHEN v.presence THEN p.since END AS presence_since
         FROM users u CROSS JOIN visible v LEFT JOIN presence p ON p.user_id = u.user_id
         WHERE u.user_id = $2 AND (u.website_id IS NULL OR v.shares_a_room OR $1 = $2)",
    )
    .bind(viewer.as_uuid())
    .bind(user.as_uuid())
    .fetch_optional(pool)
    .await
}
