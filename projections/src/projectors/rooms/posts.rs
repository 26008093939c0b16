//! Posts: the messages, their ordinals and attachments, the room's post counter and
//! last-message preview, and the unread counters of authors and mentioned members.

use std::collections::HashMap;

use chat_domain::attachment::Attachment;
use chat_domain::redaction::Redactable;
use chat_domain::text::{ClientMsgId, MessageBody};
use chat_domain::{MessageId, UserId};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::At;

/// Characters of a message kept as the room list's preview.
pub(super) const PREVIEW_CHARS: i32 = 200;

pub(super) struct Posted {
    pub message_id: MessageId,
    pub author: UserId,
    /// Redacted when the author was erased: the message stays (counts, order, unread figures)
    /// without its text, as if the preview and history had never seen it.
    pub body: Redactable<MessageBody>,
    pub client_msg_id: ClientMsgId,
    pub reply_to: Option<MessageId>,
    pub mentions: Vec<UserId>,
    pub attachments: Vec<Attachment>,
}

/// Posts, in feed order, with the room and event each came from, and what they add up to per
/// room and per member (counted here rather than by the statement: the page is at hand, and
/// Postgres would sort and group it for that).
#[derive(Default)]
pub(super) struct Posts {
    rooms: Vec<Uuid>,
    seqs: Vec<i64>,
    ids: Vec<Uuid>,
    authors: Vec<Uuid>,
    client_msg_ids: Vec<String>,
    bodies: Vec<Option<String>>,
    reply_tos: Vec<Option<Uuid>>,
    created_at: Vec<DateTime<Utc>>,
    /// Each post's mentions as comma-separated ids (Postgres arrays cannot be ragged).
    mentions: Vec<String>,
    /// Each post's place among its room's posts in the group: 1, 2, 3…
    nth: Vec<i64>,
    /// Per room: how many posts, and the index of the last one.
    per_room: HashMap<Uuid, (i64, usize)>,
    /// Per room and member: their own posts and the posts that mention them.
    counters: HashMap<(Uuid, Uuid), (i32, i32)>,
    /// Every post's attachments, one row each.
    attachments: AttachmentRows,
}

/// `message_attachments` rows, as columns.
#[derive(Default)]
struct AttachmentRows {
    messages: Vec<Uuid>,
    positions: Vec<i32>,
    rooms: Vec<Uuid>,
    ids: Vec<Uuid>,
    authors: Vec<Uuid>,
    names: Vec<Option<String>>,
    mimes: Vec<String>,
    sizes: Vec<i64>,
    digests: Vec<String>,
    widths: Vec<Option<i32>>,
    heights: Vec<Option<i32>>,
    thumbnails: Vec<bool>,
}

impl AttachmentRows {
    fn push(&mut self, room: Uuid, message: MessageId, author: UserId, attachments: Vec<Attachment>) {
        for (position, attachment) in (0..).zip(attachments) {
            self.messages.push(message.as_uuid());
            self.positions.push(position);
            self.rooms.push(room);
            self.ids.push(attachment.id.as_uuid());
            self.authors.push(author.as_uuid());
            self.names.push(attachment.name.into_present().map(|name| name.as_str().to_owned()));
            self.mimes.push(attachment.mime.as_str().to_owned());
            self.sizes.push(i64::try_from(attachment.size).unwrap_or(i64::MAX));
            self.digests.push(attachment.sha256.as_str().to_owned());
            self.widths.push(attachment.width.map(|w| i32::try_from(w).unwrap_or(i32::MAX)));
            self.heights.push(attachment.height.map(|h| i32::try_from(h).unwrap_or(i32::MAX)));
            self.thumbnails.push(attachment.thumbnail);
        }
    }

    async fn insert(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.messages.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO message_attachments (message_id, position, room_id, attachment_id, author_id, name, mime, size,
                                              sha256, width, height, thumbnail)
             SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[],
                                  $8::bigint[], $9::text[], $10::int[], $11::int[], $12::bool[])",
        )
        .bind(&self.messages)
        .bind(&self.positions)
        .bind(&self.rooms)
        .bind(&self.ids)
        .bind(&self.authors)
        .bind(&self.names)
        .bind(&self.mimes)
        .bind(&self.sizes)
        .bind(&self.digests)
        .bind(&self.widths)
        .bind(&self.heights)
        .bind(&self.thumbnails)
        .execute(conn)
        .await?;
        Ok(())
    }
}

