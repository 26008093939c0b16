//! Support chat end to end (docs/api.md §11–§12): a website's visitor starts a conversation
//! from the widget's routes and chats with the website's agents like in any room — REST and
//! WebSocket, with the inbox, assignment, resolution and reopening as events — and a visitor's
//! token reaches nothing but the visitor's own conversations.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Connection;
use uuid::Uuid;

use crate::harness::{Api, Page, Reply, Server, Site, Stack, User, Ws, events_behind, eventually};

mod identity;

/// How long the read models may take to show a change while the suite runs.
const PROJECTED_WITHIN: Duration = Duration::from_secs(30);

/// A website with a verified domain (served by `site`), its owner and one more agent.
pub(crate) struct Shop {
    pub(crate) website: Uuid,
    owner: User,
    agent: User,
    site: Site,
}

impl Shop {
    pub(crate) async fn open(api: &Api) -> Self {
        let owner = api.register("owner").await;
        let agent = api.register("agent").await;
        let website = owner.call(Method::POST, "/v1/websites", Some(json!({"name": "Shop"}))).await.uuid("website_id");
        let site = Site::serve([]).await;
        let listed = owner
            .call(Method::POST, &format!("/v1/websites/{website}/domains"), Some(json!({"domain": site.domain()})))
            .await;
        site.set("/.well-known/chat-verification.txt", Page::text(listed.str("token")));
        let checked =
            owner.call(Method::POST, &format!("/v1/websites/{website}/domains/{}/check", site.domain()), None).await;
        assert_eq!(checked.body["verified"], true, "{checked:?}");
        eventually("the agent's profile", PROJECTED_WITHIN, || async {
            (agent.get("/v1/me").await.status == 200).then_some(())
        })
        .await;
        let added = owner
            .call(Method::POST, &format!("/v1/websites/{website}/agents"), Some(json!({"username": agent.username})))
            .await;
        assert_eq!(added.status, 200, "{added:?}");
        eventually("the widget available", PROJECTED_WITHIN, || async {
            (api.call(Method::GET, &format!("/v1/widget/{website}"), None, None).await.status == 200).then_some(())
        })
        .await;
        Self { website, owner, agent, site }
    }

    /// A new visitor of the shop.
    async fn visitor(&self, api: &Api, name: Option<&str>) -> Visitor {
        let body = json!({"display_name": name});
        let session = api.call(Method::POST, &format!("/v1/widget/{}/visitors", self.website), None, Some(body)).await;
        assert_eq!(session.status, 201, "{session:?}");
        Visitor {
            user: User {
                id: session.uuid("visitor_id"),
                username: String::new(),
                token: session.str("token").to_owned(),
                api: api.clone(),
            },
            session,
        }
    }

    /// The inbox as `agent` sees it (empty while the read models do not show them on the
    /// team yet).
    async fn inbox(&self, agent: &User, status: &str) -> Vec<Value> {
        let reply = agent.get(&format!("/v1/websites/{}/conversations?status={status}", self.website)).await;
        assert!(matches!(reply.status, 200 | 404), "{reply:?}");
        reply.body["conversations"].as_array().cloned().unwrap_or_default()
    }
}

struct Visitor {
    user: User,
    session: Reply,
}

/// A system with a shop whose visitor started a conversation and asked "hello?" in it.
struct Asked {
    server: Server,
    api: Api,
    shop: Shop,
    visitor: Visitor,
    room: Uuid,
}

impl Asked {
    async fn on(stack: &Stack) -> Self {
        let server = Server::start(stack, "up").await;
        let api = Api::new(server.url());
        let shop = Shop::open(&api).await;
        let visitor = shop.visitor(&api, None).await;
        let room = visitor.start(shop.website).await;
        assert_eq!(visitor.user.post(room, "hello?", "v-1").await.status, 201);
        Self { server, api, shop, visitor, room }
    }
}

impl Visitor {
    async fn start(&self, website: Uuid) -> Uuid {
        let context = json!({"page_url": "https://shop.example/cart", "referrer": "https://search.example/?q=shoes", "language": "de-DE"});
        let started = self.user.call(Method::POST, &format!("/v1/widget/{website}/conversations"), Some(context)).await;
        assert_eq!(started.status, 201, "{started:?}");
        started.uuid("room_id")
    }
}

