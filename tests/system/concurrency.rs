//! Many concurrent senders in one room: every post is stored, with gap-free sequences.

use std::collections::BTreeSet;
use std::time::Duration;

use futures::future::join_all;

use crate::harness::{Api, Server, Stack, eventually};

const SENDERS: usize = 50;
const POSTS_EACH: usize = 20;

#[tokio::test]
async fn fifty_concurrent_senders_get_every_post_stored_in_gap_free_order() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let owner = api.register("owner").await;
    let room = owner.create_group("busy").await;
    let senders = join_all((0..SENDERS).map(|i| {
        let api = api.clone();
        async move { api.register(&format!("sender{i}")).await }
    }))
    .await;
    for sender in &senders {
        assert_eq!(sender.join(room).await.status, 200);
    }
    let first_post_seq = 2 + SENDERS as u64 + 1;

    let acks = join_all(senders.iter().enumerate().map(|(i, sender)| async move {
        let mut seqs = Vec::new();
        for n in 0..POSTS_EACH {
            let reply = sender.post(room, &format!("{i}:{n}"), &format!("{i}-{n}")).await;
            assert_eq!(reply.status, 201, "sender {i} post {n}: {reply:?}");
            seqs.push(reply.u64("seq"));
        }
        seqs
    }))
    .await;

    let total = SENDERS * POSTS_EACH;
    let seqs: BTreeSet<u64> = acks.iter().flatten().copied().collect();
    assert_eq!(seqs.len(), total, "every ack carries its own seq");
    let expected: BTreeSet<u64> = (first_post_seq..first_post_seq + total as u64).collect();
    assert_eq!(seqs, expected, "the posts took exactly the next {total} seqs");
    for sender_seqs in &acks {
        assert!(sender_seqs.is_sorted(), "one sender's posts keep their order");
    }

    let mut conn = stack.db.connect().await;
    let (count, min, max): (i64, i64, i64) =
        sqlx::query_as("SELECT count(*), min(sequence), max(sequence) FROM events WHERE aggregate_id = $1")
            .bind(room.to_string())
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!((count, min, max), (max, 1, first_post_seq as i64 + total as i64 - 1), "the stream has no gap");

    eventually("all posts in the room list", Duration::from_secs(20), || async {
        let rooms = owner.get("/v1/rooms").await.body["rooms"].as_array().cloned()?;
        (rooms.first()?["message_count"] == total).then_some(())
    })
    .await;
}
