//! One tracing set-up for every role and one-off command: lines on stderr, filtered by
//! `RUST_LOG` (default `info,sqlx=warn`), as human-readable text or, with
//! `CHAT_LOG_FORMAT=json`, one JSON object per line (with the fields of every enclosing span:
//! a request's route and id, a connection's user and session, a feed batch's positions) for log
//! pipelines. Set up before the configuration is parsed, so that configuration errors are
//! logged like everything else; an unknown format is refused at once.

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    /// From `CHAT_LOG_FORMAT` (`text`, the default, or `json`).
    pub fn from_env() -> anyhow::Result<Self> {
        match std::env::var("CHAT_LOG_FORMAT").as_deref() {
            Err(_) | Ok("" | "text") => Ok(LogFormat::Text),
            Ok("json") => Ok(LogFormat::Json),
            Ok(other) => anyhow::bail!("CHAT_LOG_FORMAT: expected `text` or `json`, not {other:?}"),
        }
    }
}

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(false).with_span_list(true).try_init(),
    };
}
