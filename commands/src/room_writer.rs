//! The per-room single writer: every command for a room goes through one task that keeps the
//! room in memory and commits a whole queue of commands in one transaction.
//!
//! Why: optimistic racing on one aggregate turns a busy room into a conflict storm (and
//! cqrs-es never retries). One writer per room per process removes conflicts within a process;
//! between processes the loser of a race reloads and retries with jitter, which stays correct
//! (the event table's primary key is the arbiter). A writer that is idle exits and frees its
//! memory; the next command loads the room again. Writers commit through the process's
//! [`GroupCommit`], so that many quiet rooms share commits as one busy room does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chat_domain::room::{Room, RoomCommand, RoomError};
use chat_domain::{ErrorCode, MessageId, RoomId, UserId};
use cqrs_es::Aggregate;
use rand::Rng;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::blocks;
use crate::group_commit::{GroupCommit, Outcome};
use crate::store::{CommandMeta, EventStore, NewEvent};

/// What a command did, as its caller needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The room sequence after the command: its last event's, or the current one if the
    /// command changed nothing. For a post, the message's own sequence (also on a retry).
    pub seq: u64,
    /// The message a post created (or created earlier, on a retry).
    pub message_id: Option<MessageId>,
    /// `false` when the command was already satisfied and wrote nothing.
    pub changed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Rejected(#[from] RoomError),
    #[error("the room is too contended right now; retry")]
    Busy,
    #[error("the room writer is shutting down")]
    ShuttingDown,
    /// The event store failed; the cause is logged where it happened.
    #[error("the event store is unavailable")]
    Storage,
    /// The acting user's account was erased (their access token may not have expired yet).
    #[error("your account was erased")]
    AccountErased,
}

impl CommandError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CommandError::Rejected(error) => error.code(),
            CommandError::Busy | CommandError::ShuttingDown => ErrorCode::Busy,
            CommandError::Storage => ErrorCode::Internal,
            CommandError::AccountErased => ErrorCode::AccountErased,
        }
    }
}

#[derive(Clone, Debug)]
pub struct WriterConfig {
    /// Commands waiting per room before senders wait.
    pub queue_capacity: usize,
    /// Commands committed together at most.
    pub max_batch: usize,
    /// A writer with nothing to do for this long exits.
    pub idle_timeout: Duration,
    /// Attempts per batch when another process appends to the same room concurrently.
    pub max_attempts: u32,
    /// Group commits in flight at once (each takes a database connection while it runs).
    pub commits_in_flight: usize,
}

impl Default for WriterConfig {
    fn default() -> Self {
        Self {
            queue_capacity: 1024,
            max_batch: 256,
            idle_timeout: Duration::from_secs(60),
            max_attempts: 8,
            commits_in_flight: 2,
        }
    }
}

/// A queued command's result, to be awaited.
pub struct Pending(oneshot::Receiver<Result<Receipt, CommandError>>);

impl Pending {
    pub async fn receipt(self) -> Result<Receipt, CommandError> {
        self.0.await.map_err(|_| CommandError::ShuttingDown)?
    }
}

struct Job {
    command: RoomCommand,
    meta: CommandMeta,
    reply: oneshot::Sender<Result<Receipt, CommandError>>,
}

type Senders = Arc<Mutex<HashMap<RoomId, mpsc::Sender<Job>>>>;

/// The registry of room writers of this process. Cheap to clone.
#[derive(Clone)]
pub struct RoomWriters {
    store: EventStore,
    committer: GroupCommit<Room>,
    senders: Senders,
    config: WriterConfig,
    tracker: TaskTracker,
    shutdown: CancellationToken,
}

impl RoomWriters {
    /// Starts the process's room committer; needs a Tokio runtime.
    pub fn new(store: EventStore, config: WriterConfig) -> Self {
        Self {
            committer: GroupCommit::start(store.clone(), config.commits_in_flight),
            store,
            senders: Arc::default(),
            config,
            tracker: TaskTracker::new(),
            shutdown: CancellationToken::new(),
        }
    }

