//! The WebSocket protocol's edges: bad frames, authentication, slow clients, draining.

use std::time::Duration;

use futures::future::join_all;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use uuid::Uuid;

use crate::harness::{Incoming, Server, Stack, Ws, deploy};

#[tokio::test]
async fn bad_frames_get_error_frames_and_the_connection_survives_where_it_can() {
    let deployment = deploy(Stack::new().await, 1).await;
    let alice = deployment.api.register("alice").await;
    let room = alice.create_group("strict").await;
    let stranger_room = deployment.api.register("bob").await.create_group("elsewhere").await;
    let url = deployment.gateways[0].ws_url();
    let mut ws = Ws::connect(url, &alice.token, json!({room.to_string(): 2})).await;
    assert_eq!(ws.frame_of("resumed").await["recovered"], true);

    let cases = [
        ("{not json", None, "malformed_json"),
        ("[1, 2]", None, "invalid_frame"),
        (r#"{"type": "dance", "id": "r1"}"#, Some("r1"), "unknown_type"),
        (r#"{"type": "post", "room_id": "x"}"#, None, "invalid_frame"),
        (r#"{"type": "identify", "token": "again"}"#, None, "already_identified"),
    ];
    for (text, id, code) in cases {
        ws.send_raw(Message::Text(text.into())).await;
        let error = ws.frame_of("error").await;
        assert_eq!((error["code"].as_str(), error["id"].as_str()), (Some(code), id), "{text}");
    }
    let unknown_field = json!({"type": "mark_read", "id": "r2", "room_id": room, "up_to_seq": 1, "extra": true});
    ws.send(unknown_field).await;
    assert_eq!(ws.frame_of("error").await["code"], "invalid_frame");
    ws.send_raw(Message::Binary(vec![1, 2, 3].into())).await;
    assert_eq!(ws.frame_of("error").await["code"], "unsupported_frame");

    ws.post("r3", stranger_room, "let me in", "c1").await;
    let refused = ws.frame_of("error").await;
    assert_eq!((refused["id"].as_str(), refused["code"].as_str()), (Some("r3"), Some("not_a_member")));
    ws.post("r4", room, "", "c2").await;
    let invalid = ws.frame_of("error").await;
    assert_eq!((invalid["code"].as_str(), invalid["field"].as_str()), (Some("invalid_input"), Some("body")));
    ws.send(json!({"type": "typing", "room_id": stranger_room})).await;
    assert_eq!(ws.frame_of("error").await["code"], "not_a_member");

    ws.send(json!({"type": "ping", "id": "p1"})).await;
    assert_eq!(ws.frame_of("pong").await["id"], "p1", "the connection survived every bad frame");
    let mut ahead = Ws::connect(url, &alice.token, json!({room.to_string(): 999})).await;
    let resumed = ahead.frame_of("resumed").await;
    assert_eq!((resumed["recovered"].as_bool(), resumed["reason"].as_str()), (Some(false), Some("unknown_position")));
    assert_eq!(resumed["to_seq"], 2, "the position to continue from");
    let bye = CloseFrame { code: CloseCode::Normal, reason: "done".into() };
    ahead.send_raw(Message::Close(Some(bye))).await;
    assert_eq!(ahead.next().await, Incoming::Closed(Some(1000)), "a client's close is answered");
    ws.post("r5", room, "still here", "c3").await;
    assert_eq!(ws.frame_of("ack").await["seq"], 3);

    let oversized = format!(r#"{{"type": "ping", "pad": "{}"}}"#, "x".repeat(70 * 1024));
    ws.send_raw(Message::Text(oversized.into())).await;
    loop {
        match ws.next().await {
            Incoming::Frame(_) => continue,
            Incoming::Closed(code) => {
                assert_eq!(code, Some(1009), "an oversized frame closes with 1009");
                break;
            }
        }
    }
}

#[tokio::test]
async fn identification_is_required_and_checked() {
    let deployment = deploy(Stack::new().await, 1).await;
    let url = deployment.gateways[0].ws_url();
    let refused = |frame: serde_json::Value| async move {
        let mut socket = Ws::open(url).await;
        futures::SinkExt::send(&mut socket, Message::Text(frame.to_string().into())).await.unwrap();
        loop {
            match futures::StreamExt::next(&mut socket).await {
                Some(Ok(Message::Close(Some(close)))) => return u16::from(close.code),
                Some(Ok(_)) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
    };
    assert_eq!(refused(json!({"type": "identify", "token": "forged"})).await, 4001);
    assert_eq!(refused(json!({"type": "ping"})).await, 4001, "the first frame must be identify");
    let expired = crate::harness::token(crate::harness::JWT_SECRET, Uuid::now_v7(), -60);
    assert_eq!(refused(json!({"type": "identify", "token": expired})).await, 4001);
}

#[tokio::test]
async fn a_client_that_stops_reading_is_closed_for_resume_while_others_keep_up() {
    const COUNT: usize = 2000;
    let deployment = deploy(Stack::new().await.env("CHAT_WS_SEND_QUEUE", "256"), 1).await;
    let alice = deployment.api.register("alice").await;
    let room = alice.create_group("firehose").await;
    let url = deployment.gateways[0].ws_url();
    let mut slow = Ws::connect_with_small_buffer(url, &alice.token).await;
    let mut fast = Ws::connect(url, &alice.token, json!({room.to_string(): 2})).await;
    assert_eq!(fast.frame_of("resumed").await["recovered"], true);

    let body = "x".repeat(4000);
    let posting = join_all((0..4).map(|t| {
        let (alice, body) = (alice.clone(), body.clone());
        async move {
            for n in (t..COUNT).step_by(4) {
                assert_eq!(alice.post(room, &body, &format!("c{n}")).await.status, 201);
            }
        }
    }));
    let (_, received) = tokio::join!(posting, fast.messages(room, COUNT));
    let seqs: Vec<u64> = received.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(seqs, (3..3 + COUNT as u64).collect::<Vec<_>>(), "the fast client got everything, in order");

    let mut drained = 0;
    let code = loop {
        match slow.next().await {
            Incoming::Frame(_) => drained += 1,
            Incoming::Closed(code) => break code,
        }
    };
    assert_eq!(code, Some(4008), "closed as too slow after {drained} frames, not silently dropped");
    assert!(drained < COUNT, "the slow client was cut off, not buffered without bound");
}

#[tokio::test]
async fn a_draining_gateway_tells_its_clients_to_reconnect() {
    let stack = Stack::new().await;
    let mut deployment = deploy(stack, 1).await;
    let alice = deployment.api.register("alice").await;
    let mut ws = Ws::connect(deployment.gateways[0].ws_url(), &alice.token, json!({})).await;
    let gateway = deployment.gateways.pop().unwrap();
    let stopping = tokio::spawn(gateway.terminate());
    assert_eq!(ws.frame_of("reconnect").await["reason"], "server_draining");
    assert_eq!(ws.next().await, Incoming::Closed(Some(4009)));
    tokio::time::timeout(Duration::from_secs(20), stopping).await.expect("the gateway exits after draining").unwrap();
    let _keep = Server::start(&deployment.stack, "gateway").await;
}
