//! The `rooms` read models against a real Postgres (a fresh migrated database per test).
//!
//! What this file proves:
//! - **Replay equality**: for many random but valid histories, the tables the live projector
//!   builds while events arrive equal, row for row, the tables a rebuild builds by replaying the
//!   event store; and both say what a plain in-memory model fed by the same events says
//!   (members, roles, read markers, unread counts and mentions, message count, preview, history,
//!   reactions).
//! - **Unread rules**: every rule documented on the projector, one hand-written scenario each.
//! - **Set-wise pages**: the projector applies a page of events a few statements at a time;
//!   a whole history as one page gives the same rows as its events one at a time, for random
//!   histories and for a hand-written page that mixes every kind of event (including redacted
//!   ones) in one room.
//! - **Rebuild swap**: a rebuild swapped in while events keep arriving neither loses nor
//!   doubles an update; it waits for a live batch instead of deadlocking with it, finishes under
//!   steady traffic on a busy cluster, and keeps the migrations' index names.
//!
//! Random histories come from the real `Room` aggregate: a small seeded generator picks
//! commands, `decide` accepts or refuses them, accepted events are applied and stored, so every
//! stored event is one the domain could have written. A failing seed replays exactly.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chat_domain::attachment::{Attachment, FileName, MimeType, Sha256Digest};
use chat_domain::redaction::Redactable;
use chat_domain::room::{Role, Room, RoomCommand, RoomEvent, RoomKind, Visibility};
use chat_domain::text::{ClientMsgId, MessageBody, Reaction, RoomDescription, RoomName, RoomTopic};
use chat_domain::{MessageId, RoomId, UploadId, UserId};
use chat_feed::{Checkpoint, FeedRunner, FeedSink, RunnerConfig, StoredEvent, Wakeup, lag, read_batch};
use chat_projections::projectors::RoomsProjector;
use chat_projections::queries;
use chat_projections::queries::rooms::Access;
use chat_projections::rebuild::{build_shadow, rebuild};
use cqrs_es::Aggregate;
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Random histories checked by the replay-equality test, and commands tried in each.
const SEEDS: u64 = 24;
const COMMANDS_PER_SEED: usize = 500;

/// Characters of the last message kept as the room list's preview.
const PREVIEW_CHARS: usize = 200;

/// How long anything may take to settle before a test fails.
const DEADLINE: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// Storing and projecting events
// ---------------------------------------------------------------------------------------------

/// A room event ready for the event store.
struct NewEvent {
    room: RoomId,
    seq: u64,
    event: RoomEvent,
}

fn sql_seq(seq: u64) -> i64 {
    i64::try_from(seq).expect("sequences fit in bigint")
}

/// Inserts `events` the way the event store's writer does.
async fn append(conn: &mut PgConnection, events: &[NewEvent]) {
    for NewEvent { room, seq, event } in events {
        sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
             VALUES ('room', $1, $2, $3, $4, $5, '{}')",
        )
        .bind(room.to_string())
        .bind(sql_seq(*seq))
        .bind(event.name())
        .bind(event.version())
        .bind(serde_json::to_value(event).unwrap())
        .execute(&mut *conn)
        .await
        .unwrap();
    }
}

async fn append_in_one_transaction(pool: &PgPool, events: &[NewEvent]) {
    let mut tx = pool.begin().await.unwrap();
    append(&mut tx, events).await;
    tx.commit().await.unwrap();
}

/// Two transactions that overlap and commit in reverse order: the first takes its transaction
/// id first, so the feed orders its events first and must hold the second back meanwhile.
async fn append_overlapping(pool: &PgPool, first: &[NewEvent], second: &[NewEvent]) {
    let (mut a, mut b) = (pool.acquire().await.unwrap(), pool.acquire().await.unwrap());
    let mut tx_first = a.begin().await.unwrap();
    append(&mut tx_first, first).await;
    let mut tx_second = b.begin().await.unwrap();
    append(&mut tx_second, second).await;
    tx_second.commit().await.unwrap();
    tx_first.commit().await.unwrap();
}

