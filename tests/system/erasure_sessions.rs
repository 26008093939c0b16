//! An erased user's live sessions: every open WebSocket of theirs is closed with 4001, a new
//! one with the access token they still hold is refused, and the other members of their rooms
//! carry on; also when the gateway missed the erasure's event during a NATS outage.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::harness::{Incoming, NatsServer, Stack, Ws, deploy, run_chat};

/// How long a gateway may take to close an erased user's connection (generous: the whole suite
/// runs in parallel; a NATS reconnect backs off).
const CLOSED_WITHIN: Duration = Duration::from_secs(30);

/// How long the one-off `chat users erase` may take.
const ONE_OFF: Duration = Duration::from_secs(120);

/// The close code `ws` ends with within `within`, skipping the frames before it (each frame
/// within 10 s: `Ws::next` gives up on a silent gateway).
async fn close_code(ws: &mut Ws, within: Duration) -> Option<u16> {
    let closed = async {
        loop {
            if let Incoming::Closed(code) = ws.next().await {
                return code;
            }
        }
    };
    tokio::time::timeout(within, closed).await.expect("the connection was not closed in time")
}

/// The close code a new connection identifying with `token` is refused with.
async fn refusal(url: &str, token: &str) -> Option<u16> {
    let mut socket = Ws::open(url).await;
    let identify = json!({"type": "identify", "token": token, "resume": {}});
    socket.send(Message::Text(identify.to_string().into())).await.expect("send identify");
    loop {
        match tokio::time::timeout(Duration::from_secs(10), socket.next()).await.expect("an answer to identify") {
            Some(Ok(Message::Close(close))) => return close.map(|close| u16::from(close.code)),
            Some(Ok(Message::Text(text))) => panic!("expected a close, got {text}"),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return None,
        }
    }
}

async fn erase(stack: &Stack, user: Uuid) -> serde_json::Value {
    let erased = run_chat(stack, &["users", "erase", &user.to_string()], ONE_OFF).await;
    serde_json::from_str(erased.expect_success()).expect("the erasure's report")
}

#[tokio::test]
async fn an_erased_users_sockets_are_closed_and_refused_while_the_others_carry_on() {
    let deployment = deploy(Stack::new().await, 1).await;
    let url = deployment.gateways[0].ws_url();
    let alice = deployment.api.register("alice").await;
    let bob = deployment.api.register("bob").await;
    let room = bob.create_group("bob's room").await;
    assert_eq!(alice.join(room).await.status, 200);
    let resume = json!({room.to_string(): 2});
    let mut alices =
        [Ws::connect(url, &alice.token, resume.clone()).await, Ws::connect(url, &alice.token, resume.clone()).await];
    let mut bobs = Ws::connect(url, &bob.token, resume).await;
    assert_eq!(bob.post(room, "before", "c1").await.status, 201);
    for ws in alices.iter_mut().chain([&mut bobs]) {
        assert_eq!(ws.messages(room, 1).await[0].1, "before", "everyone is live");
    }

    let erased = erase(&deployment.stack, alice.id).await;
    assert_eq!(erased["live_connections"], "closing", "{erased:#}");
    for ws in &mut alices {
        assert_eq!(close_code(ws, CLOSED_WITHIN).await, Some(4001), "every socket of hers is closed");
    }
    assert_eq!(refusal(url, &alice.token).await, Some(4001), "her token, still unexpired, is refused");

    assert_eq!(bob.post(room, "after", "c2").await.status, 201);
    assert_eq!(bobs.messages(room, 1).await[0].1, "after", "bob's socket carries on");
    let again = erase(&deployment.stack, alice.id).await;
    assert_eq!(again["live_connections"], "closed_before", "{again:#}");
}

#[tokio::test]
async fn a_gateway_that_missed_the_erasure_during_a_nats_outage_closes_the_socket_when_it_reconnects() {
    let mut nats = NatsServer::start().await;
    let mut deployment = deploy(Stack::with_nats(nats.url()).await, 1).await;
    let url = deployment.gateways[0].ws_url().to_owned();
    let alice = deployment.api.register("alice").await;
    let mut ws = Ws::connect(&url, &alice.token, json!({})).await;

    // Without a relay nothing publishes `UserErased`: only the re-check after reconnecting can
    // find the erasure.
    deployment.relay.take().expect("a relay").kill().await;
    erase(&deployment.stack, alice.id).await;
    nats.restart(Duration::from_millis(500)).await;
    assert_eq!(close_code(&mut ws, CLOSED_WITHIN).await, Some(4001));
    assert_eq!(refusal(&url, &alice.token).await, Some(4001));
}
