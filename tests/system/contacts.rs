//! Contacts and blocking (docs/api.md §14): requests answered on both sides, presence shared
//! with contacts, and what a block does — no direct messages either way, no presence for the
//! blocked user, and nothing that tells them.

use std::time::Duration;

use futures::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Api, Reply, Server, Stack, User, Ws, eventually};

/// How long the read models (and presence) may take to show a change.
const PROJECTED_WITHIN: Duration = Duration::from_secs(15);

async fn ask(from: &User, to: Uuid) -> Reply {
    from.call(Method::POST, "/v1/contacts/requests", Some(json!({"user_id": to}))).await
}

async fn act(user: &User, method: Method, path: String) -> Reply {
    let reply = user.call(method, &path, None).await;
    assert_eq!(reply.status, 200, "{path}: {reply:?}");
    reply
}

/// `user`'s contact list once `check` holds for it.
async fn contacts_until(user: &User, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    eventually(what, PROJECTED_WITHIN, || async {
        let list = user.get("/v1/contacts").await;
        assert_eq!(list.status, 200, "{list:?}");
        check(&list.body).then_some(list.body)
    })
    .await
}

fn ids(entries: &Value) -> Vec<String> {
    entries.as_array().unwrap().iter().map(|entry| entry["user_id"].as_str().unwrap().to_owned()).collect()
}

/// `(presence, presence_since)` of `user` as `viewer` gets it, once `check` holds.
async fn presence_until(viewer: &User, user: Uuid, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    eventually(what, PROJECTED_WITHIN, || async {
        let profile = viewer.get(&format!("/v1/users/{user}")).await;
        assert_eq!(profile.status, 200, "{profile:?}");
        check(&profile.body).then_some(profile.body)
    })
    .await
}

fn hidden(profile: &Value) -> bool {
    profile["presence"] == "offline" && profile["presence_since"].is_null()
}

fn online(profile: &Value) -> bool {
    profile["presence"] == "online"
}

#[tokio::test]
async fn a_request_accepted_makes_contacts_who_see_each_others_presence_until_removed() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (ada, bob, cleo) = (api.register("ada").await, api.register("bob").await, api.register("cleo").await);

    let asked = ask(&ada, bob.id).await;
    assert_eq!(asked.status, 200, "{asked:?}");
    assert_eq!(asked.body, json!({"relation": "outgoing", "blocked": false, "changed": true}));
    assert_eq!(ask(&ada, bob.id).await.body["changed"], false, "asking again writes nothing");
    // One's own request is not one's own to accept.
    let own = ada.call(Method::POST, &format!("/v1/contacts/requests/{}/accept", bob.id), None).await;
    assert_eq!((own.status, own.code()), (404, Some("contact_request_not_found")));

    let bobs = contacts_until(&bob, "ada's request in bob's list", |list| ids(&list["incoming"]).len() == 1).await;
    assert_eq!(bobs["incoming"][0]["username"], ada.username.as_str());
    assert!(bobs["incoming"][0]["presence"].is_null(), "requests carry no presence: {bobs}");
    let accepted = act(&bob, Method::POST, format!("/v1/contacts/requests/{}/accept", ada.id)).await;
    assert_eq!(accepted.body["relation"], "contact");

    let adas =
        contacts_until(&ada, "bob among ada's contacts", |list| ids(&list["contacts"]) == [bob.id.to_string()]).await;
    assert_eq!((adas["incoming"].clone(), adas["outgoing"].clone()), (json!([]), json!([])));
    assert_eq!(adas["contacts"][0]["presence"], "offline");

    // Ada and Bob share no room: being contacts is what shows Bob her presence. Cleo, a
    // stranger, sees who Ada is but not how she is.
    let _connected = Ws::connect(server.ws_url(), &ada.token, json!({})).await;
    presence_until(&bob, ada.id, "bob to see ada online", online).await;
    contacts_until(&bob, "ada online in bob's contacts", |list| list["contacts"][0]["presence"] == "online").await;
    assert!(hidden(&cleo.get(&format!("/v1/users/{}", ada.id)).await.body), "a stranger sees no presence");

    let removed = act(&bob, Method::DELETE, format!("/v1/contacts/{}", ada.id)).await;
    assert_eq!(removed.body, json!({"relation": null, "blocked": false, "changed": true}));
    contacts_until(&ada, "bob gone from ada's contacts", |list| list["contacts"] == json!([])).await;
    presence_until(&bob, ada.id, "bob to lose sight of ada", hidden).await;
}

