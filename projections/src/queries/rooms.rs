//! Rooms as a member sees them, and who may read a room.

use chat_domain::room::Role;
use chat_domain::{RoomId, UserId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

/// What the read model knows of a user's place in a room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    NoSuchRoom,
    NotAMember,
    Member(Role),
}

pub async fn access(pool: &PgPool, room: RoomId, user: UserId) -> Result<Access, sqlx::Error> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT m.role FROM rooms r LEFT JOIN room_members m ON m.room_id = r.room_id AND m.user_id = $2
         WHERE r.room_id = $1",
    )
    .bind(room.as_uuid())
    .bind(user.as_uuid())
    .fetch_optional(pool)
    .await?;
    Ok(match row {
        None => Access::NoSuchRoom,
        Some((None,)) => Access::NotAMember,
        Some((Some(role),)) => Access::Member(parse_role(&role)),
    })
}

fn parse_role(role: &str) -> Role {
    match role {
        "owner" => Role::Owner,
        "admin" => Role::Admin,
        _ => Role::Member,
    }
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct RoomSummary {
    pub room_id: Uuid,
    /// `group` or `direct`.
    pub kind: String,
    pub name: Option<String>,
    pub visibility: Option<String>,
    /// The caller's role.
    pub role: String,
    pub member_count: i32,
    pub message_count: i64,
    /// The room's latest sequence as the read model knows it.
    pub last_seq: i64,
    /// The caller's read marker.
    pub last_read_seq: i64,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
}

/// A room summary as a member (`m`) sees it.
const SUMMARY: &str = "SELECT r.room_id, r.kind, r.name, r.visibility, m.role, r.member_count, r.message_count,
                              r.last_seq, m.last_read_seq, r.created_at, r.last_activity_at
                       FROM room_members m JOIN rooms r ON r.room_id = m.room_id";

/// The rooms `user` belongs to, most recently active first.
pub async fn of_user(pool: &PgPool, user: UserId, limit: i64) -> Result<Vec<RoomSummary>, sqlx::Error> {
    sqlx::query_as(&format!("{SUMMARY} WHERE m.user_id = $1 ORDER BY r.last_activity_at DESC, r.room_id LIMIT $2"))
        .bind(user.as_uuid())
        .bind(limit)
        .fetch_all(pool)
        .await
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct MemberView {
    pub user_id: Uuid,
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub role: String,
    pub joined_seq: i64,
    pub last_read_seq: i64,
}

#[derive(Debug, Serialize)]
pub struct RoomDetail {
    #[serde(flatten)]
    pub summary: RoomSummary,
    pub members: Vec<MemberView>,
}

/// A room as `viewer` (a member) sees it, with its members.
pub async fn detail(pool: &PgPool, room: RoomId, viewer: UserId) -> Result<Option<RoomDetail>, sqlx::Error> {
    let summary: Option<RoomSummary> = sqlx::query_as(&format!("{SUMMARY} WHERE m.room_id = $1 AND m.user_id = $2"))
        .bind(room.as_uuid())
        .bind(viewer.as_uuid())
        .fetch_optional(pool)
        .await?;
    let Some(summary) = summary else {
        return Ok(None);
    };
    let members = sqlx::query_as(
        "SELECT m.user_id, u.username, u.display_name, m.role, m.joined_seq, m.last_read_seq
         FROM room_members m LEFT JOIN users u ON u.user_id = m.user_id
         WHERE m.room_id = $1
         ORDER BY m.joined_seq",
    )
    .bind(room.as_uuid())
    .fetch_all(pool)
    .await?;
    Ok(Some(RoomDetail { summary, members }))
}
