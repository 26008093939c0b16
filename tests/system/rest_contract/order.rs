//! The order of checks (docs/api.md §1): authentication before anything else on every route;
//! then the path, then the query, then the room; and strict query strings on every route.

use std::time::Duration;

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::json;
use uuid::Uuid;

use super::{answer, operator};
use crate::harness::{Api, JWT_SECRET, Reply, Server, Stack, User, eventually, token};

/// A request: method, target (path and query) and an optional JSON body.
struct Call {
    method: Method,
    target: String,
    body: Option<String>,
}

fn call(method: Method, target: impl Into<String>) -> Call {
    Call { method, target: target.into(), body: None }
}

impl Call {
    fn body(self, body: impl ToString) -> Self {
        Self { body: Some(body.to_string()), ..self }
    }

    /// Sends it with these `Authorization` headers (none, one, or several).
    async fn send(&self, api: &Api, authorization: &[String]) -> Reply {
        let mut request = api.raw(self.method.clone(), &self.target);
        for value in authorization {
            request = request.header(AUTHORIZATION, value);
        }
        if let Some(body) = &self.body {
            request = request.header(CONTENT_TYPE, "application/json").body(body.clone());
        }
        api.send(request).await
    }
}

impl std::fmt::Display for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.target)?;
        match &self.body {
            Some(body) => write!(f, " {body}"),
            None => Ok(()),
        }
    }
}

/// Every authenticated route, with everything else about the request wrong as well: path
/// parameters that are no UUIDs, a query that does not parse or is unknown, a body that is not
/// JSON. `room` is a real room, for the routes whose one wrong thing is the query.
fn everything_wrong(room: Uuid) -> Vec<Call> {
    use Method as M;
    let not_json = "{not json";
    vec![
        call(M::GET, "/v1/me?x=1"),
        call(M::PATCH, "/v1/me?x=1").body(not_json),
        call(M::GET, "/v1/users/nobody?x=1"),
        call(M::POST, "/v1/auth/logout-all?x=1"),
        call(M::POST, "/v1/rooms?x=1").body(not_json),
        call(M::GET, "/v1/rooms?limit=abc"),
        call(M::GET, "/v1/rooms/nowhere?x=1"),
        call(M::POST, "/v1/rooms/nowhere/join?x=1"),
        call(M::POST, "/v1/rooms/nowhere/leave?x=1"),
        call(M::PUT, "/v1/rooms/nowhere/members/nobody?x=1"),
        call(M::DELETE, "/v1/rooms/nowhere/members/nobody?x=1"),
        call(M::PUT, "/v1/rooms/nowhere/members/nobody/role?x=1").body(not_json),
        call(M::POST, "/v1/rooms/nowhere/read?x=1").body(not_json),
        call(M::GET, "/v1/rooms/nowhere/receipts?x=1"),
        call(M::POST, "/v1/rooms/nowhere/messages?x=1").body(not_json),
        // The reported case: a bad query on a good path.
        call(M::GET, format!("/v1/rooms/{room}/messages?limit=abc")),
        call(M::GET, "/v1/rooms/nowhere/messages?limit=abc"),
        call(M::PATCH, "/v1/rooms/nowhere/messages/nothing?x=1").body(not_json),
        call(M::DELETE, "/v1/rooms/nowhere/messages/nothing?x=1"),
        call(M::PUT, "/v1/rooms/nowhere/messages/nothing/reactions/%FF?x=1"),
        call(M::DELETE, "/v1/rooms/nowhere/messages/nothing/reactions/%FF?x=1"),
        call(M::GET, "/v1/admin/feeds?x=1"),
        call(M::GET, "/v1/admin/events?format=nonsense"),
        call(M::GET, "/v1/admin/rooms/nowhere/at?seq=abc"),
        call(M::GET, format!("/v1/admin/rooms/{room}/at?seq=abc")),
        call(M::POST, "/v1/admin/users/nobody/erase?x=1"),
        call(M::POST, "/v1/websites?x=1").body(not_json),
        call(M::GET, "/v1/websites?x=1"),
        call(M::GET, "/v1/websites/nowhere?x=1"),
        call(M::PATCH, "/v1/websites/nowhere?x=1").body(not_json),
        call(M::PUT, "/v1/websites/nowhere/widget?x=1").body(not_json),
        call(M::POST, "/v1/websites/nowhere/domains?x=1").body(not_json),
        call(M::DELETE, "/v1/websites/nowhere/domains/not%20a%20domain?x=1"),
        call(M::POST, "/v1/websites/nowhere/domains/not%20a%20domain/check?x=1"),
        call(M::POST, "/v1/websites/nowhere/agents?x=1").body(not_json),
        call(M::DELETE, "/v1/websites/nowhere/agents/nobody?x=1"),
        call(M::GET, "/v1/websites/nowhere/conversations?status=nonsense"),
        call(M::POST, "/v1/rooms/nowhere/assign?x=1").body(not_json),
        call(M::POST, "/v1/rooms/nowhere/resolve?x=1"),
        call(M::POST, "/v1/rooms/nowhere/reopen?x=1"),
        call(M::GET, "/v1/widget/nowhere/conversations?x=1"),
        call(M::POST, "/v1/widget/nowhere/conversations?x=1").body(not_json),
    ]
}

