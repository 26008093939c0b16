//! One test's share of the world: its own database and its own NATS subject prefix (on the
//! shared NATS server unless the test brings its own).

use uuid::Uuid;

use super::TestDb;

pub struct Stack {
    pub db: TestDb,
    pub nats_url: String,
    pub prefix: String,
    /// Extra environment for every server started on this stack.
    pub env: Vec<(String, String)>,
    /// Variables removed from every server's environment (the harness defaults included).
    pub unset: Vec<String>,
}

impl Stack {
    pub async fn new() -> Self {
        let nats_url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_owned());
        Self::with_nats(nats_url).await
    }

    pub async fn with_nats(nats_url: String) -> Self {
        let prefix = format!("t{}", &Uuid::new_v4().simple().to_string()[..12]);
        Self { db: TestDb::create().await, nats_url, prefix, env: Vec::new(), unset: Vec::new() }
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
