//! What a hostile or careless client can do in bulk, and what the service gives away: post,
//! login, username-lookup and domain-check floods meet rate limits (per user across REST and WebSocket, per
//! client address, per connection), every answer carries the security headers, CORS admits
//! only configured origins, and secrets and message bodies never reach the logs.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use futures::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Api, Reply, Server, Site, Stack, User, Ws, eventually};
use crate::support_chat::Shop;

/// The password of accounts made by `Api::register`.
const HARNESS_PASSWORD: &str = "correct horse";

/// The most a GCRA limiter of `rate` per `period` with `burst` admits in a window of `elapsed`
/// (the burst at once, then one per `period / rate`).
fn admissible(burst: u32, rate: u32, period: Duration, elapsed: Duration) -> usize {
    let refills = (elapsed.as_secs_f64() * f64::from(rate) / period.as_secs_f64()).ceil() as usize;
    burst as usize + refills
}

/// A `429 rate_limited` answer that says when to retry, in whole seconds (at least 1).
fn assert_rate_limited(reply: &Reply) {
    assert_eq!((reply.status, reply.code()), (429, Some("rate_limited")), "{reply:?}");
    let retry_after: u64 = reply
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("a numeric Retry-After: {reply:?}"));
    assert!(retry_after >= 1, "{reply:?}");
}

/// How many answers of a flood were `ok` (the others must all be `429 rate_limited`).
fn admitted(flood: &[Reply], ok: u16) -> usize {
    for refused in flood.iter().filter(|reply| reply.status != ok) {
        assert_rate_limited(refused);
    }
    flood.iter().filter(|reply| reply.status == ok).count()
}

/// The answers (`ack` or `error`) to the commands with `ids`, by id, skipping everything else
/// (events, typing, presence).
async fn answers(ws: &mut Ws, ids: &[String]) -> HashMap<String, Value> {
    let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let mut answered = HashMap::new();
    while answered.len() < ids.len() {
        let frame = ws.frame().await;
        if !matches!(frame["type"].as_str(), Some("ack" | "error")) {
            continue;
        }
        let id = frame["id"].as_str().unwrap_or_else(|| panic!("an answer without an id: {frame}"));
        assert!(wanted.contains(id), "an answer to a command never sent: {frame}");
        assert!(answered.insert(id.to_owned(), frame.clone()).is_none(), "two answers to {id}: {frame}");
    }
    answered
}

/// An `error` frame `rate_limited` that echoes its command's id and says when to retry.
fn assert_rate_limited_frame(id: &str, frame: &Value) {
    assert_eq!((frame["type"].as_str(), frame["code"].as_str()), (Some("error"), Some("rate_limited")), "{frame}");
    assert_eq!(frame["id"], id, "{frame}");
    let retry_after_ms = frame["retry_after_ms"].as_u64().unwrap_or_else(|| panic!("retry_after_ms: {frame}"));
    assert!(retry_after_ms <= 60_000, "{frame}");
}

