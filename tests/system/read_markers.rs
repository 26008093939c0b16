//! Read markers start at the member's join (docs/api.md §3.2, §3.3, §3.9): marking read at or
//! below it changes nothing — no event, so the other members' receipts never see a member go
//! backwards — and the same after a rejoin; past it, the marker moves once. Commands over REST
//! and the WebSocket, delivery watched on another member's WebSocket, receipts from the read
//! model.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Stack, User, Ws, deploy, eventually};

/// How long the read models may take to catch up (generous: the whole suite runs in parallel).
const CATCH_UP: Duration = Duration::from_secs(60);

/// Marks `room` read up to `up_to_seq` over REST; the `{seq, changed}` answer.
async fn mark_read(user: &User, room: Uuid, up_to_seq: u64) -> Value {
    let reply = user.call(Method::POST, &format!("/v1/rooms/{room}/read"), Some(json!({"up_to_seq": up_to_seq}))).await;
    assert_eq!(reply.status, 200, "mark read up to {up_to_seq}: {reply:?}");
    reply.body
}

/// The next event frame of `room` on `ws` as `(seq, event)`, skipping frames that are not events.
async fn next_event(ws: &mut Ws, room: Uuid) -> (u64, Value) {
    let frame = ws.frame_of("event").await;
    assert_eq!(frame["room_id"], room.to_string(), "{frame}");
    (frame["seq"].as_u64().expect("seq"), frame["event"].clone())
}

/// The room's read receipts `{user id: last_read_seq}` once the read model has reached `seq`
/// (a room's `last_seq` in its detail; receipts carry no sequence of their own).
async fn receipts_at(user: &User, room: Uuid, seq: u64) -> BTreeMap<Uuid, u64> {
    eventually(&format!("the read model to reach seq {seq}"), CATCH_UP, || async {
        (user.get(&format!("/v1/rooms/{room}")).await.body["last_seq"].as_u64()? >= seq).then_some(())
    })
    .await;
    let reply = user.get(&format!("/v1/rooms/{room}/receipts")).await;
    assert_eq!(reply.status, 200, "receipts: {reply:?}");
    reply.body["receipts"]
        .as_array()
        .unwrap_or_else(|| panic!("receipts: {reply:?}"))
        .iter()
        .map(|r| (r["user_id"].as_str().unwrap().parse().unwrap(), r["last_read_seq"].as_u64().unwrap()))
        .collect()
}

#[tokio::test]
async fn marking_read_at_or_below_ones_join_changes_nothing_and_past_it_moves_the_marker_once() {
    let deployment = deploy(Stack::new().await, 1).await;
    let gateway = deployment.gateways[0].ws_url();
    let (alice, bob) = (deployment.api.register("alice").await, deployment.api.register("bob").await);
    let room = alice.create_group("markers").await; // 1 created, 2 alice joined
    assert_eq!(bob.join(room).await.u64("seq"), 3);
    assert_eq!(alice.post(room, "hello", "a-1").await.u64("seq"), 4);

    // Alice watches the room from seq 4 on.
    let mut watcher = Ws::connect(gateway, &alice.token, json!({room.to_string(): 4})).await;
    let resumed = watcher.frame_of("resumed").await;
    assert_eq!((&resumed["recovered"], &resumed["to_seq"]), (&json!(true), &json!(4)), "{resumed}");
    let joined_at = BTreeMap::from([(alice.id, 2), (bob.id, 3)]);
    assert_eq!(receipts_at(&alice, room, 4).await, joined_at, "each member has read up to their join");

    // At or below Bob's join (seq 3): nothing is written.
    for up_to_seq in [1, 2, 3] {
        assert_eq!(mark_read(&bob, room, up_to_seq).await, json!({"seq": 4, "changed": false}), "up to {up_to_seq}");
    }
    // Past it: one event, delivered once. Events come in seq order without gaps, so had any of
    // the markers above been written, Alice would see it first.
    assert_eq!(mark_read(&bob, room, 4).await, json!({"seq": 5, "changed": true}));
    let marked = json!({"type": "ReadMarkerMoved", "user_id": bob.id, "up_to_seq": 4});
    assert_eq!(next_event(&mut watcher, room).await, (5, marked));
    assert_eq!(alice.post(room, "fence", "a-2").await.u64("seq"), 6);
    let (seq, event) = next_event(&mut watcher, room).await;
    assert_eq!((seq, &event["type"]), (6, &json!("MessagePosted")), "the marker arrived once: {event}");
    assert_eq!(receipts_at(&alice, room, 6).await, BTreeMap::from([(alice.id, 2), (bob.id, 4)]));

    // Bob leaves (7), Alice posts (8), Bob joins again (9): his marker starts at 9.
    let left = bob.call(Method::POST, &format!("/v1/rooms/{room}/leave"), None).await;
    assert_eq!(left.u64("seq"), 7, "{left:?}");
    assert_eq!(alice.post(room, "while bob was away", "a-3").await.u64("seq"), 8);
    assert_eq!(bob.join(room).await.u64("seq"), 9);
    assert_eq!(receipts_at(&alice, room, 9).await, BTreeMap::from([(alice.id, 2), (bob.id, 9)]));

    // This time over the WebSocket: at or below the rejoin, nothing; past it, one event.
    let mut own = Ws::connect(gateway, &bob.token, json!({room.to_string(): 9})).await;
    assert_eq!(own.frame_of("resumed").await["recovered"], true);
    for (id, up_to_seq) in [("r5", 5), ("r8", 8), ("r9", 9)] {
        own.send(json!({"type": "mark_read", "id": id, "room_id": room, "up_to_seq": up_to_seq})).await;
        let ack = own.frame_of("ack").await;
        assert_eq!(ack, json!({"type": "ack", "id": id, "seq": 9, "message_id": null, "changed": false}));
    }
    assert_eq!(alice.post(room, "welcome back", "a-4").await.u64("seq"), 10);
    own.send(json!({"type": "mark_read", "id": "r10", "room_id": room, "up_to_seq": 10})).await;
    let ack = own.frame_of("ack").await;
    assert_eq!(ack, json!({"type": "ack", "id": "r10", "seq": 11, "message_id": null, "changed": true}));

    let mut seen = Vec::new();
    for _ in 7..=11 {
        let (seq, event) = next_event(&mut watcher, room).await;
        seen.push((seq, event["type"].as_str().unwrap().to_owned()));
        if seq == 11 {
            assert_eq!(event, json!({"type": "ReadMarkerMoved", "user_id": bob.id, "up_to_seq": 10}));
        }
    }
    let types = ["MemberLeft", "MessagePosted", "MemberJoined", "MessagePosted", "ReadMarkerMoved"];
    let expected: Vec<(u64, String)> = (7..=11).zip(types.map(str::to_owned)).collect();
    assert_eq!(seen, expected, "nothing between the rejoin and the post, the marker once");
    assert_eq!(alice.post(room, "fence", "a-5").await.u64("seq"), 12);
    assert_eq!(next_event(&mut watcher, room).await.0, 12, "the marker arrived once");
    assert_eq!(receipts_at(&alice, room, 12).await, BTreeMap::from([(alice.id, 2), (bob.id, 10)]));

    watcher.close().await;
    own.close().await;
}
