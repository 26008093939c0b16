//! Black-box harness: a fresh database and NATS subject prefix per test (removed again when the
//! test ends, see [`Stack`]), the real `chat` binary as child processes, and clients that speak
//! the public REST and WebSocket APIs.

mod client;
mod database;
mod nats_server;
mod process;
mod s3_server;
mod site;
mod stack;
mod streams;
mod websocket;

use std::future::Future;
use std::time::Duration;

pub use client::{Api, Reply, User, events_behind};
pub use database::TestDb;
pub use nats_server::NatsServer;
pub use process::{Server, run_chat};
pub use s3_server::S3Server;
pub use site::{Page, Site};
pub use stack::Stack;
pub use websocket::{Incoming, Ws};

/// The signing secret the test servers use, so that tests can forge expired tokens.
pub const JWT_SECRET: &str = "system-test-secret-of-at-least-32-bytes";

/// The key id of [`JWT_SECRET`] (a single `CHAT_JWT_SECRET` is key `default`).
pub const JWT_KID: &str = "default";

/// A token signed with `secret` under [`JWT_KID`], as the API would issue it (or forged).
pub fn token(secret: &str, user: uuid::Uuid, expires_in_secs: i64) -> String {
    token_with_kid(Some(JWT_KID), secret, user, expires_in_secs)
}

/// A token signed with `secret` (HS256) whose header names `kid` (or no key id at all).
pub fn token_with_kid(kid: Option<&str>, secret: &str, user: uuid::Uuid, expires_in_secs: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let claims = serde_json::json!({"sub": user, "iat": now - 10, "exp": now + expires_in_secs});
    let header = jsonwebtoken::Header { kid: kid.map(str::to_owned), ..Default::default() };
    jsonwebtoken::encode(&header, &claims, &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

/// Every role as a separate process, with `gateways` gateways. The servers are declared before
/// the stack so that they are dropped (killed) before it removes the database and stream.
pub struct Deployment {
    /// Kept alive for the test's duration.
    commands: Option<Server>,
    _projections: Server,
    pub relay: Option<Server>,
    pub gateways: Vec<Server>,
    pub api: Api,
    pub stack: Stack,
}

impl Deployment {
    /// Kills the command service (SIGKILL, as in a crash) and starts it again. The new one
    /// serves the API on a new port (`api` follows; [`User`]s made before keep the old address)
    /// and takes over the presence tracker.
    pub async fn restart_commands(&mut self) {
        if let Some(commands) = self.commands.take() {
            commands.kill().await;
        }
        let commands = Server::start(&self.stack, "commands").await;
        self.api = Api::new(commands.url());
        self.commands = Some(commands);
    }

    /// The command service's process id (it serves the API).
    pub fn commands_pid(&self) -> u32 {
        self.commands.as_ref().expect("the command service runs").pid()
    }
}

pub async fn deploy(stack: Stack, gateways: usize) -> Deployment {
    let commands = Server::start(&stack, "commands").await;
    let projections = Server::start(&stack, "projections").await;
    let relay = Some(Server::start(&stack, "relay").await);
    let mut started = Vec::new();
    for _ in 0..gateways {
        started.push(Server::start(&stack, "gateway").await);
    }
    let api = Api::new(commands.url());
    Deployment { commands: Some(commands), _projections: projections, relay, gateways: started, api, stack }
}

/// Registers a user, makes them a global administrator with the one-off command, and logs them
/// in again so that their token carries the claim.
pub async fn operator(api: &Api, stack: &Stack) -> User {
    let username = format!("operator_{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let credentials = serde_json::json!({"username": username, "password": "correct horse battery"});
    let registered = api.call(reqwest::Method::POST, "/v1/auth/register", None, Some(credentials.clone())).await;
    assert_eq!(registered.status, 201, "register the operator: {registered:?}");
    run_chat(stack, &["users", "grant-admin", &username], Duration::from_secs(120)).await.expect_success();
    let login = api.call(reqwest::Method::POST, "/v1/auth/login", None, Some(credentials)).await;
    assert_eq!(login.status, 200, "log the operator in: {login:?}");
    User { id: login.uuid("user_id"), username, token: login.str("token").to_owned(), api: api.clone() }
}

/// Every file (not directory) under `dir`, recursively; none if it does not exist.
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() { pending.push(path) } else { files.push(path) }
        }
    }
    files.sort();
    files
}

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