#[tokio::test]
async fn a_post_flood_is_limited_per_user_across_rest_and_websocket() {
    const RATE: u32 = 5;
    const FLOOD: usize = 50;
    const WS_ROOMS: usize = 12;
    let stack = Stack::new().await.env("CHAT_POST_RATE", &RATE.to_string()).env("CHAT_POST_BURST", &RATE.to_string());
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let room = alice.create_group("flooded").await;
    assert_eq!(bob.join(room).await.status, 200);
    // Rooms of their own for the WebSocket posts, so that they are in flight at once (a
    // connection runs one command per room at a time).
    let ws_rooms = join_all((0..WS_ROOMS).map(|n| {
        let alice = alice.clone();
        async move { alice.create_group(&format!("side {n}")).await }
    }))
    .await;
    let mut ws = Ws::connect(server.ws_url(), &alice.token, json!({})).await;

    let started = Instant::now();
    let rest = join_all((0..FLOOD).map(|n| {
        let alice = alice.clone();
        async move { alice.post(room, &format!("flood {n}"), &format!("rest-{n}")).await }
    }))
    .await;
    let ids: Vec<String> = (0..WS_ROOMS).map(|n| format!("ws-{n}")).collect();
    for (id, side) in ids.iter().zip(&ws_rooms) {
        ws.post(id, side, "one more", id).await;
    }
    let over_ws = answers(&mut ws, &ids).await;
    let elapsed = started.elapsed();

    let rest_posted = admitted(&rest, 201);
    assert!(rest_posted >= RATE as usize, "the burst passes: {rest_posted} of {FLOOD} posted");
    let ws_posted = over_ws.values().filter(|frame| frame["type"] == "ack").count();
    for (id, frame) in over_ws.iter().filter(|(_, frame)| frame["type"] != "ack") {
        assert_rate_limited_frame(id, frame);
    }
    assert!(ws_posted < WS_ROOMS, "WebSocket posts meet the limit the REST flood used up: {over_ws:?}");
    let allowed = admissible(RATE, RATE, Duration::from_secs(1), elapsed);
    assert!(
        rest_posted + ws_posted <= allowed,
        "REST and WebSocket share one limit: {rest_posted} + {ws_posted} posted in {elapsed:?}, at most {allowed}"
    );

    let bobs = join_all((0..RATE).map(|n| {
        let bob = bob.clone();
        async move { bob.post(room, &format!("bob {n}"), &format!("bob-{n}")).await }
    }))
    .await;
    for reply in &bobs {
        assert_eq!(reply.status, 201, "another user is not limited by alice's flood: {reply:?}");
    }
}

/// `count` logins of `user` at once, each from `forwarded_for` if given.
async fn logins(api: &Api, username: &str, forwarded_for: Option<&str>, count: usize) -> Vec<Reply> {
    join_all((0..count).map(|_| login(api, username, forwarded_for))).await
}

async fn login(api: &Api, username: &str, forwarded_for: Option<&str>) -> Reply {
    let mut request =
        api.raw(Method::POST, "/v1/auth/login").json(&json!({"username": username, "password": HARNESS_PASSWORD}));
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    api.send(request).await
}

/// The user's username (the harness makes it unique), read back from their profile.
async fn username(user: &User) -> String {
    eventually("the user's profile", Duration::from_secs(20), || async {
        let me = user.get("/v1/me").await;
        me.body["username"].as_str().map(str::to_owned)
    })
    .await
}

#[tokio::test]
async fn a_username_lookup_flood_is_limited_per_user() {
    const FLOOD: usize = 20;
    let stack = Stack::new().await.env("CHAT_LOOKUP_RATE_PER_MINUTE", "5").env("CHAT_LOOKUP_BURST", "5");
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let name = username(&bob).await;

    let started = Instant::now();
    let flood = join_all((0..FLOOD).map(|n| {
        let alice = alice.clone();
        async move { alice.get(&format!("/v1/users?username=guess_{n}")).await }
    }))
    .await;
    let elapsed = started.elapsed();
    let admitted = admitted(&flood, 200);
    assert!(admitted >= 5, "the burst passes: {admitted} of {FLOOD}");
    let allowed = admissible(5, 5, Duration::from_secs(60), elapsed);
    assert!(admitted <= allowed, "{admitted} lookups admitted in {elapsed:?}, at most {allowed}");

    let by_bob = bob.get(&format!("/v1/users?username={name}")).await;
    assert_eq!(by_bob.status, 200, "another user is not limited: {by_bob:?}");
}

