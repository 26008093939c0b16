//! Moderation (docs/api.md §3.13) through the real API and gateway: a banned user is removed
//! at once and cannot come back by any path until unbanned; a room's topic and description
//! reach its members live and show in its details and the directory; a deleted room is gone
//! for every member over REST and WebSocket.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Api, Reply, Server, Stack, User, Ws, eventually};

/// How long the read models may take to catch up (generous: the suite runs in parallel).
const PROJECTED_WITHIN: Duration = Duration::from_secs(30);

/// A public room of `alice`'s that `bob` joined, with an invite of `alice`'s: its id and code.
async fn room_with_bob(alice: &User, bob: &User) -> (Uuid, String) {
    let room = alice.create_group("Book club").await;
    assert_eq!(bob.join(room).await.status, 200);
    let made = alice.call(Method::POST, &format!("/v1/rooms/{room}/invites"), Some(json!({}))).await;
    assert_eq!(made.status, 201, "{made:?}");
    (room, made.str("code").to_owned())
}

/// The next room event `ws` receives, as `(type, the event)`.
async fn next_event(ws: &mut Ws) -> (String, Value) {
    let frame = ws.frame_of("event").await;
    (frame["event"]["type"].as_str().unwrap_or_default().to_owned(), frame["event"].clone())
}

/// The next room event of type `kind` (a new connection first replays the room from the join).
async fn event_of(ws: &mut Ws, kind: &str) -> Value {
    loop {
        let (type_, event) = next_event(ws).await;
        if type_ == kind {
            return event;
        }
    }
}

/// `user`'s room list once it holds exactly `rooms`.
async fn room_list(user: &User, rooms: &[Uuid]) {
    let want: Vec<String> = rooms.iter().map(Uuid::to_string).collect();
    eventually("the room list", PROJECTED_WITHIN, || async {
        let list = user.get("/v1/rooms").await;
        let ids: Vec<String> =
            list.body["rooms"].as_array()?.iter().filter_map(|r| r["room_id"].as_str().map(str::to_owned)).collect();
        (ids == want).then_some(())
    })
    .await;
}

fn refused(reply: &Reply, status: u16, code: &str) {
    assert_eq!((reply.status, reply.code()), (status, Some(code)), "{reply:?}");
}

#[tokio::test]
async fn a_banned_user_cannot_return_by_joining_an_invite_or_being_added_until_unbanned() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (alice, bob) = (api.register("alice").await, api.register("bob").await);
    let (room, code) = room_with_bob(&alice, &bob).await;
    let mut bobs = Ws::connect(server.ws_url(), &bob.token, json!({})).await;

    let ban = json!({"user_id": bob.id, "reason": "  spam  "});
    let banned = alice.call(Method::POST, &format!("/v1/rooms/{room}/bans"), Some(ban.clone())).await;
    assert_eq!((banned.status, banned.body["changed"].clone()), (200, json!(true)), "{banned:?}");
    // Bob's connection hears of the ban and his removal, then nothing more of the room.
    assert_eq!(event_of(&mut bobs, "MemberBanned").await["reason"], "spam");
    let (kind, event) = next_event(&mut bobs).await;
    assert_eq!((kind.as_str(), event["removed_by"].as_str()), ("MemberLeft", Some(alice.id.to_string().as_str())));
    alice.post(room, "after the ban", "a-1").await;
    bobs.assert_silent(Duration::from_millis(500)).await;
    room_list(&bob, &[]).await;
    refused(&bob.history(room, 10).await, 403, "not_a_member");

    // No way back: joining, the invite, being added.
    refused(&bob.join(room).await, 403, "user_banned");
    refused(&bob.call(Method::POST, &format!("/v1/invites/{code}/accept"), None).await, 403, "user_banned");
    let add = format!("/v1/rooms/{room}/members/{}", bob.id);
    refused(&alice.call(Method::PUT, &add, None).await, 403, "user_banned");
    let again = alice.call(Method::POST, &format!("/v1/rooms/{room}/bans"), Some(ban)).await;
    assert_eq!(again.body["changed"], false, "{again:?}");

    let bans = eventually("the ban in the list", PROJECTED_WITHIN, || async {
        let list = alice.get(&format!("/v1/rooms/{room}/bans")).await;
        (list.body["bans"].as_array().is_some_and(|bans| bans.len() == 1)).then_some(list)
    })
    .await;
    let listed = &bans.body["bans"][0];
    assert_eq!(
        (listed["user_id"].as_str(), listed["username"].as_str(), listed["reason"].as_str()),
        (Some(bob.id.to_string().as_str()), Some(bob.username.as_str()), Some("spam"))
    );
    refused(&bob.get(&format!("/v1/rooms/{room}/bans")).await, 403, "not_a_member");

    // Unbanning lets him back, but does not add him.
    let unbanned = alice.call(Method::DELETE, &format!("/v1/rooms/{room}/bans/{}", bob.id), None).await;
    assert_eq!((unbanned.status, unbanned.body["changed"].clone()), (200, json!(true)), "{unbanned:?}");
    refused(&bob.history(room, 10).await, 403, "not_a_member");
    let accepted = bob.call(Method::POST, &format!("/v1/invites/{code}/accept"), None).await;
    assert_eq!(accepted.status, 200, "{accepted:?}");
    room_list(&bob, &[room]).await;
    eventually("the ban gone from the list", PROJECTED_WITHIN, || async {
        let list = alice.get(&format!("/v1/rooms/{room}/bans")).await;
        (list.body["bans"] == json!([])).then_some(())
    })
    .await;
}

