//! Connecting to NATS, with reconnects reported to whoever must re-synchronise afterwards
//! (core subscriptions miss whatever was published while disconnected).

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
}

/// Connects to `url` as `name`; fails fast if NATS is not reachable at start-up, and
/// reconnects forever afterwards.
pub async fn connect(url: &str, name: &str) -> Result<Connection, ConnectError> {
    let (tx, reconnects) = watch::channel(0u64);
    let client = ConnectOptions::new()
        .name(name)
        .connection_timeout(Duration::from_secs(5))
        .request_timeout(Some(Duration::from_secs(10)))
        .max_reconnects(None)
        .reconnect_delay_callback(|attempt| Duration::from_millis((attempt as u64 * 100).min(2_000)))
        .event_callback(move |event| {
            let tx = tx.clone();
            async move {
                match event {
                    Event::Connected => {
                        tracing::info!("NATS connected");
                        tx.send_modify(|n| *n += 1);
                    }
                    Event::Disconnected => tracing::warn!("NATS disconnected; reconnecting"),
                    other => tracing::debug!(event = %other, "NATS event"),
                }
            }
        })
        .connect(url)
        .await
        .map_err(|source| ConnectError { url: url.to_owned(), source })?;
    Ok(Connection { client, reconnects })
}