#[tokio::test]
async fn a_search_flood_is_limited_per_user_across_message_and_user_searches() {
    const FLOOD: usize = 20;
    let stack = Stack::new().await.env("CHAT_SEARCH_RATE_PER_MINUTE", "5").env("CHAT_SEARCH_BURST", "5");
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (alice, bob) = (api.register("alice").await, api.register("bob").await);

    let started = Instant::now();
    let flood = join_all((0..FLOOD).map(|n| {
        let alice = alice.clone();
        let path = if n % 2 == 0 { format!("/v1/search?q=guess{n}") } else { format!("/v1/users/search?q=guess{n}") };
        async move { alice.get(&path).await }
    }))
    .await;
    let elapsed = started.elapsed();
    let admitted = admitted(&flood, 200);
    assert!(admitted >= 5, "the burst passes: {admitted} of {FLOOD}");
    let allowed = admissible(5, 5, Duration::from_secs(60), elapsed);
    assert!(admitted <= allowed, "{admitted} searches admitted in {elapsed:?}, at most {allowed}");
    let refused = flood.iter().find(|reply| reply.status == 429).expect("a refused search");
    assert_eq!(refused.code(), Some("rate_limited"), "{refused:?}");
    assert!(refused.header("retry-after").is_some(), "{refused:?}");

    let by_bob = bob.get("/v1/search?q=anything").await;
    assert_eq!(by_bob.status, 200, "another user is not limited: {by_bob:?}");
}

#[tokio::test]
async fn a_domain_check_flood_is_limited_per_user_and_fetches_nothing_beyond_it() {
    const FLOOD: usize = 12;
    let stack = Stack::new().await.env("CHAT_DOMAIN_CHECK_RATE_PER_MINUTE", "3").env("CHAT_DOMAIN_CHECK_BURST", "3");
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (owner, other) = (api.register("owner").await, api.register("other").await);
    let site = Site::serve([]).await;
    let mut websites = Vec::new();
    for user in [&owner, &other] {
        let created = user.call(Method::POST, "/v1/websites", Some(json!({"name": "Shop"}))).await;
        let website = created.uuid("website_id");
        let path = format!("/v1/websites/{website}/domains");
        assert_eq!(user.call(Method::POST, &path, Some(json!({"domain": site.domain()}))).await.status, 201);
        websites.push(format!("{path}/{}/check", site.domain()));
    }

    let started = Instant::now();
    let flood = join_all((0..FLOOD).map(|_| owner.call(Method::POST, &websites[0], None))).await;
    let elapsed = started.elapsed();
    let admitted = admitted(&flood, 200);
    assert!(admitted >= 3, "the burst passes: {admitted} of {FLOOD}");
    let allowed = admissible(3, 3, Duration::from_secs(60), elapsed);
    assert!(admitted <= allowed, "{admitted} checks admitted in {elapsed:?}, at most {allowed}");
    let refused = flood.iter().find(|reply| reply.status == 429).expect("a refused check");
    assert_rate_limited(refused);
    // Each admitted check asked the site for the file and the home page; the refused asked nothing.
    assert_eq!(site.requests(), 2 * admitted, "requests the site saw");

    let by_other = other.call(Method::POST, &websites[1], None).await;
    assert_eq!(by_other.status, 200, "another user is not limited: {by_other:?}");
}

/// `POST /v1/widget/{website}/visitors` from `address` (behind the trusted proxy), `count` times.
async fn arrivals(api: &Api, website: Uuid, address: &str, count: usize) -> Vec<Reply> {
    join_all((0..count).map(|_| {
        let request = api
            .raw(Method::POST, &format!("/v1/widget/{website}/visitors"))
            .header("x-forwarded-for", address)
            .json(&json!({}));
        api.send(request)
    }))
    .await
}

