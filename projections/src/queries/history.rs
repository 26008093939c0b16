//! A room's message history, newest first, paged by sequence, with the system lines (joins,
//! leaves, role changes, support actions; see `chat_domain::room::RoomEvent::is_system_line`)
//! that stand between a page's messages.

use chat_domain::RoomId;
use chat_domain::attachment::{Attachment, MessageKind};
use chat_domain::room::RoomEvent;
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
    /// The system lines between this page's oldest message (or the room's start, on the last
    /// page) and `before` (or the room's latest sequence), newest first: the room events that
    /// clients show as lines of their own. Each page's lines follow on from the previous
    /// page's, with none twice.
    pub system: Vec<SystemLine>,
}

/// A room event shown as a line of its own in the timeline (the `system` kind).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SystemLine {
    pub seq: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    pub event: RoomEvent,
}

/// At most this many system lines per page: a page whose span holds more (a busy public room's
/// joins) ends at the oldest line returned, and the next page goes on from there.
const MAX_SYSTEM_LINES: i64 = 200;

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
    let mut next_before = match messages.last() {
        Some(oldest) if messages.len() as i64 == limit => Some(oldest.seq),
        _ => None,
    };
    // Not past the messages' read model: a line must not appear before a message it follows.
    let upper = match before {
        Some(before) => before,
        None => sqlx::query_scalar::<_, i64>("SELECT last_seq + 1 FROM rooms WHERE room_id = $1")
            .bind(room.as_uuid())
            .fetch_optional(pool)
            .await?
            .unwrap_or(0),
    };
    let system = system_lines(pool, room, next_before.unwrap_or(0), upper).await?;
    if system.len() as i64 == MAX_SYSTEM_LINES
        && let Some(oldest_line) = system.last().map(|line| line.seq)
    {
        messages.retain(|message| message.seq > oldest_line);
        next_before = Some(oldest_line);
    }
    Ok(HistoryPage { messages, next_before, system })
}

/// The system lines with `after < seq < before`, newest first, at most [`MAX_SYSTEM_LINES`].
async fn system_lines(pool: &PgPool, room: RoomId, after: i64, before: i64) -> Result<Vec<SystemLine>, sqlx::Error> {
    let events = chat_feed::rooms::system_lines(pool, room, after, before, MAX_SYSTEM_LINES).await?;
    events
        .into_iter()
        .map(|stored| {
            let event = stored.decode::<RoomEvent>().map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok(SystemLine { seq: stored.sequence, at: stored.recorded_at, event })
        })
        .collect()
}
