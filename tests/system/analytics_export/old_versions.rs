//! Schema evolution: an event stored in an old version, inserted behind the system's back.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use super::export;
use crate::harness::{Api, Server, Stack, User, eventually};

#[tokio::test]
async fn an_event_stored_in_an_old_version_loads_projects_and_exports_as_the_current_one() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;
    let room = alice.create_group("old times").await;
    assert_eq!(alice.post(room, "new style", "k-1").await.u64("seq"), 3);

    // A post as the code of version 1.0 wrote it: no `mentions`.
    let legacy = Uuid::now_v7();
    let payload = json!({
        "type": "MessagePosted", "message_id": legacy, "author": alice.id,
        "body": "from the old days", "client_msg_id": "legacy-1", "reply_to": null,
    });
    let metadata = json!({"actor": alice.id, "request_id": "legacy", "via": "rest"});
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('room', $1, 4, 'MessagePosted', '1.0', $2, $3)",
    )
    .bind(room.to_string())
    .bind(&payload)
    .bind(&metadata)
    .execute(&mut stack.db.connect().await)
    .await
    .unwrap();

    // Projected: the history read model shows it (the feed upcast it).
    shown(&alice, room, legacy, "from the old days").await;

    // Loaded by the command side: the room's writer held the room at seq 3, so this post
    // conflicts on seq 4, reloads the room from the store (upcasting the old post) and lands
    // at 5; then the old post can be edited.
    assert_eq!(alice.post(room, "after the old one", "k-2").await.u64("seq"), 5);
    let edit = alice
        .call(Method::PATCH, &format!("/v1/rooms/{room}/messages/{legacy}"), Some(json!({"body": "edited today"})))
        .await;
    assert_eq!((edit.status, edit.body["seq"].as_u64()), (200, Some(6)), "edit: {edit:?}");
    shown(&alice, room, legacy, "edited today").await;

    // Exported as the current version (1.2), with the fields 1.1 and 1.2 added; the stored row is
    // unchanged.
    let (records, _) = export(&stack, &["--room", &room.to_string(), "--event-type", "MessagePosted"]).await;
    let old = records.iter().find(|r| r["payload"]["message_id"] == legacy.to_string()).expect("the old post exported");
    assert_eq!((old["sequence"].as_i64(), old["event_version"].as_str()), (Some(4), Some("1.2")));
    let mut upcast = payload.clone();
    upcast["mentions"] = json!([]);
    upcast["attachments"] = json!([]);
    assert_eq!(old["payload"], upcast);
    assert_eq!(old["metadata"], metadata);
    assert!(records.iter().all(|r| r["event_version"] == "1.2"));
    let stored: (String, Value) =
        sqlx::query_as("SELECT event_version, payload FROM events WHERE aggregate_id = $1 AND sequence = 4")
            .bind(room.to_string())
            .fetch_one(&mut stack.db.connect().await)
            .await
            .unwrap();
    assert_eq!(stored, ("1.0".to_owned(), payload));
}

/// Waits until `room`'s history, as `user` reads it, shows `message` with `body`.
async fn shown(user: &User, room: Uuid, message: Uuid, body: &str) {
    eventually(&format!("{body:?} in the history"), Duration::from_secs(30), || async {
        let history = user.history(room, 50).await;
        let messages = history.body["messages"].as_array()?.clone();
        messages.iter().any(|m| m["message_id"] == message.to_string() && m["body"] == body).then_some(())
    })
    .await;
}