#[tokio::test]
async fn moderators_ban_only_those_below_them() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (alice, bob, carol) = (api.register("alice").await, api.register("bob").await, api.register("carol").await);
    let (room, _) = room_with_bob(&alice, &bob).await;
    assert_eq!(carol.join(room).await.status, 200);
    let role = json!({"role": "admin"});
    assert_eq!(
        alice.call(Method::PUT, &format!("/v1/rooms/{room}/members/{}/role", bob.id), Some(role)).await.status,
        200
    );

    let bans = format!("/v1/rooms/{room}/bans");
    refused(&bob.call(Method::POST, &bans, Some(json!({"user_id": alice.id}))).await, 403, "not_allowed");
    refused(&carol.call(Method::POST, &bans, Some(json!({"user_id": bob.id}))).await, 403, "not_allowed");
    // (Reads check membership in the read models, which trail Carol's join by a moment.)
    eventually("Carol's membership in the read models", PROJECTED_WITHIN, || async {
        (carol.get(&format!("/v1/rooms/{room}")).await.status == 200).then_some(())
    })
    .await;
    refused(&carol.get(&bans).await, 403, "not_allowed");
    let long = "x".repeat(501);
    refused(
        &bob.call(Method::POST, &bans, Some(json!({"user_id": carol.id, "reason": long}))).await,
        422,
        "invalid_input",
    );
    refused(&bob.call(Method::POST, &bans, Some(json!({"user_id": Uuid::now_v7()}))).await, 404, "user_not_found");
    // An admin bans a member; the owner bans an admin.
    assert_eq!(bob.call(Method::POST, &bans, Some(json!({"user_id": carol.id}))).await.status, 200);
    assert_eq!(alice.call(Method::POST, &bans, Some(json!({"user_id": bob.id}))).await.status, 200);
    refused(&bob.join(room).await, 403, "user_banned");
}