/// The inbox entry of `room` once `ready` holds of it.
async fn in_inbox(shop: &Shop, agent: &User, status: &str, room: Uuid, ready: impl Fn(&Value) -> bool) -> Value {
    eventually(&format!("the conversation in the {status} inbox"), PROJECTED_WITHIN, || async {
        shop.inbox(agent, status).await.into_iter().find(|c| c["room_id"] == room.to_string() && ready(c))
    })
    .await
}

#[tokio::test]
async fn a_visitor_and_the_agents_chat_and_the_inbox_follows_assignment_resolution_and_reopening() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let shop = Shop::open(&api).await;

    let widget = api.call(Method::GET, &format!("/v1/widget/{}", shop.website), None, None).await;
    assert_eq!((widget.str("name"), widget.body["settings"]["color"].clone()), ("Shop", json!("blue")), "{widget:?}");
    let visitor = shop.visitor(&api, None).await;
    assert!(visitor.session.str("display_name").starts_with("Visitor "), "{:?}", visitor.session);
    let room = visitor.start(shop.website).await;
    let mut visitor_ws = Ws::connect(server.ws_url(), &visitor.user.token, json!({})).await;
    let mut agent_ws = Ws::connect(server.ws_url(), &shop.agent.token, json!({})).await;

    let posted = visitor.user.post(room, "Where is my order?", "v-1").await;
    assert_eq!(posted.status, 201, "{posted:?}");
    let seen = agent_ws.messages(room, 1).await;
    assert_eq!(seen[0].1, "Where is my order?");
    let entry = in_inbox(&shop, &shop.agent, "open", room, |c| c["last_message_preview"] == "Where is my order?").await;
    assert_eq!(entry["assignee_id"], Value::Null);
    assert_eq!(entry["joined"], true);
    assert_eq!(entry["unread_count"], 1);
    assert_eq!(entry["page_url"], "https://shop.example/cart");
    assert_eq!(entry["language"], "de-DE");
    assert_eq!(entry["visitor_name"], visitor.session.body["display_name"]);
    assert!(shop.inbox(&shop.agent, "unassigned").await.iter().any(|c| c["room_id"] == room.to_string()));

    // The agent answers over the WebSocket; the visitor gets it live.
    agent_ws.post("a-1", room, "It ships today.", "a-1").await;
    let answered = visitor_ws.messages(room, 2).await;
    assert_eq!(
        answered.iter().map(|(_, body)| body.as_str()).collect::<Vec<_>>(),
        ["Where is my order?", "It ships today."]
    );

    // Assign, resolve: events every member sees, and the inbox follows.
    let assign = format!("/v1/rooms/{room}/assign");
    let assigned = shop.agent.call(Method::POST, &assign, Some(json!({"user_id": shop.agent.id}))).await;
    assert_eq!((assigned.status, assigned.body["changed"].clone()), (200, json!(true)), "{assigned:?}");
    in_inbox(&shop, &shop.agent, "mine", room, |c| c["assignee_id"] == shop.agent.id.to_string()).await;
    let resolved = shop.agent.call(Method::POST, &format!("/v1/rooms/{room}/resolve"), None).await;
    assert_eq!(resolved.status, 200, "{resolved:?}");
    let mut kinds = Vec::new();
    while kinds.len() < 2 {
        let frame = visitor_ws.frame().await;
        if frame["type"] == "event" && frame["room_id"] == room.to_string() {
            kinds.push(frame["event"]["type"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(kinds, ["ConversationAssigned", "ConversationResolved"]);
    in_inbox(&shop, &shop.agent, "resolved", room, |_| true).await;

    // The visitor writes again: the conversation reopens, in one commit with the post.
    let again = visitor.user.post(room, "One more thing", "v-2").await;
    assert_eq!(again.status, 201, "{again:?}");
    let room_events = |frame: &Value| frame["type"] == "event" && frame["room_id"] == room.to_string();
    let reopened = loop {
        let frame = agent_ws.frame().await;
        if room_events(&frame) && frame["event"]["type"] == "ConversationReopened" {
            break frame;
        }
    };
    assert_eq!(reopened["event"]["reopened_by"], visitor.user.id.to_string());
    let next = loop {
        let frame = agent_ws.frame().await;
        if room_events(&frame) {
            break frame;
        }
    };
    assert_eq!(
        (next["event"]["type"].clone(), next["event"]["body"].clone()),
        (json!("MessagePosted"), json!("One more thing"))
    );
    assert_eq!(next["seq"].as_u64(), reopened["seq"].as_u64().map(|seq| seq + 1));
    in_inbox(&shop, &shop.agent, "open", room, |c| c["last_message_preview"] == "One more thing").await;

    // The visitor comes back later: the refresh token gives a visitor's token again, and the
    // conversation is theirs to read.
    let refreshed = api
        .call(
            Method::POST,
            "/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": visitor.session.str("refresh_token")})),
        )
        .await;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    let returning = User { token: refreshed.str("token").to_owned(), ..visitor.user.clone() };
    let mine = returning.get(&format!("/v1/widget/{}/conversations", shop.website)).await;
    assert_eq!(mine.body["conversations"][0]["room_id"], room.to_string(), "{mine:?}");
    let history = returning.history(room, 50).await;
    assert_eq!(history.status, 200, "{history:?}");
    assert_eq!(returning.get("/v1/rooms").await.code(), Some("visitor_not_allowed"));
}

