//! `support`: the read models of support chat — websites, their domains with their
//! verification state, and their teams of agents; and the support conversations' inbox state
//! (status, assignee, the visitor's context). Everything else about a conversation (members,
//! messages, unread counts) is in the `rooms` projector's tables, as for every room.

use chat_domain::room::{Room, RoomEvent, RoomKind};
use chat_domain::website::{Website, WebsiteEvent};
use chat_domain::{RoomId, WebsiteId};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use super::ProjectionError;
use chat_feed::{FeedSink, StoredEvent};

pub struct SupportProjector;

impl SupportProjector {
    pub const NAME: &'static str = "support";
    pub const TABLES: &'static [&'static str] =
        &["websites", "website_domains", "website_agents", "support_conversations"];
}

impl FeedSink for SupportProjector {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        for event in events {
            match event.aggregate_type.as_str() {
                Website::TYPE => website_event(conn, event).await?,
                Room::TYPE if SUPPORT_EVENTS.contains(&event.event_type.as_str()) => room_event(conn, event).await?,
                _ => {}
            }
        }
        Ok(())
    }
}

/// The room events this projector reads (the others it skips undecoded).
const SUPPORT_EVENTS: [&str; 5] =
    ["RoomCreated", "VisitorContextRecorded", "ConversationAssigned", "ConversationResolved", "ConversationReopened"];

async fn room_event(conn: &mut PgConnection, event: &StoredEvent) -> Result<(), ProjectionError> {
    let room = event.id::<RoomId>()?.as_uuid();
    let statement = match event.decode::<RoomEvent>()? {
        RoomEvent::RoomCreated { kind: RoomKind::Support { website_id, visitor }, .. } => sqlx::query(
            "INSERT INTO support_conversations (room_id, website_id, visitor_id, status, created_at)
                 VALUES ($1, $2, $3, 'open', $4)",
        )
        .bind(room)
        .bind(website_id.as_uuid())
        .bind(visitor.as_uuid())
        .bind(event.recorded_at),
        RoomEvent::VisitorContextRecorded { page_url, referrer, language, user_agent, .. } => sqlx::query(
            "UPDATE support_conversations SET page_url = $2, referrer = $3, language = $4, user_agent = $5
             WHERE room_id = $1",
        )
        .bind(room)
        .bind(page_url.as_ref().map(|url| url.as_str().to_owned()))
        .bind(referrer.as_ref().map(|url| url.as_str().to_owned()))
        .bind(language.as_ref().map(|tag| tag.as_str().to_owned()))
        .bind(user_agent.as_ref().map(|agent| agent.as_str().to_owned())),
        RoomEvent::ConversationAssigned { assignee, .. } => {
            sqlx::query("UPDATE support_conversations SET assignee_id = $2 WHERE room_id = $1")
                .bind(room)
                .bind(assignee.map(|agent| agent.as_uuid()))
        }
        RoomEvent::ConversationResolved { .. } => {
            sqlx::query("UPDATE support_conversations SET status = 'resolved' WHERE room_id = $1").bind(room)
        }
        RoomEvent::ConversationReopened { .. } => {
            sqlx::query("UPDATE support_conversations SET status = 'open' WHERE room_id = $1").bind(room)
        }
        // Other rooms, and events this projector does not read.
        _ => return Ok(()),
    };
    statement.execute(conn).await?;
    Ok(())
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
        // The secret is the commands' own (never in a read model).
        WebsiteEvent::IdentitySecretRotated { .. } => {}
    }
    Ok(())
}