#[tokio::test]
async fn settings_reach_members_live_and_show_in_the_room_and_the_directory() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (alice, bob) = (api.register("alice").await, api.register("bob").await);
    let (room, _) = room_with_bob(&alice, &bob).await;
    let mut bobs = Ws::connect(server.ws_url(), &bob.token, json!({})).await;

    let path = format!("/v1/rooms/{room}");
    let body = json!({"topic": " Novels of 2026 ", "description": "We read.\nThen we talk."});
    let changed = alice.call(Method::PATCH, &path, Some(body)).await;
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(event_of(&mut bobs, "RoomTopicChanged").await["topic"], "Novels of 2026");
    let (kind, event) = next_event(&mut bobs).await;
    assert_eq!(
        (kind.as_str(), event["description"].as_str()),
        ("RoomDescriptionChanged", Some("We read.\nThen we talk."))
    );

    eventually("the topic in the room's details", PROJECTED_WITHIN, || async {
        let detail = bob.get(&path).await;
        (detail.body["topic"] == "Novels of 2026" && detail.body["description"] == "We read.\nThen we talk.")
            .then_some(())
    })
    .await;
    let directory = bob.get("/v1/directory/rooms?q=Book").await;
    assert_eq!(directory.body["rooms"][0]["topic"], "Novels of 2026", "{directory:?}");

    // Clearing one field leaves the other; the same again changes nothing.
    let cleared = alice.call(Method::PATCH, &path, Some(json!({"topic": null}))).await;
    assert_eq!((cleared.status, cleared.body["changed"].clone()), (200, json!(true)), "{cleared:?}");
    let (kind, event) = next_event(&mut bobs).await;
    assert_eq!((kind.as_str(), event["topic"].clone()), ("RoomTopicChanged", Value::Null));
    let same = alice.call(Method::PATCH, &path, Some(json!({"topic": ""}))).await;
    assert_eq!(same.body["changed"], false, "{same:?}");

    refused(&bob.call(Method::PATCH, &path, Some(json!({"topic": "mine"}))).await, 403, "not_allowed");
    let long = "x".repeat(251);
    refused(&alice.call(Method::PATCH, &path, Some(json!({"topic": long}))).await, 422, "invalid_input");
    refused(&alice.call(Method::PATCH, &path, Some(json!({"topic": "a\u{7}b"}))).await, 422, "invalid_input");
    refused(&alice.call(Method::PATCH, &path, Some(json!({"name": "x"}))).await, 422, "invalid_request");
}

#[tokio::test]
async fn a_deleted_room_is_gone_for_every_member_over_rest_and_ws() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (alice, bob) = (api.register("alice").await, api.register("bob").await);
    let (room, code) = room_with_bob(&alice, &bob).await;
    let upload = bob.upload(b"hello, file".to_vec(), Some("text/plain"), "note.txt").await;
    let file = upload.uuid("upload_id");
    assert_eq!(bob.post_files(room, Some("a needle"), "b-1", &[file]).await.status, 201);
    let attachment = format!("/v1/rooms/{room}/attachments/{file}");
    eventually("the attachment downloadable", PROJECTED_WITHIN, || async {
        (alice.download(&attachment, &[]).await.status == 200).then_some(())
    })
    .await;
    let mut bobs = Ws::connect(server.ws_url(), &bob.token, json!({})).await;

    refused(&bob.call(Method::DELETE, &format!("/v1/rooms/{room}"), None).await, 403, "not_allowed");
    let deleted = alice.call(Method::DELETE, &format!("/v1/rooms/{room}"), None).await;
    assert_eq!(deleted.status, 200, "{deleted:?}");
    event_of(&mut bobs, "RoomDeleted").await;
    // Every member leaves in the same commit; Bob hears up to his own leaving.
    loop {
        let (kind, event) = next_event(&mut bobs).await;
        assert_eq!(kind, "MemberLeft", "{event}");
        if event["user_id"] == bob.id.to_string() {
            break;
        }
    }
    bobs.send(json!({"type": "post", "id": "w1", "room_id": room, "body": "anyone?", "client_msg_id": "w1"})).await;
    let error = bobs.frame_of("error").await;
    assert_eq!(error["code"], "room_not_found", "{error}");

    for user in [&alice, &bob] {
        room_list(user, &[]).await;
        eventually("the room gone", PROJECTED_WITHIN, || async {
            (user.get(&format!("/v1/rooms/{room}")).await.code() == Some("room_not_found")).then_some(())
        })
        .await;
        refused(&user.history(room, 10).await, 404, "room_not_found");
        assert_eq!(user.download(&attachment, &[]).await.status, 404);
        refused(&user.post(room, "hello?", "late").await, 404, "room_not_found");
        refused(&user.join(room).await, 404, "room_not_found");
        let found = user.get("/v1/search?q=needle").await;
        assert_eq!(found.body["results"], json!([]), "{found:?}");
    }
    refused(&bob.call(Method::POST, &format!("/v1/invites/{code}/accept"), None).await, 404, "room_not_found");
    refused(&alice.call(Method::DELETE, &format!("/v1/rooms/{room}"), None).await, 404, "room_not_found");
    // A new connection is not given the room.
    let fresh = Ws::connect(server.ws_url(), &alice.token, json!({})).await;
    assert_eq!(fresh.ready["rooms"], json!([]), "{}", fresh.ready);
}
