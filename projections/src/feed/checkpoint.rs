//! Where a named feed consumer has got to, stored in `feed_checkpoints`.

use sqlx::PgConnection;

/// A position in the feed: everything up to and including this `(tx_id, position)` is done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Checkpoint {
    pub tx_id: u64,
    pub position: i64,
}

impl Checkpoint {
    /// The checkpoint of `name`, creating it at the start of the feed if it is new.
    pub async fn load(conn: &mut PgConnection, name: &str) -> Result<Self, sqlx::Error> {
        sqlx::query("INSERT INTO feed_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .execute(&mut *conn)
            .await?;
        let (tx_id, position): (String, i64) =
            sqlx::query_as("SELECT tx_id::text, position FROM feed_checkpoints WHERE name = $1")
                .bind(name)
                .fetch_one(&mut *conn)
                .await?;
        let tx_id = tx_id.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        Ok(Self { tx_id, position })
    }

    /// Stores this checkpoint for `name`; call it in the transaction that holds the effects.
    pub async fn save(&self, conn: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE feed_checkpoints SET tx_id = $2::text::xid8, position = $3, updated_at = now() WHERE name = $1",
        )
        .bind(name)
        .bind(self.tx_id.to_string())
        .bind(self.position)
        .execute(conn)
        .await?;
        Ok(())
    }
}
