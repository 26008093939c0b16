//! Access and refresh tokens from the outside: what a forged, expired or foreign token gets,
//! signing-key rotation across a restart, refresh-token rotation with reuse detection, logout,
//! the default lifetime, and the refusal to run with no or a weak signing secret.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::types::chrono::{DateTime, Utc};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::harness::{Api, JWT_SECRET, Reply, Server, Stack, Ws, eventually, run_chat, token, token_with_kid};

/// The password every account in these tests has.
const PASSWORD: &str = "correct horse battery";

/// Two signing secrets of 32 bytes or more, for the rotation test.
const OLD_SECRET: &str = "old-signing-secret-0123456789abcdef";
const NEW_SECRET: &str = "new-signing-secret-0123456789abcdef";

/// A registered account: its id, name and the session register answered with.
struct Account {
    id: Uuid,
    username: String,
    session: Reply,
}

impl Account {
    fn token(&self) -> &str {
        self.session.str("token")
    }

    fn refresh_token(&self) -> &str {
        self.session.str("refresh_token")
    }
}

async fn register(api: &Api, name: &str) -> Account {
    let username = format!("{name}_{}", &Uuid::new_v4().simple().to_string()[..8]);
    let session = api
        .call(Method::POST, "/v1/auth/register", None, Some(json!({"username": username, "password": PASSWORD})))
        .await;
    assert_eq!(session.status, 201, "register: {session:?}");
    Account { id: session.uuid("user_id"), username, session }
}

async fn login(api: &Api, username: &str) -> Reply {
    let reply =
        api.call(Method::POST, "/v1/auth/login", None, Some(json!({"username": username, "password": PASSWORD}))).await;
    assert_eq!(reply.status, 200, "login: {reply:?}");
    reply
}

async fn refresh(api: &Api, refresh_token: &str) -> Reply {
    api.call(Method::POST, "/v1/auth/refresh", None, Some(json!({"refresh_token": refresh_token}))).await
}

/// `(status, code)` of an authenticated request that needs no read model to have caught up.
async fn authenticate(api: &Api, token: &str) -> (u16, Option<String>) {
    let reply = api.call(Method::GET, "/v1/rooms", Some(token), None).await;
    (reply.status, reply.code().map(str::to_owned))
}

fn refused(code: &str) -> (u16, Option<String>) {
    (401, Some(code.to_owned()))
}

const ACCEPTED: (u16, Option<String>) = (200, None);

/// The `kid` in a token's header.
fn kid(token: &str) -> Option<String> {
    jsonwebtoken::decode_header(token).expect("a JWT header").kid
}

/// The claims of a token signed with the harness secret (checked, expiry included).
fn claims(token: &str) -> Value {
    let key = jsonwebtoken::DecodingKey::from_secret(JWT_SECRET.as_bytes());
    let validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    jsonwebtoken::decode::<Value>(token, &key, &validation).expect("a valid token").claims
}

fn timestamp(reply: &Reply, field: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(reply.str(field)).unwrap_or_else(|e| panic!("{field} is RFC 3339: {e}")).to_utc()
}

/// The close code the gateway answers an `identify` with `token` by (panics on anything but a
/// close).
async fn ws_refusal(url: &str, token: &str) -> Option<u16> {
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

/// Whether the gateway accepts `token`: `ready` for the user it names.
async fn ws_accepts(url: &str, token: &str, user: Uuid) {
    let ws = Ws::connect(url, token, json!({})).await;
    assert_eq!(ws.ready["user_id"], user.to_string());
    ws.close().await;
}

#[tokio::test]
async fn expired_forged_and_keyless_tokens_are_refused_on_rest_and_websocket() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = register(&api, "alice").await;
    assert_eq!(authenticate(&api, alice.token()).await, ACCEPTED);
    assert_eq!(authenticate(&api, &token(JWT_SECRET, alice.id, 60)).await, ACCEPTED, "a well-made token works");

    let other_secret = "another-secret-that-is-long-enough-0123456789";
    let cases = [
        ("expired a minute ago", token(JWT_SECRET, alice.id, -60), "token_expired"),
        ("expired a second ago (no leeway)", token(JWT_SECRET, alice.id, -1), "token_expired"),
        ("signed with another secret", token(other_secret, alice.id, 600), "invalid_token"),
        ("an unknown kid", token_with_kid(Some("elsewhere"), JWT_SECRET, alice.id, 600), "invalid_token"),
        ("no kid", token_with_kid(None, JWT_SECRET, alice.id, 600), "invalid_token"),
        ("an empty kid", token_with_kid(Some(""), JWT_SECRET, alice.id, 600), "invalid_token"),
        ("a truncated signature", alice.token()[..alice.token().len() - 4].to_owned(), "invalid_token"),
    ];
    for (case, bad, code) in &cases {
        let reply = api.call(Method::GET, "/v1/rooms", Some(bad), None).await;
        assert_eq!((reply.status, reply.code()), (401, Some(*code)), "{case}: {reply:?}");
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"), "{case}");
        assert_eq!(ws_refusal(server.ws_url(), bad).await, Some(4001), "{case} over WebSocket");
    }
    ws_accepts(server.ws_url(), alice.token(), alice.id).await;
}

