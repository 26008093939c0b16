//! The `chat` binary as a child process, on a free port, killed when dropped.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::{JWT_SECRET, TestDb};

pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>` for roles that serve HTTP.
    pub base_url: Option<String>,
}

impl Server {
    /// Starts `chat <role>` against `db` and waits until it reports readiness on stdout.
    pub async fn start(db: &TestDb, role: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chat"))
            .arg(role)
            .env("DATABASE_URL", &db.url)
            .env("CHAT_HTTP_ADDR", "127.0.0.1:0")
            .env("CHAT_JWT_SECRET", JWT_SECRET)
            .env("CHAT_DB_MAX_CONNECTIONS", "30")
            .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_owned()))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn the chat binary");
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let ready = async {
            let mut base_url = None;
            while let Some(line) = lines.next_line().await.expect("read server stdout") {
                if let Some(url) = line.strip_prefix("listening api ") {
                    base_url = Some(url.to_owned());
                }
                let done = match role {
                    "projections" => line == "running projections",
                    _ => base_url.is_some(),
                };
                if done {
                    return base_url;
                }
            }
            panic!("`chat {role}` exited before it was ready");
        };
        let base_url = tokio::time::timeout(Duration::from_secs(60), ready).await.expect("server start-up timed out");
        // Keep draining stdout so that the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self { child, base_url }
    }

    pub fn url(&self) -> &str {
        self.base_url.as_deref().expect("this role serves no HTTP")
    }

    /// SIGKILL: the process gets no chance to clean up.
    pub async fn kill(mut self) {
        self.child.kill().await.expect("kill the server");
    }
}
