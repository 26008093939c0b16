//! Edits and deletes of messages: their bodies, the unread counters a delete changes, and the
//! room's last-message preview.

use std::collections::HashMap;

use chat_domain::redaction::Redactable;
use chat_domain::text::MessageBody;
use chat_domain::{MessageId, UserId};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::At;
use super::posts::PREVIEW_CHARS;

/// Edited messages: the last edit of each message in the group.
#[derive(Default)]
pub(super) struct Edits {
    edits: HashMap<Uuid, Edit>,
}

struct Edit {
    room: Uuid,
    /// Redacted when the author was erased.
    body: Option<String>,
    at: DateTime<Utc>,
    seq: i64,
}

impl Edits {
    pub(super) fn push(&mut self, at: At, message: MessageId, body: Redactable<MessageBody>) {
        let body = body.into_present().map(MessageBody::into_string);
        self.edits.insert(message.as_uuid(), Edit { room: at.room, body, at: at.recorded_at, seq: at.seq });
    }

    /// The message's body, and the room's preview if it is the room's last message.
    pub(super) async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.edits.is_empty() {
            return Ok(());
        }
        let (messages, edits): (Vec<Uuid>, Vec<Edit>) = self.edits.into_iter().unzip();
        sqlx::query(
            "WITH input AS (
                 SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::bigint[])
                     AS i(room_id, message_id, body, edited_at, seq)
             ), edited AS (
                 UPDATE messages m SET body = i.body, edited_at = i.edited_at, updated_seq = i.seq
                 FROM input i WHERE m.message_id = i.message_id
             )
             UPDATE rooms r SET last_message_preview = left(i.body, $6)
             FROM input i WHERE r.room_id = i.room_id AND r.last_message_id = i.message_id",
        )
        .bind(edits.iter().map(|edit| edit.room).collect::<Vec<_>>())
        .bind(&messages)
        .bind(edits.iter().map(|edit| edit.body.as_deref()).collect::<Vec<_>>())
        .bind(edits.iter().map(|edit| edit.at).collect::<Vec<_>>())
        .bind(edits.iter().map(|edit| edit.seq).collect::<Vec<_>>())
        .bind(PREVIEW_CHARS)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// Deleted messages.
#[derive(Default)]
pub(super) struct Deletes {
    rooms: Vec<Uuid>,
    messages: Vec<Uuid>,
    deleted_by: Vec<Uuid>,
    deleted_at: Vec<DateTime<Utc>>,
    seqs: Vec<i64>,
}

impl Deletes {
    pub(super) fn push(&mut self, at: At, message: MessageId, deleted_by: UserId) {
        self.rooms.push(at.room);
        self.messages.push(message.as_uuid());
        self.deleted_by.push(deleted_by.as_uuid());
        self.deleted_at.push(at.recorded_at);
        self.seqs.push(at.seq);
    }

    /// The bodies and reactions go; members who had not read another's message have one unread
    /// (and maybe one mention) less per such message — read positions do not change within a
    /// group, so the deletes add up; rooms whose last message went fall back to the newest
    /// message left. A delete of a message that was never posted fails, as the history is then
    /// not one the domain wrote.
    pub(super) async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.messages.is_empty() {
            return Ok(());
        }
        let deleted: i64 = sqlx::query_scalar(
            "WITH input AS (
                 SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::bigint[])
                     AS i(room_id, message_id, deleted_by, deleted_at, seq)
             ), gone AS (
                 UPDATE messages m SET body = NULL, deleted_at = i.deleted_at, deleted_by = i.deleted_by,
                                       updated_seq = i.seq
                 FROM input i WHERE m.message_id = i.message_id
                 RETURNING i.room_id, m.author_id, m.mentions, m.ordinal
             ), reactions AS (
                 DELETE FROM message_reactions r USING input i WHERE r.message_id = i.message_id
             ), members AS (
                 UPDATE room_members m SET deleted_since_read = m.deleted_since_read + unread.messages,
                                           unread_mentions = m.unread_mentions - unread.mentions
                 FROM (SELECT r.room_id, r.user_id, count(*) AS messages,
                              count(*) FILTER (WHERE r.user_id = ANY(g.mentions)) AS mentions
                       FROM gone g JOIN room_members r
                           ON r.room_id = g.room_id AND r.user_id <> g.author_id AND r.read_ordinal < g.ordinal
                       GROUP BY r.room_id, r.user_id) unread
                 WHERE m.room_id = unread.room_id AND m.user_id = unread.user_id
             ), counts AS (
                 UPDATE rooms r SET message_count = r.message_count - c.messages
                 FROM (SELECT room_id, count(*) AS messages FROM gone GROUP BY room_id) c
                 WHERE r.room_id = c.room_id
             )
             SELECT count(*) FROM gone",
        )
        .bind(&self.rooms)
        .bind(&self.messages)
        .bind(&self.deleted_by)
        .bind(&self.deleted_at)
        .bind(&self.seqs)
        .fetch_one(&mut *conn)
        .await?;
        if usize::try_from(deleted).ok() != Some(self.messages.len()) {
            return Err(sqlx::Error::RowNotFound);
        }
        sqlx::query(
            "UPDATE rooms r SET (last_message_id, last_message_seq, last_message_author, last_message_preview,
                                 last_message_at) =
                 (SELECT message_id, seq, author_id, left(body, $3), created_at FROM messages
                  WHERE room_id = r.room_id AND deleted_at IS NULL ORDER BY seq DESC LIMIT 1)
             FROM unnest($1::uuid[], $2::uuid[]) AS i(room_id, message_id)
             WHERE r.room_id = i.room_id AND r.last_message_id = i.message_id",
        )
        .bind(&self.rooms)
        .bind(&self.messages)
        .bind(PREVIEW_CHARS)
        .execute(conn)
        .await?;
        Ok(())
    }
}
