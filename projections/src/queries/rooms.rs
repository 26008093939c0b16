//! Rooms as a member sees them (the room list and a room's details), and who may read a room.

use std::fmt;
use std::str::FromStr;

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

/// A room its owner deleted is `NoSuchRoom`, as one that never existed.
pub async fn access(pool: &PgPool, room: RoomId, user: UserId) -> Result<Access, sqlx::Error> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT m.role FROM rooms r LEFT JOIN room_members m ON m.room_id = r.room_id AND m.user_id = $2
         WHERE r.room_id = $1 AND r.deleted_at IS NULL",
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

/// [`access`] for a caller who holds a verified access token, and whether they still have an
/// account, in one round trip: `None` once their `user_credentials` row is gone (the account
/// was erased after the token was issued).
pub async fn account_access(pool: &PgPool, room: RoomId, user: UserId) -> Result<Option<Access>, sqlx::Error> {
    let (account, room_exists, role): (bool, bool, Option<String>) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM user_credentials WHERE user_id = $2),
                EXISTS (SELECT 1 FROM rooms WHERE room_id = $1 AND deleted_at IS NULL),
                (SELECT role FROM room_members WHERE room_id = $1 AND user_id = $2)",
    )
    .bind(room.as_uuid())
    .bind(user.as_uuid())
    .fetch_one(pool)
    .await?;
    Ok(match (account, room_exists, role) {
        (false, _, _) => None,
        (true, false, _) => Some(Access::NoSuchRoom),
        (true, true, None) => Some(Access::NotAMember),
        (true, true, Some(role)) => Some(Access::Member(parse_role(&role))),
    })
}

fn parse_role(role: &str) -> Role {
    match role {
        "owner" => Role::Owner,
        "admin" => Role::Admin,
        _ => Role::Member,
    }
}

/// Which sort of room, as lists show it (the tag of [`chat_domain::room::RoomKind`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoomKindName {
    Group,
    Direct,
    Support,
}

fn parse_kind(kind: &str) -> RoomKindName {
    match kind {
        "direct" => RoomKindName::Direct,
        "support" => RoomKindName::Support,
        _ => RoomKindName::Group,
    }
}

/// One room in a member's room list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoomSummary {
    pub room_id: Uuid,
    pub kind: RoomKindName,
    /// `null` for a direct room.
    #[schema(required = true)]
    pub name: Option<String>,
    /// `null` for a direct room.
    #[schema(value_type = Option<chat_domain::room::Visibility>, required = true)]
    pub visibility: Option<String>,
    /// A group room's topic (`null`: none, and for other rooms).
    #[schema(required = true)]
    pub topic: Option<String>,
    /// A group room's description (`null`: none, and for other rooms).
    #[schema(required = true)]
    pub description: Option<String>,
    /// The caller's role.
    #[schema(value_type = Role)]
    pub role: String,
    pub member_count: i32,
    /// Messages not deleted.
    pub message_count: i64,
    /// The room's latest sequence as the read model knows it.
    pub last_seq: i64,
    /// The caller's read marker (at least the sequence of their join).
    pub last_read_seq: i64,
    /// How far the caller's devices reported receiving the room (`received` frames), at least
    /// `last_read_seq`: a client that is further along says so after connecting.
    pub delivered_seq: i64,
    /// Messages after the caller's read marker, by others, not deleted.
    pub unread_count: i32,
    /// Of those, the ones that mention the caller.
    pub unread_mentions: i32,
    #[schema(required = true)]
    pub last_message: Option<LastMessage>,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LastMessage {
    pub message_id: Uuid,
    pub seq: i64,
    pub author_id: Uuid,
    /// The first 200 characters of the body; empty once its author was erased.
    pub preview: String,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    room_id: Uuid,
    kind: String,
    name: Option<String>,
    visibility: Option<String>,
    topic: Option<String>,
    description: Option<String>,
    role: String,
    member_count: i32,
    message_count: i64,
    last_seq: i64,
    last_read_seq: i64,
    delivered_seq: i64,
    unread_count: i32,
    unread_mentions: i32,
    last_message_id: Option<Uuid>,
    last_message_seq: Option<i64>,
    last_message_author: Option<Uuid>,
    last_message_preview: Option<String>,
    last_message_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    last_activity_at: DateTime<Utc>,
}