#[tokio::test]
async fn new_visitors_are_limited_per_address_and_per_website_and_one_websites_flood_spares_another() {
    const FLOOD: usize = 20;
    let stack = Stack::new()
        .await
        .env("CHAT_VISITOR_RATE_PER_MINUTE", "5")
        .env("CHAT_VISITOR_BURST", "5")
        .env("CHAT_WEBSITE_VISITOR_RATE_PER_MINUTE", "8")
        .env("CHAT_WEBSITE_VISITOR_BURST", "8")
        .env("CHAT_TRUST_FORWARDED_FOR", "1");
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (flooded, spared) = (Shop::open(&api).await, Shop::open(&api).await);

    // One address floods a website: its burst passes, the rest is told when to retry.
    let started = Instant::now();
    let flood = arrivals(&api, flooded.website, "203.0.113.7", FLOOD).await;
    let from_one = admitted(&flood, 201);
    assert!(from_one >= 5, "the burst passes: {from_one} of {FLOOD}");
    assert!(from_one <= admissible(5, 5, Duration::from_secs(60), started.elapsed()), "{from_one} admitted");

    // Many addresses at the same website: its own limit (a refused address used none of it).
    let mut spread = Vec::new();
    for n in 0..FLOOD {
        spread.extend(arrivals(&api, flooded.website, &format!("198.51.100.{n}"), 1).await);
    }
    let from_many = admitted(&spread, 201);
    let allowed = admissible(8, 8, Duration::from_secs(60), started.elapsed());
    assert!(from_one + from_many <= allowed, "{from_one} + {from_many} admitted, at most {allowed}");
    assert!(from_many >= 8 - from_one.min(8), "the website's burst was left for them: {from_many}");

    // Another website is not slowed down by it, from any of those addresses.
    let elsewhere = arrivals(&api, spared.website, "198.51.100.1", 1).await;
    assert_eq!(elsewhere[0].status, 201, "{:?}", elsewhere[0]);
}

/// Limits for logins: 5 per minute per address, in a burst of 5.
fn login_limited(stack: Stack) -> Stack {
    stack.env("CHAT_AUTH_RATE_PER_MINUTE", "5").env("CHAT_AUTH_BURST", "5")
}

#[tokio::test]
async fn a_login_flood_is_limited_per_forwarded_address_behind_a_trusted_proxy() {
    const FLOOD: usize = 20;
    let stack = login_limited(Stack::new().await).env("CHAT_TRUST_FORWARDED_FOR", "1");
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;
    let name = username(&alice).await;

    let started = Instant::now();
    let flood = logins(&api, &name, Some("203.0.113.7"), FLOOD).await;
    let elapsed = started.elapsed();
    let admitted = admitted(&flood, 200);
    assert!(admitted >= 5, "the burst passes: {admitted} of {FLOOD}");
    let allowed = admissible(5, 5, Duration::from_secs(60), elapsed);
    assert!(admitted <= allowed, "{admitted} logins admitted in {elapsed:?}, at most {allowed}");

    let elsewhere = login(&api, &name, Some("198.51.100.9")).await;
    assert_eq!(elsewhere.status, 200, "another address is not limited: {elsewhere:?}");
    let proxied = login(&api, &name, Some("198.51.100.9, 203.0.113.7")).await;
    assert_rate_limited(&proxied);
}

#[tokio::test]
async fn without_a_trusted_proxy_x_forwarded_for_is_ignored() {
    const FLOOD: usize = 20;
    let stack = login_limited(Stack::new().await);
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await; // One attempt from 127.0.0.1.
    let name = username(&alice).await;

    let started = Instant::now();
    let flood = logins(&api, &name, Some("203.0.113.7"), FLOOD).await;
    let elapsed = started.elapsed();
    let admitted = admitted(&flood, 200);
    let allowed = admissible(5, 5, Duration::from_secs(60), elapsed);
    assert!(
        admitted < allowed,
        "the registration and the logins count for 127.0.0.1: {admitted} logins admitted in {elapsed:?}"
    );
    let spoofed = login(&api, &name, Some("198.51.100.9")).await;
    assert_rate_limited(&spoofed);
    let plain = login(&api, &name, None).await;
    assert_rate_limited(&plain);
}

