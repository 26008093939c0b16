//! Messages, reactions, unread counts and the room's last-message preview.

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
    pub body: MessageBody,
    pub client_msg_id: ClientMsgId,
    pub reply_to: Option<MessageId>,
    pub mentions: Vec<UserId>,
}

pub(super) async fn posted(conn: &mut PgConnection, at: &Applied<'_>, posted: Posted) -> Result<(), sqlx::Error> {
    let mentions: Vec<Uuid> = posted.mentions.iter().map(UserId::as_uuid).collect();
    sqlx::query(
        "INSERT INTO messages (room_id, seq, message_id, author_id, client_msg_id, body, reply_to, created_at,
                               updated_seq, mentions)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $2, $9)",
    )
    .bind(at.room)
    .bind(at.event.sequence)
    .bind(posted.message_id.as_uuid())
    .bind(posted.author.as_uuid())
    .bind(posted.client_msg_id.as_str())
    .bind(posted.body.as_str())
    .bind(posted.reply_to.map(|id| id.as_uuid()))
    .bind(at.event.recorded_at)
    .bind(&mentions)
    .execute(&mut *conn)
    .await?;
    // Every member but the author has read less than this new message.
    sqlx::query(
        "UPDATE room_members SET unread_count = unread_count + 1,
                                 unread_mentions = unread_mentions + (user_id = ANY($3))::int
         WHERE room_id = $1 AND user_id <> $2",
    )
    .bind(at.room)
    .bind(posted.author.as_uuid())
    .bind(&mentions)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE rooms SET message_count = message_count + 1, last_activity_at = $2, last_message_id = $3,
                          last_message_seq = $4, last_message_author = $5, last_message_preview = left($6, $7),
                          last_message_at = $2
         WHERE room_id = $1",
    )
    .bind(at.room)
    .bind(at.event.recorded_at)
    .bind(posted.message_id.as_uuid())
    .bind(at.event.sequence)
    .bind(posted.author.as_uuid())
    .bind(posted.body.as_str())
    .bind(PREVIEW_CHARS)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn edited(
    conn: &mut PgConnection,
    at: &Applied<'_>,
    message: MessageId,
    body: MessageBody,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE messages SET body = $2, edited_at = $3, updated_seq = $4 WHERE message_id = $1")
        .bind(message.as_uuid())
        .bind(body.as_str())
        .bind(at.event.recorded_at)
        .bind(at.event.sequence)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE rooms SET last_message_preview = left($3, $4) WHERE room_id = $1 AND last_message_id = $2")
        .bind(at.room)
        .bind(message.as_uuid())
        .bind(body.as_str())
        .bind(PREVIEW_CHARS)
        .execute(conn)
        .await?;
    Ok(())
}

/// The body goes; members who had not read the message have one unread (and maybe one
/// mention) less; if it was the room's last message, the preview falls back to the one before.
pub(super) async fn deleted(
    conn: &mut PgConnection,
    at: &Applied<'_>,
    message: MessageId,
    deleted_by: UserId,
) -> Result<(), sqlx::Error> {
    let (seq, author, mentions): (i64, Uuid, Vec<Uuid>) = sqlx::query_as(
        "UPDATE messages SET body = NULL, deleted_at = $2, deleted_by = $3, updated_seq = $4 WHERE message_id = $1
         RETURNING seq, author_id, mentions",
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
        "UPDATE room_members SET unread_count = unread_count - 1,
                                 unread_mentions = unread_mentions - (user_id = ANY($4))::int
         WHERE room_id = $1 AND user_id <> $2 AND last_read_seq < $3",
    )
    .bind(at.room)
    .bind(author)
    .bind(seq)
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