impl From<SummaryRow> for RoomSummary {
    fn from(row: SummaryRow) -> Self {
        let last_message =
            match (row.last_message_id, row.last_message_seq, row.last_message_author, row.last_message_at) {
                (Some(message_id), Some(seq), Some(author_id), Some(created_at)) => Some(LastMessage {
                    message_id,
                    seq,
                    author_id,
                    preview: row.last_message_preview.unwrap_or_default(),
                    created_at,
                }),
                _ => None,
            };
        Self {
            room_id: row.room_id,
            kind: parse_kind(&row.kind),
            name: row.name,
            visibility: row.visibility,
            topic: row.topic,
            description: row.description,
            role: row.role,
            member_count: row.member_count,
            message_count: row.message_count,
            last_seq: row.last_seq,
            last_read_seq: row.last_read_seq,
            delivered_seq: row.delivered_seq,
            unread_count: row.unread_count,
            unread_mentions: row.unread_mentions,
            last_message,
            created_at: row.created_at,
            last_activity_at: row.last_activity_at,
        }
    }
}

/// A room summary as a member (`m`) sees it (their delivery marker `d` is not a projection: see
/// [`receipts`]).
const SUMMARY: &str =
    "SELECT r.room_id, r.kind, r.name, r.visibility, r.topic, r.description, m.role, r.member_count, r.message_count,
                              r.last_seq, m.last_read_seq,
                              GREATEST(m.last_read_seq, COALESCE(d.delivered_seq, 0)) AS delivered_seq,
                              (r.posted_total - m.read_ordinal - m.own_since_read - m.deleted_since_read)::int4
                                  AS unread_count,
                              m.unread_mentions, r.last_message_id,
                              r.last_message_seq, r.last_message_author, r.last_message_preview, r.last_message_at,
                              r.created_at, r.last_activity_at
                       FROM room_members m JOIN rooms r ON r.room_id = m.room_id
                       LEFT JOIN delivery_markers d ON d.room_id = m.room_id AND d.user_id = m.user_id";

/// Where a room-list page starts: after this room in (last activity, room id) descending order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoomCursor {
    last_activity_at: DateTime<Utc>,
    room_id: Uuid,
}

impl fmt::Display for RoomCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.last_activity_at.timestamp_micros(), self.room_id.simple())
    }
}

/// The earliest `timestamptz` Postgres holds (4714-11-24 BC), in microseconds since 1970; its
/// latest lies beyond chrono's, so chrono's own bound suffices there.
const EARLIEST_TIMESTAMP_MICROS: i64 = -210_866_803_200_000_000;

impl FromStr for RoomCursor {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = "not a room-list cursor";
        let (micros, room) = s.split_once('.').ok_or(invalid)?;
        let last_activity_at = micros
            .parse()
            .ok()
            .filter(|&micros| micros >= EARLIEST_TIMESTAMP_MICROS)
            .and_then(DateTime::from_timestamp_micros)
            .ok_or(invalid)?;
        let room_id = Uuid::try_parse(room).map_err(|_| invalid)?;
        Ok(Self { last_activity_at, room_id })
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoomPage {
    /// Most recently active first.
    pub rooms: Vec<RoomSummary>,
    /// Pass as `before` for the next page; `None` on the last page.
    #[schema(required = true)]
    pub next_before: Option<String>,
}

/// A page of the rooms `user` belongs to, most recently active first, in one query. Support
/// conversations are not listed: agents work them from their websites' inboxes
/// ([`super::support`]).
pub async fn page(
    pool: &PgPool,
    user: UserId,
    before: Option<RoomCursor>,
    limit: i64,
) -> Result<RoomPage, sqlx::Error> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "{SUMMARY} WHERE m.user_id = $1 AND r.kind <> 'support'
           AND ($2::timestamptz IS NULL OR (r.last_activity_at, r.room_id) < ($2, $3))
         ORDER BY r.last_activity_at DESC, r.room_id DESC LIMIT $4"
    ))
    .bind(user.as_uuid())
    .bind(before.map(|cursor| cursor.last_activity_at))
    .bind(before.map(|cursor| cursor.room_id))
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let next_before = match rows.last() {
        Some(last) if rows.len() as i64 == limit => {
            Some(RoomCursor { last_activity_at: last.last_activity_at, room_id: last.room_id }.to_string())
        }
        _ => None,
    };
    Ok(RoomPage { rooms: rows.into_iter().map(RoomSummary::from).collect(), next_before })
}

