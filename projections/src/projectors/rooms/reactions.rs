//! Reactions added to and removed from messages.

use chat_domain::text::Reaction;
use chat_domain::{MessageId, UserId};
use sqlx::PgConnection;
use uuid::Uuid;

use super::At;

/// Reactions added, or removed, by a group of events; either way each message records the
/// last event that changed it.
#[derive(Default)]
pub(super) struct Reactions {
    messages: Vec<Uuid>,
    reactions: Vec<String>,
    users: Vec<Uuid>,
    seqs: Vec<i64>,
}

impl Reactions {
    pub(super) fn push(&mut self, at: At, message: MessageId, user: UserId, reaction: Reaction) {
        self.messages.push(message.as_uuid());
        self.reactions.push(reaction.as_str().to_owned());
        self.users.push(user.as_uuid());
        self.seqs.push(at.seq);
    }

    pub(super) async fn add(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        self.apply(
            conn,
            "INSERT INTO message_reactions (message_id, reaction, user_id, seq)
             SELECT message_id, reaction, user_id, seq FROM input",
        )
        .await
    }

    pub(super) async fn remove(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        self.apply(
            conn,
            "DELETE FROM message_reactions r USING input i
             WHERE r.message_id = i.message_id AND r.reaction = i.reaction AND r.user_id = i.user_id",
        )
        .await
    }

    /// Runs `change` (over `input`) and records the last event of each message.
    async fn apply(self, conn: &mut PgConnection, change: &str) -> Result<(), sqlx::Error> {
        if self.messages.is_empty() {
            return Ok(());
        }
        sqlx::query(&format!(
            "WITH input AS (
                 SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::bigint[])
                     AS i(message_id, reaction, user_id, seq)
             ), change AS ({change})
             UPDATE messages m SET updated_seq = latest.seq
             FROM (SELECT message_id, max(seq) AS seq FROM input GROUP BY message_id) latest
             WHERE m.message_id = latest.message_id"
        ))
        .bind(&self.messages)
        .bind(&self.reactions)
        .bind(&self.users)
        .bind(&self.seqs)
        .execute(conn)
        .await?;
        Ok(())
    }
}
