//! `chat projections rebuild rooms` while the system serves: posts, deletes and read markers
//! keep coming and readers keep reading; afterwards the read models hold exactly what happened.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;
use uuid::Uuid;

use super::{CATCH_UP, delete, listed, mark_read, post_mentioning, unread};
use crate::harness::{Deployment, Stack, User, deploy, eventually, run_chat};

/// What the traffic of the rebuild test did, as the commands acknowledged it.
#[derive(Default)]
struct Traffic {
    /// message id → (seq, author, body, mentions bob).
    posts: HashMap<String, (u64, Uuid, String, bool)>,
    deleted: HashSet<String>,
    /// The highest `up_to_seq` Bob marked.
    bob_marker: u64,
    /// The highest room sequence any acknowledged command reported.
    last_seq: u64,
}

/// `user`'s posts tagged `tag` (every fourth of Alice's mentions Bob, every tenth is deleted
/// again) until `stop`.
async fn poster(
    user: User,
    tag: &'static str,
    bob: Uuid,
    room: Uuid,
    stop: Arc<AtomicBool>,
    highest: Arc<AtomicU64>,
) -> Traffic {
    let mut traffic = Traffic::default();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let mentions = user.id != bob && n % 4 == 0;
        let mentioned = if mentions { vec![bob] } else { vec![] };
        let body = format!("{tag} {n}");
        let reply = post_mentioning(&user, room, &body, &format!("{tag}-{n}"), &mentioned).await;
        let (message, seq) = (reply.body["message_id"].as_str().unwrap().to_owned(), reply.u64("seq"));
        highest.fetch_max(seq, Ordering::Relaxed);
        traffic.last_seq = traffic.last_seq.max(seq);
        if user.id != bob && n % 10 == 9 {
            let seq = delete(&user, room, message.parse().unwrap()).await;
            traffic.last_seq = traffic.last_seq.max(seq);
            traffic.deleted.insert(message.clone());
        }
        traffic.posts.insert(message, (seq, user.id, body, mentions));
        n += 1;
        // A steady stream, not a flood: a rebuild must keep up with it and finish.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    traffic
}

/// Bob marking read, up to the latest acknowledged post, until `stop`.
async fn marker(bob: User, room: Uuid, stop: Arc<AtomicBool>, highest: Arc<AtomicU64>) -> Traffic {
    let mut traffic = Traffic { bob_marker: 3, ..Traffic::default() };
    while !stop.load(Ordering::Relaxed) {
        let up_to = highest.load(Ordering::Relaxed);
        traffic.last_seq = traffic.last_seq.max(mark_read(&bob, room, up_to).await);
        traffic.bob_marker = traffic.bob_marker.max(up_to);
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    traffic
}

/// Reads `path` as `user` until `stop`; the answers that were not `200`.
async fn browse(user: User, path: String, stop: Arc<AtomicBool>) -> Vec<String> {
    let mut failures = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let reply = user.get(&path).await;
        if reply.status != 200 {
            failures.push(format!("GET {path}: {} {}", reply.status, reply.body));
        }
    }
    failures
}

/// The whole history of `room`, newest first, page by page.
async fn whole_history(user: &User, room: Uuid) -> Vec<Value> {
    let mut messages = Vec::new();
    let mut path = format!("/v1/rooms/{room}/messages?limit=200");
    loop {
        let reply = user.get(&path).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        messages.extend(reply.body["messages"].as_array().unwrap().iter().cloned());
        match reply.body["next_before"].as_u64() {
            Some(before) => path = format!("/v1/rooms/{room}/messages?limit=200&before={before}"),
            None => return messages,
        }
    }
}

/// How many events the rooms feed is behind, according to `chat projections status`.
async fn rooms_behind(stack: &Stack) -> Option<u64> {
    let status = run_chat(stack, &["projections", "status"], Duration::from_secs(60)).await;
    status.expect_success().lines().find_map(|line| match line.split_whitespace().collect::<Vec<_>>()[..] {
        ["rooms", behind, "events", "behind", ..] => behind.parse().ok(),
        _ => None,
    })
}