#[tokio::test]
async fn a_visitor_reaches_only_their_own_conversations_and_an_agent_only_their_websites() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let shop = Shop::open(&api).await;
    let other_shop = Shop::open(&api).await;
    let alice = shop.visitor(&api, Some("Alice")).await;
    let mallory = shop.visitor(&api, Some("Mallory")).await;
    let alices = alice.start(shop.website).await;
    assert_eq!(alice.user.post(alices, "my address is …", "a-1").await.status, 201);
    let group = shop.owner.create_group("staff only").await;
    eventually("Alice's conversation in the read models", PROJECTED_WITHIN, || async {
        (alice.user.history(alices, 10).await.status == 200).then_some(())
    })
    .await;

    // Another visitor of the same website: nothing of Alice's conversation.
    assert_eq!(mallory.user.history(alices, 10).await.code(), Some("not_a_member"));
    assert_eq!(mallory.user.post(alices, "hi", "m-1").await.code(), Some("not_a_member"));
    let read =
        mallory.user.call(Method::POST, &format!("/v1/rooms/{alices}/read"), Some(json!({"up_to_seq": 1}))).await;
    assert_eq!(read.code(), Some("not_a_member"));
    let theirs = mallory.user.get(&format!("/v1/widget/{}/conversations", shop.website)).await;
    assert_eq!(theirs.body["conversations"], json!([]), "{theirs:?}");
    let mut ws = Ws::connect(server.ws_url(), &mallory.user.token, json!({})).await;
    ws.post("m-2", alices, "hi", "m-2").await;
    let answer = ws.frame_of("error").await;
    assert_eq!(answer["code"], "not_a_member", "{answer}");
    assert_eq!(ws.ready["rooms"].as_array().map(Vec::len).unwrap_or(0), 0, "{}", ws.ready);

    // No member route takes a visitor's token: no listing, no lookup, no creating, no joining.
    for (method, path, body) in [
        (Method::GET, "/v1/me".to_owned(), None),
        (Method::GET, "/v1/rooms".to_owned(), None),
        (Method::GET, format!("/v1/rooms/{alices}"), None),
        (Method::GET, format!("/v1/users/{}", shop.agent.id), None),
        (Method::GET, format!("/v1/users?username={}", shop.agent.username), None),
        (Method::GET, "/v1/directory/rooms".to_owned(), None),
        (Method::GET, "/v1/search?q=hello".to_owned(), None),
        (Method::GET, format!("/v1/users/search?q={}", shop.agent.username), None),
        (Method::POST, "/v1/rooms".to_owned(), Some(json!({"type": "group", "name": "mine"}))),
        (Method::POST, "/v1/rooms".to_owned(), Some(json!({"type": "direct", "user_id": shop.agent.id}))),
        (Method::POST, format!("/v1/rooms/{group}/join"), None),
        (Method::GET, "/v1/websites".to_owned(), None),
        (Method::GET, format!("/v1/websites/{}/conversations", shop.website), None),
        (Method::POST, format!("/v1/rooms/{alices}/assign"), Some(json!({"user_id": null}))),
        (Method::POST, format!("/v1/rooms/{alices}/resolve"), None),
    ] {
        let reply = mallory.user.call(method.clone(), &path, body).await;
        assert_eq!((reply.status, reply.code()), (403, Some("visitor_not_allowed")), "{method} {path}: {reply:?}");
    }
    // Another website's routes: as if it did not exist.
    let elsewhere = mallory.user.get(&format!("/v1/widget/{}/conversations", other_shop.website)).await;
    assert_eq!((elsewhere.status, elsewhere.code()), (404, Some("website_not_found")));
    let start = mallory
        .user
        .call(Method::POST, &format!("/v1/widget/{}/conversations", other_shop.website), Some(json!({})))
        .await;
    assert_eq!((start.status, start.code()), (404, Some("website_not_found")));
    // A member's token is not a visitor's.
    let member = shop.agent.get(&format!("/v1/widget/{}/conversations", shop.website)).await;
    assert_eq!((member.status, member.code()), (403, Some("not_allowed")));

    // An agent of another website sees nothing of this one's inbox or conversations.
    let inbox = other_shop.agent.get(&format!("/v1/websites/{}/conversations", shop.website)).await;
    assert_eq!((inbox.status, inbox.code()), (404, Some("website_not_found")));
    assert_eq!(other_shop.agent.history(alices, 10).await.code(), Some("not_a_member"));
    let join = other_shop.agent.call(Method::POST, &format!("/v1/rooms/{alices}/join"), None).await;
    assert_eq!((join.status, join.code()), (409, Some("membership_managed")), "{join:?}");

    // Unknown and unverified websites take no visitors.
    let unverified =
        shop.owner.call(Method::POST, "/v1/websites", Some(json!({"name": "Draft"}))).await.uuid("website_id");
    for website in [Uuid::now_v7(), unverified] {
        let widget = api.call(Method::GET, &format!("/v1/widget/{website}"), None, None).await;
        assert_eq!((widget.status, widget.code()), (404, Some("website_not_found")));
        let arrive = api.call(Method::POST, &format!("/v1/widget/{website}/visitors"), None, Some(json!({}))).await;
        assert_eq!((arrive.status, arrive.code()), (404, Some("website_not_found")));
    }
}

