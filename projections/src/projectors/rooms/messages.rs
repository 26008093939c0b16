//! Messages, reactions, unread counts and the room's last-message preview.

use chat_domain::redaction::Redactable;
use chat_domain::text::{ClientMsgId, MessageBody, Reaction};
use chat_domain::{MessageId, UserId};
use sqlx::PgConnection;
use uuid::Uuid;

use super::Applied;

/// Characters of a message kept as the room list's preview.
const PREVIEW_CHARS: i32 = 200;

pub(super) struct Posted {
    pub message_id: MessageId,
    pub author: UserId,
    /// Redacted when the author was erased: the message stays (counts, order, unread figures)
    /// without its text, as if the preview and history had never seen it.
    pub body: Redactable<MessageBody>,
    pub client_msg_id: ClientMsgId,
    pub reply_to: Option<MessageId>,
    pub mentions: Vec<UserId>,
}

/// Posts, in feed order, with the room and event each came from.
#[derive(Default)]
pub(super) struct PostRun {
    rooms: Vec<Uuid>,
    seqs: Vec<i64>,
    ids: Vec<Uuid>,
    authors: Vec<Uuid>,
    client_msg_ids: Vec<String>,
    bodies: Vec<Option<String>>,
    reply_tos: Vec<Option<Uuid>>,
    created_at: Vec<chrono::DateTime<chrono::Utc>>,
    /// Each post's mentions as comma-separated ids (Postgres arrays cannot be ragged).
    mentions: Vec<String>,
}

impl PostRun {
    pub(super) fn push(&mut self, at: &Applied<'_>, posted: Posted) {
        self.rooms.push(at.room);
        self.seqs.push(at.event.sequence);
        self.ids.push(posted.message_id.as_uuid());
        self.authors.push(posted.author.as_uuid());
        self.client_msg_ids.push(posted.client_msg_id.into_string());
        self.bodies.push(posted.body.into_present().map(MessageBody::into_string));
        self.reply_tos.push(posted.reply_to.map(|id| id.as_uuid()));
        self.created_at.push(at.event.recorded_at);
        self.mentions.push(posted.mentions.iter().map(ToString::to_string).collect::<Vec<_>>().join(","));
    }

    pub(super) fn is_empty(&self) -> bool {
        self.rooms.is_empty()
    }
}

/// Applies a run of consecutive posts in one statement. Posts commute with each other except
/// through each room's counter and preview, which the statement orders by sequence; a run never
/// spans another kind of room event, so memberships and markers are as they were for each post.
///
/// Per room: the post counter and preview; per post: the message with its ordinal; per author
/// and per mentioned member: their counters — never every member's row.
pub(super) async fn posted(conn: &mut PgConnection, run: PostRun) -> Result<(), sqlx::Error> {
    sqlx::query(
        "WITH input AS (
             SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::uuid[], $5::text[], $6::text[],
                                  $7::uuid[], $8::timestamptz[], $9::text[])
                 AS i(room_id, seq, message_id, author_id, client_msg_id, body, reply_to, created_at, mentions_csv)
         ), counted AS (
             SELECT room_id, count(*) AS posts, max(seq) AS last_seq FROM input GROUP BY room_id
         ), room AS (
             UPDATE rooms r SET posted_total = r.posted_total + c.posts, message_count = r.message_count + c.posts,
                                last_activity_at = l.created_at, last_message_id = l.message_id,
                                last_message_seq = l.seq, last_message_author = l.author_id,
                                last_message_preview = left(l.body, $10), last_message_at = l.created_at
             FROM counted c JOIN input l ON l.room_id = c.room_id AND l.seq = c.last_seq
             WHERE r.room_id = c.room_id
             RETURNING r.room_id, r.posted_total - c.posts AS posted_before
         ), message AS (
             INSERT INTO messages (room_id, seq, message_id, author_id, client_msg_id, body, reply_to, created_at,
                                   updated_seq, mentions, ordinal)
             SELECT i.room_id, i.seq, i.message_id, i.author_id, i.client_msg_id, i.body, i.reply_to, i.created_at,
                    i.seq, COALESCE(string_to_array(NULLIF(i.mentions_csv, ''), ',')::uuid[], '{}'),
                    room.posted_before + row_number() OVER (PARTITION BY i.room_id ORDER BY i.seq)
             FROM input i JOIN room ON room.room_id = i.room_id
         ), deltas AS (
             SELECT room_id, user_id, sum(own) AS own, sum(mentioned) AS mentioned FROM (
                 SELECT room_id, author_id AS user_id, 1 AS own, 0 AS mentioned FROM input
                 UNION ALL
                 SELECT room_id, unnest(string_to_array(NULLIF(mentions_csv, ''), ',')::uuid[]), 0, 1 FROM input
             ) d GROUP BY room_id, user_id
         )
         UPDATE room_members m SET own_since_read = m.own_since_read + d.own,
                                   unread_mentions = m.unread_mentions + d.mentioned
         FROM deltas d WHERE m.room_id = d.room_id AND m.user_id = d.user_id",
    )
    .bind(&run.rooms)
    .bind(&run.seqs)
    .bind(&run.ids)
    .bind(&run.authors)
    .bind(&run.client_msg_ids)
    .bind(&run.bodies)
    .bind(&run.reply_tos)
    .bind(&run.created_at)
    .bind(&run.mentions)
    .bind(PREVIEW_CHARS)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn edited(
    conn: &mut PgConnection,
    at: &Applied<'_>,
    message: MessageId,
    body: Redactable<MessageBody>,
) -> Result<(), sqlx::Error> {
    let body = body.present().map(MessageBody::as_str);
    sqlx::query("UPDATE messages SET body = $2, edited_at = $3, updated_seq = $4 WHERE message_id = $1")
        .bind(message.as_uuid())
        .bind(body)
        .bind(at.event.recorded_at)
        .bind(at.event.sequence)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE rooms SET last_message_preview = left($3, $4) WHERE room_id = $1 AND last_message_id = $2")
        .bind(at.room)
        .bind(message.as_uuid())
        .bind(body)
        .bind(PREVIEW_CHARS)
        .execute(conn)
        .await?;
    Ok(())
}