/// Alice and Bob in a room, both projected, with Bob's room list to check.
async fn pair_in_a_room(deployment: &Deployment) -> (User, User, Uuid) {
    let alice = deployment.api.register("alice").await;
    let bob = deployment.api.register("bob").await;
    let room = alice.create_group("rebuild").await;
    assert_eq!(bob.join(room).await.u64("seq"), 3);
    listed(&bob, room, 3).await;
    (alice, bob, room)
}

/// Runs `chat projections rebuild rooms` to completion: it must exit 0.
async fn rebuild_rooms(stack: &Stack) {
    let rebuilt = run_chat(stack, &["projections", "rebuild", "rooms"], Duration::from_secs(120)).await;
    let summary = rebuilt.expect_success().trim();
    assert!(summary.starts_with("rebuilt rooms"), "{rebuilt:?}");
    eprintln!("{summary}");
}

#[tokio::test]
async fn rebuilding_the_rooms_projector_under_traffic_loses_and_duplicates_nothing() {
    let deployment = deploy(Stack::new().await, 0).await;
    let stack = &deployment.stack;
    let (alice, bob, room) = pair_in_a_room(&deployment).await;

    let stop = Arc::new(AtomicBool::new(false));
    let highest = Arc::new(AtomicU64::new(3));
    let tasks = vec![
        tokio::spawn(poster(alice.clone(), "a1", bob.id, room, stop.clone(), highest.clone())),
        tokio::spawn(poster(alice.clone(), "a2", bob.id, room, stop.clone(), highest.clone())),
        tokio::spawn(poster(bob.clone(), "b", bob.id, room, stop.clone(), highest.clone())),
        tokio::spawn(marker(bob.clone(), room, stop.clone(), highest.clone())),
    ];
    eventually("some traffic before the rebuild", CATCH_UP, || async {
        (highest.load(Ordering::Relaxed) >= 150).then_some(())
    })
    .await;
    // Rebuilt twice while the posts keep coming; each rebuild must succeed.
    for _ in 0..2 {
        rebuild_rooms(stack).await;
    }
    let during = highest.load(Ordering::Relaxed);
    eventually("more traffic after the rebuild", CATCH_UP, || async {
        (highest.load(Ordering::Relaxed) >= during + 50).then_some(())
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    let mut traffic = Traffic::default();
    for task in tasks {
        let part = task.await.unwrap();
        traffic.posts.extend(part.posts);
        traffic.deleted.extend(part.deleted);
        traffic.bob_marker = traffic.bob_marker.max(part.bob_marker);
        traffic.last_seq = traffic.last_seq.max(part.last_seq);
    }

    eventually("the rooms feed to catch up", CATCH_UP, || async {
        (rooms_behind(stack).await == Some(0)).then_some(())
    })
    .await;

    // History: every acknowledged post exactly once, at its seq, deleted ones as tombstones.
    let history = whole_history(&bob, room).await;
    let mut seen = HashSet::new();
    for message in &history {
        let id = message["message_id"].as_str().unwrap();
        assert!(seen.insert(id.to_owned()), "{id} is listed twice");
        let (seq, author, body, _) = traffic.posts.get(id).unwrap_or_else(|| panic!("{message} was never posted"));
        assert_eq!((message["seq"].as_u64(), message["author_id"].as_str()), (Some(*seq), Some(&*author.to_string())));
        match traffic.deleted.contains(id) {
            true => assert!(message["body"].is_null() && message["deleted_at"].is_string(), "{message}"),
            false => assert_eq!(message["body"], body.as_str()),
        }
    }
    assert_eq!(history.len(), traffic.posts.len(), "every acknowledged post is in the history");

    // Room list: counts exact for both members.
    let (posts, deleted) = (&traffic.posts, &traffic.deleted);
    let live = |author: Uuid, after: u64| {
        posts.iter().filter(move |(id, (seq, by, _, _))| *by == author && *seq > after && !deleted.contains(*id))
    };
    let bob_entry = listed(&bob, room, traffic.last_seq).await;
    let alice_entry = listed(&alice, room, traffic.last_seq).await;
    for entry in [&bob_entry, &alice_entry] {
        assert_eq!(entry["last_seq"], traffic.last_seq, "{entry}");
        assert_eq!(entry["message_count"], traffic.posts.len() - traffic.deleted.len(), "{entry}");
        assert_eq!(entry["member_count"], 2);
    }
    let bob_unread = live(alice.id, traffic.bob_marker).count() as u64;
    let bob_mentions = live(alice.id, traffic.bob_marker).filter(|(_, (_, _, _, mentions))| *mentions).count() as u64;
    assert_eq!(bob_entry["last_read_seq"], traffic.bob_marker);
    assert_eq!(unread(&bob_entry), (bob_unread, bob_mentions), "{bob_entry}");
    assert_eq!(unread(&alice_entry), (live(bob.id, 2).count() as u64, 0), "{alice_entry}");
    let (latest, _) = traffic
        .posts
        .iter()
        .filter(|(id, _)| !traffic.deleted.contains(*id))
        .max_by_key(|(_, (seq, ..))| *seq)
        .unwrap();
    assert_eq!(bob_entry["last_message"]["message_id"], latest.as_str());
    assert_eq!(bob_entry["last_message"]["preview"], traffic.posts[latest].2.as_str());
}

/// Bursts of `size` concurrent posts by `user`, `pause` apart, until `stop`; the latest seq in
/// `highest`.
async fn bursts(user: User, room: Uuid, size: usize, pause: Duration, stop: Arc<AtomicBool>, highest: Arc<AtomicU64>) {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let posts =
            (n..n + size).map(|k| {
                let user = user.clone();
                async move {
                    post_mentioning(&user, room, &format!("burst {k}"), &format!("burst-{k}"), &[]).await.u64("seq")
                }
            });
        let seqs = futures::future::join_all(posts).await;
        highest.fetch_max(seqs.into_iter().max().unwrap_or(0), Ordering::Relaxed);
        n += size;
        tokio::time::sleep(pause).await;
    }
}

#[tokio::test]
async fn reads_are_served_throughout_a_rebuild_of_the_rooms_projector() {
    let deployment = deploy(Stack::new().await, 0).await;
    let (alice, bob, room) = pair_in_a_room(&deployment).await;
    // Bob has many rooms, so that his room list takes a moment to read.
    let created = futures::future::join_all((0..10).map(|task| {
        let bob = bob.clone();
        async move {
            for n in 0..15 {
                bob.create_group(&format!("room {task}.{n}")).await;
            }
        }
    }));
    created.await;
    eventually("bob's rooms in the read model", CATCH_UP, || async {
        (bob.get("/v1/rooms?limit=200").await.body["rooms"].as_array()?.len() == 151).then_some(())
    })
    .await;

    let stop = Arc::new(AtomicBool::new(false));
    let highest = Arc::new(AtomicU64::new(3));
    // Bursts keep the live projector busy in transactions of many events, then let it rest.
    let posting =
        tokio::spawn(bursts(alice.clone(), room, 30, Duration::from_millis(250), stop.clone(), highest.clone()));
    let mut paths = vec![format!("/v1/rooms/{room}"), format!("/v1/rooms/{room}/messages?limit=20")];
    paths.extend((0..8).map(|_| "/v1/rooms?limit=200".to_owned()));
    let readers: Vec<_> = paths.into_iter().map(|path| tokio::spawn(browse(bob.clone(), path, stop.clone()))).collect();
    eventually("some traffic before the rebuild", CATCH_UP, || async {
        (highest.load(Ordering::Relaxed) >= 100).then_some(())
    })
    .await;
    let mut rebuilds = Vec::new();
    for _ in 0..5 {
        rebuilds
            .push(run_chat(&deployment.stack, &["projections", "rebuild", "rooms"], Duration::from_secs(120)).await);
    }
    stop.store(true, Ordering::Relaxed);
    posting.await.unwrap();
    let mut failures = Vec::new();
    for reader in readers {
        failures.extend(reader.await.unwrap());
    }
    assert!(
        failures.is_empty(),
        "reads failed while the rooms projector was rebuilt (the API's log above says why): {failures:#?}"
    );
    for rebuilt in &rebuilds {
        rebuilt.expect_success();
    }
}
