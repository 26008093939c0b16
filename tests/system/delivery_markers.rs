//! Delivery markers (docs/api.md §3.10, docs/protocol.md `received` and `receipt`): a member's
//! `received` frames move their marker forward only, never past the room's last sequence, and
//! only in rooms their connection receives; the marker is exact across a reconnect to another
//! gateway (what the client acknowledged, no more); the room's members hear of it live on any
//! gateway; erasing the user deletes their markers.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Stack, User, Ws, deploy, eventually, run_chat};

/// How long the read models and the acknowledgement batches may take (generous: the whole
/// suite runs in parallel).
const CATCH_UP: Duration = Duration::from_secs(60);

/// `{user id: (delivered_seq, last_read_seq)}` of the room's receipts.
async fn receipts(user: &User, room: Uuid) -> BTreeMap<Uuid, (u64, u64)> {
    let reply = user.get(&format!("/v1/rooms/{room}/receipts")).await;
    assert_eq!(reply.status, 200, "receipts: {reply:?}");
    reply.body["receipts"]
        .as_array()
        .unwrap_or_else(|| panic!("receipts: {reply:?}"))
        .iter()
        .map(|r| {
            let seq = |field: &str| r[field].as_u64().unwrap_or_else(|| panic!("{field} in {r}"));
            (r["user_id"].as_str().unwrap().parse().unwrap(), (seq("delivered_seq"), seq("last_read_seq")))
        })
        .collect()
}

/// Waits until `member`'s receipt in `room` (as `viewer` reads it) satisfies `done`; returns it.
async fn receipt_until(
    viewer: &User,
    room: Uuid,
    member: Uuid,
    what: &str,
    done: impl Fn((u64, u64)) -> bool,
) -> (u64, u64) {
    eventually(what, CATCH_UP, || async {
        let receipt = receipts(viewer, room).await.get(&member).copied()?;
        done(receipt).then_some(receipt)
    })
    .await
}

/// The room's latest sequence as its detail shows it, once the read model has reached `seq`.
async fn projected(user: &User, room: Uuid, seq: u64) {
    eventually(&format!("the read model to reach seq {seq}"), CATCH_UP, || async {
        (user.get(&format!("/v1/rooms/{room}")).await.body["last_seq"].as_u64()? >= seq).then_some(())
    })
    .await;
}

fn received(room: Uuid, up_to_seq: u64) -> Value {
    json!({"type": "received", "room_id": room, "up_to_seq": up_to_seq})
}

/// The next `receipt` frame about `member` on `ws`, skipping everything else.
async fn receipt_frame(ws: &mut Ws, member: Uuid) -> Value {
    loop {
        let frame = ws.frame_of("receipt").await;
        if frame["user_id"] == member.to_string() {
            return frame;
        }
    }
}

/// A fence for what `user`'s `ws` acknowledged before: acknowledges `fence_room` (theirs) up to
/// `seq` and waits until that marker shows. A connection's acknowledgements reach the batcher in
/// order, and a later batch is recorded after an earlier one, so everything sent before the
/// fence has been recorded (or refused) by then.
async fn fence(ws: &mut Ws, user: &User, fence_room: Uuid, seq: u64) {
    ws.send(received(fence_room, seq)).await;
    receipt_until(user, fence_room, user.id, &format!("the fence at {seq}"), |(delivered, _)| delivered >= seq).await;
}

