//! Rooms, members, roles and read markers.

use chat_domain::UserId;
use chat_domain::room::{Role, RoomKind, Visibility};
use sqlx::PgConnection;

use super::Applied;

pub(super) async fn created(
    conn: &mut PgConnection,
    at: &Applied<'_>,
    kind: RoomKind,
    created_by: UserId,
) -> Result<(), sqlx::Error> {
    let (kind, name, visibility) = match kind {
        RoomKind::Group { name, visibility } => {
            let visibility = match visibility {
                Visibility::Public => "public",
                Visibility::Private => "private",
            };
            ("group", Some(name.into_string()), Some(visibility))
        }
        RoomKind::Direct { .. } => ("direct", None, None),
    };
    sqlx::query(
        "INSERT INTO rooms (room_id, kind, name, visibility, created_by, created_at, last_seq, last_activity_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $6)",
    )
    .bind(at.room)
    .bind(kind)
    .bind(name)
    .bind(visibility)
    .bind(created_by.as_uuid())
    .bind(at.event.recorded_at)
    .bind(at.event.sequence)
    .execute(conn)
    .await?;
    Ok(())
}

/// A new member has read everything before their join.
pub(super) async fn joined(
    conn: &mut PgConnection,
    at: &Applied<'_>,
    user: UserId,
    role: Role,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO room_members (room_id, user_id, role, joined_seq, joined_at, last_read_seq, read_ordinal)
         SELECT $1, $2, $3, $4, $5, $4, posted_total FROM rooms WHERE room_id = $1",
    )
    .bind(at.room)
    .bind(user.as_uuid())
    .bind(role.as_str())
    .bind(at.event.sequence)
    .bind(at.event.recorded_at)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE rooms SET member_count = member_count + 1 WHERE room_id = $1")
        .bind(at.room)
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn left(conn: &mut PgConnection, at: &Applied<'_>, user: UserId) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM room_members WHERE room_id = $1 AND user_id = $2")
        .bind(at.room)
        .bind(user.as_uuid())
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE rooms SET member_count = member_count - 1 WHERE room_id = $1")
        .bind(at.room)
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn role_changed(
    conn: &mut PgConnection,
    at: &Applied<'_>,
    user: UserId,
    role: Role,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE room_members SET role = $3 WHERE room_id = $1 AND user_id = $2")
        .bind(at.room)
        .bind(user.as_uuid())
        .bind(role.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Markers only move forward; what the unread count depends on is recounted from the
/// messages after the new marker (exact by construction, and cheap: it reads only those).
pub(super) async fn marker_moved(
    conn: &mut PgConnection,
    at: &Applied<'_>,
    user: UserId,
    up_to_seq: u64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE room_members m SET last_read_seq = marker.seq,
                read_ordinal = COALESCE((SELECT ordinal FROM messages WHERE room_id = $1 AND seq <= marker.seq
                                         ORDER BY seq DESC LIMIT 1), 0),
                own_since_read = counts.own, deleted_since_read = counts.deleted, unread_mentions = counts.mentions
         FROM (SELECT GREATEST(last_read_seq, $3) AS seq FROM room_members WHERE room_id = $1 AND user_id = $2) marker,
              LATERAL (SELECT count(*) FILTER (WHERE author_id = $2) AS own,
                              count(*) FILTER (WHERE author_id <> $2 AND deleted_at IS NOT NULL) AS deleted,
                              count(*) FILTER (WHERE author_id <> $2 AND deleted_at IS NULL AND $2 = ANY(mentions))
                                  AS mentions
                       FROM messages WHERE room_id = $1 AND seq > marker.seq) counts
         WHERE m.room_id = $1 AND m.user_id = $2",
    )
    .bind(at.room)
    .bind(user.as_uuid())
    .bind(i64::try_from(up_to_seq).unwrap_or(i64::MAX))
    .execute(conn)
    .await?;
    Ok(())
}
