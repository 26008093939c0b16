//! A retried post (same `client_msg_id`) creates one message and returns the same seq.

use std::time::Duration;

use futures::future::join_all;

use crate::harness::{Api, Server, Stack, eventually};

#[tokio::test]
async fn a_post_retried_sequentially_or_concurrently_creates_one_message() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let alice = Api::new(server.url()).register("alice").await;
    let room = alice.create_group("retries").await;

    let mut replies = Vec::new();
    for _ in 0..5 {
        replies.push(alice.post(room, "once", "retry-me").await);
    }
    let concurrent = join_all((0..5).map(|_| alice.post(room, "also once", "retry-me-concurrently"))).await;

    for group in [&replies, &concurrent] {
        let created: Vec<_> = group.iter().filter(|r| r.status == 201).collect();
        assert_eq!(created.len(), 1, "exactly one creates: {group:?}");
        assert!(group.iter().all(|r| r.status == 201 || (r.status == 200 && r.body["duplicate"] == true)));
        assert!(group.iter().all(|r| r.body["seq"] == created[0].body["seq"]), "{group:?}");
        assert!(group.iter().all(|r| r.body["message_id"] == created[0].body["message_id"]), "{group:?}");
    }

    let messages = eventually("two messages in history", Duration::from_secs(10), || async {
        let messages = alice.history(room, 50).await.body["messages"].as_array().cloned()?;
        (messages.len() == 2).then_some(messages)
    })
    .await;
    assert_eq!(messages[0]["body"], "also once");
    assert_eq!(messages[1]["body"], "once");
    let mut conn = stack.db.connect().await;
    let posted: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE aggregate_id = $1 AND event_type = 'MessagePosted'")
            .bind(room.to_string())
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(posted, 2);
}
