//! Real-time delivery across gateways: every event once, in order, to every member, wherever
//! they are connected; membership changes and typing take effect live.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::harness::{Stack, Ws, deploy};

#[tokio::test]
async fn a_thousand_messages_sent_on_one_gateway_arrive_once_in_order_on_another() {
    let deployment = deploy(Stack::new().await, 2).await;
    let alice = deployment.api.register("alice").await;
    let bob = deployment.api.register("bob").await;
    let room = alice.create_group("across").await;
    bob.join(room).await;

    let mut a = Ws::connect(deployment.gateways[0].ws_url(), &alice.token, json!({})).await;
    let mut b = Ws::connect(deployment.gateways[1].ws_url(), &bob.token, json!({room.to_string(): 3})).await;
    assert_eq!(b.frame_of("resumed").await["recovered"], true);

    const COUNT: usize = 1000;
    let sender = tokio::spawn(async move {
        for n in 0..COUNT {
            a.post(&format!("r{n}"), room, &format!("message {n}"), &format!("c{n}")).await;
        }
        let mut acks = Vec::with_capacity(COUNT);
        while acks.len() < COUNT {
            let frame = a.frame().await;
            if frame["type"] == "ack" {
                acks.push((frame["id"].as_str().unwrap().to_owned(), frame["seq"].as_u64().unwrap()));
            } else {
                assert_ne!(frame["type"], "error", "{frame}");
            }
        }
        acks
    });

    let received = b.messages(room, COUNT).await;
    let acks = sender.await.unwrap();
    let expected: Vec<(u64, String)> = (0..COUNT).map(|n| (4 + n as u64, format!("message {n}"))).collect();
    assert_eq!(received, expected, "every message once, in seq order");
    let expected_acks: Vec<(String, u64)> = (0..COUNT).map(|n| (format!("r{n}"), 4 + n as u64)).collect();
    assert_eq!(acks, expected_acks, "acks answer in order and carry the assigned seqs");
    b.assert_silent(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn a_member_added_while_connected_starts_receiving_and_a_removed_one_stops() {
    let deployment = deploy(Stack::new().await, 2).await;
    let alice = deployment.api.register("alice").await;
    let bob = deployment.api.register("bob").await;
    let room = alice.create_group("live membership").await;
    let mut b = Ws::connect(deployment.gateways[1].ws_url(), &bob.token, json!({})).await;
    assert_eq!(b.ready["rooms"], json!([]));

    let member = format!("/v1/rooms/{room}/members/{}", bob.id);
    let added = crate::harness::eventually("bob to be known", Duration::from_secs(10), || async {
        let reply = alice.call(Method::PUT, &member, None).await;
        (reply.status == 200).then_some(reply)
    })
    .await;
    let joined = b.frame_of("event").await;
    assert_eq!(
        (joined["seq"].as_u64(), joined["event"]["type"].as_str()),
        (added.body["seq"].as_u64(), Some("MemberJoined"))
    );
    assert_eq!(joined["event"]["user_id"], bob.id.to_string());

    alice.post(room, "welcome", "w-1").await;
    assert_eq!(b.messages(room, 1).await[0].1, "welcome");

    assert_eq!(alice.call(Method::DELETE, &member, None).await.status, 200);
    let left = b.frame_of("event").await;
    assert_eq!(
        (left["event"]["type"].as_str(), left["event"]["user_id"].as_str()),
        (Some("MemberLeft"), Some(bob.id.to_string().as_str()))
    );
    alice.post(room, "bob is gone", "w-2").await;
    b.assert_silent(Duration::from_millis(500)).await;
    let refused = {
        b.send(json!({"type": "typing", "room_id": room})).await;
        b.frame().await
    };
    assert_eq!(refused["code"], "not_a_member");
}

#[tokio::test]
async fn typing_reaches_other_members_is_never_stored_and_expires() {
    let stack = Stack::new().await.env("CHAT_TYPING_TTL_MS", "400");
    let deployment = deploy(stack, 2).await;
    let alice = deployment.api.register("alice").await;
    let bob = deployment.api.register("bob").await;
    let room = alice.create_group("typing").await;
    bob.join(room).await;
    let mut a = Ws::connect(deployment.gateways[0].ws_url(), &alice.token, json!({room.to_string(): 3})).await;
    let mut b = Ws::connect(deployment.gateways[1].ws_url(), &bob.token, json!({room.to_string(): 3})).await;
    assert_eq!(a.frame_of("resumed").await["recovered"], true);
    assert_eq!(b.frame_of("resumed").await["recovered"], true);

    a.send(json!({"type": "typing", "room_id": room})).await;
    let started = b.frame_of("typing").await;
    assert_eq!(
        (started["user_id"].as_str(), started["typing"].as_bool()),
        (Some(alice.id.to_string().as_str()), Some(true))
    );
    let stopped = b.frame_of("typing").await;
    assert_eq!(stopped["typing"], false, "expires without renewal");

    // Renewals within the time-to-live keep the indicator on without flicker.
    for _ in 0..10 {
        a.send(json!({"type": "typing", "room_id": room})).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(b.frame_of("typing").await["typing"], true);
    assert_eq!(b.frame_of("typing").await["typing"], false, "one stop, after the renewals ended");

    a.send(json!({"type": "typing", "room_id": room})).await;
    assert_eq!(b.frame_of("typing").await["typing"], true);
    a.send(json!({"type": "typing", "room_id": room, "typing": false})).await;
    assert_eq!(b.frame_of("typing").await["typing"], false, "an explicit stop");
    a.assert_silent(Duration::from_millis(200)).await;

    let mut conn = deployment.stack.db.connect().await;
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE event_type ILIKE '%typing%'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}
