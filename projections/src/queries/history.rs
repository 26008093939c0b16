//! A room's message history, newest first, paged by sequence.

use chat_domain::RoomId;
use chat_domain::attachment::{Attachment, MessageKind};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use sqlx::types::Json;
use uuid::Uuid;

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = Message)]
pub struct MessageView {
    pub message_id: Uuid,
    pub seq: i64,
    pub author_id: Uuid,
    pub client_msg_id: String,
    /// `None` once the message is deleted, or once its author was erased (then `deleted_at` is
    /// `None`).
    #[schema(required = true)]
    pub body: Option<String>,
    #[schema(required = true)]
    pub reply_to: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    #[schema(required = true)]
    pub edited_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub deleted_at: Option<DateTime<Utc>>,
    /// The sequence of the last event that changed this message (post, edit, delete, reaction).
    pub updated_seq: i64,
    #[schema(value_type = Vec<ReactionView>)]
    pub reactions: Json<Vec<ReactionView>>,
    /// `text`, `image` (every attachment an image) or `file` (any other file), from the files
    /// posted (`chat_domain::attachment::MessageKind`); a deleted message keeps its kind.
    #[sqlx(skip)]
    pub kind: MessageKind,
    /// The files posted with it, in order; empty once the message is deleted. A name is `null`
    /// once its uploader was erased (and the file is gone).
    #[schema(value_type = Vec<Attachment>)]
    pub attachments: Json<Vec<Attachment>>,
}

#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = MessageReaction)]
pub struct ReactionView {
    pub reaction: String,
    pub count: i64,
    /// Who reacted, in the order they did.
    pub user_ids: Vec<Uuid>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = MessagePage)]
pub struct HistoryPage {
    /// Newest first.
    pub messages: Vec<MessageView>,
    /// Pass as `before` to get the next (older) page; `None` when this page reached the start.
    #[schema(required = true)]
    pub next_before: Option<i64>,
}

/// Up to `limit` messages of `room` with `seq < before` (all if `before` is `None`).
pub async fn page(pool: &PgPool, room: RoomId, before: Option<i64>, limit: i64) -> Result<HistoryPage, sqlx::Error> {
    let mut messages: Vec<MessageView> = sqlx::query_as(
        "SELECT m.message_id, m.seq, m.author_id, m.client_msg_id, m.body, m.reply_to, m.created_at, m.edited_at,
                m.deleted_at, m.updated_seq,
                COALESCE((SELECT json_agg(json_build_object('reaction', r.reaction, 'count', r.n, 'user_ids', r.users)
                                          ORDER BY r.first_seq)
                          FROM (SELECT reaction, count(*) AS n, array_agg(user_id ORDER BY seq) AS users,
                                       min(seq) AS first_seq
                                FROM message_reactions WHERE message_id = m.message_id GROUP BY reaction) r),
                         '[]'::json) AS reactions,
                COALESCE((SELECT json_agg(json_build_object('id', a.attachment_id, 'name', a.name, 'mime', a.mime,
                                                            'size', a.size, 'sha256', a.sha256, 'width', a.width,
                                                            'height', a.height, 'thumbnail', a.thumbnail)
                                          ORDER BY a.position)
                          FROM message_attachments a WHERE a.message_id = m.message_id),
                         '[]'::json) AS attachments
         FROM messages m
         WHERE m.room_id = $1 AND m.seq < $2
         ORDER BY m.seq DESC
         LIMIT $3",
    )
    .bind(room.as_uuid())
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(pool)
    .await?;
    for message in &mut messages {
        message.kind = MessageKind::of_post(&message.attachments);
        if message.deleted_at.is_some() {
            message.attachments.0.clear();
        }
    }
    let next_before = match messages.last() {
        Some(oldest) if messages.len() as i64 == limit => Some(oldest.seq),
        _ => None,
    };
    Ok(HistoryPage { messages, next_before })
}
