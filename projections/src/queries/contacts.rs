//! A user's contacts (with presence), pending requests and blocks.

use chat_domain::UserId;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

/// Someone in one's contact list or pending requests.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ContactEntry {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    /// Since when: the contact was made, or the request sent.
    pub since: DateTime<Utc>,
    /// Contacts only (`null` for requests): `online`, `away` or `offline`.
    #[schema(value_type = Option<chat_domain::presence::PresenceStatus>, required = true)]
    pub presence: Option<String>,
    /// Since when the presence holds (for `offline`: last seen); `null` if never seen, and for
    /// requests.
    #[schema(required = true)]
    pub presence_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContactList {
    /// By display name.
    pub contacts: Vec<ContactEntry>,
    /// Requests others sent you, newest first.
    pub incoming: Vec<ContactEntry>,
    /// Requests you sent, newest first.
    pub outgoing: Vec<ContactEntry>,
}

/// Someone one blocks.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct BlockedUser {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub since: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    state: String,
    #[sqlx(flatten)]
    entry: ContactEntry,
}

pub async fn list(pool: &PgPool, user: UserId) -> Result<ContactList, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.state, u.user_id, u.username, u.display_name, c.since,
                CASE WHEN c.state = 'contact' THEN COALESCE(p.status, 'offline') END AS presence,
                CASE WHEN c.state = 'contact' THEN p.since END AS presence_since
         FROM contacts c
         JOIN users u ON u.user_id = c.other_id
         LEFT JOIN presence p ON p.user_id = c.other_id
         WHERE c.user_id = $1
         ORDER BY c.state = 'contact' DESC, CASE WHEN c.state = 'contact' THEN lower(u.display_name) END,
                  c.since DESC",
    )
    .bind(user.as_uuid())
    .fetch_all(pool)
    .await?;
    let mut list = ContactList { contacts: Vec::new(), incoming: Vec::new(), outgoing: Vec::new() };
    for Row { state, entry } in rows {
        match state.as_str() {
            "contact" => list.contacts.push(entry),
            "incoming" => list.incoming.push(entry),
            _ => list.outgoing.push(entry),
        }
    }
    Ok(list)
}

/// Whom `user` blocks, most recent first.
pub async fn blocks(pool: &PgPool, user: UserId) -> Result<Vec<BlockedUser>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.user_id, u.username, u.display_name, b.since
         FROM user_blocks b JOIN users u ON u.user_id = b.blocked_id
         WHERE b.user_id = $1
         ORDER BY b.since DESC",
    )
    .bind(user.as_uuid())
    .fetch_all(pool)
    .await
}