#[tokio::test]
async fn during_a_key_rotation_old_tokens_still_work_and_after_it_they_do_not() {
    let mut stack = Stack::new().await.env("CHAT_JWT_KEYS", &format!("new:{NEW_SECRET} old:{OLD_SECRET}"));
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = register(&api, "alice").await;
    assert_eq!(kid(alice.token()).as_deref(), Some("new"), "the first key signs");
    let logged_in = login(&api, &alice.username).await;
    assert_eq!(kid(logged_in.str("token")).as_deref(), Some("new"));
    let refreshed = refresh(&api, alice.refresh_token()).await;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    assert_eq!(kid(refreshed.str("token")).as_deref(), Some("new"));

    // A token issued before the rotation, when `old` was the only key.
    let from_before = token_with_kid(Some("old"), OLD_SECRET, alice.id, 600);
    assert_eq!(authenticate(&api, &from_before).await, ACCEPTED, "old tokens work during the overlap");
    let me = eventually("alice's profile with the old token", Duration::from_secs(20), || async {
        let reply = api.call(Method::GET, "/v1/me", Some(&from_before), None).await;
        (reply.status == 200).then_some(reply)
    })
    .await;
    assert_eq!(me.body["user_id"], alice.id.to_string());
    ws_accepts(server.ws_url(), &from_before, alice.id).await;
    let mixed_up = token_with_kid(Some("old"), NEW_SECRET, alice.id, 600);
    assert_eq!(authenticate(&api, &mixed_up).await, refused("invalid_token"), "a kid names the key that must verify");

    server.terminate().await;
    stack.set_env("CHAT_JWT_KEYS", &format!("new:{NEW_SECRET}"));
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    assert_eq!(authenticate(&api, &from_before).await, refused("invalid_token"), "the old key is gone");
    assert_eq!(ws_refusal(server.ws_url(), &from_before).await, Some(4001));
    assert_eq!(authenticate(&api, alice.token()).await, ACCEPTED, "tokens of the new key survive the restart");
    ws_accepts(server.ws_url(), alice.token(), alice.id).await;
}

#[tokio::test]
async fn a_refresh_token_is_used_once_and_its_reuse_revokes_the_whole_login() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "commands").await;
    let api = Api::new(server.url());
    let alice = register(&api, "alice").await;
    let elsewhere = login(&api, &alice.username).await;
    let first = alice.refresh_token();

    let second = refresh(&api, first).await;
    assert_eq!(second.status, 200, "{second:?}");
    assert_eq!(second.uuid("user_id"), alice.id);
    // (The access token may equal the registration's, byte for byte, within the same second.)
    assert_ne!(second.str("refresh_token"), first, "a new refresh token");
    assert_eq!(claims(second.str("token"))["sub"], alice.id.to_string());
    assert_eq!(authenticate(&api, second.str("token")).await, ACCEPTED);
    let refresh_lifetime = timestamp(&second, "refresh_expires_at") - Utc::now();
    assert!(
        (29..=30).contains(&refresh_lifetime.num_days()),
        "refresh tokens live 30 days by default: {refresh_lifetime}"
    );

    let third = refresh(&api, second.str("refresh_token")).await;
    assert_eq!(third.status, 200, "the successor can be used in turn: {third:?}");

    let replayed = refresh(&api, first).await;
    assert_eq!((replayed.status, replayed.code()), (401, Some("refresh_token_reused")), "{replayed:?}");
    let newest = refresh(&api, third.str("refresh_token")).await;
    assert_eq!(
        (newest.status, newest.code()),
        (401, Some("invalid_refresh_token")),
        "a reuse revokes the newest token of that login too: {newest:?}"
    );
    let replayed_again = refresh(&api, second.str("refresh_token")).await;
    assert_eq!(replayed_again.status, 401, "{replayed_again:?}");

    let other_login = refresh(&api, elsewhere.str("refresh_token")).await;
    assert_eq!(other_login.status, 200, "another login of the same user is not affected: {other_login:?}");
    let unknown = refresh(&api, "not-a-refresh-token").await;
    assert_eq!((unknown.status, unknown.code()), (401, Some("invalid_refresh_token")));
}

