//! Support-chat websites from the outside (docs/api.md §11): an owner registers a website,
//! lists domains and proves them against real local sites, sets up the widget and a team; and
//! nobody outside a website's team sees anything of it, route by route.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Api, Page, Reply, Server, Site, Stack, User, eventually};

/// How long the support read models may take to show a change while the suite runs.
const PROJECTED_WITHIN: Duration = Duration::from_secs(30);

async fn create_website(owner: &User, name: &str) -> Uuid {
    let reply = owner.call(Method::POST, "/v1/websites", Some(json!({"name": name}))).await;
    assert_eq!(reply.status, 201, "create website: {reply:?}");
    reply.uuid("website_id")
}

/// `GET /v1/websites/{id}` as `user`, once `ready` holds of it.
async fn website_when(user: &User, website: Uuid, what: &str, ready: impl Fn(&Value) -> bool) -> Value {
    eventually(what, PROJECTED_WITHIN, || async {
        let reply = user.get(&format!("/v1/websites/{website}")).await;
        (reply.status == 200 && ready(&reply.body)).then_some(reply.body)
    })
    .await
}

async fn add_domain(owner: &User, website: Uuid, domain: &str) -> Reply {
    owner.call(Method::POST, &format!("/v1/websites/{website}/domains"), Some(json!({"domain": domain}))).await
}

async fn check(owner: &User, website: Uuid, domain: &str) -> Reply {
    owner.call(Method::POST, &format!("/v1/websites/{website}/domains/{domain}/check"), None).await
}

/// Lists `site`'s domain on `website`, and returns its token.
async fn listed(owner: &User, website: Uuid, domain: &str) -> String {
    let reply = add_domain(owner, website, domain).await;
    assert_eq!(reply.status, 201, "add domain: {reply:?}");
    reply.str("token").to_owned()
}

#[tokio::test]
async fn an_owner_proves_a_domain_by_the_file_or_the_meta_tag_and_a_failed_recheck_takes_it_away() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let owner = api.register("owner").await;
    let website = create_website(&owner, "Shop").await;

    // The file.
    let by_file = Site::serve([]).await;
    let token = listed(&owner, website, &by_file.domain()).await;
    assert!(token.starts_with("chat-"), "{token}");
    let again = add_domain(&owner, website, &by_file.domain()).await;
    assert_eq!((again.status, again.str("token")), (200, token.as_str()), "listing it again keeps its token");
    by_file.set("/.well-known/chat-verification.txt", Page::text(format!("{token}\n")));
    let verified = check(&owner, website, &by_file.domain()).await;
    assert_eq!(verified.status, 200, "{verified:?}");
    assert_eq!(verified.body["verified"], true);
    assert_eq!(verified.body["method"], "well_known_file");
    assert_eq!(verified.body["failure"], Value::Null);

    // The meta tag (attributes in either order), on a site without the file.
    let by_meta = Site::serve([]).await;
    let token = listed(&owner, website, &by_meta.domain()).await;
    let head = format!(
        "<!doctype html><html><head><title>Shop</title><meta content='{token}' name='chat-verification'></head><body>Shop</body></html>"
    );
    by_meta.set("/", Page::html(head));
    let verified = check(&owner, website, &by_meta.domain()).await;
    assert_eq!((verified.body["verified"].clone(), verified.body["method"].clone()), (json!(true), json!("meta_tag")));

    let detail = website_when(&owner, website, "both domains verified", |body| {
        body["domains"]
            .as_array()
            .is_some_and(|domains| domains.iter().filter(|domain| domain["status"] == "verified").count() == 2)
    })
    .await;
    let domain =
        |name: &str| detail["domains"].as_array().unwrap().iter().find(|d| d["domain"] == name).unwrap().clone();
    assert_eq!(domain(&by_file.domain())["method"], "well_known_file");
    assert!(domain(&by_meta.domain())["checked_at"].is_string());

    // The owner takes the file down: the re-check fails and the domain is no longer verified.
    let domain_name = by_file.domain();
    drop(by_file);
    let gone = check(&owner, website, &domain_name).await;
    assert_eq!((gone.status, gone.body["verified"].clone()), (200, json!(false)), "{gone:?}");
    assert_eq!(gone.body["failure"], "unreachable");
    website_when(&owner, website, "the domain failed", |body| {
        body["domains"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["domain"] == domain_name.as_str() && d["status"] == "failed" && d["failure"] == "unreachable")
    })
    .await;
}

