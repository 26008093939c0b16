//! Where a named feed consumer has got to, stored in `public.feed_checkpoints`.
//!
//! Feed SQL names the `public` schema explicitly: a rebuild runs projectors with a
//! `search_path` pointing at fresh tables in another schema, while the feed itself stays put.

use sqlx::PgConnection;

/// A position in the feed: everything up to and including this `(tx_id, position)` is done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Checkpoint {
    pub tx_id: u64,
    pub position: i64,
}

/// `<tx_id>:<global_position>`, as logs and analysts' cursors show it.
impl std::fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.tx_id, self.position)
    }
}

/// The stored checkpoint is not the one this runner started from: someone else (a rebuild's
/// swap) moved it. The runner must start over from the stored one.
#[derive(Debug, thiserror::Error)]
#[error("the checkpoint of feed {0} was moved by someone else")]
pub struct CheckpointMoved(pub String);

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Moved(#[from] CheckpointMoved),
}

impl Checkpoint {
    /// The checkpoint of `name`, creating it at the start of the feed if it is new.
    pub async fn load(conn: &mut PgConnection, name: &str) -> Result<Self, sqlx::Error> {
        sqlx::query("INSERT INTO public.feed_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .execute(&mut *conn)
            .await?;
        Self::read(conn, name, "").await
    }

    /// Reads the checkpoint of `name`; `lock` may be `FOR UPDATE`.
    pub async fn read(conn: &mut PgConnection, name: &str, lock: &str) -> Result<Self, sqlx::Error> {
        let (tx_id, position): (String, i64) = sqlx::query_as(&format!(
            "SELECT tx_id::text, position FROM public.feed_checkpoints WHERE name = $1 {lock}"
        ))
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
        let tx_id = tx_id.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        Ok(Self { tx_id, position })
    }

    /// Moves `name` from `previous` to this checkpoint, in the transaction that holds the
    /// effects; fails if the stored checkpoint is no longer `previous`.
    pub async fn advance(&self, conn: &mut PgConnection, name: &str, previous: Checkpoint) -> Result<(), SaveError> {
        let moved = sqlx::query(
            "UPDATE public.feed_checkpoints SET tx_id = $2::text::xid8, position = $3, updated_at = now()
             WHERE name = $1 AND tx_id = $4::text::xid8 AND position = $5",
        )
        .bind(name)
        .bind(self.tx_id.to_string())
        .bind(self.position)
        .bind(previous.tx_id.to_string())
        .bind(previous.position)
        .execute(conn)
        .await?;
        if moved.rows_affected() == 1 { Ok(()) } else { Err(CheckpointMoved(name.to_owned()).into()) }
    }

    /// Sets `name` to this checkpoint whatever it was (a rebuild's swap).
    pub async fn store(&self, conn: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO public.feed_checkpoints (name, tx_id, position) VALUES ($1, $2::text::xid8, $3)
             ON CONFLICT (name) DO UPDATE SET tx_id = $2::text::xid8, position = $3, updated_at = now()",
        )
        .bind(name)
        .bind(self.tx_id.to_string())
        .bind(self.position)
        .execute(conn)
        .await?;
        Ok(())
    }
}
