//! Search through the real API (docs/api.md §2.9, §4.6): who finds which messages as they join,
//! leave and come back; edits and deletes reflected; a rebuild of the index answering the same;
//! paging; escaped snippets; the user directory's rule; bad searches refused.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Api, Reply, Server, Stack, User, eventually, run_chat};

/// How long the read models may take to catch up (generous: the whole suite runs in parallel).
const CATCH_UP: Duration = Duration::from_secs(60);

async fn search(user: &User, query: &str) -> Reply {
    let reply = user.get(&format!("/v1/search?{query}")).await;
    assert_eq!(reply.status, 200, "search {query}: {reply:?}");
    reply
}

/// The message ids of a search's results, in order.
fn ids(reply: &Reply) -> Vec<Uuid> {
    reply.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["message_id"].as_str().unwrap().parse().unwrap())
        .collect()
}

/// Waits until `user`'s search `query` finds exactly `expected` (in any order); the reply.
async fn finds(user: &User, query: &str, expected: &[Uuid]) -> Reply {
    let expected: HashSet<Uuid> = expected.iter().copied().collect();
    eventually(&format!("search {query} to find {expected:?}"), CATCH_UP, || async {
        let reply = search(user, query).await;
        (ids(&reply).into_iter().collect::<HashSet<_>>() == expected).then_some(reply)
    })
    .await
}

async fn post(user: &User, room: Uuid, body: &str) -> Uuid {
    let reply = user.post(room, body, &Uuid::new_v4().to_string()).await;
    assert_eq!(reply.status, 201, "post: {reply:?}");
    reply.uuid("message_id")
}

async fn command(user: &User, method: Method, path: &str, body: Option<Value>) -> Reply {
    let reply = user.call(method, path, body).await;
    assert_eq!(reply.status, 200, "{path}: {reply:?}");
    reply
}

#[tokio::test]
async fn search_follows_membership_edits_and_deletes_and_a_rebuild_answers_the_same() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (alice, bob, carol) = (api.register("alice").await, api.register("bob").await, api.register("carol").await);
    let garden = alice.create_group("Garden").await;
    let private = json!({"type": "group", "name": "Hideout", "visibility": "private"});
    let hideout = command_created(&alice, private).await;

    let before_bob = post(&alice, garden, "a pumpkin before bob came").await;
    command(&bob, Method::POST, &format!("/v1/rooms/{garden}/join"), None).await;
    let from_bob = post(&bob, garden, "bob grows a pumpkin").await;
    let scripted = post(&alice, garden, "<script>alert('pumpkin')</script> & \"more\"").await;
    let hidden = post(&alice, hideout, "the secret pumpkin").await;

    // Bob finds the garden's whole history, nothing of a room he is not in; Carol nothing.
    let found = finds(&bob, "q=pumpkin", &[before_bob, from_bob, scripted]).await;
    finds(&alice, "q=pumpkin", &[before_bob, from_bob, scripted, hidden]).await;
    assert!(ids(&search(&carol, "q=pumpkin").await).is_empty(), "a user in no room finds nothing");
    assert!(ids(&search(&bob, &format!("q=pumpkin&room_id={hideout}")).await).is_empty());
    let hit =
        found.body["results"].as_array().unwrap().iter().find(|hit| hit["message_id"] == scripted.to_string()).unwrap();
    assert_eq!(hit["room_name"], "Garden");
    assert_eq!(hit["author_id"], alice.id.to_string());
    let snippet = hit["snippet"].as_str().unwrap();
    assert_eq!(snippet, "&lt;script&gt;alert(&#39;<mark>pumpkin</mark>&#39;)&lt;/script&gt; &amp; &quot;more&quot;");

    // An edit is found by its new text only; a delete is found no more.
    let path = format!("/v1/rooms/{garden}/messages/{before_bob}");
    command(&alice, Method::PATCH, &path, Some(json!({"body": "a squash before bob came"}))).await;
    let edited = finds(&bob, "q=squash", &[before_bob]).await;
    assert!(edited.body["results"][0]["edited_at"].is_string(), "{:?}", edited.body);
    finds(&bob, "q=pumpkin", &[from_bob, scripted]).await;
    command(&alice, Method::DELETE, &format!("/v1/rooms/{garden}/messages/{from_bob}"), None).await;
    finds(&bob, "q=pumpkin", &[scripted]).await;

    // Leaving loses the room's messages; coming back finds them again, with what came meanwhile.
    command(&bob, Method::POST, &format!("/v1/rooms/{garden}/leave"), None).await;
    finds(&bob, "q=pumpkin", &[]).await;
    let meanwhile = post(&alice, garden, "a pumpkin while bob was away").await;
    finds(&alice, &format!("q=pumpkin&room_id={garden}"), &[scripted, meanwhile]).await;
    assert!(ids(&search(&bob, "q=squash").await).is_empty(), "his own room's history is gone for him");
    command(&bob, Method::POST, &format!("/v1/rooms/{garden}/join"), None).await;
    finds(&bob, "q=pumpkin", &[scripted, meanwhile]).await;
    finds(&bob, "q=squash", &[before_bob]).await;

    // Paging: more pumpkins, pages of 3 in both orders, neither repeating nor skipping.
    let mut all = vec![scripted, meanwhile, hidden];
    for n in 0..7 {
        all.push(post(&alice, hideout, &format!("pumpkin number {n}")).await);
    }
    let every = finds(&alice, "q=pumpkin&order=recent&limit=50", &all).await;
    for order in ["recent", "relevance"] {
        let whole = ids(&search(&alice, &format!("q=pumpkin&order={order}&limit=50")).await);
        assert_eq!(pages(&alice, &format!("q=pumpkin&order={order}&limit=3")).await, whole, "{order}");
    }

    // A rebuild of the index answers every search the same, snippets included.
    let queries = ["q=pumpkin&order=recent&limit=50", "q=squash", "q=pumpkin&limit=50"];
    let mut before = Vec::new();
    for query in queries {
        before.push(search(&alice, query).await.body);
    }
    assert_eq!(before[0], every.body);
    let rebuilt = run_chat(&stack, &["projections", "rebuild", "search"], Duration::from_secs(120)).await;
    assert!(rebuilt.expect_success().contains("rebuilt search"), "{}", rebuilt.expect_success());
    for (query, before) in queries.iter().zip(before) {
        assert_eq!(search(&alice, query).await.body, before, "{query} after the rebuild");
    }
}