#[tokio::test]
async fn authentication_comes_before_path_query_and_body_on_every_route() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;
    let room = alice.create_group("checked").await;
    let bearer = |token: String| format!("Bearer {token}");
    let credentials: Vec<(&str, Vec<String>, &str)> = vec![
        ("no token", vec![], "unauthorized"),
        ("an expired token", vec![bearer(token(JWT_SECRET, alice.id, -60))], "token_expired"),
        (
            "a forged token",
            vec![bearer(token("another-secret-that-is-long-enough-0123", alice.id, 600))],
            "invalid_token",
        ),
        ("another scheme", vec![format!("Basic {}", alice.token)], "invalid_token"),
        ("two valid tokens", vec![bearer(alice.token.clone()), bearer(alice.token.clone())], "invalid_token"),
    ];

    let mut wrong = Vec::new();
    for call in everything_wrong(room) {
        for (case, authorization, code) in &credentials {
            let reply = call.send(&api, authorization).await;
            let www_authenticate = reply.header("www-authenticate") == Some("Bearer");
            if answer(&reply) != (401, Some(*code)) || !www_authenticate {
                wrong.push(format!("{call} with {case}: expected 401 {code}, got {reply:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{} answers were not the 401 of docs/api.md §1:\n{}", wrong.len(), wrong.join("\n"));
}

#[tokio::test]
async fn the_path_comes_before_the_query_and_the_query_before_the_room() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let admin = operator(&api, &stack).await;
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let bobs = bob.create_group("bob's").await;
    let unknown = Uuid::now_v7();
    // The room rules read the read model, which trails the commands.
    eventually("bob's room in the read model", Duration::from_secs(60), || async {
        (bob.get(&format!("/v1/rooms/{bobs}")).await.status == 200).then_some(())
    })
    .await;

    let cases = [
        // A bad path and a bad query: the path.
        (&alice, "/v1/rooms/nowhere/messages?limit=abc".to_owned(), 400, "invalid_path"),
        (&alice, "/v1/rooms/nowhere/receipts?x=1".to_owned(), 400, "invalid_path"),
        (&alice, "/v1/users/nobody?x=1".to_owned(), 400, "invalid_path"),
        (&alice, "/v1/websites/nowhere?x=1".to_owned(), 400, "invalid_path"),
        (&admin, "/v1/admin/rooms/nowhere/at?seq=abc".to_owned(), 400, "invalid_path"),
        // A bad query in a room the caller may not read, or that does not exist: the query.
        (&alice, format!("/v1/rooms/{bobs}/messages?limit=abc"), 400, "invalid_query"),
        (&alice, format!("/v1/rooms/{bobs}/messages?limit=0"), 400, "invalid_query"),
        (&alice, format!("/v1/rooms/{unknown}/messages?before=x"), 400, "invalid_query"),
        (&alice, format!("/v1/rooms/{bobs}?x=1"), 400, "invalid_query"),
        (&alice, format!("/v1/rooms/{bobs}/receipts?x=1"), 400, "invalid_query"),
        (&alice, "/v1/rooms?before=not-a-cursor".to_owned(), 400, "invalid_query"),
        (&alice, format!("/v1/websites/{unknown}?x=1"), 400, "invalid_query"),
        // A bad query on an administrators' route, from an administrator or anyone else.
        (&admin, format!("/v1/admin/rooms/{bobs}/at?seq=abc"), 400, "invalid_query"),
        (&alice, format!("/v1/admin/rooms/{bobs}/at?seq=abc"), 400, "invalid_query"),
        (&alice, "/v1/admin/events?format=nonsense".to_owned(), 400, "invalid_query"),
        (&alice, "/v1/admin/feeds?x=1".to_owned(), 400, "invalid_query"),
        // A good query: the room rules, and the administrators' rule.
        (&alice, format!("/v1/rooms/{bobs}/messages?limit=5"), 403, "not_a_member"),
        (&alice, format!("/v1/rooms/{unknown}/messages?limit=5"), 404, "room_not_found"),
        (&alice, format!("/v1/websites/{unknown}"), 404, "website_not_found"),
        (&alice, format!("/v1/admin/rooms/{bobs}/at?seq=1"), 403, "admin_only"),
        (&alice, "/v1/admin/events?format=csv".to_owned(), 403, "admin_only"),
    ];
    for (user, path, status, code) in cases {
        let reply = user.get(&path).await;
        assert_eq!(answer(&reply), (status, Some(code)), "GET {path}: {reply:?}");
    }
    // A command: the path before the (unknown) query, the query before the room.
    let add = bob.call(Method::PUT, &format!("/v1/rooms/nowhere/members/{}?x=1", alice.id), None).await;
    assert_eq!(answer(&add), (400, Some("invalid_path")), "{add:?}");
    let add = alice.call(Method::PUT, &format!("/v1/rooms/{bobs}/members/{}?x=1", alice.id), None).await;
    assert_eq!(answer(&add), (400, Some("invalid_query")), "{add:?}");
}

/// The seq of `room` as its writer has it: a join by a member writes nothing and answers it.
async fn current_seq(member: &User, room: Uuid) -> u64 {
    let reply = member.join(room).await;
    assert_eq!((reply.status, &reply.body["changed"]), (200, &json!(false)), "{reply:?}");
    reply.u64("seq")
}

#[tokio::test]
async fn an_unknown_query_parameter_is_refused_on_every_route_and_nothing_is_done() {
    use Method as M;
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let admin = operator(&api, &stack).await;
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let room = alice.create_group("strict").await;
    assert_eq!(bob.join(room).await.status, 200);
    let posted = alice.post(room, "hello", "m-1").await;
    assert_eq!(posted.status, 201, "{posted:?}");
    let message = posted.uuid("message_id");
    let before = current_seq(&alice, room).await;
    let refresh = api
        .call(
            M::POST,
            "/v1/auth/register",
            None,
            Some(json!({"username": format!("carol_{}", &Uuid::new_v4().simple().to_string()[..8]), "password": "correct horse"})),
        )
        .await
        .str("refresh_token")
        .to_owned();
    let on_message = format!("/v1/rooms/{room}/messages/{message}");
    let website = alice.call(M::POST, "/v1/websites", Some(json!({"name": "strict"}))).await.uuid("website_id");
    let listed =
        alice.call(M::POST, &format!("/v1/websites/{website}/domains"), Some(json!({"domain": "10.0.0.1"}))).await;
    assert_eq!(listed.status, 201, "{listed:?}");
    let widget = json!({"color": "red", "size": "small", "language": "en", "position": "left",
                        "greeting": null, "pre_chat_form": false, "business_hours": null});

    // Every route, right in every way but one: an unknown parameter (after known ones where
    // the route takes some).
    let cases: Vec<(Option<&User>, Call)> = vec![
        (None, call(M::GET, "/healthz?x=1")),
        (None, call(M::GET, "/readyz?x=1")),
        (None, call(M::GET, "/metrics?x=1")),
        (
            None,
            call(M::POST, "/v1/auth/register?x=1")
                .body(json!({"username": "dave_strict", "password": "correct horse"})),
        ),
        (
            None,
            call(M::POST, "/v1/auth/login?x=1").body(json!({"username": "dave_strict", "password": "correct horse"})),
        ),
        (None, call(M::POST, "/v1/auth/refresh?x=1").body(json!({"refresh_token": refresh}))),
        (None, call(M::POST, "/v1/auth/logout?x=1").body(json!({"refresh_token": refresh}))),
        (Some(&alice), call(M::GET, "/v1/me?x=1")),
        (Some(&alice), call(M::PATCH, "/v1/me?x=1").body(json!({"display_name": "Renamed"}))),
        (Some(&alice), call(M::GET, format!("/v1/users/{}?x=1", bob.id))),
        (Some(&alice), call(M::POST, "/v1/rooms?x=1").body(json!({"type": "group", "name": "another"}))),
        (Some(&alice), call(M::GET, "/v1/rooms?limit=5&x=1")),
        (Some(&alice), call(M::GET, format!("/v1/rooms/{room}?x=1"))),
        (Some(&bob), call(M::POST, format!("/v1/rooms/{room}/leave?x=1"))),
        (Some(&alice), call(M::PUT, format!("/v1/rooms/{room}/members/{}?x=1", admin.id))),
        (Some(&alice), call(M::DELETE, format!("/v1/rooms/{room}/members/{}?x=1", bob.id))),
        (
            Some(&alice),
            call(M::PUT, format!("/v1/rooms/{room}/members/{}/role?x=1", bob.id)).body(json!({"role": "admin"})),
        ),
        (Some(&bob), call(M::POST, format!("/v1/rooms/{room}/read?x=1")).body(json!({"up_to_seq": before}))),
        (Some(&alice), call(M::GET, format!("/v1/rooms/{room}/receipts?x=1"))),
        (
            Some(&alice),
            call(M::POST, format!("/v1/rooms/{room}/messages?x=1")).body(json!({"body": "no", "client_msg_id": "m-2"})),
        ),
        (Some(&alice), call(M::GET, format!("/v1/rooms/{room}/messages?limit=5&x=1"))),
        (Some(&alice), call(M::PATCH, format!("{on_message}?x=1")).body(json!({"body": "edited"}))),
        (Some(&bob), call(M::PUT, format!("{on_message}/reactions/%3Atada%3A?x=1"))),
        (Some(&alice), call(M::DELETE, format!("{on_message}/reactions/%3Atada%3A?x=1"))),
        (Some(&alice), call(M::DELETE, format!("{on_message}?x=1"))),
        (Some(&admin), call(M::GET, "/v1/admin/feeds?x=1")),
        (Some(&admin), call(M::GET, "/v1/admin/events?since=2100-01-01T00:00:00Z&x=1")),
        (Some(&admin), call(M::GET, format!("/v1/admin/rooms/{room}/at?seq=1&x=1"))),
        (Some(&admin), call(M::POST, format!("/v1/admin/users/{}/erase?x=1", bob.id))),
        (Some(&alice), call(M::POST, "/v1/websites?x=1").body(json!({"name": "strict"}))),
        (Some(&alice), call(M::GET, "/v1/websites?x=1")),
        (Some(&alice), call(M::GET, format!("/v1/websites/{website}?x=1"))),
        (Some(&alice), call(M::PATCH, format!("/v1/websites/{website}?x=1")).body(json!({"name": "renamed"}))),
        (Some(&alice), call(M::PUT, format!("/v1/websites/{website}/widget?x=1")).body(widget)),
        (
            Some(&alice),
            call(M::POST, format!("/v1/websites/{website}/domains?x=1")).body(json!({"domain": "a.example"})),
        ),
        (Some(&alice), call(M::DELETE, format!("/v1/websites/{website}/domains/10.0.0.1?x=1"))),
        (Some(&alice), call(M::POST, format!("/v1/websites/{website}/domains/10.0.0.1/check?x=1"))),
        (
            Some(&alice),
            call(M::POST, format!("/v1/websites/{website}/agents?x=1")).body(json!({"username": bob.username})),
        ),
        (Some(&alice), call(M::DELETE, format!("/v1/websites/{website}/agents/{}?x=1", bob.id))),
        (Some(&alice), call(M::GET, format!("/v1/websites/{website}/conversations?status=open&x=1"))),
        (Some(&alice), call(M::POST, format!("/v1/rooms/{room}/assign?x=1")).body(json!({"user_id": null}))),
        (Some(&alice), call(M::POST, format!("/v1/rooms/{room}/resolve?x=1"))),
        (Some(&alice), call(M::POST, format!("/v1/rooms/{room}/reopen?x=1"))),
        (None, call(M::GET, format!("/v1/widget/{website}?x=1"))),
        (None, call(M::POST, format!("/v1/widget/{website}/visitors?x=1")).body(json!({}))),
        (Some(&alice), call(M::GET, format!("/v1/widget/{website}/conversations?x=1"))),
        (Some(&alice), call(M::POST, format!("/v1/widget/{website}/conversations?x=1")).body(json!({}))),
        (Some(&alice), call(M::POST, "/v1/auth/logout-all?x=1")),
    ];
    let mut wrong = Vec::new();
    for (user, call) in &cases {
        let authorization: Vec<String> = user.iter().map(|user| format!("Bearer {}", user.token)).collect();
        let reply = call.send(&api, &authorization).await;
        if answer(&reply) != (400, Some("invalid_query")) {
            wrong.push(format!("{call}: expected 400 invalid_query, got {reply:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} routes took an unknown parameter:\n{}", wrong.len(), wrong.join("\n"));

    // None of the commands was carried out: the room is as it was, bob is still a member,
    // dave was never registered, alice's and the operator's sessions still work.
    assert_eq!(current_seq(&alice, room).await, before, "a refused command wrote to the room");
    assert_eq!(current_seq(&bob, room).await, before, "bob left or was removed");
    let login = api
        .call(M::POST, "/v1/auth/login", None, Some(json!({"username": "dave_strict", "password": "correct horse"})))
        .await;
    assert_eq!(answer(&login), (401, Some("invalid_credentials")), "dave was registered: {login:?}");
    let refreshed = api.call(M::POST, "/v1/auth/refresh", None, Some(json!({"refresh_token": refresh}))).await;
    assert_eq!(refreshed.status, 200, "the refresh token was used or revoked: {refreshed:?}");
}

#[tokio::test]
async fn more_than_one_authorization_header_is_refused() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let (alices, bobs) = (format!("Bearer {}", alice.token), format!("Bearer {}", bob.token));
    let sole = call(Method::GET, "/v1/rooms").send(&api, std::slice::from_ref(&alices)).await;
    assert_eq!(sole.status, 200, "one header is fine: {sole:?}");

    for (case, headers) in [
        ("the same token twice", vec![alices.clone(), alices.clone()]),
        ("two users' tokens", vec![alices.clone(), bobs.clone()]),
        ("a valid token after a bad one", vec!["Bearer nonsense".to_owned(), alices.clone()]),
        ("a valid token before a bad one", vec![alices.clone(), "Basic x".to_owned()]),
        ("three", vec![alices.clone(), bobs.clone(), alices.clone()]),
    ] {
        for call in [
            call(Method::GET, "/v1/rooms"),
            call(Method::POST, "/v1/rooms").body(json!({"type": "group", "name": "ambiguous"})),
        ] {
            let reply = call.send(&api, &headers).await;
            assert_eq!(answer(&reply), (401, Some("invalid_token")), "{call} with {case}: {reply:?}");
            assert_eq!(reply.header("www-authenticate"), Some("Bearer"), "{call} with {case}");
        }
    }
}
