//! Group commit: the room writers of a process hand their batches to one committer, which
//! appends the batches of many rooms in one statement.
//!
//! Why: a room writer already commits its own queue at once, which is what makes one busy room
//! fast; but in many quiet rooms every post was its own account check and its own commit, and
//! the round trips, wake-ups and commits per message bound the whole process (measured in
//! BENCHMARKS.md, many-rooms). The committer runs a few groups at a time; while they are in
//! flight, new batches queue and form the next group, so a group grows with the load and an
//! idle system still commits every batch at once, without waiting to fill one.
//!
//! A group is one statement: the `INSERT` of every room's events, fenced by its actors'
//! accounts (`crate::store`, "The account fence": erasure must stop a live token at once, and
//! no post may slip in while an erasure runs). If an actor was erased, or is being erased, the
//! statement appends nothing and says who: their requests are refused and the rest of the
//! group goes again. Another process appending to one of the rooms first fails the whole
//! statement; the group is then appended room by room (each fenced by its own actors), so that
//! only the room that lost the race reloads and retries.

use std::sync::Arc;

use chat_domain::UserId;
use cqrs_es::Aggregate;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use crate::store::{Append, EventStore, Fenced, Refusal, StoreError};

/// Batches waiting for the committer before writers wait.
const QUEUE: usize = 4096;
/// Rooms in one group at most.
const MAX_GROUP: usize = 512;

/// What became of one room's batch.
#[derive(Debug)]
pub enum Outcome {
    Committed,
    /// These actors of the batch have no account any more, or are being erased; nothing was
    /// appended.
    Refused(Refusal),
    /// Another process appended to the room first; nothing was appended.
    Conflict,
    /// The database failed; the cause is logged.
    Failed,
}

struct Request<A: Aggregate> {
    actors: Vec<UserId>,
    stream: Append<A::Event>,
    reply: oneshot::Sender<Outcome>,
}

/// A handle to the committer of aggregates `A`. Cheap to clone; the committer stops when the
/// last handle is dropped, after the groups in flight.
pub struct GroupCommit<A: Aggregate> {
    requests: mpsc::Sender<Request<A>>,
}

impl<A: Aggregate> Clone for GroupCommit<A> {
    fn clone(&self) -> Self {
        Self { requests: self.requests.clone() }
    }
}

impl<A: Aggregate + 'static> GroupCommit<A> {
    /// Starts the committer, with at most `in_flight` groups committing at once.
    pub fn start(store: EventStore, in_flight: usize) -> Self {
        let (requests, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(run(receiver, store, Arc::new(Semaphore::new(in_flight.max(1)))));
        Self { requests }
    }

    /// Appends `stream` unless one of `actors` has no account or is being erased; an empty
    /// stream only checks.
    pub async fn commit(&self, actors: Vec<UserId>, stream: Append<A::Event>) -> Outcome {
        let (reply, outcome) = oneshot::channel();
        if self.requests.send(Request { actors, stream, reply }).await.is_err() {
            return Outcome::Failed;
        }
        outcome.await.unwrap_or(Outcome::Failed)
    }
}

async fn run<A: Aggregate + 'static>(
    mut requests: mpsc::Receiver<Request<A>>,
    store: EventStore,
    permits: Arc<Semaphore>,
) {
    loop {
        // Waiting for a permit first lets the queue fill while every group is in flight.
        let Ok(permit) = permits.clone().acquire_owned().await else { return };
        let Some(first) = requests.recv().await else { return };
        let mut group = vec![first];
        while group.len() < MAX_GROUP
            && let Ok(request) = requests.try_recv()
        {
            group.push(request);
        }
        tokio::spawn(commit_group(store.clone(), group, permit));
    }
}

#[tracing::instrument(level = "error", skip_all, fields(rooms = group.len()))]
async fn commit_group<A: Aggregate>(store: EventStore, mut group: Vec<Request<A>>, _permit: OwnedSemaphorePermit) {
    // Each refusal takes at least one request out, so this ends.
    while !group.is_empty() {
        let actors = group.iter().flat_map(|request| &request.actors);
        let refusal = match store.append_fenced::<A>(group.iter().map(|request| &request.stream), actors).await {
            Ok(Fenced::Appended) => return reply_all(group, || Outcome::Committed),
            Ok(Fenced::Refused(refusal)) => refusal,
            Err(StoreError::Conflict) if group.len() > 1 => {
                for Request { actors, stream, reply } in group {
                    let appended = store.append_fenced::<A>(std::iter::once(&stream), &actors).await;
                    let _ = reply.send(outcome(appended));
                }
                return;
            }
            Err(StoreError::Conflict) => return reply_all(group, || Outcome::Conflict),
            Err(error) => {
                tracing::error!(%error, "append failed");
                return reply_all(group, || Outcome::Failed);
            }
        };
        let (refused, kept): (Vec<_>, Vec<_>) =
            group.into_iter().partition(|request| request.actors.iter().any(|actor| refusal.refuses(actor)));
        if refused.is_empty() {
            tracing::error!("the append was refused for none of the group's actors");
            return reply_all(kept, || Outcome::Failed);
        }
        for request in refused {
            let _ = request.reply.send(Outcome::Refused(refusal.of(&request.actors)));
        }
        group = kept;
    }
}

fn outcome(result: Result<Fenced, StoreError>) -> Outcome {
    match result {
        Ok(Fenced::Appended) => Outcome::Committed,
        Ok(Fenced::Refused(refusal)) => Outcome::Refused(refusal),
        Err(StoreError::Conflict) => Outcome::Conflict,
        Err(error) => {
            tracing::error!(%error, "append failed");
            Outcome::Failed
        }
    }
}

fn reply_all<A: Aggregate>(group: Vec<Request<A>>, outcome: impl Fn() -> Outcome) {
    for request in group {
        let _ = request.reply.send(outcome());
    }
}
