//! One test's share of the world: its own database, its own NATS subject prefix (on the
//! shared NATS server unless the test brings its own) and its own directory of uploaded files.
//! All are removed when the stack drops, also when the test panics: the database, the
//! JetStream stream the relay created for the prefix, and the directory.

use std::path::PathBuf;

use chat_nats::Subjects;

use super::TestDb;
use super::streams;

pub struct Stack {
    pub db: TestDb,
    pub nats_url: String,
    pub prefix: String,
    /// Extra environment for every server started on this stack.
    pub env: Vec<(String, String)>,
    /// Variables removed from every server's environment (the harness defaults included).
    pub unset: Vec<String>,
    /// Where the servers keep uploaded files (`CHAT_STORAGE_URL`, unless a test sets another).
    pub storage: PathBuf,
}

impl Stack {
    pub async fn new() -> Self {
        let nats_url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_owned());
        // Runs killed outright (no Drop) leave streams on the shared server; clear old ones.
        streams::sweep_stale_once(&nats_url).await;
        Self::with_nats(nats_url).await
    }

    pub async fn with_nats(nats_url: String) -> Self {
        let prefix = streams::test_prefix();
        let storage = std::env::temp_dir().join(format!("chat-test-uploads-{prefix}"));
        Self { db: TestDb::create().await, nats_url, prefix, env: Vec::new(), unset: Vec::new(), storage }
    }

    /// The subjects (and stream) of this stack's prefix.
    pub fn subjects(&self) -> Subjects {
        Subjects::new(&self.prefix)
    }

    /// A client of this stack's NATS server, for tests that watch the bus.
    pub async fn nats(&self) -> async_nats::Client {
        async_nats::connect(&self.nats_url).await.expect("NATS at the stack's URL")
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.set_env(key, value);
        self
    }

    /// Sets `key` for servers started from now on, replacing an earlier value (for restarts
    /// with a changed configuration).
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(existing, _)| existing != key);
        self.unset.retain(|existing| existing != key);
        self.env.push((key.to_owned(), value.to_owned()));
    }

    /// Servers start without `key` in their environment, even one the harness sets by default
    /// (e.g. `CHAT_JWT_SECRET`).
    pub fn without_env(mut self, key: &str) -> Self {
        self.env.retain(|(existing, _)| existing != key);
        self.unset.push(key.to_owned());
        self
    }
}

impl Drop for Stack {
    /// Servers started on the stack are dropped (killed) before it: they are started from it
    /// and declared after it, or held by the same [`Deployment`](super::Deployment) in fields
    /// that drop first; and only a starting relay creates the stream.
    fn drop(&mut self) {
        streams::delete_blocking(self.nats_url.clone(), self.subjects().stream_name());
        let _ = std::fs::remove_dir_all(&self.storage);
    }
}