impl Posts {
    pub(super) fn push(&mut self, at: At, posted: Posted) {
        let (count, last) = self.per_room.entry(at.room).or_default();
        *count += 1;
        *last = self.rooms.len();
        self.nth.push(*count);
        self.counters.entry((at.room, posted.author.as_uuid())).or_default().0 += 1;
        for mentioned in &posted.mentions {
            self.counters.entry((at.room, mentioned.as_uuid())).or_default().1 += 1;
        }
        self.attachments.push(at.room, posted.message_id, posted.author, posted.attachments);
        self.rooms.push(at.room);
        self.seqs.push(at.seq);
        self.ids.push(posted.message_id.as_uuid());
        self.authors.push(posted.author.as_uuid());
        self.client_msg_ids.push(posted.client_msg_id.into_string());
        self.bodies.push(posted.body.into_present().map(MessageBody::into_string));
        self.reply_tos.push(posted.reply_to.map(|id| id.as_uuid()));
        self.created_at.push(at.recorded_at);
        self.mentions.push(posted.mentions.iter().map(ToString::to_string).collect::<Vec<_>>().join(","));
    }

    /// Posts commute with each other except through each room's counter and preview: each
    /// message's ordinal is the room's count before the group plus its place in the group, and
    /// the room's last post sets the preview. A room's posts in a group are adjacent in its
    /// order, so memberships and markers are as they were for each post.
    ///
    /// Per room: the post counter and preview; per post: the message with its ordinal; per author
    /// and per mentioned member: their counters — never every member's row.
    pub(super) async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.rooms.is_empty() {
            return Ok(());
        }
        let mut last = vec![false; self.rooms.len()];
        for (_, index) in self.per_room.into_values() {
            last[index] = true;
        }
        let (mut counted_rooms, mut counted_users, mut own, mut mentioned) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for ((room, user), (posts, mentions)) in self.counters {
            counted_rooms.push(room);
            counted_users.push(user);
            own.push(posts);
            mentioned.push(mentions);
        }
        sqlx::query(
            "WITH input AS (
                 SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::uuid[], $5::text[], $6::text[],
                                      $7::uuid[], $8::timestamptz[], $9::text[], $10::bigint[], $11::bool[])
                     AS i(room_id, seq, message_id, author_id, client_msg_id, body, reply_to, created_at, mentions_csv,
                          nth, last)
             ), room AS (
                 UPDATE rooms r SET posted_total = r.posted_total + l.nth, message_count = r.message_count + l.nth,
                                    last_activity_at = l.created_at, last_message_id = l.message_id,
                                    last_message_seq = l.seq, last_message_author = l.author_id,
                                    last_message_preview = left(l.body, $12), last_message_at = l.created_at
                 FROM input l WHERE l.last AND r.room_id = l.room_id
                 RETURNING r.room_id, r.posted_total - l.nth AS posted_before
             ), message AS (
                 INSERT INTO messages (room_id, seq, message_id, author_id, client_msg_id, body, reply_to, created_at,
                                       updated_seq, mentions, ordinal)
                 SELECT i.room_id, i.seq, i.message_id, i.author_id, i.client_msg_id, i.body, i.reply_to, i.created_at,
                        i.seq, COALESCE(string_to_array(NULLIF(i.mentions_csv, ''), ',')::uuid[], '{}'),
                        room.posted_before + i.nth
                 FROM input i JOIN room ON room.room_id = i.room_id
             )
             UPDATE room_members m SET own_since_read = m.own_since_read + c.own,
                                       unread_mentions = m.unread_mentions + c.mentioned
             FROM unnest($13::uuid[], $14::uuid[], $15::int[], $16::int[]) AS c(room_id, user_id, own, mentioned)
             WHERE m.room_id = c.room_id AND m.user_id = c.user_id",
        )
        .bind(&self.rooms)
        .bind(&self.seqs)
        .bind(&self.ids)
        .bind(&self.authors)
        .bind(&self.client_msg_ids)
        .bind(&self.bodies)
        .bind(&self.reply_tos)
        .bind(&self.created_at)
        .bind(&self.mentions)
        .bind(&self.nth)
        .bind(&last)
        .bind(PREVIEW_CHARS)
        .bind(&counted_rooms)
        .bind(&counted_users)
        .bind(&own)
        .bind(&mentioned)
        .execute(&mut *conn)
        .await?;
        self.attachments.insert(conn).await
    }
}
