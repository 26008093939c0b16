//! Bad input gets its documented status and stable code, never a 5xx.

use std::time::Duration;

use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Api, JWT_SECRET, Reply, Server, Stack, eventually, token};

fn expect(case: &str, reply: &Reply, status: u16, code: &str) {
    assert_eq!((reply.status, reply.code()), (status, Some(code)), "{case}: {reply:?}");
    assert!(reply.body["error"]["message"].is_string(), "{case}: every error has a message");
}

#[tokio::test]
async fn bad_requests_get_their_documented_status_and_code() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;
    let room = alice.create_group("general").await;
    let messages = format!("/v1/rooms/{room}/messages");

    let json_cases: Vec<(&str, Method, String, Value, u16, &str)> = vec![
        ("empty body", Method::POST, messages.clone(), json!({"body": "", "client_msg_id": "a"}), 422, "invalid_input"),
        (
            "blank body",
            Method::POST,
            messages.clone(),
            json!({"body": " \n ", "client_msg_id": "a"}),
            422,
            "invalid_input",
        ),
        (
            "too long",
            Method::POST,
            messages.clone(),
            json!({"body": "x".repeat(4001), "client_msg_id": "a"}),
            422,
            "invalid_input",
        ),
        (
            "control char",
            Method::POST,
            messages.clone(),
            json!({"body": "a\u{0}b", "client_msg_id": "a"}),
            422,
            "invalid_input",
        ),
        (
            "bad client id",
            Method::POST,
            messages.clone(),
            json!({"body": "hi", "client_msg_id": "has space"}),
            422,
            "invalid_input",
        ),
        (
            "unknown field",
            Method::POST,
            messages.clone(),
            json!({"body": "hi", "client_msg_id": "a", "x": 1}),
            422,
            "invalid_request",
        ),
        (
            "wrong type",
            Method::POST,
            messages.clone(),
            json!({"body": 5, "client_msg_id": "a"}),
            422,
            "invalid_request",
        ),
        ("missing field", Method::POST, messages.clone(), json!({"body": "hi"}), 422, "invalid_request"),
        (
            "reply_to not a uuid",
            Method::POST,
            messages.clone(),
            json!({"body": "hi", "client_msg_id": "a", "reply_to": "x"}),
            422,
            "invalid_request",
        ),
        (
            "unknown reply_to",
            Method::POST,
            messages.clone(),
            json!({"body": "hi", "client_msg_id": "a", "reply_to": Uuid::now_v7()}),
            422,
            "reply_target_not_found",
        ),
        (
            "invalid room uuid",
            Method::POST,
            "/v1/rooms/not-a-uuid/messages".to_owned(),
            json!({"body": "hi", "client_msg_id": "a"}),
            400,
            "invalid_path",
        ),
        ("invalid message uuid", Method::PATCH, format!("{messages}/123"), json!({"body": "hi"}), 400, "invalid_path"),
        (
            "unknown message",
            Method::PATCH,
            format!("{messages}/{}", Uuid::now_v7()),
            json!({"body": "hi"}),
            404,
            "message_not_found",
        ),
        (
            "negative read marker",
            Method::POST,
            format!("/v1/rooms/{room}/read"),
            json!({"up_to_seq": -1}),
            422,
            "invalid_request",
        ),
        (
            "empty room name",
            Method::POST,
            "/v1/rooms".to_owned(),
            json!({"type": "group", "name": "  "}),
            422,
            "invalid_input",
        ),
        ("unknown room type", Method::POST, "/v1/rooms".to_owned(), json!({"type": "bogus"}), 422, "invalid_request"),
        (
            "unknown role",
            Method::PUT,
            format!("/v1/rooms/{room}/members/{}/role", alice.id),
            json!({"role": "god"}),
            422,
            "invalid_request",
        ),
    ];
    for (case, method, path, body, status, code) in json_cases {
        expect(case, &alice.call(method, &path, Some(body)).await, status, code);
    }
    let too_long =
        alice.call(Method::POST, &messages, Some(json!({"body": "x".repeat(4001), "client_msg_id": "a"}))).await;
    assert_eq!(too_long.body["error"]["field"], "body");

    let raw = |body: &'static str, content_type: Option<&'static str>| {
        let mut request = api.raw(Method::POST, &messages).bearer_auth(&alice.token).body(body);
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        request
    };
    expect("malformed JSON", &api.send(raw("{\"body\": ", Some("application/json"))).await, 400, "malformed_json");
    expect("no content type", &api.send(raw("{}", None)).await, 415, "unsupported_media_type");
    let huge = format!("{{\"body\": \"{}\", \"client_msg_id\": \"a\"}}", "x".repeat(70 * 1024));
    let oversized =
        api.raw(Method::POST, &messages).bearer_auth(&alice.token).header(CONTENT_TYPE, "application/json").body(huge);
    expect("oversized body", &api.send(oversized).await, 413, "payload_too_large");

    for (case, query) in
        [("non-numeric limit", "limit=abc"), ("zero limit", "limit=0"), ("unknown parameter", "page=2")]
    {
        expect(case, &alice.get(&format!("{messages}?{query}")).await, 400, "invalid_query");
    }

    let history = |token: Option<String>| {
        let api = api.clone();
        let messages = messages.clone();
        async move { api.call(Method::GET, &messages, token.as_deref(), None).await }
    };
    expect("no token", &history(None).await, 401, "unauthorized");
    expect("garbage token", &history(Some("garbage".to_owned())).await, 401, "invalid_token");
    expect("forged token", &history(Some(token("not-our-secret", alice.id, 600))).await, 401, "invalid_token");
    expect("expired token", &history(Some(token(JWT_SECRET, alice.id, -60))).await, 401, "token_expired");
    let valid = Some(token(JWT_SECRET, alice.id, 600));
    let works = eventually("the room in the read model", Duration::from_secs(10), || async {
        (history(valid.clone()).await.status == 200).then_some(())
    });
    works.await;
    let basic = api.raw(Method::GET, &messages).header("authorization", "Basic YTpi");
    expect("basic auth", &api.send(basic).await, 401, "invalid_token");

    let register = |body: Value| {
        let api = api.clone();
        async move { api.call(Method::POST, "/v1/auth/register", None, Some(body)).await }
    };
    let short = register(json!({"username": "someone", "password": "short"})).await;
    expect("short password", &short, 422, "invalid_input");
    assert_eq!(short.body["error"]["field"], "password");
    expect(
        "bad username",
        &register(json!({"username": "no spaces", "password": "long enough"})).await,
        422,
        "invalid_input",
    );
    let taken = format!("taken_{}", &Uuid::new_v4().simple().to_string()[..8]);
    assert_eq!(register(json!({"username": taken, "password": "long enough"})).await.status, 201);
    expect(
        "taken username",
        &register(json!({"username": taken.to_uppercase(), "password": "long enough"})).await,
        409,
        "username_taken",
    );
    let login = |username: String, password: &'static str| {
        let api = api.clone();
        async move {
            api.call(Method::POST, "/v1/auth/login", None, Some(json!({"username": username, "password": password})))
                .await
        }
    };
    expect("wrong password", &login(taken.clone(), "wrong password").await, 401, "invalid_credentials");
    expect("unknown user", &login("nobody_here".to_owned(), "long enough").await, 401, "invalid_credentials");
    assert_eq!(login(taken, "long enough").await.status, 200);

    expect("unknown route", &alice.get("/v1/nothing-here").await, 404, "not_found");
    expect("wrong method", &alice.call(Method::DELETE, "/v1/rooms", None).await, 405, "method_not_allowed");
}
