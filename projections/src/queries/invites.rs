//! Invites as admins list them and as the holder of a code sees them (projector `invites`,
//! with the room's name and size from the `rooms` projector's tables).

use chat_domain::room::InviteState;
use chat_domain::{InviteId, RoomId, UserId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

/// One invite of a room, as its admins see it (never its code).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InviteSummary {
    pub invite_id: InviteId,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    /// When it stops letting people in; `null`: never.
    #[schema(required = true)]
    pub expires_at: Option<DateTime<Utc>>,
    /// How many people may join with it; `null`: no limit.
    #[schema(required = true)]
    pub max_uses: Option<u32>,
    /// How many people joined with it.
    pub uses: u32,
}

/// At most this many invites are listed (the newest).
pub const MAX_LISTED: i64 = 500;

type SummaryRow = (Uuid, Uuid, DateTime<Utc>, Option<DateTime<Utc>>, Option<i32>, i32);

/// The room's invites that can still let someone in at `now`, newest first.
pub async fn live(pool: &PgPool, room: RoomId, now: DateTime<Utc>) -> Result<Vec<InviteSummary>, sqlx::Error> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "SELECT invite_id, created_by, created_at, expires_at, max_uses, uses FROM room_invites
         WHERE room_id = $1 AND NOT revoked AND (expires_at IS NULL OR expires_at > $2)
           AND (max_uses IS NULL OR uses < max_uses)
         ORDER BY created_at DESC, invite_id
         LIMIT $3",
    )
    .bind(room.as_uuid())
    .bind(now)
    .bind(MAX_LISTED)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(invite_id, created_by, created_at, expires_at, max_uses, uses)| InviteSummary {
            invite_id: InviteId::from_uuid(invite_id),
            created_by: UserId::from_uuid(created_by),
            created_at,
            expires_at,
            max_uses: max_uses.map(count),
            uses: count(uses),
        })
        .collect())
}

/// What the holder of a code sees before joining.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InvitePreview {
    pub room_id: RoomId,
    /// The room's name.
    pub name: String,
    pub member_count: u32,
    /// Whether the caller is a member already (accepting then changes nothing).
    pub is_member: bool,
    #[schema(required = true)]
    pub expires_at: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub max_uses: Option<u32>,
    pub uses: u32,
    #[serde(skip)]
    revoked: bool,
}

impl InvitePreview {
    /// The invite as the room's rules see it (`InviteState::refusal`).
    pub fn state(&self) -> InviteState {
        InviteState { expires_at: self.expires_at, max_uses: self.max_uses, uses: self.uses, revoked: self.revoked }
    }
}

type PreviewRow = (String, i32, bool, Option<DateTime<Utc>>, Option<i32>, i32, bool);

/// The invite `invite` of `room` as `viewer` sees it; `None` if the read models have no such
/// invite of that room (yet), or the room was deleted.
pub async fn preview(
    pool: &PgPool,
    invite: InviteId,
    room: RoomId,
    viewer: UserId,
) -> Result<Option<InvitePreview>, sqlx::Error> {
    let row: Option<PreviewRow> = sqlx::query_as(
        "SELECT COALESCE(r.name, ''), r.member_count,
                EXISTS (SELECT 1 FROM room_members m WHERE m.room_id = i.room_id AND m.user_id = $3),
                i.expires_at, i.max_uses, i.uses, i.revoked
         FROM room_invites i JOIN rooms r ON r.room_id = i.room_id
         WHERE i.invite_id = $1 AND i.room_id = $2 AND r.deleted_at IS NULL",
    )
    .bind(invite.as_uuid())
    .bind(room.as_uuid())
    .bind(viewer.as_uuid())
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(name, member_count, is_member, expires_at, max_uses, uses, revoked)| InvitePreview {
        room_id: room,
        name,
        member_count: count(member_count),
        is_member,
        expires_at,
        max_uses: max_uses.map(count),
        uses: count(uses),
        revoked,
    }))
}

/// A count the tables keep as `integer` (never negative).
fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}
