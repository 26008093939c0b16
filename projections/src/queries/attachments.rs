//! A posted file as a download sees it: who may fetch it and where its bytes are.
//!
//! One query answers both, so that every refusal looks the same from outside: an unknown
//! attachment, one of a room the caller is not in, one of a deleted message and one whose
//! upload is gone (its uploader was erased) are all "no such attachment" — a caller cannot
//! probe which rooms or files exist. The bytes' address comes from the write side's `uploads`
//! row, which is also what keeps the blob alive.

use chat_domain::{RoomId, UploadId, UserId};
use sqlx::PgPool;

/// A file a caller may download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentFile {
    /// The sanitised name (`None` once the uploader was erased; then there is no file either).
    pub name: Option<String>,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub thumbnail_sha256: Option<String>,
    pub thumbnail_mime: Option<String>,
    pub thumbnail_size: Option<i64>,
}

/// Who asks.
#[derive(Clone, Copy, Debug)]
pub enum Asker {
    /// A member, by bearer token: must be in the room now.
    Member(UserId),
    /// A signed URL, checked by the caller: anyone holding it, while the file is visible.
    SignedUrl,
}

/// What the read models say of `attachment` in `room` for `asker`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The asker's account is gone (401 `account_erased`, as on every read).
    AccountErased,
    /// Not there, or not for this asker (all alike: 404).
    NotFound,
    Found(AttachmentFile),
}

pub async fn lookup(pool: &PgPool, room: RoomId, attachment: UploadId, asker: Asker) -> Result<Lookup, sqlx::Error> {
    let member = match asker {
        Asker::Member(user) => Some(user.as_uuid()),
        Asker::SignedUrl => None,
    };
    let row: (bool, Option<sqlx::types::Json<AttachmentFileRow>>) = sqlx::query_as(
        "SELECT $3::uuid IS NULL OR EXISTS (SELECT 1 FROM user_credentials WHERE user_id = $3),
                (SELECT json_build_object('name', a.name, 'mime', a.mime, 'size', a.size, 'sha256', u.sha256,
                                          'thumbnail_sha256', u.thumbnail_sha256, 'thumbnail_mime', u.thumbnail_mime,
                                          'thumbnail_size', u.thumbnail_size)
                 FROM message_attachments a
                 JOIN messages m ON m.message_id = a.message_id AND m.deleted_at IS NULL
                 JOIN uploads u ON u.upload_id = a.attachment_id
                 WHERE a.room_id = $1 AND a.attachment_id = $2
                   AND ($3::uuid IS NULL
                        OR EXISTS (SELECT 1 FROM room_members r WHERE r.room_id = $1 AND r.user_id = $3))
                 LIMIT 1)",
    )
    .bind(room.as_uuid())
    .bind(attachment.as_uuid())
    .bind(member)
    .fetch_one(pool)
    .await?;
    Ok(match row {
        (false, _) => Lookup::AccountErased,
        (true, None) => Lookup::NotFound,
        (true, Some(file)) => Lookup::Found(file.0.into()),
    })
}

#[derive(serde::Deserialize)]
struct AttachmentFileRow {
    name: Option<String>,
    mime: String,
    size: i64,
    sha256: String,
    thumbnail_sha256: Option<String>,
    thumbnail_mime: Option<String>,
    thumbnail_size: Option<i64>,
}

impl From<AttachmentFileRow> for AttachmentFile {
    fn from(row: AttachmentFileRow) -> Self {
        let AttachmentFileRow { name, mime, size, sha256, thumbnail_sha256, thumbnail_mime, thumbnail_size } = row;
        Self { name, mime, size, sha256, thumbnail_sha256, thumbnail_mime, thumbnail_size }
    }
}
