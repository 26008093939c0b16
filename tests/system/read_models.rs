//! The read models members see: the room list (unread counts, mentions, last-message preview,
//! paging by last activity), read receipts, feed lag metrics; and (in `rebuild`) a rebuild of
//! the rooms projector while traffic flows.

mod rebuild;

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Api, Reply, Server, Stack, User, events_behind, eventually};

/// How long the read models may take to catch up (generous: the whole suite runs in parallel).
const CATCH_UP: Duration = Duration::from_secs(60);

/// `user`'s entry for `room` in their room list, once its `last_seq` has reached `seq`.
async fn listed(user: &User, room: Uuid, seq: u64) -> Value {
    eventually(&format!("the room list to reach seq {seq}"), CATCH_UP, || async {
        let reply = user.get("/v1/rooms?limit=200").await;
        let entry = reply.body["rooms"].as_array()?.iter().find(|r| r["room_id"] == room.to_string())?.clone();
        (entry["last_seq"].as_u64()? >= seq).then_some(entry)
    })
    .await
}

/// `(unread_count, unread_mentions)` of a room-list entry.
fn unread(entry: &Value) -> (u64, u64) {
    (entry["unread_count"].as_u64().unwrap(), entry["unread_mentions"].as_u64().unwrap())
}

async fn post_mentioning(user: &User, room: Uuid, body: &str, key: &str, mentions: &[Uuid]) -> Reply {
    let request = json!({"body": body, "client_msg_id": key, "mentions": mentions});
    let reply = user.call(Method::POST, &format!("/v1/rooms/{room}/messages"), Some(request)).await;
    assert_eq!(reply.status, 201, "post: {reply:?}");
    reply
}

async fn delete(user: &User, room: Uuid, message: Uuid) -> u64 {
    let reply = user.call(Method::DELETE, &format!("/v1/rooms/{room}/messages/{message}"), None).await;
    assert_eq!(reply.status, 200, "delete: {reply:?}");
    reply.u64("seq")
}

async fn mark_read(user: &User, room: Uuid, up_to_seq: u64) -> u64 {
    let reply = user.call(Method::POST, &format!("/v1/rooms/{room}/read"), Some(json!({"up_to_seq": up_to_seq}))).await;
    assert_eq!(reply.status, 200, "mark read: {reply:?}");
    reply.u64("seq")
}

#[tokio::test]
async fn the_room_list_counts_unread_messages_and_mentions_and_previews_the_latest_message() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (alice, bob, carol) = (api.register("alice").await, api.register("bob").await, api.register("carol").await);
    let room = alice.create_group("unread").await;
    assert_eq!(bob.join(room).await.u64("seq"), 3);

    let m1 = post_mentioning(&alice, room, "one", "a-1", &[]).await; // seq 4
    post_mentioning(&bob, room, "my own", "b-1", &[alice.id]).await; // seq 5
    // Mentioning a non-member or oneself is accepted and notifies nobody.
    let m2 = post_mentioning(&alice, room, "two @bob", "a-2", &[bob.id, carol.id, alice.id]).await; // seq 6
    let m3 = post_mentioning(&alice, room, "three @bob", "a-3", &[bob.id]).await; // seq 7
    let m4 = post_mentioning(&alice, room, "four", "a-4", &[]).await; // seq 8
    assert_eq!(m4.u64("seq"), 8);
    let entry = listed(&bob, room, 8).await;
    assert_eq!(unread(&entry), (4, 2), "others' messages after the join; own ones never count: {entry}");
    assert_eq!(entry["message_count"], 5);
    assert_eq!(entry["last_message"]["preview"], "four");
    assert_eq!(entry["last_message"]["message_id"], m4.body["message_id"]);
    assert_eq!(entry["last_message"]["seq"], 8);
    assert_eq!(entry["last_message"]["author_id"], alice.id.to_string());
    assert_eq!(unread(&listed(&alice, room, 8).await), (1, 1), "bob's message, which mentions alice");

    // Deleted messages are not unread, and the preview falls back to the message before.
    assert_eq!(delete(&alice, room, m4.uuid("message_id")).await, 9);
    let entry = listed(&bob, room, 9).await;
    assert_eq!((unread(&entry), &entry["message_count"]), ((3, 2), &json!(4)), "{entry}");
    assert_eq!(entry["last_message"]["preview"], "three @bob");
    assert_eq!(entry["last_message"]["message_id"], m3.body["message_id"]);
    assert_eq!(delete(&alice, room, m3.uuid("message_id")).await, 10);
    let entry = listed(&bob, room, 10).await;
    assert_eq!(unread(&entry), (2, 1), "a deleted mention is no longer unread: {entry}");
    assert_eq!(entry["last_message"]["message_id"], m2.body["message_id"]);

    // Read markers lower the counts to what comes after them.
    assert_eq!(mark_read(&bob, room, m1.u64("seq")).await, 11);
    let entry = listed(&bob, room, 11).await;
    assert_eq!((unread(&entry), &entry["last_read_seq"]), ((1, 1), &json!(4)), "{entry}");
    assert_eq!(mark_read(&bob, room, 11).await, 12);
    assert_eq!(unread(&listed(&bob, room, 12).await), (0, 0));

    // The preview follows the latest message: its first 200 characters, and its edits.
    let long = "é".repeat(250);
    let latest = post_mentioning(&alice, room, &long, "a-5", &[bob.id]).await; // seq 13
    let entry = listed(&bob, room, 13).await;
    assert_eq!(entry["last_message"]["preview"], "é".repeat(200), "200 characters, not bytes");
    assert_eq!(entry["last_message"]["message_id"], latest.body["message_id"]);
    assert_eq!(unread(&entry), (1, 1));
    let path = format!("/v1/rooms/{room}/messages/{}", latest.uuid("message_id"));
    assert_eq!(alice.call(Method::PATCH, &path, Some(json!({"body": "edited"}))).await.u64("seq"), 14);
    assert_eq!(listed(&bob, room, 14).await["last_message"]["preview"], "edited");

    // A new member has read everything before their join.
    assert_eq!(carol.join(room).await.u64("seq"), 15);
    let entry = listed(&carol, room, 15).await;
    assert_eq!((unread(&entry), &entry["last_read_seq"]), ((0, 0), &json!(15)), "{entry}");
    post_mentioning(&bob, room, "welcome @carol", "b-2", &[carol.id]).await; // seq 16
    assert_eq!(unread(&listed(&carol, room, 16).await), (1, 1));
    assert_eq!(unread(&listed(&alice, room, 16).await), (2, 1), "bob's two messages, one mentions alice");

    // At most 50 mentions per message.
    let crowd: Vec<Uuid> = (0..51).map(|_| Uuid::now_v7()).collect();
    let request = json!({"body": "everyone!", "client_msg_id": "a-6", "mentions": crowd});
    let refused = alice.call(Method::POST, &format!("/v1/rooms/{room}/messages"), Some(request)).await;
    assert_eq!((refused.status, refused.code()), (422, Some("invalid_input")), "{refused:?}");
    assert_eq!(refused.body["error"]["field"], "mentions");
}

