//! The rooms projector under the durable feed's runner, against a real Postgres (a fresh
//! migrated database per test): catching up, exactly-once effects, one active runner.

use std::time::Duration;

use chat_domain::room::{Role, RoomEvent, RoomKind, Visibility};
use chat_domain::text::{ClientMsgId, MessageBody, RoomName};
use chat_domain::{MessageId, RoomId, UserId};
use chat_feed::{FeedRunner, FeedSink, RunnerConfig, StoredEvent, Wakeup};
use chat_projections::projectors::{ProjectionError, RoomsProjector};
use sqlx::{PgConnection, PgPool};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

async fn append(conn: &mut PgConnection, room: RoomId, seq: i64, event: &RoomEvent) {
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('room', $1, $2, $3, '1.0', $4, '{}')",
    )
    .bind(room.to_string())
    .bind(seq)
    .bind(event.name())
    .bind(serde_json::to_value(event).unwrap())
    .execute(conn)
    .await
    .unwrap();
}

fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

fn created(owner: UserId) -> Vec<RoomEvent> {
    vec![
        RoomEvent::RoomCreated {
            kind: RoomKind::Group { name: RoomName::parse("general").unwrap(), visibility: Visibility::Public },
            created_by: owner,
        },
        RoomEvent::MemberJoined { user_id: owner, role: Role::Owner, added_by: None },
    ]
}

fn posted(author: UserId, n: u32) -> RoomEvent {
    RoomEvent::MessagePosted {
        message_id: MessageId::from_uuid(Uuid::now_v7()),
        author,
        body: MessageBody::parse(format!("message {n}")).unwrap().into(),
        client_msg_id: ClientMsgId::parse(format!("c{n}")).unwrap(),
        reply_to: None,
        mentions: vec![],
        attachments: vec![],
    }
}

/// Appends a room with `messages` posts in one transaction; returns the room.
async fn seed_room(pool: &PgPool, messages: u32) -> RoomId {
    let room = RoomId::from_uuid(Uuid::now_v7());
    let owner = user(1);
    let mut tx = pool.begin().await.unwrap();
    let events: Vec<RoomEvent> = created(owner).into_iter().chain((0..messages).map(|n| posted(owner, n))).collect();
    for (seq, event) in (1..).zip(&events) {
        append(&mut tx, room, seq, event).await;
    }
    tx.commit().await.unwrap();
    room
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Polls `sql` until it returns `expected` or ten seconds pass.
async fn eventually(pool: &PgPool, sql: &str, expected: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let actual = count(pool, sql).await;
        if actual == expected {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "`{sql}` stayed at {actual}, expected {expected}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn fast() -> RunnerConfig {
    RunnerConfig { retry_interval: Duration::from_millis(50), ..RunnerConfig::default() }
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn events_appended_while_no_runner_ran_are_projected_when_it_starts(pool: PgPool) {
    let room = seed_room(&pool, 40).await;
    assert_eq!(count(&pool, "SELECT count(*) FROM messages").await, 0);

    let shutdown = CancellationToken::new();
    let wakeup = Wakeup::listen(pool.clone(), shutdown.clone());
    let runner = FeedRunner::new(RoomsProjector::NAME, pool.clone(), RoomsProjector, wakeup, fast());
    let task = tokio::spawn(runner.run(shutdown.clone()));
    eventually(&pool, "SELECT count(*) FROM messages", 40).await;

    // And it keeps following the live feed.
    let mut conn = pool.acquire().await.unwrap();
    append(&mut conn, room, 43, &posted(user(1), 99)).await;
    eventually(&pool, "SELECT count(*) FROM messages", 41).await;
    shutdown.cancel();
    task.await.unwrap();
}

/// Applies the rooms projector, then fails the first `failures` batches before the checkpoint
/// is stored — as if the process died between its effects and its checkpoint.
struct FailsAfterEffects {
    inner: RoomsProjector,
    failures: u32,
}

impl FeedSink for FailsAfterEffects {
    type Error = ProjectionError;

    async fn handle(&mut self, conn: &mut PgConnection, events: &[StoredEvent]) -> Result<(), ProjectionError> {
        self.inner.handle(conn, events).await?;
        if self.failures > 0 {
            self.failures -= 1;
            return Err(ProjectionError::Database(sqlx::Error::PoolClosed));
        }
        Ok(())
    }
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn a_batch_that_fails_after_its_effects_is_not_applied_twice(pool: PgPool) {
    let room = seed_room(&pool, 30).await;
    let shutdown = CancellationToken::new();
    let wakeup = Wakeup::listen(pool.clone(), shutdown.clone());
    let sink = FailsAfterEffects { inner: RoomsProjector, failures: 3 };
    let task =
        tokio::spawn(FeedRunner::new(RoomsProjector::NAME, pool.clone(), sink, wakeup, fast()).run(shutdown.clone()));

    eventually(&pool, "SELECT coalesce(max(last_seq), 0) FROM rooms", 32).await;
    let (messages, members): (i64, i32) =
        sqlx::query_as("SELECT message_count, member_count FROM rooms WHERE room_id = $1")
            .bind(room.as_uuid())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((messages, members), (30, 1));
    shutdown.cancel();
    task.await.unwrap();
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn two_runners_of_one_feed_apply_each_event_once(pool: PgPool) {
    let shutdown = CancellationToken::new();
    let wakeup = Wakeup::listen(pool.clone(), shutdown.clone());
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let runner = FeedRunner::new(RoomsProjector::NAME, pool.clone(), RoomsProjector, wakeup.clone(), fast());
            tokio::spawn(runner.run(shutdown.clone()))
        })
        .collect();
    for _ in 0..10 {
        seed_room(&pool, 20).await;
    }
    eventually(&pool, "SELECT count(*) FROM rooms WHERE last_seq = 22", 10).await;
    assert_eq!(count(&pool, "SELECT sum(message_count)::bigint FROM rooms").await, 200);
    assert_eq!(count(&pool, "SELECT sum(member_count)::bigint FROM rooms").await, 10);
    shutdown.cancel();
    for task in tasks {
        task.await.unwrap();
    }
}
