//! The `chat` binary as a child process, on free ports, killed when dropped; and one-off `chat`
//! commands run to completion.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use super::{JWT_SECRET, Stack};

pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>` for roles that serve the API.
    api: Option<String>,
    /// `ws://127.0.0.1:<port>/v1/ws` for roles that run a gateway.
    ws: Option<String>,
    /// What the server wrote to stderr, when captured (otherwise it goes to the test's stderr).
    logs: Option<CapturedLogs>,
}

struct CapturedLogs {
    text: Arc<Mutex<String>>,
    reader: JoinHandle<()>,
}

/// The readiness lines each role prints (see `src/roles.rs`).
fn expected_lines(role: &str) -> &'static [&'static str] {
    match role {
        "up" => &["listening api", "listening gateway", "running projections", "running relay"],
        "commands" => &["listening api"],
        "gateway" => &["listening gateway"],
        "projections" => &["running projections"],
        "relay" => &["running relay"],
        other => panic!("unknown role {other}"),
    }
}

/// The `chat` binary with `stack`'s configuration, as every role of the stack gets it.
fn chat(stack: &Stack) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chat"));
    command
        .env("DATABASE_URL", &stack.db.url)
        .env("NATS_URL", &stack.nats_url)
        .env("CHAT_NATS_PREFIX", &stack.prefix)
        .env("CHAT_HTTP_ADDR", "127.0.0.1:0")
        .env("CHAT_GATEWAY_ADDR", "127.0.0.1:0")
        .env("CHAT_JWT_SECRET", JWT_SECRET)
        // Small pools: two tests run at once, each with up to five processes (and the feed
        // runners' own connections), on a server that may allow only PostgreSQL's default 100
        // clients; a connect storm waits for a connection rather than the server refusing one.
        .env("CHAT_DB_MAX_CONNECTIONS", "10")
        // Tests that are not about rate limits must not meet them; those that are set their own.
        .env("CHAT_POST_RATE", "100000")
        .env("CHAT_POST_BURST", "100000")
        .env("CHAT_AUTH_RATE_PER_MINUTE", "1000000")
        .env("CHAT_AUTH_BURST", "100000")
        .env("CHAT_WS_COMMAND_RATE", "100000")
        .env("CHAT_LOOKUP_RATE_PER_MINUTE", "1000000")
        .env("CHAT_LOOKUP_BURST", "100000")
        .env("CHAT_SEARCH_RATE_PER_MINUTE", "1000000")
        .env("CHAT_SEARCH_BURST", "100000")
        .env("CHAT_DOMAIN_CHECK_RATE_PER_MINUTE", "1000000")
        .env("CHAT_DOMAIN_CHECK_BURST", "100000")
        .env("CHAT_VISITOR_RATE_PER_MINUTE", "1000000")
        .env("CHAT_VISITOR_BURST", "100000")
        .env("CHAT_WEBSITE_VISITOR_RATE_PER_MINUTE", "1000000")
        .env("CHAT_WEBSITE_VISITOR_BURST", "100000")
        // Websites' domain checks reach the tests' local sites on 127.0.0.1 (every other
        // private address stays refused), and give up on a silent one quickly.
        .env("CHAT_VERIFY_ALLOW_LOOPBACK", "true")
        .env("CHAT_VERIFY_TIMEOUT_MS", "1500")
        // No web client unless a test serves one: a `web/dist` built in the working tree (by
        // `scripts/up.sh`) must not turn unknown paths into the client's page.
        .env("CHAT_WEB_DIR", "/nonexistent/chat-web")
        // Each stack's uploads in a directory of its own.
        .env("CHAT_STORAGE_URL", format!("file://{}", stack.storage.display()))
        .env("CHAT_UPLOAD_RATE_PER_MINUTE", "1000000")
        .env("CHAT_UPLOAD_BURST", "100000")
        .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".to_owned()));
    for (key, value) in &stack.env {
        command.env(key, value);
    }
    for key in &stack.unset {
        command.env_remove(key);
    }
    command
}

/// How a one-off `chat` command ended and what it printed.
#[derive(Debug)]
pub struct Finished {
    pub command: String,
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// Its standard output; panics, with what it printed, unless it exited with status 0.
    pub fn expect_success(&self) -> &str {
        assert!(
            self.status.success(),
            "`{}` ended with {}\nstdout:\n{}\nstderr:\n{}",
            self.command,
            self.status,
            self.stdout,
            self.stderr
        );
        &self.stdout
    }
}

