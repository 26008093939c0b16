//! The JetStream stream that keeps every event, set up idempotently at start-up.

use std::time::Duration;

use async_nats::jetstream::{self, stream};

use crate::Subjects;

/// Stream limits; defaults keep a week of events and de-duplicate republished events for
/// ten minutes (the relay republishes after a crash; `Nats-Msg-Id` makes that a no-op).
#[derive(Clone, Debug)]
pub struct StreamSettings {
    pub max_age: Duration,
    pub duplicate_window: Duration,
}

impl Default for StreamSettings {
    fn default() -> Self {
        Self { max_age: Duration::from_secs(7 * 24 * 3600), duplicate_window: Duration::from_secs(600) }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot set up JetStream stream {name}: {source}")]
pub struct StreamError {
    name: String,
    #[source]
    source: Box<dyn std::error::Error + Send + Sync>,
}

/// Creates the events stream, or updates it to this configuration.
pub async fn ensure_stream(
    js: &jetstream::Context,
    subjects: &Subjects,
    settings: &StreamSettings,
) -> Result<stream::Info, StreamError> {
    let name = subjects.stream_name();
    let config = stream::Config {
        name: name.clone(),
        subjects: subjects.stream_subjects(),
        retention: stream::RetentionPolicy::Limits,
        storage: stream::StorageType::File,
        max_age: settings.max_age,
        duplicate_window: settings.duplicate_window,
        ..Default::default()
    };
    js.create_or_update_stream(config).await.map_err(|e| StreamError { name, source: Box::new(e) })
}
