//! Wakes feed runners when events commit, from one `LISTEN` connection per process.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// The channel the `events_appended` trigger notifies.
const CHANNEL: &str = "chat_events_appended";

/// A counter that changes whenever events may have been appended. Cheap to clone; each
/// runner keeps its own receiver.
#[derive(Clone)]
pub struct Wakeup(watch::Receiver<u64>);

impl Wakeup {
    /// Listens on the pool's database until `shutdown`; a lost connection is re-established
    /// and counted as a wake-up, since notifications may have been missed meanwhile.
    pub fn listen(pool: PgPool, shutdown: CancellationToken) -> Self {
        let (tx, rx) = watch::channel(0u64);
        tokio::spawn(async move {
            let bump = || tx.send_modify(|n| *n = n.wrapping_add(1));
            while !shutdown.is_cancelled() {
                let mut listener = match PgListener::connect_with(&pool).await {
                    Ok(listener) => listener,
                    Err(error) => {
                        tracing::warn!(%error, "cannot connect the feed listener; retrying");
                        tokio::select! {
                            _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                            _ = shutdown.cancelled() => return,
                        }
                    }
                };
                if let Err(error) = listener.listen(CHANNEL).await {
                    tracing::warn!(%error, "cannot LISTEN for feed wake-ups; retrying");
                    continue;
                }
                bump();
                loop {
                    tokio::select! {
                        notification = listener.try_recv() => match notification {
                            Ok(Some(_)) => bump(),
                            Ok(None) => bump(),
                            Err(error) => {
                                tracing::warn!(%error, "feed listener failed; reconnecting");
                                bump();
                                break;
                            }
                        },
                        _ = shutdown.cancelled() => return,
                    }
                }
            }
        });
        Self(rx)
    }

    /// Marks the current value as seen, so that `changed` waits for the next one.
    pub(crate) fn mark_seen(&mut self) {
        self.0.borrow_and_update();
    }

    /// Waits for a wake-up since the last `mark_seen`.
    pub(crate) async fn changed(&mut self) {
        if self.0.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