#[tokio::test]
async fn received_moves_the_marker_forward_only_clamped_to_the_room_and_only_in_rooms_the_connection_receives() {
    let deployment = deploy(Stack::new().await, 1).await;
    let gateway = deployment.gateways[0].ws_url();
    let api = &deployment.api;
    let (alice, bob, carol) = (api.register("alice").await, api.register("bob").await, api.register("carol").await);
    let room = alice.create_group("delivered").await; // 1 created, 2 alice joined
    assert_eq!(bob.join(room).await.u64("seq"), 3);
    assert_eq!(alice.post(room, "one", "a-1").await.u64("seq"), 4);
    assert_eq!(alice.post(room, "two", "a-2").await.u64("seq"), 5);
    // Bob's second room, for fences (3, 4, 5: above his join, where his read marker is); Carol's
    // private room, which Bob does not receive.
    let other = bob.create_group("bob's other room").await; // 1, 2
    for (n, text) in ["x", "y", "z"].into_iter().enumerate() {
        assert_eq!(bob.post(other, text, text).await.u64("seq"), 3 + n as u64);
    }
    let private = carol
        .call(
            reqwest::Method::POST,
            "/v1/rooms",
            Some(json!({"type": "group", "name": "carol's", "visibility": "private"})),
        )
        .await
        .uuid("room_id");
    projected(&alice, room, 5).await;
    projected(&bob, other, 5).await;
    assert_eq!(
        receipts(&alice, room).await,
        BTreeMap::from([(alice.id, (2, 2)), (bob.id, (3, 3))]),
        "join = read = delivered"
    );

    let mut watcher = Ws::connect(gateway, &alice.token, json!({room.to_string(): 5})).await;
    watcher.frame_of("resumed").await;
    let mut ws = Ws::connect(gateway, &bob.token, json!({room.to_string(): 3})).await;
    assert_eq!(ws.messages(room, 2).await, [(4, "one".to_owned()), (5, "two".to_owned())]);
    let ready_room = ws.ready["rooms"].as_array().unwrap().iter().find(|r| r["room_id"] == room.to_string()).cloned();
    assert_eq!(ready_room.map(|r| r["delivered_seq"].clone()), Some(json!(3)), "ready says what the server has");

    // Forward: the marker moves, and Alice hears of it live.
    ws.send(received(room, 4)).await;
    let live = receipt_frame(&mut watcher, bob.id).await;
    let expected = json!({"type": "receipt", "room_id": room, "user_id": bob.id, "delivered_seq": 4, "read_seq": 3});
    assert_eq!(live, expected);
    assert_eq!(receipts(&alice, room).await[&bob.id], (4, 3));

    // Backwards and repeated: nothing moves.
    for up_to_seq in [2, 0, 4, 3] {
        ws.send(received(room, up_to_seq)).await;
    }
    fence(&mut ws, &bob, other, 3).await;
    assert_eq!(receipts(&alice, room).await[&bob.id], (4, 3), "the marker never goes back");

    // Past the room's end (even past the signed 64-bit range): the room's last sequence.
    ws.send(received(room, u64::MAX)).await;
    let clamped = receipt_until(&alice, room, bob.id, "the clamped marker", |(delivered, _)| delivered != 4).await;
    assert_eq!(clamped, (5, 3), "clamped to the room's last seq");
    assert_eq!(receipt_frame(&mut watcher, bob.id).await["delivered_seq"], 5);

    // Rooms this connection does not receive: refused, and nothing recorded.
    ws.send(json!({"type": "received", "id": "p", "room_id": private, "up_to_seq": 1})).await;
    let refused = ws.frame_of("error").await;
    assert_eq!((refused["id"].as_str(), refused["code"].as_str()), (Some("p"), Some("not_a_member")), "{refused}");
    ws.send(json!({"type": "received", "id": "u", "room_id": Uuid::now_v7(), "up_to_seq": 1})).await;
    let refused = ws.frame_of("error").await;
    assert_eq!((refused["id"].as_str(), refused["code"].as_str()), (Some("u"), Some("not_a_member")), "{refused}");
    ws.send(json!({"type": "received", "id": "n", "room_id": room, "up_to_seq": -1})).await;
    let refused = ws.frame_of("error").await;
    assert_eq!((refused["id"].as_str(), refused["code"].as_str()), (Some("n"), Some("invalid_frame")), "{refused}");
    fence(&mut ws, &bob, other, 4).await;
    let mut db = deployment.stack.db.connect().await;
    let bob_rows: Vec<(Uuid, i64)> =
        sqlx::query_as("SELECT room_id, delivered_seq FROM delivery_markers WHERE user_id = $1 ORDER BY delivered_seq")
            .bind(bob.id)
            .fetch_all(&mut db)
            .await
            .unwrap();
    assert_eq!(bob_rows, [(other, 4), (room, 5)], "one row per room, nothing elsewhere");

    // Read implies delivered: a read marker past the delivery marker shows as both.
    assert_eq!(alice.post(room, "three", "a-3").await.u64("seq"), 6);
    let read = bob.call(reqwest::Method::POST, &format!("/v1/rooms/{room}/read"), Some(json!({"up_to_seq": 6}))).await;
    assert_eq!(read.u64("seq"), 7, "{read:?}");
    projected(&alice, room, 7).await;
    assert_eq!(receipts(&alice, room).await[&bob.id], (6, 6));

    ws.close().await;
    watcher.close().await;
}