/// Every page of `user`'s room list with page size `limit`, following `next_before`.
async fn all_pages(user: &User, limit: usize) -> Vec<String> {
    let mut rooms = Vec::new();
    let mut before: Option<String> = None;
    for _ in 0..100 {
        let query = match &before {
            Some(cursor) => format!("/v1/rooms?limit={limit}&before={cursor}"),
            None => format!("/v1/rooms?limit={limit}"),
        };
        let reply = user.get(&query).await;
        assert_eq!(reply.status, 200, "{query}: {reply:?}");
        let page = reply.body["rooms"].as_array().unwrap();
        assert!(page.len() <= limit, "{reply:?}");
        rooms.extend(page.iter().map(|room| room["room_id"].as_str().unwrap().to_owned()));
        match reply.body["next_before"].as_str() {
            Some(cursor) => {
                assert_eq!(page.len(), limit, "only a full page has a next page: {reply:?}");
                before = Some(cursor.to_owned());
            }
            None => {
                assert!(reply.body["next_before"].is_null(), "{reply:?}");
                return rooms;
            }
        }
    }
    panic!("the room list never ended");
}

#[tokio::test]
async fn the_room_list_pages_through_every_room_once_by_last_activity() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let dave = Api::new(server.url()).register("dave").await;
    let mut rooms = Vec::new();
    for n in 0..7 {
        rooms.push(dave.create_group(&format!("room {n}")).await);
    }
    // Activity in a scrambled order; one room stays quiet (its activity is its creation).
    let order = [3, 0, 5, 1, 6, 2];
    for (k, &n) in order.iter().enumerate() {
        assert_eq!(dave.post(rooms[n], &format!("activity {k}"), &format!("k-{k}")).await.status, 201);
    }
    let mut expected: Vec<String> = order.iter().rev().map(|&n| rooms[n].to_string()).collect();
    expected.push(rooms[4].to_string());
    eventually("every post in the room list", CATCH_UP, || async {
        let reply = dave.get("/v1/rooms").await;
        let counts: Vec<u64> =
            reply.body["rooms"].as_array()?.iter().filter_map(|r| r["message_count"].as_u64()).collect();
        (counts.iter().sum::<u64>() == 6 && counts.len() == 7).then_some(())
    })
    .await;

    for limit in 1..=8 {
        assert_eq!(all_pages(&dave, limit).await, expected, "most recently active first, each once (limit {limit})");
    }
    let first = dave.get("/v1/rooms?limit=2").await;
    assert_eq!(first.body["rooms"][1]["last_message"]["preview"], "activity 4");
    let quiet = dave.get("/v1/rooms?limit=200").await;
    assert_eq!(quiet.body["rooms"][6]["last_message"], Value::Null, "no message yet: {quiet:?}");

    for bad in ["garbage", "123", "123.not-a-uuid", "x.0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b", ""] {
        let reply = dave.get(&format!("/v1/rooms?before={bad}")).await;
        assert_eq!((reply.status, reply.code()), (400, Some("invalid_query")), "before={bad:?}: {reply:?}");
    }
    for bad in ["limit=0", "limit=-1", "limit=ten", "after=1"] {
        let reply = dave.get(&format!("/v1/rooms?{bad}")).await;
        assert_eq!((reply.status, reply.code()), (400, Some("invalid_query")), "{bad}: {reply:?}");
    }
}

