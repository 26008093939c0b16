//! An internal failure as a client and an operator see it: the client gets a generic body and
//! the request id; the log gets one line with the whole cause chain, inside the request's span
//! (its matched route and request id), in the JSON log format operators feed to pipelines.

use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{Api, Server, Stack, eventually};

#[tokio::test]
async fn an_internal_error_is_logged_once_with_its_cause_and_route_and_answered_generically() {
    let stack = Stack::new().await.env("CHAT_LOG_FORMAT", "json").env("RUST_LOG", "warn");
    let commands = Server::start_capturing_logs(&stack, "commands").await;
    let _projections = Server::start(&stack, "projections").await;
    let api = Api::new(commands.url());
    let ada = api.register("ada").await;
    let room = ada.create_group("general").await;
    eventually("the room in the read model", Duration::from_secs(10), || async {
        (ada.history(room, 10).await.status == 200).then_some(())
    })
    .await;

    // The read model breaks under the running server.
    sqlx::query("ALTER TABLE messages RENAME TO messages_gone")
        .execute(&mut stack.db.connect().await)
        .await
        .expect("rename the messages table");
    let reply = ada.history(room, 10).await;
    assert_eq!(reply.status, 500, "{reply:?}");
    assert_eq!(reply.body, json!({"error": {"code": "internal", "message": "internal error"}}));
    let request_id = reply.header("x-request-id").expect("a request id").to_owned();

    let logs = commands.stop_and_collect_logs().await;
    let failures: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["level"] == "ERROR")
        .collect();
    assert_eq!(failures.len(), 1, "one log line per failure:\n{logs}");
    assert_eq!(failures[0]["message"], "request failed");
    let failure = &failures[0];
    assert_eq!(failure["level"], "ERROR", "{failure}");
    let cause = failure["error"].as_str().unwrap_or_default();
    assert!(cause.contains(r#"relation "messages" does not exist"#), "the cause chain: {failure}");
    let request = failure["spans"].as_array().and_then(|spans| spans.iter().find(|span| span["name"] == "request"));
    let request = request.unwrap_or_else(|| panic!("inside the request span: {failure}"));
    assert_eq!(request["request_id"], request_id.as_str(), "{failure}");
    assert_eq!(request["route"], "/v1/rooms/{room_id}/messages", "the matched route, not the path: {failure}");
    assert!(!failure.to_string().contains(&room.to_string()), "no ids from the path in the log: {failure}");
}
