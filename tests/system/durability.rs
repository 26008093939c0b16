//! Nothing committed is lost and nothing is applied twice, whatever happens to the projector.

use std::time::Duration;

use futures::future::join_all;
use sqlx::PgConnection;

use crate::harness::{Api, Server, Stack, eventually};

async fn scalar(conn: &mut PgConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

#[tokio::test]
async fn events_committed_while_projections_are_down_are_projected_when_they_start() {
    let stack = Stack::new().await;
    let api_server = Server::start(&stack, "commands").await;
    let alice = Api::new(api_server.url()).register("alice").await;
    let room = alice.create_group("offline projections").await;
    for n in 0..50 {
        assert_eq!(alice.post(room, &format!("m{n}"), &format!("c{n}")).await.status, 201);
    }
    let mut conn = stack.db.connect().await;
    assert_eq!(scalar(&mut conn, "SELECT count(*) FROM messages").await, 0, "no projector runs yet");

    let _projections = Server::start(&stack, "projections").await;
    let messages = eventually("history after the projector starts", Duration::from_secs(20), || async {
        let messages = alice.history(room, 100).await.body["messages"].as_array().cloned()?;
        (messages.len() == 50).then_some(messages)
    })
    .await;
    let seqs: Vec<u64> = messages.iter().map(|m| m["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (3..53).rev().collect::<Vec<_>>());
}

#[tokio::test]
async fn a_projector_killed_mid_stream_resumes_without_loss_or_double_counting() {
    const SENDERS: usize = 4;
    const POSTS_EACH: usize = 100;
    let stack = Stack::new().await;
    let api_server = Server::start(&stack, "commands").await;
    let projections = Server::start(&stack, "projections").await;
    let alice = Api::new(api_server.url()).register("alice").await;
    let room = alice.create_group("crash test").await;
    let post_phase = |phase: usize| {
        let alice = alice.clone();
        join_all((0..SENDERS).map(move |s| {
            let alice = alice.clone();
            async move {
                for n in 0..POSTS_EACH {
                    let reply = alice.post(room, &format!("{phase}:{s}:{n}"), &format!("{phase}-{s}-{n}")).await;
                    assert_eq!(reply.status, 201, "{reply:?}");
                }
            }
        }))
    };

    // Phase 1 runs while the projector works; it is killed as soon as it has made progress.
    let crash = async {
        eventually("the projector to make progress", Duration::from_secs(20), || async {
            (scalar(&mut stack.db.connect().await, "SELECT count(*) FROM messages").await >= 50).then_some(())
        })
        .await;
        projections.kill().await;
    };
    tokio::join!(post_phase(1), crash);
    // Phase 2 is committed while no projector runs at all.
    post_phase(2).await;

    let _restarted = Server::start(&stack, "projections").await;
    let total = (2 * SENDERS * POSTS_EACH) as i64;
    eventually("the restarted projector to catch up", Duration::from_secs(30), || async {
        let mut conn = stack.db.connect().await;
        let last_seq = scalar(&mut conn, "SELECT last_seq FROM rooms").await;
        let messages = scalar(&mut conn, "SELECT count(*) FROM messages").await;
        (last_seq == total + 2 && messages == total).then_some(())
    })
    .await;
    let mut conn = stack.db.connect().await;
    assert_eq!(scalar(&mut conn, "SELECT message_count FROM rooms").await, total, "no batch counted twice");
    assert_eq!(scalar(&mut conn, "SELECT member_count::bigint FROM rooms").await, 1);
}