#[tokio::test]
async fn the_server_checks_verified_domains_again_and_one_that_stopped_publishing_loses_the_widget() {
    // Verifications stand for a second here (a day by default).
    let stack = Stack::new().await.env("CHAT_DOMAIN_RECHECK_SECS", "1");
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let owner = api.register("owner").await;
    let website = create_website(&owner, "Shop").await;
    let kept = Site::serve([]).await;
    let moved = Site::serve([]).await;
    for site in [&kept, &moved] {
        let token = listed(&owner, website, &site.domain()).await;
        site.set("/.well-known/chat-verification.txt", Page::text(token));
        assert_eq!(check(&owner, website, &site.domain()).await.body["verified"], true);
    }
    let widget = || async { api.call(Method::GET, &format!("/v1/widget/{website}"), None, None).await.status };
    eventually("the widget served", PROJECTED_WITHIN, || async { (widget().await == 200).then_some(()) }).await;

    // One site now publishes another token (the domain changed hands): the re-check takes its
    // verification away, while the other stays verified and keeps being looked at.
    moved.set("/.well-known/chat-verification.txt", Page::text("chat-00000000000000000000000000000000"));
    let requests = kept.requests();
    let detail = website_when(&owner, website, "the moved domain failed on its re-check", |body| {
        body["domains"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["domain"] == moved.domain().as_str() && d["status"] == "failed")
    })
    .await;
    let status = |name: String| {
        detail["domains"].as_array().unwrap().iter().find(|d| d["domain"] == name.as_str()).unwrap().clone()
    };
    assert_eq!(status(moved.domain())["failure"], "token_mismatch");
    assert_eq!(status(kept.domain())["status"], "verified");
    eventually("the kept domain re-checked too", PROJECTED_WITHIN, || async {
        (kept.requests() > requests).then_some(())
    })
    .await;
    assert_eq!(widget().await, 200, "one verified domain is enough for the widget");

    // Without any verified domain left, the website takes no visitors.
    kept.set("/.well-known/chat-verification.txt", Page::text("chat-00000000000000000000000000000000"));
    eventually("no widget once no domain is verified", PROJECTED_WITHIN, || async {
        (widget().await == 404).then_some(())
    })
    .await;
}

#[tokio::test]
async fn checks_fail_with_a_reason_and_never_reach_private_addresses() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let owner = api.register("owner").await;
    let website = create_website(&owner, "Shop").await;

    let cases: Vec<(Site, &str)> = vec![
        (
            Site::serve([("/.well-known/chat-verification.txt", Page::text("chat-not-the-right-token-at-all"))]).await,
            "token_mismatch",
        ),
        (
            Site::serve([
                ("/.well-known/chat-verification.txt", Page::Redirect("/a".to_owned())),
                ("/a", Page::Redirect("/.well-known/chat-verification.txt".to_owned())),
                ("/", Page::Redirect("/a".to_owned())),
            ])
            .await,
            "too_many_redirects",
        ),
        (Site::serve([("/.well-known/chat-verification.txt", Page::Endless)]).await, "too_large"),
        (Site::serve([("/.well-known/chat-verification.txt", Page::Silent), ("/", Page::Silent)]).await, "timeout"),
        (Site::serve([("/.well-known/chat-verification.txt", Page::html("<html>app shell</html>"))]).await, "not_text"),
        (
            Site::serve([("/", Page::html("<html><head><title>Shop</title></head><body>Hi</body></html>"))]).await,
            "token_not_found",
        ),
    ];
    for (site, failure) in &cases {
        listed(&owner, website, &site.domain()).await;
        let reply = check(&owner, website, &site.domain()).await;
        assert_eq!(reply.status, 200, "{failure}: {reply:?}");
        assert_eq!(
            (reply.body["verified"].clone(), reply.body["failure"].clone()),
            (json!(false), json!(failure)),
            "{reply:?}"
        );
    }
    // A redirect to the cloud metadata address is refused without connecting.
    let to_metadata = Site::serve([(
        "/.well-known/chat-verification.txt",
        Page::Redirect("http://169.254.169.254/latest/meta-data/".to_owned()),
    )])
    .await;
    listed(&owner, website, &to_metadata.domain()).await;
    let reply = check(&owner, website, &to_metadata.domain()).await;
    assert_eq!(reply.body["failure"], "forbidden_address", "{reply:?}");
    // Private addresses are refused even though the test servers may reach loopback.
    for private in ["10.0.0.1", "192.168.1.1:8080", "169.254.169.254"] {
        listed(&owner, website, private).await;
        let reply = check(&owner, website, private).await;
        assert_eq!(reply.body["failure"], "forbidden_address", "{private}: {reply:?}");
    }
}

#[tokio::test]
async fn without_the_test_setting_loopback_is_a_forbidden_address_too() {
    let stack = Stack::new().await.env("CHAT_VERIFY_ALLOW_LOOPBACK", "false");
    let server = Server::start(&stack, "up").await;
    let owner = Api::new(server.url()).register("owner").await;
    let website = create_website(&owner, "Shop").await;
    let site = Site::serve([("/.well-known/chat-verification.txt", Page::text("whatever"))]).await;
    for domain in [site.domain(), format!("localhost:{}", site.port), "127.0.0.1".to_owned()] {
        listed(&owner, website, &domain).await;
        let reply = check(&owner, website, &domain).await;
        assert_eq!(reply.body["failure"], "forbidden_address", "{domain}: {reply:?}");
    }
}

