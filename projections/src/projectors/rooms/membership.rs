//! Rooms, members and roles, each kind of event a group applied in one statement.

use std::collections::HashMap;

use chat_domain::UserId;
use chat_domain::room::{Role, RoomKind, Visibility};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::At;

/// Rooms that came into existence.
#[derive(Default)]
pub(super) struct Creations {
    rooms: Vec<Uuid>,
    kinds: Vec<&'static str>,
    names: Vec<Option<String>>,
    visibilities: Vec<Option<&'static str>>,
    created_by: Vec<Uuid>,
    created_at: Vec<DateTime<Utc>>,
    seqs: Vec<i64>,
}

impl Creations {
    pub(super) fn push(&mut self, at: At, kind: RoomKind, created_by: UserId) {
        let (kind, name, visibility) = match kind {
            RoomKind::Group { name, visibility } => {
                let visibility = match visibility {
                    Visibility::Public => "public",
                    Visibility::Private => "private",
                };
                ("group", Some(name.into_string()), Some(visibility))
            }
            RoomKind::Direct { .. } => ("direct", None, None),
            RoomKind::Support { .. } => ("support", None, None),
        };
        self.rooms.push(at.room);
        self.kinds.push(kind);
        self.names.push(name);
        self.visibilities.push(visibility);
        self.created_by.push(created_by.as_uuid());
        self.created_at.push(at.recorded_at);
        self.seqs.push(at.seq);
    }

    pub(super) async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.rooms.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO rooms (room_id, kind, name, visibility, created_by, created_at, last_seq, last_activity_at)
             SELECT room_id, kind, name, visibility, created_by, created_at, seq, created_at
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::timestamptz[], $7::bigint[])
                 AS i(room_id, kind, name, visibility, created_by, created_at, seq)",
        )
        .bind(&self.rooms)
        .bind(&self.kinds)
        .bind(&self.names)
        .bind(&self.visibilities)
        .bind(&self.created_by)
        .bind(&self.created_at)
        .bind(&self.seqs)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// New members; each has read everything before their join.
#[derive(Default)]
pub(super) struct Joins {
    rooms: Vec<Uuid>,
    users: Vec<Uuid>,
    roles: Vec<&'static str>,
    seqs: Vec<i64>,
    joined_at: Vec<DateTime<Utc>>,
}

impl Joins {
    pub(super) fn push(&mut self, at: At, user: UserId, role: Role) {
        self.rooms.push(at.room);
        self.users.push(user.as_uuid());
        self.roles.push(role.as_str());
        self.seqs.push(at.seq);
        self.joined_at.push(at.recorded_at);
    }

    /// A group holds no post of the same rooms (posts come later in a layer), so each room's
    /// post count is the one every join of the group saw.
    pub(super) async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.rooms.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "WITH input AS (
                 SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::timestamptz[])
                     AS i(room_id, user_id, role, seq, joined_at)
             ), member AS (
                 INSERT INTO room_members (room_id, user_id, role, joined_seq, joined_at, last_read_seq, read_ordinal)
                 SELECT i.room_id, i.user_id, i.role, i.seq, i.joined_at, i.seq, r.posted_total
                 FROM input i JOIN rooms r ON r.room_id = i.room_id
             )
             UPDATE rooms r SET member_count = r.member_count + c.joined
             FROM (SELECT room_id, count(*) AS joined FROM input GROUP BY room_id) c
             WHERE r.room_id = c.room_id",
        )
        .bind(&self.rooms)
        .bind(&self.users)
        .bind(&self.roles)
        .bind(&self.seqs)
        .bind(&self.joined_at)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// Members' new roles: the last one each member got in the group.
#[derive(Default)]
pub(super) struct RoleChanges {
    roles: HashMap<(Uuid, Uuid), &'static str>,
}

impl RoleChanges {
    pub(super) fn push(&mut self, at: At, user: UserId, role: Role) {
        self.roles.insert((at.room, user.as_uuid()), role.as_str());
    }

    pub(super) async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.roles.is_empty() {
            return Ok(());
        }
        let ((rooms, users), roles): ((Vec<Uuid>, Vec<Uuid>), Vec<&str>) = self.roles.into_iter().unzip();
        sqlx::query(
            "UPDATE room_members m SET role = i.role
             FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS i(room_id, user_id, role)
             WHERE m.room_id = i.room_id AND m.user_id = i.user_id",
        )
        .bind(&rooms)
        .bind(&users)
        .bind(&roles)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// Members who left or were removed.
#[derive(Default)]
pub(super) struct Leaves {
    rooms: Vec<Uuid>,
    users: Vec<Uuid>,
}

impl Leaves {
    pub(super) fn push(&mut self, at: At, user: UserId) {
        self.rooms.push(at.room);
        self.users.push(user.as_uuid());
    }

    pub(super) async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.rooms.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "WITH input AS (
                 SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS i(room_id, user_id)
             ), member AS (
                 DELETE FROM room_members m USING input i WHERE m.room_id = i.room_id AND m.user_id = i.user_id
             )
             UPDATE rooms r SET member_count = r.member_count - c.gone
             FROM (SELECT room_id, count(*) AS gone FROM input GROUP BY room_id) c
             WHERE r.room_id = c.room_id",
        )
        .bind(&self.rooms)
        .bind(&self.users)
        .execute(conn)
        .await?;
        Ok(())
    }
}