async fn command_created(user: &User, body: Value) -> Uuid {
    let reply = user.call(Method::POST, "/v1/rooms", Some(body)).await;
    assert_eq!(reply.status, 201, "create: {reply:?}");
    reply.uuid("room_id")
}

/// Every result of `query`, following `next_cursor` page after page.
async fn pages(user: &User, query: &str) -> Vec<Uuid> {
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let path = match &cursor {
            Some(cursor) => format!("{query}&cursor={cursor}"),
            None => query.to_owned(),
        };
        let page = search(user, &path).await;
        found.extend(ids(&page));
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return found,
        }
    }
    panic!("paging did not end");
}

#[tokio::test]
async fn the_user_directory_lists_people_who_share_a_room_and_bad_searches_are_refused() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (alice, bob, stranger) = (api.register("alice").await, api.register("bob").await, api.register("bobcat").await);
    let reply = bob.call(Method::PATCH, "/v1/me", Some(json!({"display_name": "Robert Smith"}))).await;
    assert_eq!(reply.status, 204, "{reply:?}");
    let room = alice.create_group("Band").await;
    command(&bob, Method::POST, &format!("/v1/rooms/{room}/join"), None).await;

    // Bob by his username's start, or his display name's words; never the stranger, whose exact
    // username still finds him through the lookup.
    let names = |reply: &Reply| -> Vec<String> {
        reply.body["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|user| user["username"].as_str().unwrap().to_owned())
            .collect()
    };
    for prefix in ["bob", "ROB", "smi"] {
        let found = eventually(&format!("the directory to find bob by {prefix}"), CATCH_UP, || async {
            let reply = alice.get(&format!("/v1/users/search?q={prefix}")).await;
            (reply.status == 200 && !names(&reply).is_empty()).then_some(reply)
        })
        .await;
        assert_eq!(names(&found), std::slice::from_ref(&bob.username), "{prefix}");
    }
    assert!(names(&alice.get("/v1/users/search?q=bobc").await).is_empty(), "a stranger is not listed");
    let exact = alice.get(&format!("/v1/users?username={}", stranger.username)).await;
    assert_eq!(exact.body["users"][0]["user_id"], stranger.id.to_string(), "{exact:?}");
    assert!(names(&stranger.get("/v1/users/search?q=bob").await).is_empty(), "nor is anyone to a stranger");
    assert!(names(&alice.get("/v1/users/search?q=ali").await).is_empty(), "nor oneself");

    let recent = "t.1.0193a1b27c3d7e4f8a9b0c1d2e3f4a5b";
    let long = "a".repeat(201);
    for bad in [
        "/v1/search".to_owned(),
        "/v1/search?q=".to_owned(),
        "/v1/search?q=%20%20".to_owned(),
        "/v1/search?q=!!!".to_owned(),
        "/v1/search?q=-apples%20-pears".to_owned(),
        format!("/v1/search?q={long}"),
        "/v1/search?q=a%01b".to_owned(),
        "/v1/search?q=a%00b".to_owned(),
        "/v1/search?q=a&room_id=nope".to_owned(),
        "/v1/search?q=a&before=yesterday".to_owned(),
        "/v1/search?q=a&before=-9999-01-01T00:00:00Z".to_owned(),
        "/v1/search?q=a&after=2026-02-01T00:00:00Z&before=2026-01-01T00:00:00Z".to_owned(),
        "/v1/search?q=a&kind=system".to_owned(),
        "/v1/search?q=a&order=random".to_owned(),
        "/v1/search?q=a&has_attachment=maybe".to_owned(),
        "/v1/search?q=a&limit=0".to_owned(),
        "/v1/search?q=a&cursor=garbage".to_owned(),
        format!("/v1/search?q=a&order=relevance&cursor={recent}"),
        "/v1/search?q=a&unknown=1".to_owned(),
        "/v1/users/search".to_owned(),
        "/v1/users/search?q=".to_owned(),
        format!("/v1/users/search?q={}", "a".repeat(65)),
        "/v1/users/search?q=a%00".to_owned(),
        "/v1/users/search?q=a&limit=0".to_owned(),
    ] {
        let reply = alice.get(&bad).await;
        assert_eq!((reply.status, reply.code()), (400, Some("invalid_query")), "{bad}: {reply:?}");
    }
    // The parameters that pass: a cursor of the same order, every filter at once.
    let fine = format!(
        "q=a&order=recent&cursor={recent}&room_id={room}&author_id={}&after=2026-01-01T00:00:00Z\
         &before=2100-01-01T00:00:00%2B01:00&has_attachment=false&kind=text&limit=500",
        bob.id
    );
    assert_eq!(search(&alice, &fine).await.body, json!({"results": [], "next_cursor": null}));
    assert_eq!(search(&alice, "q=apples%20-pears").await.body["results"], json!([]), "an exclusion beside a word");
}
