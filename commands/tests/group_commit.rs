//! Room writers committing through the group committer, against a real Postgres (a fresh
//! migrated database per test): rooms that share a commit stay independent when one of them
//! loses a race to another process, an erased actor is refused without holding up anyone
//! else's command, and nothing an actor posts while they are being erased survives the erasure.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use chat_commands::erasure;
use chat_commands::room_writer::{CommandError, RoomWriters, WriterConfig};
use chat_commands::store::{CommandMeta, EventStore, NewEvent};
use chat_domain::redaction::Redactable;
use chat_domain::room::{RoomCommand, Visibility};
use chat_domain::text::{ClientMsgId, DisplayName, MessageBody, RoomName, Username};
use chat_domain::user::{User, UserEvent};
use chat_domain::{MessageId, RoomId, UserId};
use futures::future::join_all;
use sqlx::PgPool;
use uuid::Uuid;

use common::account;

fn meta(actor: UserId) -> CommandMeta {
    CommandMeta { actor, request_id: Uuid::now_v7().to_string(), via: "test".to_owned() }
}

fn post(by: UserId, text: &str) -> RoomCommand {
    RoomCommand::PostMessage {
        by,
        message_id: MessageId::from_uuid(Uuid::now_v7()),
        client_msg_id: ClientMsgId::parse(text).unwrap(),
        body: Some(MessageBody::parse(text).unwrap()),
        reply_to: None,
        mentions: Vec::new(),
        attachments: vec![],
    }
}

/// An account with a registered `User` (what an erasure needs to find).
async fn registered(pool: &PgPool, name: &str) -> UserId {
    let user = account(pool, name).await;
    let event = UserEvent::UserRegistered {
        username: Redactable::Present(Username::parse(name).unwrap()),
        display_name: Redactable::Present(DisplayName::parse(name).unwrap()),
    };
    let events = vec![NewEvent { event, meta: meta(user) }];
    EventStore::new(pool.clone()).append::<User>(&user.to_string(), 0, events).await.unwrap();
    user
}

/// Rooms owned by `owner`, created through `writers`.
async fn rooms(writers: &RoomWriters, owner: UserId, count: usize) -> Vec<RoomId> {
    let rooms: Vec<RoomId> = (0..count).map(|_| RoomId::from_uuid(Uuid::now_v7())).collect();
    for (n, room) in rooms.iter().enumerate() {
        let create = RoomCommand::CreateGroup {
            by: owner,
            name: RoomName::parse(format!("room {n}")).unwrap(),
            visibility: Visibility::Public,
        };
        writers.execute(*room, create, meta(owner)).await.unwrap();
    }
    rooms
}