#[tokio::test]
async fn an_agent_added_later_joins_a_conversation_and_can_be_assigned_it() {
    let stack = Stack::new().await;
    let Asked { server: _server, api, shop, visitor, room } = Asked::on(&stack).await;

    let newcomer = api.register("newcomer").await;
    eventually("the newcomer's profile", PROJECTED_WITHIN, || async {
        (newcomer.get("/v1/me").await.status == 200).then_some(())
    })
    .await;
    let stranger = api.register("stranger").await;
    let path = format!("/v1/websites/{}/agents", shop.website);
    assert_eq!(shop.owner.call(Method::POST, &path, Some(json!({"username": newcomer.username}))).await.status, 200);
    let entry = in_inbox(&shop, &newcomer, "open", room, |_| true).await;
    assert_eq!(entry["joined"], false, "{entry}");
    assert_eq!(newcomer.history(room, 10).await.code(), Some("not_a_member"));
    let assign = format!("/v1/rooms/{room}/assign");
    let to_stranger = shop.agent.call(Method::POST, &assign, Some(json!({"user_id": stranger.id}))).await;
    assert_eq!((to_stranger.status, to_stranger.code()), (422, Some("target_not_a_member")), "{to_stranger:?}");
    let to_visitor = shop.agent.call(Method::POST, &assign, Some(json!({"user_id": visitor.user.id}))).await;
    assert_eq!(to_visitor.status, 422, "the visitor is no agent: {to_visitor:?}");
    // Assigned to the newcomer, who joins it with the assignment.
    let assigned = shop.agent.call(Method::POST, &assign, Some(json!({"user_id": newcomer.id}))).await;
    assert_eq!(assigned.status, 200, "{assigned:?}");
    eventually("the newcomer in the conversation", PROJECTED_WITHIN, || async {
        (newcomer.history(room, 10).await.status == 200).then_some(())
    })
    .await;
    in_inbox(&shop, &newcomer, "mine", room, |c| c["joined"] == true).await;
    // Or joins by themselves: the owner, in it from the start, changes nothing.
    let joined = shop.owner.call(Method::POST, &format!("/v1/rooms/{room}/join"), None).await;
    assert_eq!((joined.status, joined.body["changed"].clone()), (200, json!(false)), "{joined:?}");
}