#[tokio::test]
async fn a_connection_sending_commands_too_fast_is_told_to_slow_down_and_stays_usable() {
    const RATE: u32 = 5;
    const FRAMES: usize = 30;
    let stack = Stack::new().await.env("CHAT_WS_COMMAND_RATE", &RATE.to_string());
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;
    let room = alice.create_group("busy").await;
    let mut ws = Ws::connect(server.ws_url(), &alice.token, json!({})).await;

    let ids: Vec<String> = (0..FRAMES).map(|n| format!("burst-{n}")).collect();
    let started = Instant::now();
    for id in &ids {
        ws.post(id, room, &format!("message {id}"), id).await;
    }
    let answered = answers(&mut ws, &ids).await;
    let elapsed = started.elapsed();
    let posted = answered.values().filter(|frame| frame["type"] == "ack").count();
    for (id, frame) in answered.iter().filter(|(_, frame)| frame["type"] != "ack") {
        assert_rate_limited_frame(id, frame);
    }
    assert!(posted < FRAMES, "the excess is refused: {answered:?}");
    // The burst is twice the rate.
    let allowed = admissible(2 * RATE, RATE, Duration::from_secs(1), elapsed);
    assert!(posted <= allowed, "{posted} of {FRAMES} frames admitted in {elapsed:?}, at most {allowed}");
    assert!(posted >= 2 * RATE as usize, "the burst passes: {posted}");

    let mut other = Ws::connect(server.ws_url(), &alice.token, json!({})).await;
    other.post("elsewhere", room, "from my phone", "elsewhere").await;
    let elsewhere = answers(&mut other, &["elsewhere".to_owned()]).await;
    assert_eq!(elsewhere["elsewhere"]["type"], "ack", "the limit is per connection: {elsewhere:?}");

    ws.send(json!({"type": "ping", "id": "still-there"})).await;
    assert_eq!(ws.frame_of("pong").await["id"], "still-there");
    let deadline = Instant::now() + Duration::from_secs(20);
    for attempt in 0.. {
        let id = format!("later-{attempt}");
        ws.post(&id, room, "after a pause", "later").await;
        let answer = answers(&mut ws, std::slice::from_ref(&id)).await.remove(&id).unwrap();
        if answer["type"] == "ack" {
            break;
        }
        assert_rate_limited_frame(&id, &answer);
        assert!(Instant::now() < deadline, "the connection never admitted another command");
        // Waiting as long as the server asks is the point here, not a guess at timing.
        tokio::time::sleep(Duration::from_millis(answer["retry_after_ms"].as_u64().unwrap_or(100).max(10))).await;
    }
}

/// The headers every REST answer must carry.
fn assert_security_headers(case: &str, reply: &Reply) {
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{case}: {reply:?}");
    assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{case}: {reply:?}");
    assert_eq!(reply.header("cache-control"), Some("no-store"), "{case}: {reply:?}");
    assert!(reply.header("referrer-policy").is_some_and(|policy| !policy.is_empty()), "{case}: {reply:?}");
    let csp = reply.header("content-security-policy").unwrap_or_else(|| panic!("{case}: CSP missing: {reply:?}"));
    assert!(csp.contains("default-src 'none'"), "{case}: {csp}");
}

