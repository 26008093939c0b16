//! Websites as their teams see them: the list of a user's websites and one website's
//! settings, domains and agents. Only members of a website's team see anything of it.

use chat_domain::website::WidgetSettings;
use chat_domain::{UserId, WebsiteId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use sqlx::types::Json;
use uuid::Uuid;

/// A website in its team member's list.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct WebsiteSummary {
    pub website_id: Uuid,
    pub name: String,
    /// The caller's role.
    pub role: AgentRole,
    pub domain_count: i64,
    pub verified_domain_count: i64,
}

/// A role on a website's team: the owner changes the website, agents work its inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, sqlx::Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum AgentRole {
    Owner,
    Agent,
}

/// A website with everything its team may see.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebsiteDetail {
    pub website_id: Uuid,
    pub name: String,
    pub owner_id: Uuid,
    /// The caller's role.
    pub role: AgentRole,
    pub settings: WidgetSettings,
    pub created_at: DateTime<Utc>,
    pub domains: Vec<DomainView>,
    pub agents: Vec<AgentView>,
}

/// A domain and its verification state.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct DomainView {
    pub domain: String,
    /// What to publish at `/.well-known/chat-verification.txt`, or in
    /// `<meta name="chat-verification" content="…">` on the home page.
    pub token: String,
    pub status: DomainStatus,
    /// How it was verified (`well_known_file`, `meta_tag`), when it is.
    #[schema(value_type = Option<chat_domain::website::VerificationMethod>, required = true)]
    pub method: Option<String>,
    /// Why the last check failed, when it did.
    #[schema(value_type = Option<chat_domain::website::VerificationFailure>, required = true)]
    pub failure: Option<String>,
    #[schema(required = true)]
    pub checked_at: Option<DateTime<Utc>>,
    pub added_at: DateTime<Utc>,
}

/// Where a domain stands: `pending` until its first check, then `verified` or `failed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, sqlx::Type, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum DomainStatus {
    Pending,
    Verified,
    Failed,
}

/// An agent of a website.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AgentView {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: AgentRole,
    pub added_at: DateTime<Utc>,
}

/// The websites `user` is on the team of, by name.
pub async fn mine(pool: &PgPool, user: UserId) -> Result<Vec<WebsiteSummary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT w.website_id, w.name, a.role,
                (SELECT count(*) FROM website_domains d WHERE d.website_id = w.website_id) AS domain_count,
                (SELECT count(*) FROM website_domains d
                 WHERE d.website_id = w.website_id AND d.status = 'verified') AS verified_domain_count
         FROM website_agents a JOIN websites w ON w.website_id = a.website_id
         WHERE a.user_id = $1
         ORDER BY lower(w.name), w.website_id",
    )
    .bind(user.as_uuid())
    .fetch_all(pool)
    .await
}

/// The website's own row, with the viewer's role.
#[derive(sqlx::FromRow)]
struct Head {
    website_id: Uuid,
    name: String,
    owner_id: Uuid,
    role: AgentRole,
    settings: Json<WidgetSettings>,
    created_at: DateTime<Utc>,
}

/// `website` as `viewer` sees it; `None` unless they are on its team (or it does not exist).
pub async fn detail(pool: &PgPool, website: WebsiteId, viewer: UserId) -> Result<Option<WebsiteDetail>, sqlx::Error> {
    let head: Option<Head> = sqlx::query_as(
        "SELECT w.website_id, w.name, w.owner_id, a.role, w.settings, w.created_at
         FROM websites w JOIN website_agents a ON a.website_id = w.website_id AND a.user_id = $2
         WHERE w.website_id = $1",
    )
    .bind(website.as_uuid())
    .bind(viewer.as_uuid())
    .fetch_optional(pool)
    .await?;
    let Some(Head { website_id, name, owner_id, role, settings: Json(settings), created_at }) = head else {
        return Ok(None);
    };
    let domains = sqlx::query_as(
        "SELECT domain, token, status, method, failure, checked_at, added_at
         FROM website_domains WHERE website_id = $1 ORDER BY domain",
    )
    .bind(website_id)
    .fetch_all(pool)
    .await?;
    let agents = sqlx::query_as(
        "SELECT a.user_id, u.username, u.display_name, a.role, a.added_at
         FROM website_agents a JOIN users u ON u.user_id = a.user_id
         WHERE a.website_id = $1 ORDER BY a.role DESC, lower(u.display_name), a.user_id",
    )
    .bind(website_id)
    .fetch_all(pool)
    .await?;
    Ok(Some(WebsiteDetail { website_id, name, owner_id, role, settings, created_at, domains, agents }))
}

/// Verified domains not checked (with a change) since `before`, oldest check first: what the
/// periodic re-check looks at.
pub async fn verified_before(pool: &PgPool, before: DateTime<Utc>) -> Result<Vec<(WebsiteId, String)>, sqlx::Error> {
    let rows: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT website_id, domain FROM website_domains
         WHERE status = 'verified' AND checked_at < $1 ORDER BY checked_at, website_id, domain",
    )
    .bind(before)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(website, domain)| (WebsiteId::from_uuid(website), domain)).collect())
}