/// Runs the projector over everything committed so far, in small batches, each committed
/// with its checkpoint as the runner does (without its lease and wake-ups).
async fn project(pool: &PgPool) {
    let mut conn = pool.acquire().await.unwrap();
    let mut checkpoint = Checkpoint::load(&mut conn, RoomsProjector::NAME).await.unwrap();
    let deadline = Instant::now() + DEADLINE;
    loop {
        let mut tx = conn.begin().await.unwrap();
        let batch = read_batch(&mut tx, checkpoint, 3).await.unwrap();
        if let Some(last) = batch.events.last() {
            let next = last.checkpoint();
            RoomsProjector.handle(&mut tx, &batch.events).await.unwrap();
            next.advance(&mut tx, RoomsProjector::NAME, checkpoint).await.unwrap();
            tx.commit().await.unwrap();
            checkpoint = next;
            continue;
        }
        tx.rollback().await.unwrap();
        if !batch.held_back {
            return;
        }
        // Other tests' transactions in this cluster can hold the horizon back for a moment.
        assert!(Instant::now() < deadline, "events stayed held back");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The `rooms` feed runner, running as the server runs it, with its own wake-ups.
struct LiveProjector {
    shutdown: CancellationToken,
    task: JoinHandle<()>,
}

impl LiveProjector {
    fn start(pool: &PgPool) -> Self {
        let shutdown = CancellationToken::new();
        let wakeup = Wakeup::listen(pool.clone(), shutdown.clone());
        let config = RunnerConfig { batch_size: 25, retry_interval: Duration::from_millis(20), ..Default::default() };
        let runner = FeedRunner::new(RoomsProjector::NAME, pool.clone(), RoomsProjector, wakeup, config);
        let task = tokio::spawn(runner.run(shutdown.clone()));
        Self { shutdown, task }
    }

    async fn stop(self) {
        self.shutdown.cancel();
        self.task.await.unwrap();
    }
}

/// Waits until the `rooms` checkpoint has passed every committed event.
async fn caught_up(pool: &PgPool) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let lags = lag(pool).await.unwrap();
        let behind = lags.iter().find(|lag| lag.name == RoomsProjector::NAME).map(|lag| lag.events_behind);
        if behind == Some(0) {
            return;
        }
        assert!(Instant::now() < deadline, "the rooms projector stayed {behind:?} events behind");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Empties the event store, the rooms read models and the checkpoints (no runner may be running).
async fn reset(pool: &PgPool) {
    let tables = RoomsProjector::TABLES.join(", ");
    sqlx::query(&format!("TRUNCATE events, feed_checkpoints, {tables}")).execute(pool).await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// Comparing read models
// ---------------------------------------------------------------------------------------------

/// Replays the whole event store into a shadow schema and asserts that every rooms table
/// equals the live one, row for row and with multiplicity, both ways.
async fn assert_replay_equals_live(pool: &PgPool, context: &str) {
    let shadow =
        build_shadow(pool, RoomsProjector::NAME, RoomsProjector::TABLES, &mut RoomsProjector, |_| {}).await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM events").fetch_one(pool).await.unwrap();
    assert_eq!(shadow.progress.events, stored.unsigned_abs(), "{context}: the replay did not see every stored event");
    let differences = differences(pool, "public", &shadow.schema).await;
    shadow.discard().await.unwrap();
    assert!(differences.is_empty(), "{context}: live and replayed read models differ:\n{}", differences.join("\n"));
}

/// How the rooms tables of schemas `left` and `right` differ, row for row and with
/// multiplicity, both ways (empty if they are equal).
async fn differences(pool: &PgPool, left: &str, right: &str) -> Vec<String> {
    let mut differences = Vec::new();
    for table in RoomsProjector::TABLES {
        for (from, to) in [(left, right), (right, left)] {
            let only = format!("TABLE {from}.{table} EXCEPT ALL TABLE {to}.{table}");
            let count: i64 =
                sqlx::query_scalar(&format!("SELECT count(*) FROM ({only}) d")).fetch_one(pool).await.unwrap();
            if count > 0 {
                let sample: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT to_jsonb(d)::text FROM ({only}) d LIMIT 3"))
                        .fetch_all(pool)
                        .await
                        .unwrap();
                differences.push(format!("{count} row(s) of {table} only in {from}, e.g. {sample:#?}"));
            }
        }
    }
    differences
}

/// Asserts that the read models of every room of `history`, as the API's queries show them,
/// say what its in-memory model says, and that the model agrees with the aggregate on who is a
/// member with which role.
async fn assert_read_models_follow_the_domain(pool: &PgPool, history: &History, context: &str) {
    for slot in &history.slots {
        let (room, expected) = (slot.id, &slot.expected);
        let context = format!("{context}, room {room}");
        for user in &history.users {
            let modelled = expected.members.get(user).map(|member| member.role);
            assert_eq!(slot.room.role_of(*user), modelled, "{context}: the model disagrees with the aggregate");
        }
        if !slot.room.exists() || expected.deleted {
            let access = queries::rooms::access(pool, room, history.users[0]).await.unwrap();
            assert_eq!(access, Access::NoSuchRoom, "{context}: a room that was never created, or deleted, is listed");
            continue;
        }

        let mut members = queries::rooms::members(pool, room).await.unwrap();
        members.sort();
        assert_eq!(members, expected.members.keys().copied().collect::<Vec<_>>(), "{context}: members");
        let last = expected.last_message();
        let live = expected.messages.iter().filter(|message| !message.deleted).count();
        for (user, member) in &expected.members {
            let summary = queries::rooms::detail(pool, room, *user).await.unwrap().expect("a member's view").summary;
            let last_message =
                summary.last_message.map(|last| (MessageId::from_uuid(last.message_id), last.seq, last.preview));
            let (unread, mentions) = expected.unread(*user, member.last_read);
            assert_eq!(
                (summary.role.as_str(), summary.last_read_seq, summary.unread_count, summary.unread_mentions),
                (member.role.as_str(), sql_seq(member.last_read), unread, mentions),
                "{context}, member {user}: (role, last_read_seq, unread_count, unread_mentions)"
            );
            assert_eq!(
                (&summary.topic, &summary.description),
                (&expected.topic, &expected.description),
                "{context}: (topic, description)"
            );
            assert_eq!(
                (summary.member_count, summary.message_count, summary.last_seq, last_message),
                (
                    i32::try_from(expected.members.len()).unwrap(),
                    i64::try_from(live).unwrap(),
                    sql_seq(slot.room.version()),
                    last.map(|last| (last.id, sql_seq(last.seq), preview(&last.body))),
                ),
                "{context}: (member_count, message_count, last_seq, last message)"
            );
        }

        let mut page = queries::history::page(pool, room, None, i64::MAX).await.unwrap().messages;
        page.reverse();
        let messages: Vec<_> = page
            .iter()
            .map(|message| {
                let id = MessageId::from_uuid(message.message_id);
                (id, message.seq, UserId::from_uuid(message.author_id), message.body.clone(), message.reply_to)
            })
            .collect();
        let want: Vec<_> = expected
            .messages
            .iter()
            .map(|message| {
                let body = (!message.deleted).then(|| message.body.clone());
                let reply_to = message.reply_to.map(|id| id.as_uuid());
                (message.id, sql_seq(message.seq), message.author, body, reply_to)
            })
            .collect();
        assert_eq!(messages, want, "{context}: history (message, seq, author, body, reply_to)");
        let reactions: BTreeSet<(MessageId, String, UserId)> = page
            .iter()
            .flat_map(|message| {
                message.reactions.0.iter().flat_map(move |reaction| {
                    reaction.user_ids.iter().map(move |user| {
                        (MessageId::from_uuid(message.message_id), reaction.reaction.clone(), UserId::from_uuid(*user))
                    })
                })
            })
            .collect();
        let want: BTreeSet<_> = expected
            .reactions
            .iter()
            .map(|(message, reaction, user)| (*message, reaction.as_str().to_owned(), *user))
            .collect();
        assert_eq!(reactions, want, "{context}: reactions");
    }
}

fn preview(body: &str) -> String {
    body.chars().take(PREVIEW_CHARS).collect()
}

// ---------------------------------------------------------------------------------------------
// The expected read models, kept in plain Rust
// ---------------------------------------------------------------------------------------------

/// What the read models of one room must say, derived from its events without SQL.
#[derive(Default)]
struct Expected {
    members: BTreeMap<UserId, ExpectedMember>,
    /// In sequence order.
    messages: Vec<ExpectedMessage>,
    reactions: BTreeSet<(MessageId, Reaction, UserId)>,
    topic: Option<String>,
    description: Option<String>,
    deleted: bool,
}

struct ExpectedMember {
    role: Role,
    /// A member has read everything up to their join, then up to their furthest marker.
    last_read: u64,
}

struct ExpectedMessage {
    id: MessageId,
    seq: u64,
    author: UserId,
    body: String,
    reply_to: Option<MessageId>,
    mentions: Vec<UserId>,
    deleted: bool,
}

impl Expected {
    fn apply(&mut self, seq: u64, event: &RoomEvent) {
        match event {
            // The model's rooms are groups and direct rooms; support state is not in these tables.
            RoomEvent::RoomCreated { .. }
            | RoomEvent::VisitorContextRecorded { .. }
            | RoomEvent::ConversationAssigned { .. }
            | RoomEvent::ConversationResolved { .. }
            | RoomEvent::ConversationReopened { .. }
            | RoomEvent::InviteCreated { .. }
            | RoomEvent::InviteRevoked { .. }
            | RoomEvent::InviteAccepted { .. }
            // Bans are the `bans` projector's (its rebuild is checked with the others); the
            // removal that comes with one is a `MemberLeft`.
            | RoomEvent::MemberBanned { .. }
            | RoomEvent::MemberUnbanned { .. } => {}
            RoomEvent::RoomTopicChanged { topic, .. } => self.topic = topic.as_ref().map(|t| t.as_str().to_owned()),
            RoomEvent::RoomDescriptionChanged { description, .. } => {
                self.description = description.as_ref().map(|d| d.as_str().to_owned())
            }
            RoomEvent::RoomDeleted { .. } => self.deleted = true,
            RoomEvent::MemberJoined { user_id, role, .. } => {
                self.members.insert(*user_id, ExpectedMember { role: *role, last_read: seq });
            }
            RoomEvent::MemberLeft { user_id, .. } => {
                self.members.remove(user_id);
            }
            RoomEvent::MemberRoleChanged { user_id, role, .. } => {
                self.members.get_mut(user_id).expect("role of a member").role = *role;
            }
            RoomEvent::ReadMarkerMoved { user_id, up_to_seq } => {
                let member = self.members.get_mut(user_id).expect("marker of a member");
                member.last_read = member.last_read.max(*up_to_seq);
            }
            RoomEvent::MessagePosted { message_id, author, body, reply_to, mentions, .. } => {
                self.messages.push(ExpectedMessage {
                    id: *message_id,
                    seq,
                    author: *author,
                    body: body.present().expect("the model never erases anyone").as_str().to_owned(),
                    reply_to: *reply_to,
                    mentions: mentions.clone(),
                    deleted: false,
                });
            }
            RoomEvent::MessageEdited { message_id, body, .. } => {
                self.message_mut(*message_id).body = body.present().expect("never erased").as_str().to_owned();
            }
            RoomEvent::MessageDeleted { message_id, .. } => {
                self.message_mut(*message_id).deleted = true;
                self.reactions.retain(|(message, ..)| message != message_id);
            }
            RoomEvent::ReactionAdded { message_id, user_id, reaction } => {
                self.reactions.insert((*message_id, reaction.clone(), *user_id));
            }
            RoomEvent::ReactionRemoved { message_id, user_id, reaction } => {
                self.reactions.remove(&(*message_id, reaction.clone(), *user_id));
            }
        }
    }

    fn message_mut(&mut self, id: MessageId) -> &mut ExpectedMessage {
        self.messages.iter_mut().find(|message| message.id == id).expect("a posted message")
    }

    /// The newest message that is not deleted: the room list's last message.
    fn last_message(&self) -> Option<&ExpectedMessage> {
        self.messages.iter().rev().find(|message| !message.deleted)
    }

    /// `(unread, mentions)` of `user` with their marker at `last_read`: messages after it that
    /// others posted and that are not deleted, and those of them that mention `user`.
    fn unread(&self, user: UserId, last_read: u64) -> (i32, i32) {
        self.messages
            .iter()
            .filter(|message| message.seq > last_read && message.author != user && !message.deleted)
            .fold((0, 0), |(unread, mentions), message| {
                (unread + 1, mentions + i32::from(message.mentions.contains(&user)))
            })
    }
}

// ---------------------------------------------------------------------------------------------
// Random histories through the real aggregate
// ---------------------------------------------------------------------------------------------

/// SplitMix64: a tiny seeded generator, so that a failing seed replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }

    fn uuid(&mut self) -> Uuid {
        let bits = (u128::from(self.next()) << 64) | u128::from(self.next());
        uuid::Builder::from_random_bytes(bits.to_le_bytes()).into_uuid()
    }
}

const REACTIONS: [&str; 3] = [":+1:", "🎉", ":eyes:"];

/// One room of a generated history: the real aggregate and what its read models must say.
struct Slot {
    id: RoomId,
    /// The two users of a direct room; `None` for a group.
    direct: Option<[UserId; 2]>,
    room: Room,
    expected: Expected,
    /// Every post's author and client key, for retries.
    posts: Vec<(UserId, ClientMsgId)>,
}

/// A random valid history over 3–5 rooms (sometimes one of them direct) and 6–8 users.
struct History {
    rng: Rng,
    users: Vec<UserId>,
    slots: Vec<Slot>,
    texts: u64,
}

impl History {
    fn new(seed: u64) -> Self {
        let mut rng = Rng(seed);
        let users: Vec<UserId> = (0..6 + rng.below(3)).map(|_| UserId::from_uuid(rng.uuid())).collect();
        let slots = (0..3 + rng.below(3))
            .map(|index| {
                let direct = (index == 0 && rng.chance(60)).then(|| {
                    let a = rng.below(users.len());
                    let b = (a + 1 + rng.below(users.len() - 1)) % users.len();
                    [users[a], users[b]]
                });
                let id = match direct {
                    Some([a, b]) => RoomId::direct(a, b),
                    None => RoomId::from_uuid(rng.uuid()),
                };
                Slot { id, direct, room: Room::default(), expected: Expected::default(), posts: Vec::new() }
            })
            .collect();
        Self { rng, users, slots, texts: 0 }
    }

    /// Tries one random command in a random room; returns the events it produced, already
    /// applied (none if the aggregate refused it or it was a no-op).
    fn step(&mut self) -> Vec<NewEvent> {
        let index = self.rng.below(self.slots.len());
        let command = self.command(index);
        let slot = &mut self.slots[index];
        let Ok(events) = slot.room.decide(command) else {
            return Vec::new();
        };
        events
            .into_iter()
            .map(|event| {
                slot.room.apply(event.clone());
                let seq = slot.room.version();
                slot.expected.apply(seq, &event);
                if let RoomEvent::MessagePosted { author, client_msg_id, .. } = &event {
                    slot.posts.push((*author, client_msg_id.clone()));
                }
                NewEvent { room: slot.id, seq, event }
            })
            .collect()
    }

    /// Steps until at least 1–15 events are produced or `commands` runs out.
    fn chunk(&mut self, commands: &mut usize) -> Vec<NewEvent> {
        let size = 1 + self.rng.below(15);
        let mut events = Vec::new();
        while events.len() < size && *commands > 0 {
            *commands -= 1;
            events.extend(self.step());
        }
        events
    }

    /// A random command for room `index`, mostly by its members and about its messages, with
    /// enough outsiders, stale markers, unknown messages and foreign mentions to be refused or
    /// filtered now and then.
    fn command(&mut self, index: usize) -> RoomCommand {
        let Self { rng, users, slots, texts } = self;
        let slot = &slots[index];
        let members: Vec<UserId> = users.iter().copied().filter(|user| slot.room.role_of(*user).is_some()).collect();
        let actor = if !members.is_empty() && rng.chance(85) { rng.pick(&members) } else { rng.pick(users) };
        let anyone = rng.pick(users);
        let member = if !members.is_empty() && rng.chance(70) { rng.pick(&members) } else { anyone };
        let owner = members.iter().copied().find(|user| slot.room.role_of(*user) == Some(Role::Owner));
        let (message, author) = if slot.expected.messages.is_empty() || rng.chance(5) {
            (MessageId::from_uuid(rng.uuid()), None)
        } else {
            let message = &slot.expected.messages[rng.below(slot.expected.messages.len())];
            (message.id, Some(message.author))
        };
        // Edits and deletes are mostly by the author (deletes otherwise maybe by a moderator).
        let author_or_actor = author.filter(|_| rng.chance(60)).unwrap_or(actor);
        *texts += 1;
        let body = random_body(rng, *texts);
        let reaction = Reaction::parse(rng.pick(&REACTIONS)).unwrap();

        if (!slot.room.exists() && rng.chance(80)) || rng.chance(2) {
            return match slot.direct {
                Some(pair) => {
                    let by = rng.pick(&pair);
                    let other = if by == pair[0] { pair[1] } else { pair[0] };
                    // Now and then with oneself, which is refused.
                    RoomCommand::OpenDirect { by, with: if rng.chance(10) { by } else { other } }
                }
                None => RoomCommand::CreateGroup {
                    by: actor,
                    name: RoomName::parse(format!("room {index}")).unwrap(),
                    visibility: if rng.chance(50) { Visibility::Public } else { Visibility::Private },
                },
            };
        }
        // Now and then moderation: bans of anyone (members are removed), lifted bans, new
        // settings, and rarely the owner deleting the room, which ends its history.
        if rng.chance(6) {
            let by = owner.filter(|_| rng.chance(50)).unwrap_or(actor);
            let topic = RoomTopic::parse(format!("topic {texts}")).unwrap();
            return match rng.below(20) {
                0..=6 => RoomCommand::Ban { by, user: anyone, reason: None },
                7..=11 => RoomCommand::Unban { by, user: anyone },
                12..=18 => RoomCommand::ChangeSettings {
                    by,
                    topic: rng.chance(70).then(|| rng.chance(80).then_some(topic)),
                    description: rng.chance(50).then(|| RoomDescription::parse(format!("about\n{texts}")).ok()),
                },
                // One room always stays, so that a writer of traffic never runs dry.
                _ if slots.iter().filter(|slot| !slot.room.is_deleted()).count() > 1 => {
                    RoomCommand::DeleteRoom { by: actor }
                }
                _ => RoomCommand::Unban { by, user: anyone },
            };
        }
        match rng.below(100) {
            0..=11 => RoomCommand::Join { user: anyone },
            12..=17 => RoomCommand::Leave { user: actor },
            18..=25 => RoomCommand::AddMember { by: actor, user: anyone },
            26..=30 => {
                RoomCommand::RemoveMember { by: owner.filter(|_| rng.chance(30)).unwrap_or(actor), user: member }
            }
            31..=37 => RoomCommand::ChangeRole {
                by: owner.filter(|_| rng.chance(70)).unwrap_or(actor),
                user: member,
                role: rng.pick(&[Role::Admin, Role::Admin, Role::Member, Role::Owner]),
            },
            38..=60 => {
                let retry = (!slot.posts.is_empty() && rng.chance(5)).then(|| rng.pick(&slot.posts));
                let (by, client_msg_id) =
                    retry.unwrap_or_else(|| (actor, ClientMsgId::parse(format!("c{texts}")).unwrap()));
                // Mentions of anyone: members, outsiders and the author themselves.
                let mentions = (0..rng.below(4)).map(|_| if rng.chance(25) { by } else { rng.pick(users) }).collect();
                let reply_to = rng.chance(20).then_some(message);
                let message_id = MessageId::from_uuid(rng.uuid());
                // Files now and then, sometimes without text.
                let attachments: Vec<Attachment> = (0..rng.below(3) * usize::from(rng.chance(20)))
                    .map(|_| Attachment {
                        id: UploadId::from_uuid(rng.uuid()),
                        name: FileName::sanitise("photo.png").into(),
                        mime: MimeType::parse(rng.pick(&["image/png", "application/pdf"])).unwrap(),
                        size: rng.below(10_000) as u64,
                        sha256: Sha256Digest::from_bytes([rng.below(256) as u8; 32]),
                        width: None,
                        height: None,
                        thumbnail: false,
                    })
                    .collect();
                let body = (attachments.is_empty() || rng.chance(50)).then_some(body);
                RoomCommand::PostMessage { by, message_id, client_msg_id, body, reply_to, mentions, attachments }
            }
            61..=67 => RoomCommand::EditMessage { by: author_or_actor, message_id: message, body },
            68..=74 => RoomCommand::DeleteMessage { by: author_or_actor, message_id: message },
            75..=81 => RoomCommand::React { by: actor, message_id: message, reaction },
            82..=85 if !slot.expected.reactions.is_empty() && rng.chance(70) => {
                let reactions: Vec<_> = slot.expected.reactions.iter().cloned().collect();
                let (message_id, reaction, by) = rng.pick(&reactions);
                RoomCommand::Unreact { by, message_id, reaction }
            }
            82..=85 => RoomCommand::Unreact { by: actor, message_id: message, reaction },
            // Markers anywhere: stale, repeated, below the join, and past the end.
            _ => RoomCommand::MarkRead { by: actor, up_to_seq: rng.next() % (slot.room.version() + 4) },
        }
    }
}

/// Mostly short bodies; some longer than the preview (with multi-byte characters), some with
/// the whitespace that bodies keep.
fn random_body(rng: &mut Rng, n: u64) -> MessageBody {
    let text = match rng.below(8) {
        0 => format!("{} long {n}", "é".repeat(PREVIEW_CHARS + 10)),
        1 => format!("  indented {n}\n\tsecond line "),
        _ => format!("message {n}"),
    };
    MessageBody::parse(text).unwrap()
}

/// Runs `commands` random commands of `history` and stores their events, in transactions of
/// 1–15 events; about one pair in five overlaps and commits in reverse order. Returns the
/// number of events stored.
async fn write_commands(pool: &PgPool, history: &mut History, mut commands: usize) -> usize {
    let mut stored = 0;
    while commands > 0 {
        let first = history.chunk(&mut commands);
        stored += first.len();
        if commands > 0 && history.rng.chance(20) {
            let second = history.chunk(&mut commands);
            stored += second.len();
            append_overlapping(pool, &first, &second).await;
        } else if !first.is_empty() {
            append_in_one_transaction(pool, &first).await;
        }
    }
    stored
}

/// Keeps writing random commands of `history` until `stop`, publishing the number of events
/// stored so far; returns the history for the final checks. The pauses are pacing, not waits.
async fn keep_writing(
    pool: PgPool,
    mut history: History,
    stop: CancellationToken,
    stored: watch::Sender<usize>,
) -> History {
    // A chunk every 20 ms: a few hundred events a second, which a projector keeps up with.
    while !stop.is_cancelled() {
        let count = write_commands(&pool, &mut history, 10).await;
        stored.send_modify(|total| *total += count);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    history
}

/// Waits until the writer has stored `more` events beyond what it had stored so far.
async fn wait_for_more(stored: &mut watch::Receiver<usize>, more: usize) {
    let target = *stored.borrow() + more;
    tokio::time::timeout(DEADLINE, stored.wait_for(|total| *total >= target))
        .await
        .expect("the writer stalled")
        .expect("the writer stopped");
}

// ---------------------------------------------------------------------------------------------
// 1. Replay equality
// ---------------------------------------------------------------------------------------------

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn the_live_projection_of_random_histories_equals_a_replay_of_the_event_store(pool: PgPool) {
    let mut total = 0;
    for seed in 0..SEEDS {
        reset(&pool).await;
        let live = LiveProjector::start(&pool);
        let mut history = History::new(seed);
        total += write_commands(&pool, &mut history, COMMANDS_PER_SEED).await;
        caught_up(&pool).await;
        live.stop().await;

        let context = format!("seed {seed}");
        assert_replay_equals_live(&pool, &context).await;
        assert_read_models_follow_the_domain(&pool, &history, &context).await;
    }
    assert!(total > 5_000, "only {total} events were generated");
}

// ---------------------------------------------------------------------------------------------
// 2. Unread counts and the preview, rule by rule
// ---------------------------------------------------------------------------------------------

fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

/// One group room written by hand: events take consecutive sequences and are stored together
/// when the script is projected.
struct Script {
    room: RoomId,
    owner: UserId,
    seq: u64,
    pending: Vec<NewEvent>,
    posts: u128,
}

impl Script {
    /// A public group created by `owner`: sequences 1 and 2.
    fn group(owner: UserId) -> Self {
        let mut script =
            Self { room: RoomId::from_uuid(Uuid::from_u128(0xA)), owner, seq: 0, pending: Vec::new(), posts: 0 };
        let name = RoomName::parse("general").unwrap();
        script.push(RoomEvent::RoomCreated {
            kind: RoomKind::Group { name, visibility: Visibility::Public },
            created_by: owner,
        });
        script.push(RoomEvent::MemberJoined { user_id: owner, role: Role::Owner, added_by: None });
        script
    }

    /// Writes `event` as the room's next; returns its sequence.
    fn push(&mut self, event: RoomEvent) -> u64 {
        self.seq += 1;
        self.pending.push(NewEvent { room: self.room, seq: self.seq, event });
        self.seq
    }

    fn join(&mut self, user_id: UserId) -> u64 {
        self.push(RoomEvent::MemberJoined { user_id, role: Role::Member, added_by: None })
    }

    fn leave(&mut self, user_id: UserId) -> u64 {
        self.push(RoomEvent::MemberLeft { user_id, removed_by: None })
    }

    fn post(&mut self, author: UserId, body: &str, mentions: &[UserId]) -> MessageId {
        self.posts += 1;
        let message_id = MessageId::from_uuid(Uuid::from_u128(0x1000 + self.posts));
        self.push(RoomEvent::MessagePosted {
            message_id,
            author,
            body: MessageBody::parse(body).unwrap().into(),
            client_msg_id: ClientMsgId::parse(format!("c{}", self.posts)).unwrap(),
            reply_to: None,
            mentions: mentions.to_vec(),
            attachments: vec![],
        });
        message_id
    }

    fn edit(&mut self, message_id: MessageId, edited_by: UserId, body: &str) -> u64 {
        self.push(RoomEvent::MessageEdited { message_id, body: MessageBody::parse(body).unwrap().into(), edited_by })
    }

    fn delete(&mut self, message_id: MessageId, deleted_by: UserId) -> u64 {
        self.push(RoomEvent::MessageDeleted { message_id, deleted_by })
    }

    fn read(&mut self, user_id: UserId, up_to_seq: u64) -> u64 {
        self.push(RoomEvent::ReadMarkerMoved { user_id, up_to_seq })
    }

    /// Stores what was written since the last call, in one transaction.
    async fn store(&mut self, pool: &PgPool) {
        append_in_one_transaction(pool, &std::mem::take(&mut self.pending)).await;
    }

    /// Stores what was written since the last call and projects it.
    async fn project(&mut self, pool: &PgPool) {
        self.store(pool).await;
        project(pool).await;
    }

    /// `(unread_count, unread_mentions, last_read_seq)` as `user` sees the room; `None` if
    /// they are not a member.
    async fn unread(&self, pool: &PgPool, user: UserId) -> Option<(i32, i32, i64)> {
        let detail = queries::rooms::detail(pool, self.room, user).await.unwrap()?;
        Some((detail.summary.unread_count, detail.summary.unread_mentions, detail.summary.last_read_seq))
    }

    /// The room list's last message: `(message, seq, preview)`.
    async fn last_message(&self, pool: &PgPool) -> Option<(MessageId, i64, String)> {
        let detail = queries::rooms::detail(pool, self.room, self.owner).await.unwrap().expect("the owner's view");
        detail.summary.last_message.map(|last| (MessageId::from_uuid(last.message_id), last.seq, last.preview))
    }
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn own_messages_and_messages_posted_before_joining_are_not_unread(pool: PgPool) {
    let (owner, alice, bob) = (user(1), user(2), user(3));
    let mut room = Script::group(owner);
    room.post(owner, "before alice", &[]); // 3
    room.post(owner, "also before alice", &[]); // 4
    assert_eq!(room.join(alice), 5);
    room.post(owner, "after alice joined", &[]); // 6
    room.post(alice, "alice's own", &[]); // 7
    assert_eq!(room.join(bob), 8);
    room.post(alice, "after bob joined", &[]); // 9
    room.project(&pool).await;

    assert_eq!(room.unread(&pool, owner).await, Some((2, 0, 2)), "alice's two, not the owner's own");
    assert_eq!(room.unread(&pool, alice).await, Some((1, 0, 5)), "the owner's after her join");
    assert_eq!(room.unread(&pool, bob).await, Some((1, 0, 8)), "alice's after his join");
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn mentions_count_only_for_the_members_they_mention(pool: PgPool) {
    let (owner, alice, bob) = (user(1), user(2), user(3));
    let mut room = Script::group(owner);
    room.join(alice);
    room.join(bob);
    room.post(owner, "hi @alice @bob", &[alice, bob]);
    room.post(alice, "hi @bob", &[bob]);
    room.post(bob, "hi all", &[]);
    room.project(&pool).await;

    assert_eq!(room.unread(&pool, owner).await, Some((2, 0, 2)));
    assert_eq!(room.unread(&pool, alice).await, Some((2, 1, 3)));
    assert_eq!(room.unread(&pool, bob).await, Some((2, 2, 4)));
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn deleting_an_unread_message_uncounts_it_and_its_mention_but_deleting_a_read_one_changes_nothing(pool: PgPool) {
    let (owner, alice, bob) = (user(1), user(2), user(3));
    let mut room = Script::group(owner);
    room.join(alice); // 3
    room.join(bob); // 4
    let read_mention = room.post(owner, "hi @alice", &[alice]); // 5
    let unread = room.post(owner, "plain", &[]); // 6
    let unread_mention = room.post(owner, "hi @alice @bob", &[alice, bob]); // 7
    room.read(alice, 5);
    room.read(bob, 7);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((2, 1, 5)));
    assert_eq!(room.unread(&pool, bob).await, Some((0, 0, 7)));

    room.delete(unread_mention, owner);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((1, 0, 5)), "unread and mentioned: both go");
    assert_eq!(room.unread(&pool, bob).await, Some((0, 0, 7)), "already read: nothing to take off");
    assert_eq!(room.unread(&pool, owner).await, Some((0, 0, 2)), "the author's own: nothing to take off");

    room.delete(read_mention, owner);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((1, 0, 5)), "already read by alice");

    room.delete(unread, owner);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((0, 0, 5)));

    let alices = room.post(alice, "mine", &[]);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, owner).await, Some((1, 0, 2)));
    room.delete(alices, alice);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, owner).await, Some((0, 0, 2)));
    assert_eq!(room.unread(&pool, bob).await, Some((0, 0, 7)));
    assert_eq!(room.unread(&pool, alice).await, Some((0, 0, 5)), "her own deleted message was never unread to her");
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn a_stale_read_marker_changes_nothing_and_a_newer_one_recounts_exactly(pool: PgPool) {
    let (owner, alice) = (user(1), user(2));
    let mut room = Script::group(owner);
    room.join(alice); // 3
    let mut posts = Vec::new();
    for n in 4..=13 {
        let mentions = if n == 11 { vec![alice] } else { vec![] };
        posts.push(room.post(owner, &format!("message {n}"), &mentions)); // seq n
    }
    room.read(alice, 9);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((4, 1, 9)), "10 to 13, 11 mentions her");

    room.read(alice, 5);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((4, 1, 9)), "read up to 5 after read up to 9");

    room.delete(posts[12 - 4], owner); // seq 12, unread
    room.post(alice, "her own", &[]);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((3, 1, 9)));

    room.read(alice, 11);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((1, 0, 11)), "only 13 is left: 12 is deleted, 11 read");

    let end = room.seq;
    room.read(alice, end);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((0, 0, i64::try_from(end).unwrap())));
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn leaving_and_rejoining_starts_counting_from_the_rejoin(pool: PgPool) {
    let (owner, alice) = (user(1), user(2));
    let mut room = Script::group(owner);
    room.join(alice); // 3
    room.post(owner, "one", &[]); // 4
    room.post(owner, "two @alice", &[alice]); // 5
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((2, 1, 3)));

    room.leave(alice); // 6
    let while_away = room.post(owner, "while alice is away @alice", &[]); // 7
    room.post(owner, "still away", &[]); // 8
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, None);

    assert_eq!(room.join(alice), 9);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((0, 0, 9)), "nothing from before the rejoin");

    room.post(owner, "welcome back @alice", &[alice]); // 10
    // The aggregate forgot her marker when she left, so a marker below her rejoin is valid.
    room.read(alice, 5);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((1, 1, 9)));

    room.delete(while_away, owner);
    room.project(&pool).await;
    assert_eq!(room.unread(&pool, alice).await, Some((1, 1, 9)), "posted while away: never counted");
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn the_last_message_preview_follows_posts_edits_and_deletes(pool: PgPool) {
    let (owner, alice) = (user(1), user(2));
    let mut room = Script::group(owner);
    room.project(&pool).await;
    assert_eq!(room.last_message(&pool).await, None);

    room.join(alice); // 3
    let first = room.post(owner, "first", &[]); // 4
    let second = room.post(alice, "second", &[]); // 5
    room.project(&pool).await;
    assert_eq!(room.last_message(&pool).await, Some((second, 5, "second".into())));

    room.edit(first, owner, "first, edited");
    room.project(&pool).await;
    assert_eq!(room.last_message(&pool).await, Some((second, 5, "second".into())), "not the last one");

    room.edit(second, alice, "second, edited");
    room.project(&pool).await;
    assert_eq!(room.last_message(&pool).await, Some((second, 5, "second, edited".into())));

    room.delete(second, owner);
    room.project(&pool).await;
    assert_eq!(room.last_message(&pool).await, Some((first, 4, "first, edited".into())), "falls back");

    let long = "é".repeat(PREVIEW_CHARS + 50);
    let third = room.post(owner, &long, &[]); // 9
    room.project(&pool).await;
    assert_eq!(room.last_message(&pool).await, Some((third, 9, preview(&long))), "cut to the preview");

    room.delete(first, owner);
    room.project(&pool).await;
    assert_eq!(room.last_message(&pool).await, Some((third, 9, preview(&long))), "not the last one");

    room.delete(third, owner);
    room.project(&pool).await;
    assert_eq!(room.last_message(&pool).await, None, "none left");
}

