//! Black-box harness: a fresh database and NATS subject prefix per test, the real `chat` binary
//! as child processes, and clients that speak the public REST and WebSocket APIs.

mod client;
mod database;
mod nats_server;
mod process;
mod stack;
mod websocket;

use std::future::Future;
use std::time::Duration;

pub use client::{Api, Reply, User};
pub use database::TestDb;
pub use nats_server::NatsServer;
pub use process::Server;
pub use stack::Stack;
pub use websocket::Ws;

/// The signing secret the test servers use, so that tests can forge expired tokens.
pub const JWT_SECRET: &str = "system-test-secret";

/// Polls `check` until it yields a value or `within` passes.
pub async fn eventually<T, F, Fut>(what: &str, within: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
