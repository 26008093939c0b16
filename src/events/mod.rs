//! `chat events …`: the event history for analysts. Each action is a thin layer over
//! `chat_history`, which the admin HTTP endpoints share.

pub mod export;
pub mod replay;
pub mod time_travel;

use sqlx::PgPool;

use crate::cli::EventsAction;

pub async fn run(pool: &PgPool, action: &EventsAction) -> anyhow::Result<()> {
    match action {
        EventsAction::Export(args) => export::run(pool, args).await,
        EventsAction::At(args) => time_travel::run(pool, args).await,
        EventsAction::Replay(args) => replay::run(pool, args).await,
    }
}
