//! A group room's topic and description, and its deletion: each touches only the room's row.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::At;

/// New topics and descriptions: the last of each room's in the group (`None`: cleared).
#[derive(Default)]
pub(super) struct Settings {
    topics: HashMap<Uuid, Option<String>>,
    descriptions: HashMap<Uuid, Option<String>>,
}

impl Settings {
    pub(super) fn topic(&mut self, at: At, topic: Option<String>) {
        self.topics.insert(at.room, topic);
    }

    pub(super) fn description(&mut self, at: At, description: Option<String>) {
        self.descriptions.insert(at.room, description);
    }

    pub(super) async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        for (column, values) in [("topic", self.topics), ("description", self.descriptions)] {
            if values.is_empty() {
                continue;
            }
            let (rooms, texts): (Vec<Uuid>, Vec<Option<String>>) = values.into_iter().unzip();
            sqlx::query(&format!(
                "UPDATE rooms r SET {column} = i.text FROM unnest($1::uuid[], $2::text[]) AS i(room_id, text)
                 WHERE r.room_id = i.room_id"
            ))
            .bind(&rooms)
            .bind(&texts)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}

/// Rooms their owners deleted.
#[derive(Default)]
pub(super) struct Deletions {
    rooms: Vec<Uuid>,
    deleted_at: Vec<DateTime<Utc>>,
}

impl Deletions {
    pub(super) fn push(&mut self, at: At) {
        self.rooms.push(at.room);
        self.deleted_at.push(at.recorded_at);
    }

    pub(super) async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.rooms.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "UPDATE rooms r SET deleted_at = i.deleted_at
             FROM unnest($1::uuid[], $2::timestamptz[]) AS i(room_id, deleted_at) WHERE r.room_id = i.room_id",
        )
        .bind(&self.rooms)
        .bind(&self.deleted_at)
        .execute(conn)
        .await?;
        Ok(())
    }
}
