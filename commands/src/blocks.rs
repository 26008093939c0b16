//! Blocks between two people, as commands on direct rooms obey them: neither may open a direct
//! room with the other, nor post or react in the one they have (a clear `direct_blocked`, both
//! ways: the blocked user learns that they cannot write, which the block means; they are never
//! told it otherwise). Editing or deleting one's own earlier messages stays possible.
//!
//! The block list is the `contacts` projector's `user_blocks`: a block takes effect once
//! projected, milliseconds after `PUT /v1/blocks/{id}` answers (the same lag as every read
//! model); the room writer reads it once per batch of a direct room's commands.

use chat_domain::UserId;
use chat_domain::room::RoomCommand;
use sqlx::PgPool;

/// Whether `command` is refused between two people one of whom blocks the other.
pub fn refuses(command: &RoomCommand) -> bool {
    matches!(command, RoomCommand::OpenDirect { .. } | RoomCommand::PostMessage { .. } | RoomCommand::React { .. })
}

/// Whether either of `pair` blocks the other.
pub async fn between(pool: &PgPool, [a, b]: [UserId; 2]) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM user_blocks
                        WHERE (user_id, blocked_id) IN (($1, $2), ($2, $1)))",
    )
    .bind(a.as_uuid())
    .bind(b.as_uuid())
    .fetch_one(pool)
    .await
}