#[tokio::test]
async fn declining_and_withdrawing_end_a_request_on_both_sides() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (ada, bob) = (api.register("ada").await, api.register("bob").await);

    ask(&ada, bob.id).await;
    contacts_until(&bob, "the request", |list| ids(&list["incoming"]).len() == 1).await;
    let declined = act(&bob, Method::POST, format!("/v1/contacts/requests/{}/decline", ada.id)).await;
    assert_eq!(declined.body["relation"], Value::Null);
    contacts_until(&ada, "the declined request gone", |list| list["outgoing"] == json!([])).await;

    ask(&ada, bob.id).await;
    contacts_until(&bob, "the second request", |list| ids(&list["incoming"]).len() == 1).await;
    act(&ada, Method::DELETE, format!("/v1/contacts/requests/{}", bob.id)).await;
    contacts_until(&bob, "the withdrawn request gone", |list| list["incoming"] == json!([])).await;
}

#[tokio::test]
async fn two_people_asking_each_other_at_once_become_contacts_on_both_sides() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let mut pairs = Vec::new();
    for _ in 0..8 {
        pairs.push((api.register("ada").await, api.register("bob").await));
    }
    let asked = join_all(pairs.iter().flat_map(|(ada, bob)| [ask(ada, bob.id), ask(bob, ada.id)])).await;
    for reply in &asked {
        // `busy` only if the retries of the server ran out; none of these is that contended.
        assert_eq!(reply.status, 200, "{reply:?}");
    }
    for (ada, bob) in &pairs {
        for (user, other) in [(ada, bob), (bob, ada)] {
            let list = contacts_until(user, "the pair as contacts", |list| {
                list["incoming"] == json!([]) && list["outgoing"] == json!([]) && list["contacts"] != json!([])
            })
            .await;
            assert_eq!(ids(&list["contacts"]), [other.id.to_string()]);
        }
    }
}

#[tokio::test]
async fn a_block_stops_direct_messages_both_ways_hides_presence_and_tells_the_blocked_nothing() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (ada, bob, cleo) = (api.register("ada").await, api.register("bob").await, api.register("cleo").await);
    let opened = ada.call(Method::POST, "/v1/rooms", Some(json!({"type": "direct", "user_id": bob.id}))).await;
    assert_eq!(opened.status, 201, "{opened:?}");
    let direct = opened.uuid("room_id");
    assert_eq!(ada.post(direct, "hi bob", "before-1").await.status, 201);
    // Cleo shares a group room with Bob.
    let group = bob.create_group("bob and cleo").await;
    assert_eq!(cleo.join(group).await.status, 200);
    // Ada asked Bob to be a contact; Bob is online.
    ask(&ada, bob.id).await;
    let _bob_online = Ws::connect(server.ws_url(), &bob.token, json!({})).await;
    presence_until(&ada, bob.id, "ada to see bob online (they share a room)", online).await;

    let blocked = act(&bob, Method::PUT, format!("/v1/blocks/{}", ada.id)).await;
    assert_eq!(blocked.body, json!({"relation": null, "blocked": true, "changed": true}));
    assert_eq!(act(&bob, Method::PUT, format!("/v1/blocks/{}", ada.id)).await.body["changed"], false);

    // Neither writes in the direct room any more, nor opens it again; both keep its history.
    let refused = eventually("ada's post refused", PROJECTED_WITHIN, || async {
        let reply = ada.post(direct, "are you there?", &Uuid::new_v4().to_string()).await;
        (reply.status != 201).then_some(reply)
    })
    .await;
    assert_eq!((refused.status, refused.code()), (403, Some("direct_blocked")), "{refused:?}");
    let theirs = bob.post(direct, "bye", "after-1").await;
    assert_eq!((theirs.status, theirs.code()), (403, Some("direct_blocked")), "the blocker cannot write either");
    let reopened = ada.call(Method::POST, "/v1/rooms", Some(json!({"type": "direct", "user_id": bob.id}))).await;
    assert_eq!((reopened.status, reopened.code()), (403, Some("direct_blocked")));
    let history = ada.history(direct, 10).await;
    assert_eq!(history.status, 200, "{history:?}");

    // Bob's presence is gone for Ada (as if offline, never seen), not for Cleo.
    presence_until(&ada, bob.id, "ada to lose sight of bob", hidden).await;
    presence_until(&cleo, bob.id, "cleo to still see bob", online).await;

    // Nothing tells Ada: her request stays pending for her, her block list is her own, and Bob's
    // holds her.
    let adas = contacts_until(&ada, "ada's list", |_| true).await;
    assert_eq!(ids(&adas["outgoing"]), [bob.id.to_string()], "{adas}");
    assert_eq!(ada.get("/v1/blocks").await.body, json!({"blocked": []}));
    eventually("ada in bob's block list", PROJECTED_WITHIN, || async {
        let list = bob.get("/v1/blocks").await;
        (ids(&list.body["blocked"]) == [ada.id.to_string()]).then_some(())
    })
    .await;
    let bobs = contacts_until(&bob, "bob's list", |_| true).await;
    assert_eq!(bobs["incoming"], json!([]), "her request never reaches him: {bobs}");
    // Asking someone you block is refused until you unblock them.
    assert_eq!(ask(&bob, ada.id).await.code(), Some("user_blocked"));

    // Unblocked, the direct room works again, and Bob asking finds Ada's pending request.
    act(&bob, Method::DELETE, format!("/v1/blocks/{}", ada.id)).await;
    eventually("ada's post accepted again", PROJECTED_WITHIN, || async {
        (ada.post(direct, "hello again", "after-unblock").await.status == 201).then_some(())
    })
    .await;
    assert_eq!(ask(&bob, ada.id).await.body["relation"], "contact");
}

