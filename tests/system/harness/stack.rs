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
}

impl Stack {
    pub async fn new() -> Self {
        let nats_url = std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_owned());
        Self::with_nats(nats_url).await
    }

    pub async fn with_nats(nats_url: String) -> Self {
        let prefix = format!("t{}", &Uuid::new_v4().simple().to_string()[..12]);
        Self { db: TestDb::create().await, nats_url, prefix, env: Vec::new() }
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }
}