#[tokio::test]
async fn the_owner_sets_up_the_widget_and_a_team_and_agents_see_only_their_websites() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (owner, agent, other_owner) =
        (api.register("owner").await, api.register("agent").await, api.register("other").await);
    let shop = create_website(&owner, "Shop").await;
    let blog = create_website(&other_owner, "Blog").await;

    let username = eventually("the agent's profile", PROJECTED_WITHIN, || async {
        let me = agent.get("/v1/me").await;
        (me.status == 200).then(|| me.str("username").to_owned())
    })
    .await;
    let added =
        owner.call(Method::POST, &format!("/v1/websites/{shop}/agents"), Some(json!({"username": username}))).await;
    assert_eq!(
        (added.status, added.uuid("user_id"), added.body["changed"].clone()),
        (200, agent.id, json!(true)),
        "{added:?}"
    );
    let unknown = owner
        .call(Method::POST, &format!("/v1/websites/{shop}/agents"), Some(json!({"username": "nobody_here"})))
        .await;
    assert_eq!((unknown.status, unknown.code()), (404, Some("user_not_found")));

    let settings = json!({
        "color": "purple", "size": "large", "language": "de", "position": "left",
        "greeting": "Hallo! Wie können wir helfen?", "pre_chat_form": true,
        "business_hours": {"time_zone": "Europe/Berlin", "days": [
            {"opens": 540, "closes": 1020}, {"opens": 540, "closes": 1020}, {"opens": 540, "closes": 1020},
            {"opens": 540, "closes": 1020}, {"opens": 540, "closes": 960}, null, null]},
    });
    let changed = owner.call(Method::PUT, &format!("/v1/websites/{shop}/widget"), Some(settings.clone())).await;
    assert_eq!((changed.status, changed.body["changed"].clone()), (200, json!(true)), "{changed:?}");
    let mut bad = settings.clone();
    bad["business_hours"]["time_zone"] = json!("Mars");
    let refused = owner.call(Method::PUT, &format!("/v1/websites/{shop}/widget"), Some(bad)).await;
    assert_eq!(
        (refused.status, refused.code(), refused.body["error"]["field"].clone()),
        (422, Some("invalid_input"), json!("business_hours"))
    );
    let by_agent = agent.call(Method::PUT, &format!("/v1/websites/{shop}/widget"), Some(settings.clone())).await;
    assert_eq!((by_agent.status, by_agent.code()), (403, Some("not_allowed")));

    let seen = website_when(&agent, shop, "the agent on the team and the widget set", |body| {
        body["settings"]["color"] == "purple" && body["agents"].as_array().is_some_and(|agents| agents.len() == 2)
    })
    .await;
    assert_eq!(seen["role"], "agent");
    assert_eq!(seen["settings"], settings);
    assert_eq!(seen["agents"][0]["role"], "owner");
    let list = agent.get("/v1/websites").await;
    assert_eq!(list.body["websites"].as_array().unwrap().len(), 1, "{list:?}");
    assert_eq!(list.body["websites"][0]["website_id"], shop.to_string());
    // Nothing of the other website, by any route.
    for (method, path, body) in [
        (Method::GET, format!("/v1/websites/{blog}"), None),
        (Method::PATCH, format!("/v1/websites/{blog}"), Some(json!({"name": "Mine"}))),
        (Method::POST, format!("/v1/websites/{blog}/domains"), Some(json!({"domain": "evil.example"}))),
        (Method::POST, format!("/v1/websites/{blog}/domains/evil.example/check"), None),
        (Method::POST, format!("/v1/websites/{blog}/agents"), Some(json!({"username": username}))),
        (Method::DELETE, format!("/v1/websites/{blog}/agents/{}", other_owner.id), None),
    ] {
        let reply = agent.call(method.clone(), &path, body).await;
        assert_eq!((reply.status, reply.code()), (404, Some("website_not_found")), "{method} {path}: {reply:?}");
    }
    // The agent leaves; the owner cannot.
    let owner_leaves = owner.call(Method::DELETE, &format!("/v1/websites/{shop}/agents/{}", owner.id), None).await;
    assert_eq!((owner_leaves.status, owner_leaves.code()), (409, Some("owner_cannot_leave")));
    let left = agent.call(Method::DELETE, &format!("/v1/websites/{shop}/agents/{}", agent.id), None).await;
    assert_eq!((left.status, left.body["changed"].clone()), (200, json!(true)));
    eventually("the agent off the team", PROJECTED_WITHIN, || async {
        (agent.get(&format!("/v1/websites/{shop}")).await.status == 404).then_some(())
    })
    .await;
}
