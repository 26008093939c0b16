//! No loss and no duplicates when a gateway dies, NATS restarts, or the relay stops.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::json;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::harness::{Incoming, NatsServer, Stack, User, Ws, deploy};

/// Posts `count` messages over REST from `tasks` concurrent senders, `pause` apart each.
fn post_in_background(user: &User, room: Uuid, count: usize, tasks: usize, pause: Duration) -> JoinHandle<()> {
    let user = user.clone();
    tokio::spawn(async move {
        let senders = (0..tasks).map(|t| {
            let user = user.clone();
            async move {
                for n in (t..count).step_by(tasks) {
                    let reply = user.post(room, &format!("m{n}"), &format!("c{n}")).await;
                    assert_eq!(reply.status, 201, "{reply:?}");
                    tokio::time::sleep(pause).await;
                }
            }
        });
        futures::future::join_all(senders).await;
    })
}

/// Reads message seqs of `room` until `total` are seen or the connection closes.
async fn read_messages(ws: &mut Ws, room: Uuid, seen: &mut Vec<u64>, total: usize) -> bool {
    while seen.len() < total {
        match ws.next().await {
            Incoming::Frame(frame) => {
                if frame["type"] == "event"
                    && frame["room_id"] == room.to_string()
                    && frame["event"]["type"] == "MessagePosted"
                {
                    seen.push(frame["seq"].as_u64().unwrap());
                }
            }
            Incoming::Closed(_) => return false,
        }
    }
    true
}

/// Every message exactly once, in order: seqs `first..first + total`.
fn assert_exactly_once_in_order(seen: &[u64], first: u64, total: usize) {
    let expected: Vec<u64> = (first..first + total as u64).collect();
    assert_eq!(seen.len(), total, "no message lost or duplicated");
    assert_eq!(seen, expected.as_slice(), "in seq order");
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), total);
}

#[tokio::test]
async fn a_client_of_a_killed_gateway_resumes_on_another_without_loss_or_duplicates() {
    const TOTAL: usize = 600;
    let mut deployment = deploy(Stack::new().await, 2).await;
    let alice = deployment.api.register("alice").await;
    let bob = deployment.api.register("bob").await;
    let room = alice.create_group("failover").await;
    bob.join(room).await;
    let doomed = deployment.gateways.pop().unwrap();
    let mut b = Ws::connect(doomed.ws_url(), &bob.token, json!({room.to_string(): 3})).await;
    assert_eq!(b.frame_of("resumed").await["recovered"], true);

    let posting = post_in_background(&alice, room, TOTAL, 3, Duration::from_millis(2));
    let mut seen = Vec::new();
    assert!(read_messages(&mut b, room, &mut seen, 100).await);
    doomed.kill().await;
    assert!(!read_messages(&mut b, room, &mut seen, TOTAL).await, "the gateway died under the client");

    let last = *seen.last().unwrap();
    let mut b = Ws::connect(deployment.gateways[0].ws_url(), &bob.token, json!({room.to_string(): last})).await;
    assert!(read_messages(&mut b, room, &mut seen, TOTAL).await);
    posting.await.unwrap();
    assert_exactly_once_in_order(&seen, 4, TOTAL);
    b.assert_silent(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn every_committed_message_arrives_once_across_a_nats_restart() {
    const TOTAL: usize = 400;
    let mut nats = NatsServer::start().await;
    let deployment = deploy(Stack::with_nats(nats.url()).await, 1).await;
    let alice = deployment.api.register("alice").await;
    let bob = deployment.api.register("bob").await;
    let room = alice.create_group("bus outage").await;
    bob.join(room).await;
    let mut b = Ws::connect(deployment.gateways[0].ws_url(), &bob.token, json!({room.to_string(): 3})).await;
    assert_eq!(b.frame_of("resumed").await["recovered"], true);

    let posting = post_in_background(&alice, room, TOTAL, 2, Duration::from_millis(3));
    let mut seen = Vec::new();
    assert!(read_messages(&mut b, room, &mut seen, 50).await);
    nats.restart(Duration::from_millis(500)).await;
    assert!(read_messages(&mut b, room, &mut seen, TOTAL).await, "the client stays connected throughout");
    posting.await.unwrap();
    assert_exactly_once_in_order(&seen, 4, TOTAL);
    b.assert_silent(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn messages_committed_while_the_relay_is_down_are_delivered_once_when_it_returns() {
    const TOTAL: usize = 100;
    let mut deployment = deploy(Stack::new().await, 1).await;
    let alice = deployment.api.register("alice").await;
    let bob = deployment.api.register("bob").await;
    let room = alice.create_group("relay outage").await;
    bob.join(room).await;
    let mut b = Ws::connect(deployment.gateways[0].ws_url(), &bob.token, json!({room.to_string(): 3})).await;
    assert_eq!(b.frame_of("resumed").await["recovered"], true);

    deployment.relay.take().unwrap().kill().await;
    post_in_background(&alice, room, TOTAL, 4, Duration::ZERO).await.unwrap();
    b.assert_silent(Duration::from_millis(300)).await;

    let _relay = crate::harness::Server::start(&deployment.stack, "relay").await;
    let mut seen = Vec::new();
    assert!(read_messages(&mut b, room, &mut seen, TOTAL).await);
    assert_exactly_once_in_order(&seen, 4, TOTAL);
    b.assert_silent(Duration::from_millis(300)).await;
}
