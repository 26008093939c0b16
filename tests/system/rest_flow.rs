//! What a user sees through the REST API: rooms, membership, messages, history.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Api, Server, Stack, User, eventually};

async fn system() -> (Stack, Server, Api) {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    (stack, server, api)
}

/// The history once it holds `count` messages (the read model trails the commands).
async fn history_with(user: &User, room: Uuid, count: usize) -> Vec<Value> {
    eventually("history to catch up", Duration::from_secs(10), || async {
        let reply = user.history(room, 200).await;
        let messages = reply.body["messages"].as_array()?.clone();
        (reply.status == 200 && messages.len() == count).then_some(messages)
    })
    .await
}

#[tokio::test]
async fn a_member_posts_and_reads_history_and_a_stranger_cannot() {
    let (_db, _server, api) = system().await;
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let room = alice.create_group("general").await;

    let posted = alice.post(room, "hello", "c-1").await;
    assert_eq!(posted.status, 201, "{posted:?}");
    assert_eq!(posted.u64("seq"), 3, "RoomCreated and the owner's MemberJoined come first");

    let messages = history_with(&alice, room, 1).await;
    assert_eq!(messages[0]["body"], "hello");
    assert_eq!(messages[0]["seq"], 3);
    assert_eq!(messages[0]["author_id"], alice.id.to_string());
    assert_eq!(messages[0]["message_id"], posted.body["message_id"]);

    let read = bob.history(room, 50).await;
    assert_eq!((read.status, read.code()), (403, Some("not_a_member")));
    let write = bob.post(room, "let me in", "c-2").await;
    assert_eq!((write.status, write.code()), (403, Some("not_a_member")));
    let nowhere = Uuid::now_v7();
    let read = bob.history(nowhere, 50).await;
    assert_eq!((read.status, read.code()), (404, Some("room_not_found")));
    let write = bob.post(nowhere, "anyone?", "c-3").await;
    assert_eq!((write.status, write.code()), (404, Some("room_not_found")));
    let detail = bob.get(&format!("/v1/rooms/{room}")).await;
    assert_eq!((detail.status, detail.code()), (403, Some("not_a_member")));
    assert_eq!(bob.get("/v1/rooms").await.body["rooms"], json!([]));
}

#[tokio::test]
async fn members_edit_delete_react_and_mark_read() {
    let (_db, _server, api) = system().await;
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let room = alice.create_group("general").await;
    assert_eq!(bob.join(room).await.u64("seq"), 3);
    let posted = bob.post(room, "first draft", "b-1").await;
    let message = posted.uuid("message_id");
    let path = format!("/v1/rooms/{room}/messages/{message}");

    let edit = |user: &User, body: &str| {
        let (user, path, body) = (user.clone(), path.clone(), body.to_owned());
        async move { user.call(Method::PATCH, &path, Some(json!({"body": body}))).await }
    };
    let refused = edit(&alice, "owner rewrites").await;
    assert_eq!((refused.status, refused.code()), (403, Some("not_the_author")));
    let edited = edit(&bob, "final text").await;
    assert_eq!((edited.status, edited.u64("seq")), (200, 5));

    for user in [&alice, &bob] {
        let reacted = user.call(Method::PUT, &format!("{path}/reactions/%F0%9F%91%8D"), None).await;
        assert_eq!(reacted.status, 200, "{reacted:?}");
    }
    let again = bob.call(Method::PUT, &format!("{path}/reactions/%F0%9F%91%8D"), None).await;
    assert_eq!(again.body["changed"], false);
    let messages = eventually("reactions in history", Duration::from_secs(10), || async {
        let messages = bob.history(room, 10).await.body["messages"].as_array().cloned()?;
        (messages.first()?["reactions"][0]["count"] == 2).then_some(messages)
    })
    .await;
    assert_eq!(messages[0]["body"], "final text");
    assert!(messages[0]["edited_at"].is_string());
    assert_eq!(messages[0]["reactions"][0]["reaction"], "👍");
    assert_eq!(messages[0]["reactions"][0]["user_ids"], json!([alice.id, bob.id]));

    let marked = bob.call(Method::POST, &format!("/v1/rooms/{room}/read"), Some(json!({"up_to_seq": 5}))).await;
    assert_eq!((marked.status, marked.body["changed"].clone()), (200, json!(true)));
    let stale = bob.call(Method::POST, &format!("/v1/rooms/{room}/read"), Some(json!({"up_to_seq": 4}))).await;
    assert_eq!((stale.status, stale.body["changed"].clone()), (200, json!(false)));
    let beyond = bob.call(Method::POST, &format!("/v1/rooms/{room}/read"), Some(json!({"up_to_seq": 999}))).await;
    assert_eq!((beyond.status, beyond.code()), (422, Some("seq_out_of_range")));

    let deleted = alice.call(Method::DELETE, &path, None).await;
    assert_eq!(deleted.status, 200, "the owner moderates: {deleted:?}");
    let after = edit(&bob, "too late").await;
    assert_eq!((after.status, after.code()), (409, Some("message_deleted")));
    let messages = eventually("deletion in history", Duration::from_secs(10), || async {
        let messages = bob.history(room, 10).await.body["messages"].as_array().cloned()?;
        messages.first()?["deleted_at"].is_string().then_some(messages)
    })
    .await;
    assert_eq!(messages[0]["body"], Value::Null);
    assert_eq!(messages[0]["reactions"], json!([]));

    let rooms = eventually("bob's read marker", Duration::from_secs(10), || async {
        let rooms = bob.get("/v1/rooms").await.body["rooms"].as_array().cloned()?;
        (rooms.first()?["last_read_seq"] == 5).then_some(rooms)
    })
    .await;
    assert_eq!(rooms[0]["member_count"], 2);
    assert_eq!(rooms[0]["message_count"], 0, "the only message was deleted");
}

