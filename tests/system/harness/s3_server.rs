//! A private S3-compatible server for the tests of the S3 storage path: `s3s-fs` (installed by
//! `scripts/test.sh` with `cargo install`; found on `PATH`, in `~/.cargo/bin` or at
//! `S3S_FS_BIN`), on a free port, with its own directory and credentials, removed with it.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};
use uuid::Uuid;

pub struct S3Server {
    child: Child,
    port: u16,
    root: PathBuf,
    pub bucket: String,
    pub access_key: String,
    pub secret_key: String,
}

fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("S3S_FS_BIN") {
        return PathBuf::from(path);
    }
    let home = std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo/bin/s3s-fs"));
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).map(|dir| dir.join("s3s-fs")).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path.into_iter().chain(home).find(|path| path.exists()).unwrap_or_else(|| PathBuf::from("s3s-fs"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

impl S3Server {
    pub async fn start() -> Self {
        let root = std::env::temp_dir().join(format!("chat-test-s3-{}", Uuid::new_v4().simple()));
        let bucket = "chat-test".to_owned();
        // A bucket of s3s-fs is a directory under its root.
        std::fs::create_dir_all(root.join(&bucket)).expect("the S3 server's directory");
        let (access_key, secret_key) = ("chat-test-access".to_owned(), "chat-test-secret-key".to_owned());
        let port = free_port();
        let child = Command::new(binary())
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", &access_key, "--secret-key", &secret_key])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start s3s-fs (scripts/test.sh installs it; or set S3S_FS_BIN)");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(tokio::time::Instant::now() < deadline, "s3s-fs did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Self { child, port, root, bucket, access_key, secret_key }
    }

    /// The environment a `chat` server needs to store its uploads here.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("CHAT_STORAGE_URL", format!("s3://{}/uploads", self.bucket)),
            ("AWS_ENDPOINT", format!("http://127.0.0.1:{}", self.port)),
            ("AWS_ALLOW_HTTP", "true".to_owned()),
            ("AWS_ACCESS_KEY_ID", self.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret_key.clone()),
            ("AWS_DEFAULT_REGION", "us-east-1".to_owned()),
        ]
    }

    /// The files the server holds under `prefix` of the bucket (its directory), recursively.
    pub fn files(&self, prefix: &str) -> Vec<PathBuf> {
        super::files_under(&self.root.join(&self.bucket).join(prefix))
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
