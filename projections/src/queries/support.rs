//! Support conversations as the widget and the agents' inbox see them, and the facts the API
//! checks before a support command: whether a website takes visitors, which website a
//! conversation belongs to, who is on a website's team.

use chat_domain::website::WidgetSettings;
use chat_domain::{RoomId, UserId, WebsiteId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use sqlx::types::Json;
use uuid::Uuid;

/// What the widget needs to show itself: the website's name and settings, and whether an agent
/// is online right now.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct WidgetView {
    pub website_id: Uuid,
    pub name: String,
    #[schema(value_type = WidgetSettings)]
    pub settings: Json<WidgetSettings>,
    /// Whether any agent of the website is online (the widget says so when none is).
    pub agents_online: bool,
}

/// The widget of `website`, if the website exists and has a verified domain (the widget is
/// served nowhere else).
pub async fn widget(pool: &PgPool, website: WebsiteId) -> Result<Option<WidgetView>, sqlx::Error> {
    sqlx::query_as(
        "SELECT w.website_id, w.name, w.settings,
                EXISTS (SELECT 1 FROM website_agents a JOIN presence p ON p.user_id = a.user_id
                        WHERE a.website_id = w.website_id AND p.status = 'online') AS agents_online
         FROM websites w
         WHERE w.website_id = $1
           AND EXISTS (SELECT 1 FROM website_domains d WHERE d.website_id = w.website_id AND d.status = 'verified')",
    )
    .bind(website.as_uuid())
    .fetch_optional(pool)
    .await
}

/// The browser origins of `website`'s verified domains (`https://` and `http://` of each).
pub async fn verified_domains(pool: &PgPool, website: WebsiteId) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT domain FROM website_domains WHERE website_id = $1 AND status = 'verified' ORDER BY domain",
    )
    .bind(website.as_uuid())
    .fetch_all(pool)
    .await
}

/// The website of support conversation `room`, if it is one.
pub async fn website_of(pool: &PgPool, room: RoomId) -> Result<Option<WebsiteId>, sqlx::Error> {
    let website: Option<Uuid> = sqlx::query_scalar("SELECT website_id FROM support_conversations WHERE room_id = $1")
        .bind(room.as_uuid())
        .fetch_optional(pool)
        .await?;
    Ok(website.map(WebsiteId::from_uuid))
}

/// Whether `user` is on `website`'s team (its owner or an agent).
pub async fn is_agent(pool: &PgPool, website: WebsiteId, user: UserId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM website_agents WHERE website_id = $1 AND user_id = $2)")
        .bind(website.as_uuid())
        .bind(user.as_uuid())
        .fetch_one(pool)
        .await
}

/// The conversations of `website` that `user` is in.
pub async fn conversations_with(pool: &PgPool, website: WebsiteId, user: UserId) -> Result<Vec<RoomId>, sqlx::Error> {
    let rooms: Vec<Uuid> = sqlx::query_scalar(
        "SELECT c.room_id FROM support_conversations c
         JOIN room_members m ON m.room_id = c.room_id AND m.user_id = $2
         WHERE c.website_id = $1",
    )
    .bind(website.as_uuid())
    .bind(user.as_uuid())
    .fetch_all(pool)
    .await?;
    Ok(rooms.into_iter().map(RoomId::from_uuid).collect())
}

/// A visitor's conversation, as their widget lists it.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct VisitorConversation {
    pub room_id: Uuid,
    pub status: ConversationStatus,
    /// The room's latest sequence as the read model knows it.
    pub last_seq: i64,
    /// Messages after the visitor's read marker, by agents.
    pub unread_count: i32,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
}

/// Where a conversation stands: `open` until an agent resolves it; `resolved` until someone
/// writes again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, sqlx::Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum ConversationStatus {
    Open,
    Resolved,
}

/// `visitor`'s conversations, most recently active first.
pub async fn visitor_conversations(pool: &PgPool, visitor: UserId) -> Result<Vec<VisitorConversation>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.room_id, c.status, r.last_seq,
                (r.posted_total - m.read_ordinal - m.own_since_read - m.deleted_since_read)::int4 AS unread_count,
                c.created_at, r.last_activity_at
         FROM support_conversations c
         JOIN rooms r ON r.room_id = c.room_id
         JOIN room_members m ON m.room_id = c.room_id AND m.user_id = c.visitor_id
         WHERE c.visitor_id = $1
         ORDER BY r.last_activity_at DESC, c.room_id DESC",
    )
    .bind(visitor.as_uuid())
    .fetch_all(pool)
    .await
}

/// Which conversations an inbox lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InboxFilter {
    /// Open, whoever has them.
    Open,
    /// Open and assigned to the viewer.
    Mine,
    /// Open and assigned to nobody.
    Unassigned,
    Resolved,
}

