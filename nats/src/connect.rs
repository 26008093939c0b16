//! Connecting to NATS, with reconnects reported to whoever must re-synchronise afterwards
//! (core subscriptions miss whatever was published while disconnected), and draining the
//! connection last at shutdown, so that nothing a role published is lost in the client's buffer.

use std::time::Duration;

use async_nats::{Client, ConnectOptions, Event};
use tokio::sync::watch;

#[derive(Debug, thiserror::Error)]
#[error("cannot connect to NATS at {url}: {source}")]
pub struct ConnectError {
    url: String,
    #[source]
    source: async_nats::ConnectError,
}

/// A client plus a counter that changes on every (re)connection.
pub struct Connection {
    pub client: Client,
    pub reconnects: watch::Receiver<u64>,
    closed: watch::Receiver<bool>,
}

/// Drains a connection at shutdown, after every role that used it has stopped.
pub struct Drain {
    client: Client,
    closed: watch::Receiver<bool>,
}

impl Connection {
    /// What drains this connection later (the client may be moved into roles meanwhile).
    pub fn drain_handle(&self) -> Drain {
        Drain { client: self.client.clone(), closed: self.closed.clone() }
    }
}

impl Drain {
    /// Unsubscribes everything, delivers what was published and closes the connection; waits
    /// at most `within` for it to close.
    pub async fn drain(mut self, within: Duration) {
        if let Err(error) = self.client.drain().await {
            tracing::warn!(%error, "cannot drain the NATS connection");
            return;
        }
        if tokio::time::timeout(within, self.closed.wait_for(|closed| *closed)).await.is_err() {
            tracing::warn!("the NATS connection did not close within {within:?} of draining");
        }
    }
}

/// Connects to `url` as `name`; fails fast if NATS is not reachable at start-up, and
/// reconnects forever afterwards.
pub async fn connect(url: &str, name: &str) -> Result<Connection, ConnectError> {
    let (tx, reconnects) = watch::channel(0u64);
    let (closed_tx, closed) = watch::channel(false);
    let client = ConnectOptions::new()
        .name(name)
        .connection_timeout(Duration::from_secs(5))
        .request_timeout(Some(Duration::from_secs(10)))
        .max_reconnects(None)
        .reconnect_delay_callback(|attempt| Duration::from_millis((attempt as u64 * 100).min(2_000)))
        .event_callback(move |event| {
            let (tx, closed_tx) = (tx.clone(), closed_tx.clone());
            async move {
                match event {
                    Event::Connected => {
                        tracing::info!("NATS connected");
                        tx.send_modify(|n| *n += 1);
                    }
                    Event::Disconnected => tracing::warn!("NATS disconnected; reconnecting"),
                    Event::Closed => {
                        closed_tx.send_replace(true);
                    }
                    other => tracing::debug!(event = %other, "NATS event"),
                }
            }
        })
        .connect(url)
        .await
        .map_err(|source| ConnectError { url: url.to_owned(), source })?;
    Ok(Connection { client, reconnects, closed })
}