#[tokio::test]
async fn a_direct_room_is_unique_per_pair() {
    let (_db, _server, api) = system().await;
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    eventually("bob in the users read model", Duration::from_secs(10), || async {
        (alice.get("/v1/me").await.status == 200 && bob.get("/v1/me").await.status == 200).then_some(())
    })
    .await;

    let opened = alice.call(Method::POST, "/v1/rooms", Some(json!({"type": "direct", "user_id": bob.id}))).await;
    assert_eq!(opened.status, 201, "{opened:?}");
    let again = bob.call(Method::POST, "/v1/rooms", Some(json!({"type": "direct", "user_id": alice.id}))).await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.body["room_id"], opened.body["room_id"]);

    let with_self = alice.call(Method::POST, "/v1/rooms", Some(json!({"type": "direct", "user_id": alice.id}))).await;
    assert_eq!((with_self.status, with_self.code()), (422, Some("direct_room_with_self")));
    let ghost = alice.call(Method::POST, "/v1/rooms", Some(json!({"type": "direct", "user_id": Uuid::now_v7()}))).await;
    assert_eq!((ghost.status, ghost.code()), (404, Some("user_not_found")));

    let room = opened.uuid("room_id");
    let join = api.register("carol").await.join(room).await;
    assert_eq!((join.status, join.code()), (409, Some("direct_room_membership_fixed")));
}