/// Each room's stored sequences and the client message ids of its posts, in sequence order.
async fn stored(pool: &PgPool, room: RoomId) -> (Vec<i64>, Vec<String>) {
    let rows: Vec<(i64, Option<String>)> = sqlx::query_as(
        "SELECT sequence, payload ->> 'client_msg_id' FROM events WHERE aggregate_id = $1 ORDER BY sequence",
    )
    .bind(room.to_string())
    .fetch_all(pool)
    .await
    .unwrap();
    (rows.iter().map(|(seq, _)| *seq).collect(), rows.into_iter().filter_map(|(_, id)| id).collect())
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn two_processes_racing_on_shared_rooms_lose_and_duplicate_nothing(pool: PgPool) {
    const ROOMS: usize = 16;
    const POSTS_EACH: usize = 25;
    let config = WriterConfig { max_attempts: 50, ..WriterConfig::default() };
    // Two sets of writers over one database behave as two command processes: their groups
    // mix rooms that collide with the other process and rooms that do not.
    let one = RoomWriters::new(EventStore::new(pool.clone()), config.clone());
    let two = RoomWriters::new(EventStore::new(pool.clone()), config);
    let owner = account(&pool, "owner").await;
    let rooms = rooms(&one, owner, ROOMS).await;

    let sends = [(&one, "a"), (&two, "b")].into_iter().flat_map(|(writers, process)| {
        rooms.iter().map(move |room| async move {
            let mut seqs = Vec::new();
            for n in 0..POSTS_EACH {
                let receipt = writers.execute(*room, post(owner, &format!("{process}{n}")), meta(owner)).await;
                seqs.push(receipt.unwrap_or_else(|error| panic!("{process}{n} in {room}: {error}")).seq);
            }
            (*room, seqs)
        })
    });
    let mut acked: BTreeMap<RoomId, Vec<u64>> = BTreeMap::new();
    for (room, seqs) in join_all(sends).await {
        assert!(seqs.is_sorted(), "one sender's posts keep their order");
        acked.entry(room).or_default().extend(seqs);
    }

    for room in rooms {
        let (sequences, posts) = stored(&pool, room).await;
        let total = 2 + 2 * POSTS_EACH as i64;
        assert_eq!(sequences, (1..=total).collect::<Vec<_>>(), "room {room}: gap-free");
        let mut expected: Vec<String> =
            ["a", "b"].iter().flat_map(|p| (0..POSTS_EACH).map(move |n| format!("{p}{n}"))).collect();
        let mut posts_sorted = posts.clone();
        posts_sorted.sort();
        expected.sort();
        assert_eq!(posts_sorted, expected, "room {room}: every post once");
        let mut seqs = acked.remove(&room).unwrap();
        seqs.sort_unstable();
        assert_eq!(seqs, (3..=total as u64).collect::<Vec<_>>(), "room {room}: every ack names its own seq");
    }
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn an_erased_actor_is_refused_and_the_commands_queued_with_theirs_still_commit(pool: PgPool) {
    let writers = RoomWriters::new(EventStore::new(pool.clone()), WriterConfig::default());
    let owner = account(&pool, "owner").await;
    let erased = account(&pool, "erased").await;
    let rooms = rooms(&writers, owner, 4).await;
    for room in &rooms {
        writers.execute(*room, RoomCommand::Join { user: erased }, meta(erased)).await.unwrap();
    }
    sqlx::query("DELETE FROM user_credentials WHERE user_id = $1").bind(erased.as_uuid()).execute(&pool).await.unwrap();

    // Queued without waiting, so that the erased user's posts share batches (and groups) with
    // the owner's.
    let mut pending = Vec::new();
    for n in 0..10 {
        for room in &rooms {
            for (actor, name) in [(owner, "owner"), (erased, "erased")] {
                let queued = writers.submit(*room, post(actor, &format!("{name}{n}")), meta(actor)).await.unwrap();
                pending.push((actor, queued));
            }
        }
    }
    for (actor, queued) in pending {
        let result = queued.receipt().await;
        if actor == erased {
            assert!(matches!(result, Err(CommandError::AccountErased)), "{result:?}");
        } else {
            assert!(result.is_ok(), "{result:?}");
        }
    }
    for room in rooms {
        let (sequences, posts) = stored(&pool, room).await;
        assert_eq!(sequences, (1..=13).collect::<Vec<_>>(), "created, joined twice, ten posts");
        assert_eq!(posts, (0..10).map(|n| format!("owner{n}")).collect::<Vec<_>>(), "only the owner's, in order");
    }
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn posts_racing_an_erasure_are_redacted_or_refused_and_the_others_in_their_batches_commit(pool: PgPool) {
    const ROOMS: usize = 4;
    const SENDERS_PER_ROOM: usize = 3;
    const BYSTANDER_POSTS: usize = 60;
    let writers = RoomWriters::new(EventStore::new(pool.clone()), WriterConfig::default());
    let owner = account(&pool, "owner").await;
    let mallory = registered(&pool, "mallory").await;
    let bob = account(&pool, "bob").await;
    let rooms = rooms(&writers, owner, ROOMS).await;
    for room in &rooms {
        for user in [mallory, bob] {
            writers.execute(*room, RoomCommand::Join { user }, meta(user)).await.unwrap();
        }
    }

    // Mallory posts without pause from several tasks per room until she is refused for good;
    // Bob posts into the same rooms (and so the same batches and groups) throughout.
    let (committed, mut progress) = tokio::sync::watch::channel(0_usize);
    let committed = Arc::new(committed);
    let mallorys: Vec<_> = rooms
        .iter()
        .flat_map(|room| (0..SENDERS_PER_ROOM).map(move |sender| (*room, sender)))
        .map(|(room, sender)| {
            let (writers, committed) = (writers.clone(), committed.clone());
            tokio::spawn(async move {
                let mut n = 0;
                loop {
                    n += 1;
                    match writers.execute(room, post(mallory, &format!("m{sender}-{n}")), meta(mallory)).await {
                        Ok(_) => committed.send_modify(|count| *count += 1),
                        // Her erasure is in progress: a retry finds it done.
                        Err(CommandError::Busy) => {}
                        Err(CommandError::AccountErased) => return,
                        Err(error) => panic!("mallory's post {n} in {room}: {error}"),
                    }
                }
            })
        })
        .collect();
    let bobs: Vec<_> = rooms
        .iter()
        .map(|room| {
            let (writers, room) = (writers.clone(), *room);
            tokio::spawn(async move {
                for n in 0..BYSTANDER_POSTS {
                    let receipt = writers.execute(room, post(bob, &format!("b{n}")), meta(bob)).await;
                    receipt.unwrap_or_else(|error| panic!("bob's post {n} in {room}: {error}"));
                }
            })
        })
        .collect();

    // Erased while her posts are in flight, some of them committed already.
    progress.wait_for(|count| *count >= 20).await.unwrap();
    let operator = CommandMeta { actor: owner, request_id: Uuid::now_v7().to_string(), via: "test".to_owned() };
    let erased = erasure::erase(&pool, mallory, &operator).await.unwrap();
    assert!(erased.newly_erased);
    assert_eq!(erased.live_connections, erasure::LiveConnections::Closing);

    for task in mallorys {
        task.await.unwrap();
    }
    for task in bobs {
        task.await.unwrap();
    }
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE event_type = 'MessagePosted' AND payload ->> 'author' = $1
         AND payload ->> 'body' IS NOT NULL",
    )
    .bind(mallory.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(left, 0, "a post of hers kept its body");
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE event_type = 'MessagePosted' AND payload ->> 'author' = $1",
    )
    .bind(mallory.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored as usize, *committed.borrow(), "every acknowledged post of hers is stored");
    assert_eq!(stored as u64, erased.events_redacted - 1, "all of them redacted by the erasure (and her registration)");

    for room in rooms {
        let (sequences, posts) = stored_posts(&pool, room, bob).await;
        assert_eq!(sequences, (1..=sequences.len() as i64).collect::<Vec<_>>(), "room {room}: gap-free");
        assert_eq!(posts, (0..BYSTANDER_POSTS).map(|n| format!("b{n}")).collect::<Vec<_>>(), "room {room}: bob's");
    }
}

/// The room's sequences, and the bodies of `author`'s posts in sequence order.
async fn stored_posts(pool: &PgPool, room: RoomId, author: UserId) -> (Vec<i64>, Vec<String>) {
    let rows: Vec<(i64, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT sequence, payload ->> 'author', payload ->> 'body' FROM events WHERE aggregate_id = $1 ORDER BY sequence",
    )
    .bind(room.to_string())
    .fetch_all(pool)
    .await
    .unwrap();
    let posts = rows
        .iter()
        .filter(|(_, by, _)| by.as_deref() == Some(author.to_string().as_str()))
        .filter_map(|(_, _, body)| body.clone())
        .collect();
    (rows.into_iter().map(|(seq, _, _)| seq).collect(), posts)
}
