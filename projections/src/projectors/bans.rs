//! `bans`: who is banned from each group room, by whom, why and since when, for its admins'
//! list. Joining never reads this table: the room's aggregate decides, so a read model that
//! trails cannot let a banned user in.

use chat_domain::RoomId;
use chat_domain::room::{Room, RoomEvent};
use cqrs_es::Aggregate;
use sqlx::PgConnection;

use super::ProjectionError;
use chat_feed::{FeedSink, StoredEvent};

pub struct BansProjector;

impl BansProjector {
    pub const NAME: &'static str = "bans";
    pub const TABLES: &'static [&'static str] = &["room_bans"];
}

/// The room events this projector reads (the others it skips undecoded).
const BAN_EVENTS: [&str; 2] = ["MemberBanned", "MemberUnbanned"];

impl FeedSink for BansProjector {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        for event in events {
            if event.aggregate_type != Room::TYPE || !BAN_EVENTS.contains(&event.event_type.as_str()) {
                continue;
            }
            let room = event.id::<RoomId>()?.as_uuid();
            let statement = match event.decode::<RoomEvent>()? {
                RoomEvent::MemberBanned { user_id, banned_by, reason } => sqlx::query(
                    "INSERT INTO room_bans (room_id, user_id, banned_by, reason, banned_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(room)
                .bind(user_id.as_uuid())
                .bind(banned_by.as_uuid())
                .bind(reason.map(|reason| reason.into_string()))
                .bind(event.recorded_at),
                RoomEvent::MemberUnbanned { user_id, .. } => {
                    sqlx::query("DELETE FROM room_bans WHERE room_id = $1 AND user_id = $2")
                        .bind(room)
                        .bind(user_id.as_uuid())
                }
                _ => continue,
            };
            statement.execute(&mut *conn).await?;
        }
        Ok(())
    }
}