#[tokio::test]
async fn members_see_how_far_each_member_has_read_and_others_do_not() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let (alice, bob, carol, dave) = (
        api.register("alice").await,
        api.register("bob").await,
        api.register("carol").await,
        api.register("dave").await,
    );
    let room = alice.create_group("receipts").await;
    bob.join(room).await;
    carol.join(room).await; // seq 4
    alice.post(room, "one", "a-1").await; // seq 5
    alice.post(room, "two", "a-2").await; // seq 6
    assert_eq!(mark_read(&bob, room, 6).await, 7);
    assert_eq!(mark_read(&carol, room, 5).await, 8);
    assert_eq!(mark_read(&bob, room, 2).await, 8, "markers never move back");

    let path = format!("/v1/rooms/{room}/receipts");
    let expected = BTreeMap::from([(alice.id.to_string(), 2), (bob.id.to_string(), 6), (carol.id.to_string(), 5)]);
    for member in [&alice, &bob, &carol] {
        let receipts = eventually("receipts to catch up", CATCH_UP, || async {
            let reply = member.get(&path).await;
            let receipts: BTreeMap<String, u64> = reply.body["receipts"]
                .as_array()?
                .iter()
                .map(|r| (r["user_id"].as_str().unwrap().to_owned(), r["last_read_seq"].as_u64().unwrap()))
                .collect();
            (receipts == expected).then_some(reply.body)
        })
        .await;
        for receipt in receipts["receipts"].as_array().unwrap() {
            let fields: HashSet<&str> = receipt.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(fields, HashSet::from(["user_id", "last_read_seq", "delivered_seq"]), "{receipt}");
            // No device acknowledged anything here: read implies delivered, and nothing more.
            assert_eq!(receipt["delivered_seq"], receipt["last_read_seq"], "{receipt}");
        }
    }

    let stranger = dave.get(&path).await;
    assert_eq!((stranger.status, stranger.code()), (403, Some("not_a_member")), "{stranger:?}");
    let nowhere = dave.get(&format!("/v1/rooms/{}/receipts", Uuid::now_v7())).await;
    assert_eq!((nowhere.status, nowhere.code()), (404, Some("room_not_found")), "{nowhere:?}");
    let bad = dave.get("/v1/rooms/not-a-room/receipts").await;
    assert_eq!((bad.status, bad.code()), (400, Some("invalid_path")), "{bad:?}");

    // Someone who leaves drops out of the receipts and may no longer read them.
    assert_eq!(carol.call(Method::POST, &format!("/v1/rooms/{room}/leave"), None).await.status, 200);
    eventually("carol to drop out of the receipts", CATCH_UP, || async {
        let reply = alice.get(&path).await;
        (reply.body["receipts"].as_array()?.len() == 2).then_some(())
    })
    .await;
    let gone = carol.get(&path).await;
    assert_eq!((gone.status, gone.code()), (403, Some("not_a_member")), "{gone:?}");
}

#[tokio::test]
async fn metrics_report_how_far_the_rooms_feed_is_behind() {
    let stack = Stack::new().await;
    let commands = Server::start(&stack, "commands").await;
    let projections = Server::start(&stack, "projections").await;
    let alice = Api::new(commands.url()).register("alice").await;
    let room = alice.create_group("lag").await;
    eventually("the rooms feed to be caught up", CATCH_UP, || async {
        (events_behind(commands.url(), "rooms").await == Some(0)).then_some(())
    })
    .await;
    let body = reqwest::get(format!("{}/metrics", commands.url())).await.unwrap().text().await.unwrap();
    assert!(body.contains("# TYPE chat_feed_events_behind gauge"), "{body}");
    assert!(body.contains("chat_feed_seconds_behind{feed=\"rooms\"} "), "{body}");

    // With the projector stopped, what is committed meanwhile shows up as lag.
    projections.kill().await;
    for n in 0..5 {
        assert_eq!(alice.post(room, &format!("m{n}"), &format!("c{n}")).await.status, 201);
    }
    assert_eq!(events_behind(commands.url(), "rooms").await, Some(5), "five posts not yet projected");
    let _projections = Server::start(&stack, "projections").await;
    eventually("the restarted projector to catch up", CATCH_UP, || async {
        (events_behind(commands.url(), "rooms").await == Some(0)).then_some(())
    })
    .await;
}