/// The widget's built files in a directory of their own, removed when dropped.
struct WidgetFiles(std::path::PathBuf);

impl WidgetFiles {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("chat-widget-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(dir.join("widget/assets")).expect("widget dir");
        std::fs::write(dir.join("index.html"), "<!doctype html><title>chat</title>").expect("index.html");
        std::fs::write(dir.join("widget/index.html"), "<!doctype html><title>widget</title>").expect("widget page");
        std::fs::write(dir.join("widget/embed.js"), "/* loader */").expect("loader");
        Self(dir)
    }
}

impl Drop for WidgetFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn the_widget_is_framed_and_called_only_from_the_websites_verified_origins() {
    let files = WidgetFiles::new();
    let stack = Stack::new().await.env("CHAT_WEB_DIR", files.0.to_str().expect("UTF-8 path"));
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let shop = Shop::open(&api).await;
    let domain = shop.site.domain();
    let verified = format!("http://{domain}");
    let header = |reply: &reqwest::Response, name: &str| {
        reply.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    };

    let loader = api.raw(Method::GET, &format!("/embed.js?id={}", shop.website)).send().await.unwrap();
    assert_eq!(loader.status(), 200);
    assert_eq!(header(&loader, "cross-origin-resource-policy"), "cross-origin");
    assert_eq!(loader.text().await.unwrap(), "/* loader */");