#[tokio::test]
async fn logout_revokes_that_login_and_logout_all_revokes_every_login() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "commands").await;
    let api = Api::new(server.url());
    let alice = register(&api, "alice").await;
    let bob = register(&api, "bob").await;

    let phone = login(&api, &alice.username).await;
    let logout = api
        .call(Method::POST, "/v1/auth/logout", None, Some(json!({"refresh_token": phone.str("refresh_token")})))
        .await;
    assert_eq!(logout.status, 204, "{logout:?}");
    let after = refresh(&api, phone.str("refresh_token")).await;
    assert_eq!((after.status, after.code()), (401, Some("invalid_refresh_token")), "{after:?}");

    let laptop = login(&api, &alice.username).await;
    let tablet = refresh(&api, alice.refresh_token()).await;
    assert_eq!(tablet.status, 200, "logging out one login leaves the others: {tablet:?}");
    let everywhere = api.call(Method::POST, "/v1/auth/logout-all", Some(laptop.str("token")), None).await;
    assert_eq!(everywhere.status, 204, "{everywhere:?}");
    for (login, refresh_token) in [("laptop", laptop.str("refresh_token")), ("tablet", tablet.str("refresh_token"))] {
        let after = refresh(&api, refresh_token).await;
        assert_eq!((after.status, after.code()), (401, Some("invalid_refresh_token")), "{login}: {after:?}");
    }
    let bobs = refresh(&api, bob.refresh_token()).await;
    assert_eq!(bobs.status, 200, "another user's logins are not affected: {bobs:?}");
    let anonymous = api.call(Method::POST, "/v1/auth/logout-all", None, None).await;
    assert_eq!((anonymous.status, anonymous.code()), (401, Some("unauthorized")));
}

#[tokio::test]
async fn access_tokens_live_fifteen_minutes_by_default() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "commands").await;
    let api = Api::new(server.url());
    let alice = register(&api, "alice").await;
    let session = login(&api, &alice.username).await;
    let lifetime = timestamp(&session, "expires_at") - Utc::now();
    assert!((870..=900).contains(&lifetime.num_seconds()), "expires_at is about 15 minutes from now: {lifetime}");
    let claims = claims(session.str("token"));
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 900, "{claims}");
    assert_eq!(claims["exp"].as_i64(), Some(timestamp(&session, "expires_at").timestamp()), "{claims}");
}

#[tokio::test]
async fn the_services_refuse_to_start_without_a_signing_secret() {
    let stack = Stack::new().await.without_env("CHAT_JWT_SECRET");
    for role in ["commands", "gateway"] {
        let finished = run_chat(&stack, &[role], Duration::from_secs(60)).await;
        assert!(!finished.status.success(), "`chat {role}` without a secret must not run: {finished:?}");
        assert!(finished.stderr.contains("CHAT_JWT_SECRET"), "the message names CHAT_JWT_SECRET: {finished:?}");
    }
}

#[tokio::test]
async fn the_api_refuses_to_start_with_a_short_signing_secret() {
    let stack = Stack::new().await.env("CHAT_JWT_SECRET", "0123456789");
    let finished = run_chat(&stack, &["commands"], Duration::from_secs(60)).await;
    assert!(!finished.status.success(), "`chat commands` with a 10-byte secret must not run: {finished:?}");
    assert!(finished.stderr.contains("CHAT_JWT_SECRET"), "the message names CHAT_JWT_SECRET: {finished:?}");
}

#[tokio::test]
async fn in_development_mode_the_api_starts_without_a_secret() {
    let stack = Stack::new().await.without_env("CHAT_JWT_SECRET").env("CHAT_DEV_MODE", "1");
    let server = Server::start(&stack, "commands").await;
    let api = Api::new(server.url());
    let alice = register(&api, "alice").await;
    assert_eq!(authenticate(&api, alice.token()).await, ACCEPTED);
    assert_eq!(kid(alice.token()).as_deref(), Some("dev"));
}