#[tokio::test]
async fn delivery_markers_are_exact_under_reconnects_to_another_gateway() {
    let deployment = deploy(Stack::new().await, 2).await;
    let [gw1, gw2] = [0, 1].map(|i| deployment.gateways[i].ws_url().to_owned());
    let (alice, bob) = (deployment.api.register("alice").await, deployment.api.register("bob").await);
    let room = alice.create_group("reconnects").await; // 1, 2
    assert_eq!(bob.join(room).await.u64("seq"), 3);
    assert_eq!(alice.post(room, "before", "a-1").await.u64("seq"), 4);

    // Alice (the author) watches from the second gateway.
    let mut alice_ws = Ws::connect(&gw2, &alice.token, json!({room.to_string(): 4})).await;
    alice_ws.frame_of("resumed").await;

    // Bob, on the first gateway, gets seq 4 and acknowledges it.
    let mut first = Ws::connect(&gw1, &bob.token, json!({room.to_string(): 3})).await;
    assert_eq!(first.messages(room, 1).await, [(4, "before".to_owned())]);
    first.send(received(room, 4)).await;
    assert_eq!(receipt_frame(&mut alice_ws, bob.id).await["delivered_seq"], 4, "heard on the other gateway");
    first.close().await;

    // Posted while Bob is away: his marker stays where he left it.
    assert_eq!(alice.post(room, "while away 1", "a-2").await.u64("seq"), 5);
    assert_eq!(alice.post(room, "while away 2", "a-3").await.u64("seq"), 6);
    projected(&alice, room, 6).await;
    assert_eq!(receipts(&alice, room).await[&bob.id], (4, 3), "nothing is delivered that was not acknowledged");

    // Bob reconnects to the other gateway and resumes: ready says the server has 4.
    let mut second = Ws::connect(&gw2, &bob.token, json!({room.to_string(): 4})).await;
    let listed = second.ready["rooms"].as_array().unwrap().iter().find(|r| r["room_id"] == room.to_string()).cloned();
    assert_eq!(listed.map(|r| r["delivered_seq"].clone()), Some(json!(4)));
    assert_eq!(second.messages(room, 2).await, [(5, "while away 1".to_owned()), (6, "while away 2".to_owned())]);
    let resumed = second.frame_of("resumed").await;
    assert_eq!((&resumed["recovered"], &resumed["to_seq"]), (&json!(true), &json!(6)), "{resumed}");
    // A stale acknowledgement from before, then the real one.
    second.send(received(room, 4)).await;
    second.send(received(room, 6)).await;
    let live = receipt_frame(&mut alice_ws, bob.id).await;
    assert_eq!((&live["delivered_seq"], &live["read_seq"]), (&json!(6), &json!(3)), "{live}");
    assert_eq!(receipts(&alice, room).await[&bob.id], (6, 3), "exactly the last delivered seq");

    // A message Bob's connection gets but his client does not acknowledge: no more than 6.
    assert_eq!(alice.post(room, "not acknowledged", "a-4").await.u64("seq"), 7);
    assert_eq!(second.messages(room, 1).await, [(7, "not acknowledged".to_owned())]);
    projected(&alice, room, 7).await;
    assert_eq!(receipts(&alice, room).await[&bob.id], (6, 3));

    second.close().await;
    alice_ws.close().await;
}

#[tokio::test]
async fn erasing_a_user_deletes_their_delivery_markers() {
    let deployment = deploy(Stack::new().await, 1).await;
    let gateway = deployment.gateways[0].ws_url();
    let (alice, bob) = (deployment.api.register("alice").await, deployment.api.register("bob").await);
    let room = alice.create_group("erasure").await;
    assert_eq!(bob.join(room).await.u64("seq"), 3);
    assert_eq!(alice.post(room, "hello", "a-1").await.u64("seq"), 4);
    projected(&alice, room, 4).await;
    for (user, up_to_seq) in [(&alice, 4), (&bob, 4)] {
        let mut ws = Ws::connect(gateway, &user.token, json!({})).await;
        ws.send(received(room, up_to_seq)).await;
        receipt_until(&alice, room, user.id, "the marker", |(delivered, _)| delivered == up_to_seq).await;
        ws.close().await;
    }
    let markers = |user: Uuid| {
        let stack = &deployment.stack;
        async move {
            let count: i64 = sqlx::query_scalar("SELECT count(*) FROM delivery_markers WHERE user_id = $1")
                .bind(user)
                .fetch_one(&mut stack.db.connect().await)
                .await
                .unwrap();
            count
        }
    };
    assert_eq!((markers(alice.id).await, markers(bob.id).await), (1, 1));

    let erased = run_chat(&deployment.stack, &["users", "erase", &bob.id.to_string()], CATCH_UP).await;
    let report: Value = serde_json::from_str(erased.expect_success()).expect("the erasure's report");
    assert_eq!(report["newly_erased"], true, "{report:#}");
    assert_eq!((markers(alice.id).await, markers(bob.id).await), (1, 0), "Bob's marker went with his account");
}
