//! `support`: the read models of support chat — websites, their domains with their
//! verification state, and their teams of agents.

use chat_domain::WebsiteId;
use chat_domain::website::{Website, WebsiteEvent};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use super::ProjectionError;
use chat_feed::{FeedSink, StoredEvent};

pub struct SupportProjector;

impl SupportProjector {
    pub const NAME: &'static str = "support";
    pub const TABLES: &'static [&'static str] = &["websites", "website_domains", "website_agents"];
}

impl FeedSink for SupportProjector {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        for event in events {
            if event.aggregate_type == Website::TYPE {
                website_event(conn, event).await?;
            }
        }
        Ok(())
    }
}

async fn website_event(conn: &mut PgConnection, event: &StoredEvent) -> Result<(), ProjectionError> {
    let id = event.id::<WebsiteId>()?.as_uuid();
    let at = event.recorded_at;
    match event.decode::<WebsiteEvent>()? {
        WebsiteEvent::WebsiteRegistered { name, owner } => {
            sqlx::query(
                "INSERT INTO websites (website_id, name, owner_id, settings, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(name.as_str())
            .bind(owner.as_uuid())
            .bind(sqlx::types::Json(chat_domain::website::WidgetSettings::default()))
            .bind(at)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "INSERT INTO website_agents (website_id, user_id, role, added_at) VALUES ($1, $2, 'owner', $3)",
            )
            .bind(id)
            .bind(owner.as_uuid())
            .bind(at)
            .execute(conn)
            .await?;
        }
        WebsiteEvent::WebsiteRenamed { name, .. } => {
            sqlx::query("UPDATE websites SET name = $2 WHERE website_id = $1")
                .bind(id)
                .bind(name.as_str())
                .execute(conn)
                .await?;
        }
        WebsiteEvent::DomainAdded { domain, token, .. } => {
            sqlx::query(
                "INSERT INTO website_domains (website_id, domain, token, status, added_at)
                 VALUES ($1, $2, $3, 'pending', $4)",
            )
            .bind(id)
            .bind(domain.as_str())
            .bind(token.as_str())
            .bind(at)
            .execute(conn)
            .await?;
        }
        WebsiteEvent::DomainRemoved { domain, .. } => {
            sqlx::query("DELETE FROM website_domains WHERE website_id = $1 AND domain = $2")
                .bind(id)
                .bind(domain.as_str())
                .execute(conn)
                .await?;
        }
        WebsiteEvent::DomainVerified { domain, method, .. } => {
            sqlx::query(
                "UPDATE website_domains SET status = 'verified', method = $3, failure = NULL, checked_at = $4
                 WHERE website_id = $1 AND domain = $2",
            )
            .bind(id)
            .bind(domain.as_str())
            .bind(method.as_str())
            .bind(at)
            .execute(conn)
            .await?;
        }
        WebsiteEvent::DomainVerificationFailed { domain, reason, .. } => {
            sqlx::query(
                "UPDATE website_domains SET status = 'failed', method = NULL, failure = $3, checked_at = $4
                 WHERE website_id = $1 AND domain = $2",
            )
            .bind(id)
            .bind(domain.as_str())
            .bind(reason.code())
            .bind(at)
            .execute(conn)
            .await?;
        }
        WebsiteEvent::WidgetChanged { settings, .. } => {
            sqlx::query("UPDATE websites SET settings = $2 WHERE website_id = $1")
                .bind(id)
                .bind(sqlx::types::Json(settings))
                .execute(conn)
                .await?;
        }
        WebsiteEvent::AgentAdded { user_id, .. } => {
            sqlx::query(
                "INSERT INTO website_agents (website_id, user_id, role, added_at) VALUES ($1, $2, 'agent', $3)",
            )
            .bind(id)
            .bind(user_id.as_uuid())
            .bind(at)
            .execute(conn)
            .await?;
        }
        WebsiteEvent::AgentRemoved { user_id, .. } => {
            sqlx::query("DELETE FROM website_agents WHERE website_id = $1 AND user_id = $2")
                .bind(id)
                .bind(user_id.as_uuid())
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}
