//! The JetStream streams tests leave on a NATS server: each [`Stack`](super::Stack) deletes
//! its own when it drops (also when its test panics), and the first stack of each test process
//! on the shared server deletes test streams older than [`STALE_AFTER`], which only runs that
//! were killed outright (a timeout, Ctrl-C) leave behind.
//!
//! A test's stream is `T<12 hex digits>_EVENTS` (the relay's `<PREFIX>_EVENTS` for a prefix of
//! [`test_prefix`]); nothing else creates streams of that shape.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_nats::jetstream::ErrorCode;
use async_nats::jetstream::context::{DeleteStreamError, DeleteStreamErrorKind};
use futures::StreamExt;
use tokio::sync::OnceCell;
use uuid::Uuid;

/// Test streams older than this are left over: no test runs for an hour, so a parallel run's
/// streams are never touched.
const STALE_AFTER: Duration = Duration::from_secs(3600);

/// Bounds every clean-up step: a server that is gone (a private one, already stopped) must
/// not hold up a test's end.
const WITHIN: Duration = Duration::from_secs(10);

/// A fresh subject prefix for one test: `t` and 12 hex digits.
pub fn test_prefix() -> String {
    format!("t{}", &Uuid::new_v4().simple().to_string()[..12])
}

/// Whether `stream` is the events stream of a [`test_prefix`].
fn is_test_stream(stream: &str) -> bool {
    stream
        .strip_prefix('T')
        .and_then(|rest| rest.strip_suffix("_EVENTS"))
        .is_some_and(|hex| hex.len() == 12 && hex.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)))
}

async fn jetstream(nats_url: &str) -> Result<async_nats::jetstream::Context, async_nats::ConnectError> {
    let client = async_nats::ConnectOptions::new().connection_timeout(WITHIN).connect(nats_url).await?;
    Ok(async_nats::jetstream::new(client))
}

/// Deletes `stream` on the server at `nats_url`, if it exists; blocks (for `Drop`).
pub fn delete_blocking(nats_url: String, stream: String) {
    // Drop runs outside async context; use a private runtime on a plain thread.
    let _ = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
        let delete = async {
            let Ok(js) = jetstream(&nats_url).await else { return };
            if let Err(error) = js.delete_stream(&stream).await
                && !is_not_found(&error)
            {
                eprintln!("harness: cannot delete stream {stream} on {nats_url}: {error}");
            }
        };
        runtime.block_on(async { tokio::time::timeout(WITHIN, delete).await }).ok()
    })
    .join();
}

fn is_not_found(error: &DeleteStreamError) -> bool {
    matches!(error.kind(), DeleteStreamErrorKind::JetStream(error) if error.error_code() == ErrorCode::STREAM_NOT_FOUND)
}

/// Once per process: deletes the stale test streams on the server at `nats_url`.
pub async fn sweep_stale_once(nats_url: &str) {
    static SWEPT: OnceCell<()> = OnceCell::const_new();
    SWEPT
        .get_or_init(|| async {
            if tokio::time::timeout(WITHIN, sweep_stale(nats_url)).await.is_err() {
                eprintln!("harness: sweeping stale test streams on {nats_url} timed out");
            }
        })
        .await;
}

/// Deletes test streams created more than [`STALE_AFTER`] ago; answers how many.
pub async fn sweep_stale(nats_url: &str) -> usize {
    let js = match jetstream(nats_url).await {
        Ok(js) => js,
        Err(error) => {
            eprintln!("harness: cannot sweep stale test streams on {nats_url}: {error}");
            return 0;
        }
    };
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs() as i64;
    let mut stale = Vec::new();
    let mut streams = js.streams();
    while let Some(info) = streams.next().await {
        match info {
            Ok(info) if is_test_stream(&info.config.name) => {
                if now - info.created.unix_timestamp() > STALE_AFTER.as_secs() as i64 {
                    stale.push(info.config.name);
                }
            }
            Ok(_) => {}
            Err(error) => {
                eprintln!("harness: cannot list streams on {nats_url}: {error}");
                break;
            }
        }
    }
    let mut deleted = 0;
    for stream in stale {
        match js.delete_stream(&stream).await {
            Ok(_) => deleted += 1,
            // Another test process got there first.
            Err(error) if is_not_found(&error) => {}
            Err(error) => eprintln!("harness: cannot delete stale stream {stream}: {error}"),
        }
    }
    deleted
}

#[cfg(test)]
mod tests {
    use chat_nats::Subjects;

    use super::*;

    #[test]
    fn a_test_prefix_gives_a_stream_of_the_swept_shape_and_nothing_else_has_it() {
        for _ in 0..100 {
            let stream = Subjects::new(test_prefix()).stream_name();
            assert!(is_test_stream(&stream), "{stream}");
        }
        for other in
            ["CHAT_EVENTS", "BENCH1733_EVENTS", "T0123456789AB_EVENTSX", "T0123456789A_EVENTS", "T0123456789AG_EVENTS"]
        {
            assert!(!is_test_stream(other), "{other}");
        }
    }
}
