//! Serving a NATS request subscription with bounded concurrency: the loop the command bus and
//! the delivery bus share. Each request takes a permit before its work is spawned, so at most
//! `max_in_flight` are handled at once per instance and the rest wait in NATS's buffer (their
//! senders, waiting for replies, slow down); on shutdown the subscription ends and the requests
//! in flight finish.

use std::future::Future;
use std::sync::Arc;

use async_nats::{Message, Subscriber};
use futures::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub struct Serving {
    requests: Subscriber,
    shutdown: CancellationToken,
    permits: Arc<Semaphore>,
    tasks: TaskTracker,
}

impl Serving {
    pub fn new(requests: Subscriber, shutdown: CancellationToken, max_in_flight: usize) -> Self {
        Self { requests, shutdown, permits: Arc::new(Semaphore::new(max_in_flight)), tasks: TaskTracker::new() }
    }

    /// The next request and its permit (held until its work is done); `None` once the
    /// subscription ends or shutdown begins.
    pub async fn next(&mut self) -> Option<(Message, OwnedSemaphorePermit)> {
        let message = tokio::select! {
            message = self.requests.next() => message?,
            _ = self.shutdown.cancelled() => return None,
        };
        let permit = self.permits.clone().acquire_owned().await.ok()?;
        Some((message, permit))
    }

    /// Runs a request's work in the background (it should drop the request's permit when done).
    pub fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        self.tasks.spawn(work);
    }

    /// Unsubscribes and waits for the requests in flight.
    pub async fn finish(mut self) {
        let _ = self.requests.unsubscribe().await;
        self.tasks.close();
        self.tasks.wait().await;
    }
}