    // The page: framable by the website's verified origins, nowhere else.
    let page =
        api.raw(Method::GET, &format!("/widget/{}?colorPreset=red&size=large", shop.website)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let policy = header(&page, "content-security-policy");
    assert!(policy.ends_with(&format!("frame-ancestors https://{domain} http://{domain}")), "{policy}");
    assert_eq!(header(&page, "x-frame-options"), "", "it would contradict frame-ancestors");
    assert_eq!(page.text().await.unwrap(), "<!doctype html><title>widget</title>");
    let draft = shop.owner.call(Method::POST, "/v1/websites", Some(json!({"name": "Draft"}))).await.uuid("website_id");
    for website in [draft, Uuid::now_v7()] {
        let refused = api.raw(Method::GET, &format!("/widget/{website}")).send().await.unwrap();
        assert_eq!(refused.status(), 404);
        assert!(header(&refused, "content-security-policy").contains("frame-ancestors 'none'"));
        assert_eq!(header(&refused, "x-frame-options"), "DENY");
    }

    // CORS: the verified origin may call the widget's routes; another may not.
    let preflight = |origin: &str, website: Uuid| {
        api.raw(Method::OPTIONS, &format!("/v1/widget/{website}/visitors"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let allowed = preflight(&verified, shop.website).await.unwrap();
    assert_eq!(allowed.status(), 204);
    assert_eq!(header(&allowed, "access-control-allow-origin"), verified);
    assert!(header(&allowed, "access-control-allow-methods").contains("POST"));
    for (origin, website) in [("https://evil.example", shop.website), (verified.as_str(), draft)] {
        let refused = preflight(origin, website).await.unwrap();
        assert_eq!(refused.status(), 403, "{origin}");
        assert_eq!(refused.json::<Value>().await.unwrap()["error"]["code"], "origin_not_allowed");
    }
    let from =
        |origin: &str| api.raw(Method::GET, &format!("/v1/widget/{}", shop.website)).header("origin", origin).send();
    let ours = from(&verified).await.unwrap();
    assert_eq!((ours.status().as_u16(), header(&ours, "access-control-allow-origin")), (200, verified.clone()));
    let theirs = from("https://evil.example").await.unwrap();
    assert_eq!((theirs.status().as_u16(), header(&theirs, "access-control-allow-origin")), (200, String::new()));
    // The members' API takes no part in it.
    let members = api.raw(Method::GET, "/v1/rooms").header("origin", verified.as_str()).send().await.unwrap();
    assert_eq!(header(&members, "access-control-allow-origin"), "");
}

#[tokio::test]
async fn an_agent_taken_off_the_team_leaves_its_conversations_and_unassigns_theirs() {
    let stack = Stack::new().await;
    let Asked { server: _server, api: _api, shop, visitor, room } = Asked::on(&stack).await;
    let assigned = shop
        .agent
        .call(Method::POST, &format!("/v1/rooms/{room}/assign"), Some(json!({"user_id": shop.agent.id})))
        .await;
    assert_eq!(assigned.status, 200, "{assigned:?}");
    in_inbox(&shop, &shop.agent, "mine", room, |_| true).await;

    let removed =
        shop.owner.call(Method::DELETE, &format!("/v1/websites/{}/agents/{}", shop.website, shop.agent.id), None).await;
    assert_eq!((removed.status, removed.body["changed"].clone()), (200, json!(true)), "{removed:?}");
    eventually("the former agent out of the conversation", PROJECTED_WITHIN, || async {
        (shop.agent.history(room, 10).await.code() == Some("not_a_member")).then_some(())
    })
    .await;
    let entry = in_inbox(&shop, &shop.owner, "unassigned", room, |_| true).await;
    assert_eq!(entry["assignee_id"], Value::Null);
    let post = shop.agent.post(room, "still here?", "a-1").await;
    assert_eq!(post.code(), Some("not_a_member"), "{post:?}");
    // The visitor and the owner carry on.
    assert_eq!(visitor.user.post(room, "anyone?", "v-2").await.status, 201);
    assert_eq!(shop.owner.post(room, "yes, me", "o-1").await.status, 201);
}

#[tokio::test]
async fn a_former_agent_a_crash_left_in_a_conversation_is_dismissed_by_the_upkeep() {
    // Upkeep rounds a second apart (they follow the domains' re-check interval, a minute at most).
    let stack = Stack::new().await.env("CHAT_DOMAIN_RECHECK_SECS", "1");
    let Asked { server: _server, api: _api, shop, visitor, room } = Asked::on(&stack).await;
    assert_eq!(shop.agent.post(room, "Hi, I'm here.", "a-1").await.status, 201);

    // The team changes and the process stops before it dismisses the agent anywhere: the
    // website's AgentRemoved is in the event store, the agent still in the conversation.
    let mut db = sqlx::PgConnection::connect(&stack.db.url).await.expect("the test database");
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT 'website', $1, MAX(sequence) + 1, 'AgentRemoved', '1.0',
                jsonb_build_object('type', 'AgentRemoved', 'user_id', $2::text, 'removed_by', $3::text),
                jsonb_build_object('actor', $3::text, 'request_id', 'crashed', 'via', 'rest')
         FROM events WHERE aggregate_type = 'website' AND aggregate_id = $1",
    )
    .bind(shop.website.to_string())
    .bind(shop.agent.id.to_string())
    .bind(shop.owner.id.to_string())
    .execute(&mut db)
    .await
    .expect("append AgentRemoved");

    eventually("the former agent dismissed by the upkeep", PROJECTED_WITHIN, || async {
        (shop.agent.history(room, 10).await.code() == Some("not_a_member")).then_some(())
    })
    .await;
    // The visitor and the owner carry on; the owner is never dismissed.
    assert_eq!(visitor.user.post(room, "anyone?", "v-2").await.status, 201);
    assert_eq!(shop.owner.post(room, "yes, me", "o-1").await.status, 201);
}

#[tokio::test]
async fn the_relay_keeps_up_with_websites_events_as_with_every_aggregates() {
    // Website events go to NATS like any other: a stream that did not take them once stopped
    // the relay at the first one (and with it, after a batch, every live delivery).
    let stack = Stack::new().await;
    let asked = Asked::on(&stack).await;
    eventually("the relay caught up", PROJECTED_WITHIN, || async {
        (events_behind(asked.server.url(), "relay").await == Some(0)).then_some(())
    })
    .await;
}