/// The body goes; members who had not read another's message have one unread (and maybe one
/// mention) less; if it was the room's last message, the preview falls back to the one before.
pub(super) async fn deleted(
    conn: &mut PgConnection,
    at: &Applied<'_>,
    message: MessageId,
    deleted_by: UserId,
) -> Result<(), sqlx::Error> {
    let (author, mentions, ordinal): (Uuid, Vec<Uuid>, i64) = sqlx::query_as(
        "UPDATE messages SET body = NULL, deleted_at = $2, deleted_by = $3, updated_seq = $4 WHERE message_id = $1
         RETURNING author_id, mentions, ordinal",
    )
    .bind(message.as_uuid())
    .bind(at.event.recorded_at)
    .bind(deleted_by.as_uuid())
    .bind(at.event.sequence)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM message_reactions WHERE message_id = $1")
        .bind(message.as_uuid())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE room_members SET deleted_since_read = deleted_since_read + 1,
                                 unread_mentions = unread_mentions - (user_id = ANY($4))::int
         WHERE room_id = $1 AND user_id <> $2 AND read_ordinal < $3",
    )
    .bind(at.room)
    .bind(author)
    .bind(ordinal)
    .bind(&mentions)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE rooms SET message_count = message_count - 1 WHERE room_id = $1")
        .bind(at.room)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE rooms SET (last_message_id, last_message_seq, last_message_author, last_message_preview,
                           last_message_at) =
             (SELECT message_id, seq, author_id, left(body, $3), created_at FROM messages
              WHERE room_id = $1 AND deleted_at IS NULL ORDER BY seq DESC LIMIT 1)
         WHERE room_id = $1 AND last_message_id = $2",
    )
    .bind(at.room)
    .bind(message.as_uuid())
    .bind(PREVIEW_CHARS)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn reacted(
    conn: &mut PgConnection,
    at: &Applied<'_>,
    message: MessageId,
    user: UserId,
    reaction: Reaction,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO message_reactions (message_id, reaction, user_id, seq) VALUES ($1, $2, $3, $4)")
        .bind(message.as_uuid())
        .bind(reaction.as_str())
        .bind(user.as_uuid())
        .bind(at.event.sequence)
        .execute(&mut *conn)
        .await?;
    touch(conn, at, message).await
}

pub(super) async fn unreacted(
    conn: &mut PgConnection,
    at: &Applied<'_>,
    message: MessageId,
    user: UserId,
    reaction: Reaction,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM message_reactions WHERE message_id = $1 AND reaction = $2 AND user_id = $3")
        .bind(message.as_uuid())
        .bind(reaction.as_str())
        .bind(user.as_uuid())
        .execute(&mut *conn)
        .await?;
    touch(conn, at, message).await
}

/// Records the event that last changed a message.
async fn touch(conn: &mut PgConnection, at: &Applied<'_>, message: MessageId) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE messages SET updated_seq = $2 WHERE message_id = $1")
        .bind(message.as_uuid())
        .bind(at.event.sequence)
        .execute(conn)
        .await?;
    Ok(())
}