#[tokio::test]
async fn every_rest_answer_carries_the_security_headers() {
    // One login attempt per minute per address, so that the second attempt is surely refused.
    let stack = Stack::new()
        .await
        .env("CHAT_AUTH_RATE_PER_MINUTE", "1")
        .env("CHAT_AUTH_BURST", "1")
        .env("CHAT_TRUST_FORWARDED_FOR", "1");
    let server = Server::start(&stack, "commands").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;
    let room = alice.create_group("headers").await;
    let messages = format!("/v1/rooms/{room}/messages");
    let login_from = |address: &'static str| {
        let credentials = json!({"username": "nobody", "password": "whatever1"});
        api.raw(Method::POST, "/v1/auth/login").header("x-forwarded-for", address).json(&credentials)
    };
    let wrong_password = api.send(login_from("198.51.100.9")).await;
    let first_attempt = api.send(login_from("203.0.113.7")).await;
    assert_eq!(first_attempt.status, 401, "{first_attempt:?}");

    let raw_post = |path: &str, content_type: &'static str, body: Vec<u8>| {
        api.raw(Method::POST, path).bearer_auth(&alice.token).header("content-type", content_type).body(body)
    };
    let cases: Vec<(&str, u16, Reply)> = vec![
        ("health", 200, api.call(Method::GET, "/healthz", None, None).await),
        ("readiness", 200, api.call(Method::GET, "/readyz", None, None).await),
        (
            "created",
            201,
            api.call(Method::POST, "/v1/rooms", Some(&alice.token), Some(json!({"type": "group", "name": "x"}))).await,
        ),
        ("list", 200, alice.get("/v1/rooms").await),
        ("posted", 201, alice.post(room, "hello", "c-1").await),
        ("rate limited", 429, api.send(login_from("203.0.113.7")).await),
        ("no token", 401, api.call(Method::GET, "/v1/rooms", None, None).await),
        ("forged token", 401, api.call(Method::GET, "/v1/rooms", Some("forged"), None).await),
        ("wrong password", 401, wrong_password),
        ("no such room", 404, alice.get(&format!("/v1/rooms/{}", Uuid::now_v7())).await),
        ("no route", 404, api.call(Method::GET, "/v1/nowhere", None, None).await),
        ("wrong method", 405, api.call(Method::DELETE, "/v1/auth/login", None, None).await),
        ("bad path", 400, alice.get("/v1/rooms/not-a-uuid").await),
        ("malformed JSON", 400, api.send(raw_post(&messages, "application/json", b"{".to_vec())).await),
        ("wrong content type", 415, api.send(raw_post(&messages, "text/plain", b"hello".to_vec())).await),
        ("too large", 413, api.send(raw_post(&messages, "application/json", vec![b' '; 70 * 1024])).await),
        ("invalid input", 422, alice.post(room, "", "c-3").await),
    ];
    for (case, status, reply) in &cases {
        assert_eq!(reply.status, *status, "{case}: {reply:?}");
        assert_security_headers(case, reply);
    }
}

#[tokio::test]
async fn cors_admits_only_the_configured_origins() {
    let stack = Stack::new().await.env("CHAT_CORS_ORIGINS", "https://app.example");
    let server = Server::start(&stack, "commands").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;

    let preflight = |origin: &'static str| {
        api.raw(Method::OPTIONS, "/v1/rooms")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
    };
    let allowed = api.send(preflight("https://app.example")).await;
    assert!(allowed.status < 300, "{allowed:?}");
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://app.example"), "{allowed:?}");
    let methods = allowed.header("access-control-allow-methods").unwrap_or_default().to_ascii_uppercase();
    assert!(methods.contains("POST"), "{allowed:?}");
    let headers = allowed.header("access-control-allow-headers").unwrap_or_default().to_ascii_lowercase();
    assert!(headers.contains("authorization") && headers.contains("content-type"), "{allowed:?}");
    assert_eq!(allowed.header("access-control-allow-credentials"), None, "no cookies: {allowed:?}");

    let evil = api.send(preflight("https://evil.example")).await;
    assert_eq!(evil.header("access-control-allow-origin"), None, "{evil:?}");

    let read =
        |origin: &'static str| api.raw(Method::GET, "/v1/rooms").bearer_auth(&alice.token).header("origin", origin);
    let from_app = api.send(read("https://app.example")).await;
    assert_eq!((from_app.status, from_app.header("access-control-allow-origin")), (200, Some("https://app.example")));
    let from_evil = api.send(read("https://evil.example")).await;
    assert_eq!(from_evil.header("access-control-allow-origin"), None, "{from_evil:?}");
    let lookalike = api.send(preflight("https://app.example.evil.example")).await;
    assert_eq!(lookalike.header("access-control-allow-origin"), None, "{lookalike:?}");
}

#[tokio::test]
async fn no_cors_origin_is_admitted_unless_configured() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "commands").await;
    let api = Api::new(server.url());
    let preflight = api
        .raw(Method::OPTIONS, "/v1/rooms")
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST");
    let reply = api.send(preflight).await;
    assert_eq!(reply.header("access-control-allow-origin"), None, "{reply:?}");
}