// ---------------------------------------------------------------------------------------------
// 3. Rebuild swap under traffic
// ---------------------------------------------------------------------------------------------

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn a_rebuild_swapped_in_under_traffic_neither_loses_nor_doubles_an_update(pool: PgPool) {
    let live = LiveProjector::start(&pool);
    let stop = CancellationToken::new();
    let (stored_tx, mut stored) = watch::channel(0);
    let history = History::new(1_000);
    let writer = tokio::spawn(keep_writing(pool.clone(), history, stop.clone(), stored_tx));

    let (mut swapped, mut stored_while_rebuilding) = (0, 0);
    while swapped < 3 {
        wait_for_more(&mut stored, 150).await;
        let before = *stored.borrow();
        let mut projector = RoomsProjector;
        let rebuilding = rebuild(&pool, RoomsProjector::NAME, RoomsProjector::TABLES, &mut projector, |_| {});
        let rebuilt =
            tokio::time::timeout(DEADLINE, rebuilding).await.expect("the rebuild never caught up with the traffic");
        let rebuilt = rebuilt.unwrap_or_else(|error| panic!("the rebuild failed: {error}"));
        // Events still held back by in-flight transactions (anywhere in the cluster) at the swap
        // are left to the live runner, so the rebuild itself may have applied fewer than `before`.
        assert!(rebuilt.events > 0, "the rebuild applied nothing");
        swapped += 1;
        stored_while_rebuilding += *stored.borrow() - before;
    }
    wait_for_more(&mut stored, 150).await;
    stop.cancel();
    let history = writer.await.unwrap();
    caught_up(&pool).await;
    live.stop().await;

    assert!(stored_while_rebuilding > 0, "no event was stored while rebuilding");
    assert_replay_equals_live(&pool, "after three rebuilds under traffic").await;
    assert_read_models_follow_the_domain(&pool, &history, "after three rebuilds under traffic").await;
}