#[tokio::test]
async fn contact_actions_refuse_oneself_unknown_users_and_malformed_input() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let ada = api.register("ada").await;

    let own = ask(&ada, ada.id).await;
    assert_eq!((own.status, own.code()), (422, Some("contact_with_self")));
    let blocked_self = ada.call(Method::PUT, &format!("/v1/blocks/{}", ada.id), None).await;
    assert_eq!((blocked_self.status, blocked_self.code()), (422, Some("contact_with_self")));
    let nobody = ask(&ada, Uuid::new_v4()).await;
    assert_eq!((nobody.status, nobody.code()), (404, Some("user_not_found")));
    let nobody = ada.call(Method::PUT, &format!("/v1/blocks/{}", Uuid::new_v4()), None).await;
    assert_eq!((nobody.status, nobody.code()), (404, Some("user_not_found")));
    let path = ada.call(Method::PUT, "/v1/blocks/not-a-uuid", None).await;
    assert_eq!((path.status, path.code()), (400, Some("invalid_path")));
    for body in [json!({}), json!({"user_id": "ada"}), json!({"user_id": ada.id, "note": "hi"})] {
        let reply = ada.call(Method::POST, "/v1/contacts/requests", Some(body.clone())).await;
        assert_eq!((reply.status, reply.code()), (422, Some("invalid_request")), "{body}");
    }
}

#[tokio::test]
async fn over_the_websocket_a_blocked_user_gets_none_of_the_blockers_presence_or_typing_nor_word_of_the_block() {
    let stack = Stack::new()
        .await
        .env("CHAT_PRESENCE_HEARTBEAT_MS", "300")
        .env("CHAT_PRESENCE_GRACE_MS", "400")
        .env("CHAT_PRESENCE_BATCH_MS", "100");
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (ada, bob, cleo) = (api.register("ada").await, api.register("bob").await, api.register("cleo").await);
    let room = bob.create_group("the three").await;
    assert_eq!(ada.join(room).await.status, 200);
    assert_eq!(cleo.join(room).await.status, 200);
    eventually("three members in the read model", PROJECTED_WITHIN, || async {
        (bob.get(&format!("/v1/rooms/{room}")).await.body["member_count"] == 3).then_some(())
    })
    .await;
    let resume = json!({room.to_string(): 0});
    let mut a = Ws::connect(server.ws_url(), &ada.token, resume.clone()).await;
    let mut c = Ws::connect(server.ws_url(), &cleo.token, resume.clone()).await;
    let mut b = Ws::connect(server.ws_url(), &bob.token, resume).await;
    a.presence_of(bob.id, PROJECTED_WITHIN).await;

    act(&bob, Method::PUT, format!("/v1/blocks/{}", ada.id)).await;
    // Bob's sessions hear of his block (and from then on it is in force on the gateway).
    let told = b.frame_of("contacts").await;
    assert_eq!(told["event"], json!({"type": "UserBlocked", "user": ada.id}), "{told}");

    // Bob types and goes away: Cleo sees both, Ada neither, and nothing about the block.
    b.send(json!({"type": "typing", "room_id": room, "typing": true})).await;
    assert_eq!(c.frame_of("typing").await["user_id"], bob.id.to_string());
    b.send(json!({"type": "presence", "status": "away"})).await;
    c.presence_until(bob.id, "away", PROJECTED_WITHIN).await;
    let quiet = tokio::time::Instant::now() + Duration::from_secs(2);
    while let Ok(incoming) = tokio::time::timeout_at(quiet, a.frame()).await {
        assert!(incoming["type"] != "typing" && incoming["type"] != "contacts", "ada got {incoming}");
    }
    a.assert_no_presence_of(bob.id, Duration::from_secs(1)).await;

    // Unblocked, his presence reaches her again.
    act(&bob, Method::DELETE, format!("/v1/blocks/{}", ada.id)).await;
    assert_eq!(b.frame_of("contacts").await["event"]["type"], "UserUnblocked");
    b.send(json!({"type": "presence", "status": "online"})).await;
    a.presence_until(bob.id, "online", PROJECTED_WITHIN).await;
}