#[tokio::test]
async fn passwords_tokens_and_message_bodies_stay_out_of_the_logs() {
    let stack = Stack::new().await.env("RUST_LOG", "info");
    let server = Server::start_capturing_logs(&stack, "up").await;
    let api = Api::new(server.url());
    let marker = Uuid::new_v4().simple().to_string();
    let password = format!("pw-{marker}-secret");
    let wrong_password = format!("wrong-{marker}-guess");
    let body = format!("confidential {marker} message");
    let ws_body = format!("whispered {marker} message");
    let username = format!("alice_{}", &marker[..8]);
    let credentials = json!({"username": username, "password": password});

    let registered = api.call(Method::POST, "/v1/auth/register", None, Some(credentials.clone())).await;
    assert_eq!(registered.status, 201, "{registered:?}");
    let wrong = api
        .call(Method::POST, "/v1/auth/login", None, Some(json!({"username": username, "password": wrong_password})))
        .await;
    assert_eq!(wrong.status, 401, "{wrong:?}");
    let session = api.call(Method::POST, "/v1/auth/login", None, Some(credentials.clone())).await;
    assert_eq!(session.status, 200, "{session:?}");
    let refresh = |token: &str| api.call(Method::POST, "/v1/auth/refresh", None, Some(json!({"refresh_token": token})));
    let refreshed = refresh(session.str("refresh_token")).await;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    let reused = refresh(session.str("refresh_token")).await;
    assert_eq!(reused.code(), Some("refresh_token_reused"), "{reused:?}");
    let token = refreshed.str("token").to_owned();
    let room = api.call(Method::POST, "/v1/rooms", Some(&token), Some(json!({"type": "group", "name": "logs"}))).await;
    let room = room.uuid("room_id");
    let posted = api
        .call(
            Method::POST,
            &format!("/v1/rooms/{room}/messages"),
            Some(&token),
            Some(json!({"body": body, "client_msg_id": "c-1"})),
        )
        .await;
    assert_eq!(posted.status, 201, "{posted:?}");
    let mut ws = Ws::connect(server.ws_url(), &token, json!({})).await;
    ws.post("w-1", room, &ws_body, "c-2").await;
    assert_eq!(answers(&mut ws, &["w-1".to_owned()]).await["w-1"]["type"], "ack");
    ws.close().await;

    // A server error, provoked in this test's own database: its answer must not explain it.
    let mut db = stack.db.connect().await;
    sqlx::query("DROP TABLE refresh_tokens CASCADE").execute(&mut db).await.expect("drop refresh_tokens");
    let broken = refresh(refreshed.str("refresh_token")).await;
    assert_eq!(broken.status, 500, "{broken:?}");
    assert_eq!(broken.body, json!({"error": {"code": "internal", "message": "internal error"}}), "{broken:?}");
    assert_security_headers("server error", &broken);
    let broken_login = api.call(Method::POST, "/v1/auth/login", None, Some(credentials)).await;
    assert_eq!(broken_login.body, json!({"error": {"code": "internal", "message": "internal error"}}));

    let logs = server.stop_and_collect_logs().await;
    assert!(logs.contains("API listening"), "info-level logs were captured:\n{logs}");
    assert!(logs.contains("refresh_tokens"), "the cause of the server error is logged:\n{logs}");
    let secrets = [
        ("the password", password.as_str()),
        ("a wrong password", wrong_password.as_str()),
        ("the registration's access token", registered.str("token")),
        ("the registration's refresh token", registered.str("refresh_token")),
        ("the login's access token", session.str("token")),
        ("the login's refresh token", session.str("refresh_token")),
        ("the refreshed access token", token.as_str()),
        ("the refreshed refresh token", refreshed.str("refresh_token")),
        ("the REST message body", body.as_str()),
        ("the WebSocket message body", ws_body.as_str()),
        ("the marker in the password and bodies", marker.as_str()),
    ];
    for (what, secret) in secrets {
        assert!(!logs.contains(secret), "{what} appears in the logs:\n{logs}");
    }
    for token in [registered.str("token"), session.str("token"), token.as_str()] {
        let signature = token.rsplit('.').next().unwrap();
        assert!(!logs.contains(signature), "a token's signature appears in the logs:\n{logs}");
    }
}