    /// Runs `command` on `room` and returns once it is committed (or refused).
    #[tracing::instrument(
        name = "command",
        level = "error",
        skip_all,
        fields(room_id = %room, kind = command.kind(), request_id = %meta.request_id),
    )]
    pub async fn execute(
        &self,
        room: RoomId,
        command: RoomCommand,
        meta: CommandMeta,
    ) -> Result<Receipt, CommandError> {
        self.submit(room, command, meta).await?.receipt().await
    }

    /// Queues `command` behind every command queued for `room` before it, and returns without
    /// waiting for the result; callers that submit in order get their commands applied in order.
    pub async fn submit(&self, room: RoomId, command: RoomCommand, meta: CommandMeta) -> Result<Pending, CommandError> {
        let (reply, receipt) = oneshot::channel();
        let mut job = Job { command, meta, reply };
        loop {
            if self.shutdown.is_cancelled() {
                return Err(CommandError::ShuttingDown);
            }
            let sender = self.sender_for(room);
            match sender.send(job).await {
                Ok(()) => return Ok(Pending(receipt)),
                // The writer exited between our lookup and our send: forget it, start another.
                Err(mpsc::error::SendError(returned)) => {
                    forget_closed(&self.senders, room);
                    job = returned;
                }
            }
        }
    }

    /// Stops accepting commands, lets every writer finish its queue, and waits for them.
    pub async fn shutdown(&self) {
        self.shutdown.cancel();
        self.tracker.close();
        self.tracker.wait().await;
    }

    fn sender_for(&self, room: RoomId) -> mpsc::Sender<Job> {
        let mut senders = self.senders.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(sender) = senders.get(&room)
            && !sender.is_closed()
        {
            return sender.clone();
        }
        let (sender, receiver) = mpsc::channel(self.config.queue_capacity);
        senders.insert(room, sender.clone());
        let writer = Writer {
            room,
            store: self.store.clone(),
            committer: self.committer.clone(),
            receiver,
            state: None,
            config: self.config.clone(),
            senders: self.senders.clone(),
        };
        self.tracker.spawn(writer.run(self.shutdown.clone()));
        sender
    }
}

/// Removes `room`'s sender if its writer has exited (never a live one that replaced it).
fn forget_closed(senders: &Senders, room: RoomId) {
    let mut senders = senders.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if senders.get(&room).is_some_and(mpsc::Sender::is_closed) {
        senders.remove(&room);
    }
}

struct Writer {
    room: RoomId,
    store: EventStore,
    committer: GroupCommit<Room>,
    receiver: mpsc::Receiver<Job>,
    /// The room as of its last committed event; `None` until loaded or after a failure.
    state: Option<Room>,
    config: WriterConfig,
    senders: Senders,
}

