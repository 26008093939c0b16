//! The benchmark's websites' own site, on a local port: it publishes their domain verification
//! tokens at `/.well-known/chat-verification.txt`, one per line.
//!
//! Every website lists this one domain (`127.0.0.1:<port>`; domains are per website, so they
//! may share it) and proves it with its own token, a line of the shared file. The API fetches
//! it only when started with `CHAT_VERIFY_ALLOW_LOOPBACK=true`.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A running site; stops when dropped.
pub struct Site {
    port: u16,
    file: Arc<Mutex<String>>,
    task: JoinHandle<()>,
}

impl Site {
    pub async fn serve() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let file = Arc::new(Mutex::new(String::new()));
        let served = file.clone();
        // A `String` answers as `text/plain`, which is what the check wants.
        let file_route = get(move || {
            let text = served.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
            async move { text }
        });
        let app = Router::new().route("/.well-known/chat-verification.txt", file_route);
        let task = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("chat-bench: the verification site stopped: {error}");
            }
        });
        Ok(Self { port, file, task })
    }

    /// The domain, as websites list it.
    pub fn domain(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Publishes `token` from now on, beside those published before.
    pub fn publish(&self, token: &str) {
        let mut file = self.file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        file.push_str(token);
        file.push('\n');
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.task.abort();
    }
}