#[tokio::test]
async fn private_rooms_admit_only_those_an_admin_adds() {
    let (_db, _server, api) = system().await;
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let created = alice
        .call(Method::POST, "/v1/rooms", Some(json!({"type": "group", "name": "staff", "visibility": "private"})))
        .await;
    let room = created.uuid("room_id");

    let join = bob.join(room).await;
    assert_eq!((join.status, join.code()), (403, Some("room_private")));
    eventually("bob in the users read model", Duration::from_secs(10), || async {
        (bob.get("/v1/me").await.status == 200).then_some(())
    })
    .await;
    let member_path = format!("/v1/rooms/{room}/members/{}", bob.id);
    let added = alice.call(Method::PUT, &member_path, None).await;
    assert_eq!((added.status, added.body["changed"].clone()), (200, json!(true)));
    assert_eq!(bob.post(room, "thanks", "b-1").await.status, 201);
    history_with(&bob, room, 1).await;

    let promote = alice.call(Method::PUT, &format!("{member_path}/role"), Some(json!({"role": "admin"}))).await;
    assert_eq!(promote.status, 200, "{promote:?}");
    let coup = bob.call(Method::DELETE, &format!("/v1/rooms/{room}/members/{}", alice.id), None).await;
    assert_eq!((coup.status, coup.code()), (403, Some("not_allowed")));
    let leave = alice.call(Method::POST, &format!("/v1/rooms/{room}/leave"), None).await;
    assert_eq!((leave.status, leave.code()), (409, Some("owner_cannot_leave")));

    let removed = alice.call(Method::DELETE, &member_path, None).await;
    assert_eq!(removed.status, 200, "{removed:?}");
    let write = bob.post(room, "still here?", "b-2").await;
    assert_eq!((write.status, write.code()), (403, Some("not_a_member")));
    eventually("bob loses read access", Duration::from_secs(10), || async {
        (bob.history(room, 10).await.status == 403).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_stranger_is_found_by_exact_username_without_their_presence_then_messaged_directly() {
    let (_db, _server, api) = system().await;
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let bob_name = eventually("bob's profile projected", Duration::from_secs(10), || async {
        let me = bob.get("/v1/me").await;
        (me.status == 200).then(|| me.str("username").to_owned())
    })
    .await;

    // Any case finds him; his identity only, not his presence (they share no room).
    let found = alice.get(&format!("/v1/users?username={}", bob_name.to_uppercase())).await;
    assert_eq!(found.status, 200, "{found:?}");
    assert_eq!(found.body, json!({"users": [{"user_id": bob.id, "username": bob_name, "display_name": bob_name}]}));

    for nobody in ["nobody_here_at_all", "no", "%25", "bob_"] {
        let missing = alice.get(&format!("/v1/users?username={nobody}")).await;
        assert_eq!((missing.status, &missing.body), (200, &json!({"users": []})), "{nobody}");
    }
    let without = alice.get("/v1/users").await;
    assert_eq!((without.status, without.code()), (400, Some("invalid_query")));
    let extra = alice.get(&format!("/v1/users?username={bob_name}&limit=5")).await;
    assert_eq!((extra.status, extra.code()), (400, Some("invalid_query")));
    let anonymous = api.call(Method::GET, &format!("/v1/users?username={bob_name}"), None, None).await;
    assert_eq!(anonymous.status, 401);

    let opened = alice
        .call(Method::POST, "/v1/rooms", Some(json!({"type": "direct", "user_id": found.body["users"][0]["user_id"]})))
        .await;
    assert_eq!(opened.status, 201, "{opened:?}");
}

#[tokio::test]
async fn the_directory_lists_public_rooms_by_name_and_never_private_or_direct_ones() {
    let (_db, _server, api) = system().await;
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let club = alice.create_group("Book Club").await;
    let books = alice.create_group("books_50%").await;
    let _lobby = alice.create_group("lobby").await;
    let secret = alice
        .call(
            Method::POST,
            "/v1/rooms",
            Some(json!({"type": "group", "name": "book secrets", "visibility": "private"})),
        )
        .await;
    assert_eq!(secret.status, 201, "{secret:?}");
    let direct = alice.call(Method::POST, "/v1/rooms", Some(json!({"type": "direct", "user_id": bob.id}))).await;
    assert_eq!(direct.status, 201, "{direct:?}");
    assert_eq!(bob.join(club).await.status, 200);

    // Most members first; any case; the caller's own membership marked.
    let names = |reply: &crate::harness::Reply| -> Vec<(String, bool)> {
        reply.body["rooms"]
            .as_array()
            .map(|rooms| {
                rooms
                    .iter()
                    .map(|room| (room["name"].as_str().unwrap_or_default().to_owned(), room["joined"] == true))
                    .collect()
            })
            .unwrap_or_default()
    };
    let found = eventually("the directory shows the three public rooms", Duration::from_secs(10), || async {
        let reply = bob.get("/v1/directory/rooms").await;
        let rooms = names(&reply);
        (rooms.len() == 3 && reply.body["rooms"][0]["member_count"] == 2).then_some(reply)
    })
    .await;
    assert_eq!(found.body["rooms"][0]["room_id"], json!(club));
    assert_eq!(names(&found)[0], ("Book Club".to_owned(), true));
    assert!(names(&found)[1..].iter().all(|(name, joined)| name != "book secrets" && !joined), "{found:?}");

    let search = bob.get("/v1/directory/rooms?q=%20BOOK%20").await;
    assert_eq!(names(&search), [("Book Club".to_owned(), true), ("books_50%".to_owned(), false)]);
    // LIKE's wildcards are plain characters in a search.
    let percent = bob.get("/v1/directory/rooms?q=50%25").await;
    assert_eq!(percent.body["rooms"][0]["room_id"], json!(books), "{percent:?}");
    assert_eq!(names(&bob.get("/v1/directory/rooms?q=_").await), [("books_50%".to_owned(), false)]);
    assert_eq!(names(&bob.get("/v1/directory/rooms?q=Book&limit=1").await).len(), 1);
    assert_eq!(names(&bob.get("/v1/directory/rooms?q=secret").await), []);

    // Joining what the directory found.
    assert_eq!(bob.join(books).await.status, 200);

    for bad in ["limit=0", "limit=x", "sort=name", "q=a%00b", "q=%C2%80", &format!("q={}", "a".repeat(101))] {
        let refused = bob.get(&format!("/v1/directory/rooms?{bad}")).await;
        assert_eq!((refused.status, refused.code()), (400, Some("invalid_query")), "{bad}");
    }
    let anonymous = api.call(Method::GET, "/v1/directory/rooms", None, None).await;
    assert_eq!(anonymous.status, 401);
}

/// The `seq` and event type of each of a history page's system lines, newest first.
fn lines(page: &Value) -> Vec<(u64, String)> {
    page["system"]
        .as_array()
        .map(|lines| {
            lines
                .iter()
                .filter_map(|line| Some((line["seq"].as_u64()?, line["event"]["type"].as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn history_pages_carry_the_system_lines_between_their_messages_each_once() {
    let (_db, _server, api) = system().await;
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let room = alice.create_group("general").await; // 1 RoomCreated, 2 alice's MemberJoined
    alice.post(room, "one", "c-1").await; // 3
    assert_eq!(bob.join(room).await.status, 200); // 4
    alice.post(room, "two", "c-2").await; // 5
    let role = alice
        .call(Method::PUT, &format!("/v1/rooms/{room}/members/{}/role", bob.id), Some(json!({"role": "admin"})))
        .await;
    assert_eq!(role.status, 200, "{role:?}"); // 6
    bob.post(room, "three", "c-3").await; // 7
    assert_eq!(bob.call(Method::POST, &format!("/v1/rooms/{room}/leave"), None).await.status, 200); // 8

    let expected: Vec<(u64, String)> =
        [(8, "MemberLeft"), (6, "MemberRoleChanged"), (4, "MemberJoined"), (2, "MemberJoined"), (1, "RoomCreated")]
            .map(|(seq, kind)| (seq, kind.to_owned()))
            .into();
    let whole = eventually("the history to reach the leave", Duration::from_secs(10), || async {
        let page = alice.history(room, 50).await.body;
        (lines(&page).len() == expected.len()).then_some(page)
    })
    .await;
    assert_eq!(lines(&whole), expected, "one page holds every line, newest first");
    assert_eq!(whole["system"][0]["event"], json!({"type": "MemberLeft", "user_id": bob.id, "removed_by": null}));
    assert!(whole["system"][0]["at"].is_string());

    // Page by page, one message each: every line once, on the page whose span holds it.
    let mut pages = Vec::new();
    let mut before: Option<u64> = None;
    loop {
        let query = before.map(|b| format!("&before={b}")).unwrap_or_default();
        let page = alice.get(&format!("/v1/rooms/{room}/messages?limit=1{query}")).await.body;
        pages.push(lines(&page));
        match page["next_before"].as_u64() {
            Some(next) => before = Some(next),
            None => break,
        }
    }
    let expected_pages: Vec<Vec<u64>> = vec![vec![8], vec![6], vec![4], vec![2, 1]];
    let seqs: Vec<Vec<u64>> = pages.iter().map(|page| page.iter().map(|(seq, _)| *seq).collect()).collect();
    assert_eq!(seqs, expected_pages);
}