impl Writer {
    async fn run(mut self, shutdown: CancellationToken) {
        loop {
            let first = tokio::select! {
                biased;
                job = self.receiver.recv() => match job {
                    Some(job) => job,
                    None => break,
                },
                // Closing makes `recv` drain what is queued and then end the loop, so no
                // accepted command is dropped.
                _ = tokio::time::sleep(self.config.idle_timeout) => { self.receiver.close(); continue }
                _ = shutdown.cancelled() => { self.receiver.close(); continue }
            };
            let mut jobs = vec![first];
            while jobs.len() < self.config.max_batch {
                match self.receiver.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            self.process(jobs).await;
        }
        forget_closed(&self.senders, self.room);
    }

    /// Commits what `jobs` decide, in one append. Commands of users whose account was erased
    /// are refused (the committer's append is fenced by every batch's actors, so that an erased
    /// user's access token, which lives on for a few minutes, cannot act, and nothing of theirs
    /// lands while the erasure runs), and the rest decided again.
    #[tracing::instrument(level = "error", skip_all, fields(room_id = %self.room, batch = jobs.len()))]
    async fn process(&mut self, mut jobs: Vec<Job>) {
        let id = self.room.to_string();
        let mut attempt = 0;
        while attempt < self.config.max_attempts {
            let mut room = match self.state.take() {
                Some(room) => room,
                None => match self.store.load::<Room>(&id).await {
                    Ok(loaded) => loaded.aggregate,
                    Err(error) => return fail_all(jobs, error),
                },
            };
            let base = room.version();
            let blocked = match blocked_pair(&room, &jobs) {
                Some(pair) => match blocks::between(self.store.pool(), pair).await {
                    Ok(blocked) => blocked,
                    Err(error) => return fail_all(jobs, error),
                },
                None => false,
            };
            let mut events = Vec::new();
            let results: Vec<Result<Receipt, RoomError>> = jobs
                .iter()
                .map(|job| {
                    if blocked && blocks::refuses(&job.command) {
                        return Err(RoomError::DirectBlocked);
                    }
                    let decided = room.decide(job.command.clone())?;
                    let changed = !decided.is_empty();
                    for event in decided {
                        room.apply(event.clone());
                        events.push(NewEvent { event, meta: job.meta.clone() });
                    }
                    Ok(receipt(&room, &job.command, changed))
                })
                .collect();
            let actors = jobs.iter().map(|job| job.command.actor()).collect();
            match self.committer.commit(actors, (id.clone(), base, events)).await {
                Outcome::Committed => {
                    self.state = Some(room);
                    for (job, result) in jobs.into_iter().zip(results) {
                        let _ = job.reply.send(result.map_err(CommandError::from));
                    }
                    return;
                }
                // What was decided is dropped: the room is loaded again and decided without them.
                // Commands of a user whose erasure is still in progress are answered `busy`: a
                // retry finds the account gone (or, if the erasure failed, goes through).
                Outcome::Refused(refusal) => {
                    let (refused, kept): (Vec<Job>, Vec<Job>) =
                        jobs.into_iter().partition(|job| refusal.refuses(&job.command.actor()));
                    for job in refused {
                        let error = if refusal.erased.contains(&job.command.actor()) {
                            CommandError::AccountErased
                        } else {
                            CommandError::Busy
                        };
                        let _ = job.reply.send(Err(error));
                    }
                    jobs = kept;
                    if jobs.is_empty() {
                        return;
                    }
                }
                Outcome::Conflict => {
                    attempt += 1;
                    tracing::debug!(attempt, "another process appended to the room first; reloading");
                    let backoff = rand::thread_rng().gen_range(1..=5 * u64::from(attempt));
                    tokio::time::sleep(Duration::from_millis(backoff)).await;
                }
                Outcome::Failed => return fail_all(jobs, "the batch could not be committed"),
            }
        }
        tracing::warn!("room stayed contended after every attempt");
        for job in jobs {
            let _ = job.reply.send(Err(CommandError::Busy));
        }
    }
}

/// The two people whose blocks decide some of `jobs`: a direct room's, or those of a direct
/// room being opened.
fn blocked_pair(room: &Room, jobs: &[Job]) -> Option<[UserId; 2]> {
    let first = jobs.iter().map(|job| &job.command).find(|command| blocks::refuses(command))?;
    room.direct_members().or(match *first {
        RoomCommand::OpenDirect { by, with } => Some([by, with]),
        _ => None,
    })
}

fn receipt(room: &Room, command: &RoomCommand, changed: bool) -> Receipt {
    if let RoomCommand::PostMessage { by, client_msg_id, .. } = command
        && let Some(post) = room.recent_post(*by, client_msg_id)
    {
        return Receipt { seq: post.seq, message_id: Some(post.message_id), changed };
    }
    Receipt { seq: room.version(), message_id: None, changed }
}

fn fail_all(jobs: Vec<Job>, error: impl std::fmt::Display) {
    tracing::error!(%error, "room command batch failed");
    for job in jobs {
        let _ = job.reply.send(Err(CommandError::Storage));
    }
}