/// Runs a one-off `chat <args…>` (e.g. `projections rebuild rooms`) on `stack`, with the
/// stack's configuration, to completion; panics with what it printed if it takes over `within`.
pub async fn run_chat(stack: &Stack, args: &[&str], within: Duration) -> Finished {
    let command = format!("chat {}", args.join(" "));
    let mut child = chat(stack);
    child.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let mut child = child.spawn().expect("spawn the chat binary");
    let stdout = tokio::spawn(read_all(child.stdout.take().expect("piped stdout")));
    let stderr = tokio::spawn(read_all(child.stderr.take().expect("piped stderr")));
    let status = tokio::time::timeout(within, child.wait()).await;
    if status.is_err() {
        let _ = child.kill().await;
    }
    let (stdout, stderr) = (stdout.await.expect("stdout reader"), stderr.await.expect("stderr reader"));
    let Ok(status) = status else {
        panic!("`{command}` did not finish within {within:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    };
    Finished { command, status: status.expect("wait for the chat binary"), stdout, stderr }
}

/// Everything `pipe` yields until it closes, as (lossy) UTF-8.
async fn read_all(mut pipe: impl tokio::io::AsyncRead + Unpin) -> String {
    let mut bytes = Vec::new();
    let _ = pipe.read_to_end(&mut bytes).await;
    String::from_utf8_lossy(&bytes).into_owned()
}

impl Server {
    /// Starts `chat <role>` on `stack` and waits until it reports readiness on stdout.
    pub async fn start(stack: &Stack, role: &str) -> Self {
        Self::spawn(stack, role, false).await
    }

    /// Like [`Server::start`], keeping what the server logs (stderr) for
    /// [`Server::stop_and_collect_logs`] instead of passing it through.
    pub async fn start_capturing_logs(stack: &Stack, role: &str) -> Self {
        Self::spawn(stack, role, true).await
    }

    async fn spawn(stack: &Stack, role: &str, capture_logs: bool) -> Self {
        let mut command = chat(stack);
        let stderr = if capture_logs { Stdio::piped() } else { Stdio::inherit() };
        command.arg(role).stdout(Stdio::piped()).stderr(stderr).kill_on_drop(true);
        let mut child = command.spawn().expect("spawn the chat binary");
        let logs = child.stderr.take().map(|pipe| {
            let text = Arc::new(Mutex::new(String::new()));
            let sink = text.clone();
            let reader = tokio::spawn(async move {
                let mut lines = BufReader::new(pipe).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let mut text = sink.lock().expect("log buffer");
                    text.push_str(&line);
                    text.push('\n');
                }
            });
            CapturedLogs { text, reader }
        });
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let (mut api, mut ws) = (None, None);
        let ready = async {
            let mut pending: Vec<&str> = expected_lines(role).to_vec();
            while !pending.is_empty() {
                let Some(line) = lines.next_line().await.expect("read server stdout") else {
                    panic!("`chat {role}` exited before it was ready");
                };
                if let Some(url) = line.strip_prefix("listening api ") {
                    api = Some(url.to_owned());
                }
                if let Some(url) = line.strip_prefix("listening gateway ") {
                    ws = Some(url.to_owned());
                }
                pending.retain(|expected| !line.starts_with(expected));
            }
        };
        tokio::time::timeout(Duration::from_secs(60), ready).await.expect("server start-up timed out");
        // Keep draining stdout so that the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self { child, api, ws, logs }
    }

    pub fn url(&self) -> &str {
        self.api.as_deref().expect("this role serves no API")
    }

    pub fn ws_url(&self) -> &str {
        self.ws.as_deref().expect("this role runs no gateway")
    }

    /// SIGKILL: the process gets no chance to clean up.
    /// The server's process id (for tools that measure or kill it themselves).
    pub fn pid(&self) -> u32 {
        self.child.id().expect("the server is running")
    }

    pub async fn kill(mut self) {
        self.child.kill().await.expect("kill the server");
    }

    /// SIGTERM, then wait for the process to exit.
    pub async fn terminate(mut self) {
        self.stop().await;
    }

    async fn stop(&mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status();
        }
        let _ = tokio::time::timeout(Duration::from_secs(20), self.child.wait()).await;
    }

    /// Stops the server (SIGTERM) and returns everything it logged; only for servers started
    /// with [`Server::start_capturing_logs`].
    pub async fn stop_and_collect_logs(mut self) -> String {
        self.stop().await;
        let _ = self.child.kill().await;
        let logs = self.logs.take().expect("started with start_capturing_logs");
        // The pipe closes when the process has exited, so this ends.
        tokio::time::timeout(Duration::from_secs(20), logs.reader).await.expect("log reader ends").expect("log reader");
        logs.text.lock().expect("log buffer").clone()
    }
}
