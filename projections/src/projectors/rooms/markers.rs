//! Read markers, and the unread counters that hang on them.

use std::collections::HashMap;

use chat_domain::UserId;
use sqlx::PgConnection;
use uuid::Uuid;

use super::At;

/// Members' markers: the furthest each member moved theirs to in the group.
///
/// Markers only move forward, and what the unread count depends on is recounted from the
/// messages after the new marker (exact by construction, and cheap: it reads only those). A
/// group's markers of one member are adjacent in their room's order, so the messages are the
/// same for each of them and the furthest one alone gives the same counters.
#[derive(Default)]
pub(super) struct Markers {
    markers: HashMap<(Uuid, Uuid), i64>,
}

impl Markers {
    pub(super) fn push(&mut self, at: At, user: UserId, up_to_seq: u64) {
        let up_to_seq = i64::try_from(up_to_seq).unwrap_or(i64::MAX);
        let marker = self.markers.entry((at.room, user.as_uuid())).or_insert(up_to_seq);
        *marker = (*marker).max(up_to_seq);
    }

    pub(super) async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.markers.is_empty() {
            return Ok(());
        }
        let ((rooms, users), seqs): ((Vec<Uuid>, Vec<Uuid>), Vec<i64>) = self.markers.into_iter().unzip();
        sqlx::query(
            "UPDATE room_members m SET last_read_seq = marker.seq,
                    read_ordinal = COALESCE((SELECT ordinal FROM messages
                                             WHERE room_id = marker.room_id AND seq <= marker.seq
                                             ORDER BY seq DESC LIMIT 1), 0),
                    own_since_read = counts.own, deleted_since_read = counts.deleted,
                    unread_mentions = counts.mentions
             FROM (SELECT r.room_id, r.user_id, GREATEST(r.last_read_seq, i.up_to_seq) AS seq
                   FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS i(room_id, user_id, up_to_seq)
                   JOIN room_members r ON r.room_id = i.room_id AND r.user_id = i.user_id) marker,
                  LATERAL (SELECT count(*) FILTER (WHERE author_id = marker.user_id) AS own,
                                  count(*) FILTER (WHERE author_id <> marker.user_id AND deleted_at IS NOT NULL)
                                      AS deleted,
                                  count(*) FILTER (WHERE author_id <> marker.user_id AND deleted_at IS NULL
                                                         AND marker.user_id = ANY(mentions)) AS mentions
                           FROM messages WHERE room_id = marker.room_id AND seq > marker.seq) counts
             WHERE m.room_id = marker.room_id AND m.user_id = marker.user_id",
        )
        .bind(&rooms)
        .bind(&users)
        .bind(&seqs)
        .execute(conn)
        .await?;
        Ok(())
    }
}
