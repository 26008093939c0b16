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
//! A group is two round trips: which of its actors lost their account (erasure must stop a
//! live token at once), then one `INSERT` of every room's events. Another process appending to
//! one of the rooms first fails the whole statement; the group is then appended room by room,
//! so that only the room that lost the race reloads and retries.

use std::collections::HashSet;
use std::sync::Arc;

use chat_domain::UserId;
use cqrs_es::Aggregate;
use sqlx::PgPool;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use crate::accounts;
use crate::store::{Append, EventStore, StoreError};

/// Batches waiting for the committer before writers wait.
const QUEUE: usize = 4096;
/// Rooms in one group at most.
const MAX_GROUP: usize = 512;

/// What became of one room's batch.
#[derive(Debug)]
pub enum Outcome {
    Committed,
    /// These actors of the batch have no account any more; nothing was appended.
    Erased(HashSet<UserId>),
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
    pub fn start(store: EventStore, pool: PgPool, in_flight: usize) -> Self {
        let (requests, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(run(receiver, store, pool, Arc::new(Semaphore::new(in_flight.max(1)))));
        Self { requests }
    }

    /// Appends `stream` unless one of `actors` has no account; an empty stream only checks.
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
    pool: PgPool,
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
        tokio::spawn(commit_group(store.clone(), pool.clone(), group, permit));
    }
}

#[tracing::instrument(skip_all, fields(rooms = group.len()))]
async fn commit_group<A: Aggregate>(
    store: EventStore,
    pool: PgPool,
    group: Vec<Request<A>>,
    _permit: OwnedSemaphorePermit,
) {
    let actors: Vec<UserId> = group.iter().flat_map(|request| request.actors.iter().copied()).collect();
    let erased = match accounts::without_account(&pool, &actors).await {
        Ok(erased) => erased,
        Err(error) => {
            tracing::error!(%error, "account check failed");
            return reply_all(group, || Outcome::Failed);
        }
    };
    let mut appends = Vec::with_capacity(group.len());
    let mut replies = Vec::with_capacity(group.len());
    for Request { actors, stream, reply } in group {
        let gone: HashSet<UserId> = actors.into_iter().filter(|actor| erased.contains(actor)).collect();
        if !gone.is_empty() {
            let _ = reply.send(Outcome::Erased(gone));
        } else if stream.2.is_empty() {
            let _ = reply.send(Outcome::Committed);
        } else {
            appends.push(stream);
            replies.push(reply);
        }
    }
    if appends.is_empty() {
        return;
    }
    let single = appends.len() == 1;
    match store.append_many::<A>(&appends).await {
        Ok(_) => {
            for reply in replies {
                let _ = reply.send(Outcome::Committed);
            }
        }
        Err(StoreError::Conflict) if !single => {
            for (stream, reply) in appends.into_iter().zip(replies) {
                let _ = reply.send(outcome(store.append_many::<A>(std::slice::from_ref(&stream)).await));
            }
        }
        // A single room's conflict, or a failure of the database.
        Err(error) => {
            let conflict = matches!(error, StoreError::Conflict);
            if !conflict {
                tracing::error!(%error, "append failed");
            }
            for reply in replies {
                let _ = reply.send(if conflict { Outcome::Conflict } else { Outcome::Failed });
            }
        }
    }
}

fn outcome(result: Result<(), StoreError>) -> Outcome {
    match result {
        Ok(()) => Outcome::Committed,
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