/// A conversation in a website's inbox.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct InboxConversation {
    pub room_id: Uuid,
    pub visitor_id: Uuid,
    /// The visitor's name (the pre-chat form's, or `Visitor 3F9A`); null once they are erased.
    #[schema(required = true)]
    pub visitor_name: Option<String>,
    /// The email address they gave (pre-chat form) or the website passed on (identity
    /// verification); null if none, or once erased.
    #[schema(required = true)]
    pub visitor_email: Option<String>,
    /// The website's id for them when its server vouched for it (identity verification): the
    /// same person on every device. Null for anonymous visitors.
    #[schema(required = true)]
    pub visitor_external_id: Option<String>,
    /// `online`, `away` or `offline`.
    #[schema(value_type = chat_domain::presence::PresenceStatus)]
    pub visitor_presence: String,
    pub status: ConversationStatus,
    #[schema(required = true)]
    pub assignee_id: Option<Uuid>,
    /// Whether the viewer is in the conversation (an agent added after it started joins it to
    /// read it).
    pub joined: bool,
    /// For the viewer, when joined: messages after their read marker, by others.
    pub unread_count: i32,
    pub last_seq: i64,
    #[schema(required = true)]
    pub last_message_preview: Option<String>,
    #[schema(required = true)]
    pub last_message_author: Option<Uuid>,
    #[schema(required = true)]
    pub last_message_at: Option<DateTime<Utc>>,
    /// Where the visitor was when they started it (null if unknown or erased).
    #[schema(required = true)]
    pub page_url: Option<String>,
    #[schema(required = true)]
    pub referrer: Option<String>,
    #[schema(required = true)]
    pub language: Option<String>,
    #[schema(required = true)]
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
}

/// Up to `limit` conversations of `website` that `filter` selects for `viewer`, most recently
/// active first. The caller checked that `viewer` is on the website's team.
pub async fn inbox(
    pool: &PgPool,
    website: WebsiteId,
    viewer: UserId,
    filter: InboxFilter,
    limit: i64,
) -> Result<Vec<InboxConversation>, sqlx::Error> {
    let (status, assignee) = match filter {
        InboxFilter::Open => ("open", "any"),
        InboxFilter::Mine => ("open", "me"),
        InboxFilter::Unassigned => ("open", "nobody"),
        InboxFilter::Resolved => ("resolved", "any"),
    };
    sqlx::query_as(
        "SELECT c.room_id, c.visitor_id, u.display_name AS visitor_name, u.email AS visitor_email,
                u.external_id AS visitor_external_id, COALESCE(p.status, 'offline') AS visitor_presence, c.status, c.assignee_id,
                m.user_id IS NOT NULL AS joined,
                COALESCE((r.posted_total - m.read_ordinal - m.own_since_read - m.deleted_since_read)::int4, 0)
                    AS unread_count,
                r.last_seq, r.last_message_preview, r.last_message_author, r.last_message_at,
                c.page_url, c.referrer, c.language, c.user_agent, c.created_at, r.last_activity_at
         FROM support_conversations c
         JOIN rooms r ON r.room_id = c.room_id
         LEFT JOIN room_members m ON m.room_id = c.room_id AND m.user_id = $2
         LEFT JOIN users u ON u.user_id = c.visitor_id
         LEFT JOIN presence p ON p.user_id = c.visitor_id
         WHERE c.website_id = $1 AND c.status = $3
           AND ($4 = 'any' OR ($4 = 'me' AND c.assignee_id = $2) OR ($4 = 'nobody' AND c.assignee_id IS NULL))
         ORDER BY r.last_activity_at DESC, c.room_id DESC
         LIMIT $5",
    )
    .bind(website.as_uuid())
    .bind(viewer.as_uuid())
    .bind(status)
    .bind(assignee)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Members of support conversations who are neither the visitor nor on the website's team as
/// the read models show it: `(website, room, user)`, for the upkeep to check against the
/// website itself (the read models may trail a team change either way).
pub async fn members_off_the_team(pool: &PgPool) -> Result<Vec<(WebsiteId, RoomId, UserId)>, sqlx::Error> {
    let rows: Vec<(Uuid, Uuid, Uuid)> = sqlx::query_as(
        "SELECT c.website_id, c.room_id, m.user_id FROM support_conversations c
         JOIN room_members m ON m.room_id = c.room_id AND m.user_id <> c.visitor_id
         WHERE NOT EXISTS (SELECT FROM website_agents a WHERE a.website_id = c.website_id AND a.user_id = m.user_id)
         ORDER BY c.website_id, c.room_id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(website, room, user)| (WebsiteId::from_uuid(website), RoomId::from_uuid(room), UserId::from_uuid(user)))
        .collect())
}