/// Waits until `count` sessions of this database wait for a lock.
async fn sessions_waiting_for_locks(pool: &PgPool, count: i64) {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        if waiting == count {
            return;
        }
        assert!(Instant::now() < deadline, "{waiting} sessions wait for a lock, expected {count}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The interleaving that the test above meets by chance, made deterministic: a live batch that
/// has written `room_members` (a read marker) but not yet `rooms` when the swap locks the live
/// tables. A table lock held by the test (which takes no transaction id, so it holds no event
/// back) pauses the batch at exactly that point: at its next event, a reaction.
#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn a_rebuild_swap_waits_for_a_live_batch_instead_of_deadlocking_with_it(pool: PgPool) {
    let (owner, alice) = (user(1), user(2));
    let live = LiveProjector::start(&pool);
    let mut room = Script::group(owner);
    room.join(alice);
    let hello = room.post(owner, "hello", &[]); // 4
    room.store(&pool).await;
    caught_up(&pool).await;

    let mut pause = pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE message_reactions IN SHARE MODE").execute(&mut *pause).await.unwrap();
    room.read(alice, 4);
    room.push(RoomEvent::ReactionAdded {
        message_id: hello, user_id: alice, reaction: Reaction::parse("🎉").unwrap()
    });
    room.store(&pool).await;
    // The live batch has moved alice's marker (`room_members`) and waits for `message_reactions`.
    sessions_waiting_for_locks(&pool, 1).await;
    let rebuilding = tokio::spawn({
        let pool = pool.clone();
        async move { rebuild(&pool, RoomsProjector::NAME, RoomsProjector::TABLES, &mut RoomsProjector, |_| {}).await }
    });
    // The swap has locked `rooms` and waits for `room_members`.
    sessions_waiting_for_locks(&pool, 2).await;
    pause.commit().await.unwrap();
    let rebuilt = tokio::time::timeout(DEADLINE, rebuilding).await.expect("the rebuild hangs").unwrap();
    caught_up(&pool).await;
    live.stop().await;
    assert_eq!(room.unread(&pool, alice).await, Some((0, 0, 4)));

    // Were the swap to lock the live tables while the released batch still holds `room_members`
    // and goes on to `rooms`, each would wait for the other and Postgres would abort the swap.
    assert!(rebuilt.is_ok(), "the rebuild deadlocked with the live runner's batch: {:?}", rebuilt.err());
}

/// The index names of the live rooms tables.
async fn index_names(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT tablename || '.' || indexname FROM pg_indexes
         WHERE schemaname = 'public' AND tablename = ANY($1) ORDER BY 1",
    )
    .bind(RoomsProjector::TABLES)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// Each table's storage parameters (such as `fillfactor`), by table name.
async fn storage_parameters(pool: &PgPool) -> Vec<(String, Option<Vec<String>>)> {
    sqlx::query_as(
        "SELECT relname::text, reloptions FROM pg_class
         WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1) ORDER BY 1",
    )
    .bind(RoomsProjector::TABLES)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn a_rebuild_keeps_the_index_names_and_storage_parameters_the_migrations_gave(pool: PgPool) {
    let (indexes, parameters) = (index_names(&pool).await, storage_parameters(&pool).await);
    assert!(
        parameters.iter().any(|(table, parameters)| table == "room_members" && parameters.is_some()),
        "{parameters:?}"
    );
    rebuild(&pool, RoomsProjector::NAME, RoomsProjector::TABLES, &mut RoomsProjector, |_| {}).await.unwrap();

    // `CREATE TABLE .. (LIKE .. INCLUDING ALL)` names copied indexes by Postgres's defaults; a
    // later migration that names an index must still find it on a database that was rebuilt.
    assert_eq!(index_names(&pool).await, indexes, "index names after a rebuild");
    // Nor does it copy storage parameters: a rebuilt table must keep its fill factor.
    assert_eq!(storage_parameters(&pool).await, parameters, "storage parameters after a rebuild");
}

/// Keeps a write transaction open in the cluster at every instant until `stop`, as a busy
/// cluster does: two staggered transactions, each open for 100 ms. (The horizon is the
/// cluster's: tests running meanwhile see their new events held back for up to that long.)
async fn keep_the_cluster_busy(pool: PgPool, stop: CancellationToken) {
    let open = || async {
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("SELECT pg_current_xact_id()").execute(&mut *tx).await.unwrap();
        tx
    };
    let mut older = open().await;
    while !stop.is_cancelled() {
        let newer = open().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        older.commit().await.unwrap();
        older = newer;
    }
    older.commit().await.unwrap();
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn a_rebuild_finishes_under_steady_traffic_on_a_busy_cluster(pool: PgPool) {
    let live = LiveProjector::start(&pool);
    let stop = CancellationToken::new();
    let busy = tokio::spawn(keep_the_cluster_busy(pool.clone(), stop.clone()));
    let (stored_tx, mut stored) = watch::channel(0);
    let history = History::new(2_000);
    let writer = tokio::spawn(keep_writing(pool.clone(), history, stop.clone(), stored_tx));
    wait_for_more(&mut stored, 100).await;

    let mut projector = RoomsProjector;
    let rebuilding = rebuild(&pool, RoomsProjector::NAME, RoomsProjector::TABLES, &mut projector, |_| {});
    let rebuilt = tokio::time::timeout(Duration::from_secs(15), rebuilding).await;
    // Meanwhile the live runner keeps up; it catches up as soon as the traffic stops.
    stop.cancel();
    writer.await.unwrap();
    busy.await.unwrap();
    caught_up(&pool).await;
    live.stop().await;

    // While events keep arriving and some write transaction is always open in the cluster, some
    // commit is always held back: the rebuild must not wait for an instant without any.
    assert!(rebuilt.is_ok(), "the rebuild did not finish within 15 s of steady traffic on a busy cluster");
}

// ---------------------------------------------------------------------------------------------
// 4. Set-wise pages
// ---------------------------------------------------------------------------------------------

/// Random histories applied as one page, and commands tried in each.
const PAGE_SEEDS: u64 = 8;

/// Every stored event, once none is held back by a transaction in flight.
async fn settled_events(pool: &PgPool) -> Vec<StoredEvent> {
    let mut conn = pool.acquire().await.unwrap();
    let deadline = Instant::now() + DEADLINE;
    loop {
        let batch = read_batch(&mut conn, Checkpoint::default(), i64::MAX).await.unwrap();
        if !batch.held_back {
            return batch.events;
        }
        assert!(Instant::now() < deadline, "events stayed held back");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Applies `events` to the rooms tables of `schema` (fresh copies, unless it is `public`),
/// handing the projector `page` events at a time; checkpoints are left alone.
async fn apply_in_pages(pool: &PgPool, schema: &str, events: &[StoredEvent], page: usize) {
    let mut conn = pool.acquire().await.unwrap();
    if schema != "public" {
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&mut *conn).await.unwrap();
        for table in RoomsProjector::TABLES {
            sqlx::query(&format!("CREATE TABLE {schema}.{table} (LIKE public.{table} INCLUDING ALL)"))
                .execute(&mut *conn)
                .await
                .unwrap();
        }
    }
    let mut tx = conn.begin().await.unwrap();
    sqlx::query(&format!("SET LOCAL search_path TO {schema}")).execute(&mut *tx).await.unwrap();
    for page in events.chunks(page) {
        RoomsProjector.handle(&mut tx, page).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// Applies every stored event as one page to `public`, and one at a time to a schema of its
/// own, and asserts that both give the same rows.
async fn assert_one_page_equals_one_at_a_time(pool: &PgPool, context: &str) {
    let events = settled_events(pool).await;
    apply_in_pages(pool, "public", &events, events.len()).await;
    apply_in_pages(pool, "one_at_a_time", &events, 1).await;
    let differences = differences(pool, "public", "one_at_a_time").await;
    sqlx::query("DROP SCHEMA one_at_a_time CASCADE").execute(pool).await.unwrap();
    assert!(
        differences.is_empty(),
        "{context}: one page of {} events and the events one at a time differ:\n{}",
        events.len(),
        differences.join("\n")
    );
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn a_random_history_applied_as_one_page_equals_its_events_applied_one_at_a_time(pool: PgPool) {
    for seed in 0..PAGE_SEEDS {
        reset(&pool).await;
        let mut history = History::new(10_000 + seed);
        write_commands(&pool, &mut history, COMMANDS_PER_SEED).await;

        let context = format!("seed {}", 10_000 + seed);
        assert_one_page_equals_one_at_a_time(&pool, &context).await;
        assert_read_models_follow_the_domain(&pool, &history, &context).await;
    }
}

impl Script {
    fn react(&mut self, message_id: MessageId, user_id: UserId, reaction: &str) -> u64 {
        self.push(RoomEvent::ReactionAdded { message_id, user_id, reaction: Reaction::parse(reaction).unwrap() })
    }

    fn unreact(&mut self, message_id: MessageId, user_id: UserId, reaction: &str) -> u64 {
        self.push(RoomEvent::ReactionRemoved { message_id, user_id, reaction: Reaction::parse(reaction).unwrap() })
    }

    fn promote(&mut self, user_id: UserId, role: Role) -> u64 {
        self.push(RoomEvent::MemberRoleChanged { user_id, role, changed_by: self.owner })
    }

    /// A post whose author was erased since, as the event store then holds it.
    fn redacted_post(&mut self, author: UserId) -> MessageId {
        self.posts += 1;
        let message_id = MessageId::from_uuid(Uuid::from_u128(0x1000 + self.posts));
        self.push(RoomEvent::MessagePosted {
            message_id,
            author,
            body: Redactable::Redacted,
            client_msg_id: ClientMsgId::parse(format!("c{}", self.posts)).unwrap(),
            reply_to: None,
            mentions: Vec::new(),
            attachments: vec![],
        });
        message_id
    }
}

/// Every kind of event in one room and one page, each touching what an earlier one of the page
/// wrote: edits, reactions and deletes of messages posted in the page, a member leaving and
/// coming back, two markers and two role changes of one member, redacted posts and edits.
#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn a_page_mixing_every_kind_of_event_in_one_room_equals_its_events_one_at_a_time(pool: PgPool) {
    let (owner, alice, bob) = (user(1), user(2), user(3));
    let mut room = Script::group(owner); // 1, 2
    room.join(alice); // 3
    room.join(bob); // 4
    let hello = room.post(owner, "hello @alice", &[alice]); // 5
    room.react(hello, alice, "🎉"); // 6
    room.edit(hello, owner, "hello again"); // 7
    room.edit(hello, owner, "hello again @alice"); // 8
    room.react(hello, bob, ":+1:"); // 9
    room.unreact(hello, bob, ":+1:"); // 10
    room.react(hello, bob, ":+1:"); // 11
    room.read(alice, 7); // 12
    room.read(bob, 11); // 13
    room.read(alice, 9); // 14
    room.read(bob, 8); // 15: behind his marker
    let bobs = room.post(bob, "mine @alice @owner", &[alice, owner]); // 16
    room.leave(alice); // 17
    room.post(owner, "while alice is away", &[]); // 18
    room.join(alice); // 19
    room.promote(bob, Role::Admin); // 20
    room.promote(bob, Role::Member); // 21
    room.delete(bobs, owner); // 22
    let erased = room.redacted_post(bob); // 23
    room.push(RoomEvent::MessageEdited { message_id: erased, body: Redactable::Redacted, edited_by: bob }); // 24
    room.unreact(hello, alice, "🎉"); // 25
    room.read(owner, 23); // 26
    let back = room.post(alice, "back", &[]); // 27
    room.edit(back, alice, "back again"); // 28
    room.delete(back, owner); // 29
    room.store(&pool).await;

    assert_one_page_equals_one_at_a_time(&pool, "one mixed page").await;
    assert_eq!(room.unread(&pool, alice).await, Some((1, 0, 19)), "the erased post after her rejoin");
    assert_eq!(room.unread(&pool, bob).await, Some((1, 0, 11)), "the owner's post after his marker");
    assert_eq!(room.unread(&pool, owner).await, Some((0, 0, 23)), "read up to 23; 27 is deleted");
    assert_eq!(room.last_message(&pool).await, Some((erased, 23, String::new())), "falls back to the erased post");
    let members: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT user_id, role FROM room_members ORDER BY user_id").fetch_all(&pool).await.unwrap();
    let members: Vec<(UserId, &str)> =
        members.iter().map(|(user, role)| (UserId::from_uuid(*user), role.as_str())).collect();
    assert_eq!(members, vec![(owner, "owner"), (alice, "member"), (bob, "member")], "members and roles");
    let reactions: Vec<(String, Uuid, i64)> =
        sqlx::query_as("SELECT reaction, user_id, seq FROM message_reactions").fetch_all(&pool).await.unwrap();
    assert_eq!(reactions, vec![(":+1:".to_owned(), bob.as_uuid(), 11)], "bob's second reaction is the one left");
    let hello_row: (Option<String>, i64) =
        sqlx::query_as("SELECT body, updated_seq FROM messages WHERE message_id = $1")
            .bind(hello.as_uuid())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(hello_row, (Some("hello again @alice".to_owned()), 25), "edited twice, then last changed by a reaction");
}
