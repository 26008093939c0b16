//! How far each feed consumer is behind the event store: for operators and alerts.

use serde::Serialize;
use sqlx::PgPool;

#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct FeedLag {
    pub name: String,
    /// Committed events not yet handled (including any held back by in-flight transactions).
    pub events_behind: i64,
    /// Age of the oldest event not yet handled; 0 when caught up.
    pub seconds_behind: f64,
}

pub async fn lag(pool: &PgPool) -> Result<Vec<FeedLag>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.name,
                (SELECT count(*) FROM public.events e WHERE (e.tx_id, e.global_position) > (c.tx_id, c.position))
                    AS events_behind,
                COALESCE((SELECT EXTRACT(EPOCH FROM now() - min(e.recorded_at))::float8 FROM public.events e
                          WHERE (e.tx_id, e.global_position) > (c.tx_id, c.position)), 0) AS seconds_behind
         FROM public.feed_checkpoints c
         ORDER BY c.name",
    )
    .fetch_all(pool)
    .await
}