/// Where the read model has each support conversation `user` is in: `(room, last_seq)`. The
/// room list leaves them out ([`page`]); a gateway needs them to start a connection's live
/// stream at the present rather than replay them from the join.
pub async fn support_positions(pool: &PgPool, user: UserId) -> Result<Vec<(Uuid, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.room_id, r.last_seq FROM room_members m JOIN rooms r ON r.room_id = m.room_id
         WHERE m.user_id = $1 AND r.kind = 'support'",
    )
    .bind(user.as_uuid())
    .fetch_all(pool)
    .await
}

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = RoomMember)]
pub struct MemberView {
    pub user_id: Uuid,
    #[schema(required = true)]
    pub username: Option<String>,
    #[schema(required = true)]
    pub display_name: Option<String>,
    #[schema(value_type = Role)]
    pub role: String,
    pub joined_seq: i64,
    /// Everyone in the room may see how far each member has read (read receipts).
    pub last_read_seq: i64,
    /// And how far each member's devices have received the room (at least `last_read_seq`).
    pub delivered_seq: i64,
    /// `online`, `away` or `offline`.
    #[schema(value_type = chat_domain::presence::PresenceStatus)]
    pub presence: String,
    /// Since when the presence holds (for `offline`: last seen).
    #[schema(required = true)]
    pub presence_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Room)]
pub struct RoomDetail {
    #[serde(flatten)]
    pub summary: RoomSummary,
    pub members: Vec<MemberView>,
}

/// A room as `viewer` (a member) sees it, with its members.
pub async fn detail(pool: &PgPool, room: RoomId, viewer: UserId) -> Result<Option<RoomDetail>, sqlx::Error> {
    let summary: Option<SummaryRow> = sqlx::query_as(&format!("{SUMMARY} WHERE m.room_id = $1 AND m.user_id = $2"))
        .bind(room.as_uuid())
        .bind(viewer.as_uuid())
        .fetch_optional(pool)
        .await?;
    let Some(summary) = summary else {
        return Ok(None);
    };
    let members = sqlx::query_as(
        "SELECT m.user_id, u.username, u.display_name, m.role, m.joined_seq, m.last_read_seq,
                GREATEST(m.last_read_seq, COALESCE(d.delivered_seq, 0)) AS delivered_seq,
                COALESCE(p.status, 'offline') AS presence, p.since AS presence_since
         FROM room_members m LEFT JOIN users u ON u.user_id = m.user_id LEFT JOIN presence p ON p.user_id = m.user_id
         LEFT JOIN delivery_markers d ON d.room_id = m.room_id AND d.user_id = m.user_id
         WHERE m.room_id = $1
         ORDER BY m.joined_seq",
    )
    .bind(room.as_uuid())
    .fetch_all(pool)
    .await?;
    Ok(Some(RoomDetail { summary: summary.into(), members }))
}

/// Receipts: how far each member of `room` has read, and how far their devices have received.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = ReadReceipt)]
pub struct Receipt {
    pub user_id: Uuid,
    /// Their read marker (at least the sequence of their join).
    pub last_read_seq: i64,
    /// How far their devices reported receiving the room; read implies delivered, so at least
    /// `last_read_seq`.
    pub delivered_seq: i64,
}

/// Each current member's receipt, furthest read first. Delivery markers are not a projection
/// (`delivery_markers`, written by the command service as devices acknowledge what they
/// received, like sessions): joined here, and only for current members. A marker left from an
/// earlier membership is below the rejoin, where the read marker starts, so it never shows.
pub async fn receipts(pool: &PgPool, room: RoomId) -> Result<Vec<Receipt>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.user_id, m.last_read_seq, GREATEST(m.last_read_seq, COALESCE(d.delivered_seq, 0)) AS delivered_seq
         FROM room_members m LEFT JOIN delivery_markers d ON d.room_id = m.room_id AND d.user_id = m.user_id
         WHERE m.room_id = $1 ORDER BY m.last_read_seq DESC, m.user_id",
    )
    .bind(room.as_uuid())
    .fetch_all(pool)
    .await
}

/// The members of `room`.
pub async fn members(pool: &PgPool, room: RoomId) -> Result<Vec<UserId>, sqlx::Error> {
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT user_id FROM room_members WHERE room_id = $1")
        .bind(room.as_uuid())
        .fetch_all(pool)
        .await?;
    Ok(ids.into_iter().map(UserId::from_uuid).collect())
}
