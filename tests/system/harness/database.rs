//! A throwaway database per test on the Postgres named by `DATABASE_URL` (the maintenance
//! database URL, as for `#[sqlx::test]`), dropped when the test ends.

use sqlx::{Connection, PgConnection};
use uuid::Uuid;

pub struct TestDb {
    admin_url: String,
    name: String,
    pub url: String,
}

fn admin_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

impl TestDb {
    pub async fn create() -> Self {
        let admin_url = admin_url();
        let name = format!("chat_test_{}", Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url).await.expect("Postgres at DATABASE_URL");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create test database");
        let (base, query) = match admin_url.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (admin_url.as_str(), String::new()),
        };
        let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
        let url = format!("{server}/{name}{query}");
        Self { admin_url, name, url }
    }

    pub async fn connect(&self) -> PgConnection {
        PgConnection::connect(&self.url).await.expect("connect to test database")
    }

    /// The presence transitions recorded for `user` in the event store (the `status` of each
    /// `PresenceChanged`, oldest first).
    pub async fn presence_transitions(&self, user: Uuid) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT payload ->> 'status' FROM events
             WHERE aggregate_type = 'presence' AND aggregate_id = $1 ORDER BY sequence",
        )
        .bind(user.to_string())
        .fetch_all(&mut self.connect().await)
        .await
        .expect("read presence events")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs outside async context; use a private runtime on a plain thread.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await.ok()
            })
        })
        .join();
    }
}
