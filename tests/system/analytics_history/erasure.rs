//! Erasing a user: afterwards none of their personal data is in the events, the REST reads,
//! the read models, a replay or a rebuild; everyone else's is intact; the history keeps every
//! event in place; the user can no longer log in or act.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{ROOMS_TABLES, SEARCH_TABLES, USERS_TABLES, caught_up, command, differences, made, operator, post, replay};
use crate::harness::{Api, Server, Stack, User, run_chat};

/// Marks every piece of the erased user's personal data, so that one `LIKE` finds any copy.
const SECRET: &str = "ALICE-PRIVATE";

/// Events per room and whether each room's sequences are 1..=n.
async fn room_histories(conn: &mut sqlx::PgConnection) -> BTreeMap<String, (i64, bool)> {
    let rows: Vec<(String, i64, bool)> = sqlx::query_as(
        "SELECT aggregate_id, count(*), min(sequence) = 1 AND max(sequence) = count(*) FROM events
         WHERE aggregate_type = 'room' GROUP BY aggregate_id",
    )
    .fetch_all(conn)
    .await
    .unwrap();
    rows.into_iter().map(|(room, count, contiguous)| (room, (count, contiguous))).collect()
}

/// Rows of `table` (in any read-model schema) whose text mentions `needle`.
async fn mentions(conn: &mut sqlx::PgConnection, schema: &str, table: &str, needle: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {schema}.{table} t WHERE t::text ILIKE '%' || $1 || '%'"))
        .bind(needle)
        .fetch_one(conn)
        .await
        .unwrap()
}

/// Everything a client can read that might show `needle`: `reader`'s room list, each room's
/// history and detail, the user's profile, and a search for `needle`.
async fn visible_to(reader: &User, rooms: &[Uuid], user: Uuid, needle: &str) -> Vec<String> {
    let search = format!("/v1/search?q={needle}&limit=50");
    let mut paths = vec!["/v1/rooms?limit=200".to_owned(), format!("/v1/users/{user}"), search];
    for room in rooms {
        paths.push(format!("/v1/rooms/{room}/messages?limit=200"));
        paths.push(format!("/v1/rooms/{room}"));
    }
    let mut found = Vec::new();
    for path in paths {
        let reply = reader.get(&path).await;
        if reply.body.to_string().to_lowercase().contains(&needle.to_lowercase()) {
            found.push(format!("{path}: {}", reply.body));
        }
    }
    found
}

#[tokio::test]
async fn an_erased_users_personal_data_is_gone_everywhere_and_the_history_stays_consistent() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let admin = operator(&api, &stack).await;
    let username = format!("alice_{}", &Uuid::new_v4().simple().to_string()[..8]);
    let alice = register(&api, &username).await;
    let bob = api.register("bob").await;
    let profile = json!({"display_name": format!("Alicia {SECRET} Name")});
    made(alice.call(Method::PATCH, "/v1/me", Some(profile)).await, 204, "alice names herself").await;

    // A group room where Alice's message ends up the last one, and a direct room.
    let group = bob.create_group("bob's room").await;
    made(alice.join(group).await, 200, "alice joins").await;
    let (bobs, _) = post(&bob, group, "bob says hi").await;
    let (first, _) = post(&alice, group, &format!("{SECRET} first")).await;
    let edit = json!({"body": format!("{SECRET} first, edited")});
    command(&alice, Method::PATCH, &format!("/v1/rooms/{group}/messages/{first}"), Some(edit)).await;
    let react = format!("/v1/rooms/{group}/messages/{bobs}/reactions/%3Atada%3A");
    command(&alice, Method::PUT, &react, None).await;
    post(&alice, group, &format!("{SECRET} last word")).await;
    let reply = alice.call(Method::POST, "/v1/rooms", Some(json!({"type": "direct", "user_id": bob.id}))).await;
    let direct = made(reply, 201, "direct room").await.uuid("room_id");
    post(&bob, direct, "bob in private").await;
    post(&alice, direct, &format!("{SECRET} in private")).await;
    caught_up(&admin).await;
    let rooms = [group, direct];
    assert!(!visible_to(&bob, &rooms, alice.id, SECRET).await.is_empty(), "the test sees the data before");
    let found = bob.get(&format!("/v1/search?q={SECRET}&limit=50")).await.body;
    assert_eq!(found["results"].as_array().map(Vec::len), Some(3), "bob finds her messages before: {found:#}");

    let mut db = stack.db.connect().await;
    let histories = room_histories(&mut db).await;
    assert!(histories.values().all(|(_, contiguous)| *contiguous));
    let events_before: i64 = sqlx::query_scalar("SELECT count(*) FROM events").fetch_one(&mut db).await.unwrap();
    // An analyst's replay made before the erasure is reached too.
    replay(&stack, &["--projector", "users", "--schema", "before_erasure"]).await;
    assert_eq!(mentions(&mut db, "before_erasure", "users", SECRET).await, 1);

    // Non-administrators may not erase anyone; an unknown user is not found.
    let refused = bob.call(Method::POST, &format!("/v1/admin/users/{}/erase", alice.id), None).await;
    assert_eq!((refused.status, refused.code()), (403, Some("admin_only")), "{refused:?}");
    let unknown = admin.call(Method::POST, &format!("/v1/admin/users/{}/erase", Uuid::now_v7()), None).await;
    assert_eq!((unknown.status, unknown.code()), (404, Some("user_not_found")), "{unknown:?}");

    let erased = admin.call(Method::POST, &format!("/v1/admin/users/{}/erase", alice.id), None).await;
    let erased = made(erased, 200, "erase alice").await.body;
    assert_eq!(erased["newly_erased"], true, "{erased:#}");
    // Registration, profile update, two posts, one edit and one direct post.
    assert_eq!(erased["events_redacted"], 6, "{erased:#}");
    assert_eq!(erased["read_models"]["messages"], 3, "{erased:#}");
    assert_eq!(erased["read_models"]["search_entries"], 3, "{erased:#}");

    // The events: every one still there, with its sequence; none with her data.
    assert_eq!(room_histories(&mut db).await, histories, "same events per room, sequences contiguous");
    let events_after: i64 = sqlx::query_scalar("SELECT count(*) FROM events").fetch_one(&mut db).await.unwrap();
    assert_eq!(events_after, events_before + 1, "only UserErased was added");
    for needle in [SECRET, username.as_str()] {
        assert_eq!(mentions(&mut db, "public", "events", needle).await, 0, "{needle} in the events");
    }
    let redacted: Vec<(String, Value)> = sqlx::query_as(
        "SELECT event_type, payload FROM events WHERE payload ->> 'redacted' = 'true' ORDER BY global_position",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    let types: Vec<&str> = redacted.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        ["UserRegistered", "ProfileUpdated", "MessagePosted", "MessageEdited", "MessagePosted", "MessagePosted"]
    );
    assert!(redacted.iter().all(|(_, payload)| payload.get("body").is_none_or(Value::is_null)));
    let (erasure, version): (String, String) = sqlx::query_as(
        "SELECT event_type, event_version FROM events WHERE aggregate_id = $1 ORDER BY sequence DESC LIMIT 1",
    )
    .bind(alice.id.to_string())
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!((erasure.as_str(), version.as_str()), ("UserErased", "1.0"));
    let bobs_posts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE event_type = 'MessagePosted' AND payload ->> 'author' = $1
         AND payload ->> 'body' IN ('bob says hi', 'bob in private')",
    )
    .bind(bob.id.to_string())
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(bobs_posts, 2, "bob's messages are intact");

    // What clients read: nothing of hers, everything of Bob's, her messages as bodiless posts.
    for needle in [SECRET, username.as_str(), "Alicia"] {
        assert_eq!(visible_to(&bob, &rooms, alice.id, needle).await, Vec::<String>::new(), "{needle}");
    }
    let history = bob.history(group, 50).await.body;
    let messages = history["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3, "{history:#}");
    for message in messages {
        let by_alice = message["author_id"] == alice.id.to_string();
        assert_eq!(message["body"].is_null(), by_alice, "{message}");
        assert!(message["deleted_at"].is_null(), "{message}");
    }
    assert_eq!(messages[2]["body"], "bob says hi");
    assert_eq!(messages[2]["reactions"][0]["user_ids"], json!([alice.id]), "her reaction is no personal data");
    let list = bob.get("/v1/rooms?limit=200").await.body;
    let entry = list["rooms"].as_array().unwrap().iter().find(|r| r["room_id"] == group.to_string()).unwrap().clone();
    assert_eq!(
        (&entry["last_message"]["author_id"], &entry["last_message"]["preview"]),
        (&json!(alice.id), &json!(""))
    );
    assert_eq!(entry["message_count"], 3, "counts stay");
    let profile = bob.get(&format!("/v1/users/{}", alice.id)).await;
    assert_eq!((profile.status, profile.code()), (404, Some("user_not_found")));

    // The read models, every copy, and her account.
    for table in ROOMS_TABLES.iter().chain(&USERS_TABLES).chain(&SEARCH_TABLES) {
        assert_eq!(mentions(&mut db, "public", table, SECRET).await, 0, "{table}");
    }
    assert_eq!(mentions(&mut db, "before_erasure", "users", SECRET).await, 0, "the older replay");
    for table in ["users", "user_credentials", "refresh_tokens"] {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table} WHERE user_id = $1"))
            .bind(alice.id)
            .fetch_one(&mut db)
            .await
            .unwrap();
        assert_eq!(rows, 0, "{table}");
    }

    // She can no longer log in or act, even with the access token she still holds.
    let login = api
        .call(Method::POST, "/v1/auth/login", None, Some(json!({"username": username, "password": "correct horse"})))
        .await;
    assert_eq!((login.status, login.code()), (401, Some("invalid_credentials")), "{login:?}");
    let posted = alice.post(group, "still here?", "after-erasure").await;
    assert_eq!((posted.status, posted.code()), (401, Some("account_erased")), "{posted:?}");
    let renamed = alice.call(Method::PATCH, "/v1/me", Some(json!({"display_name": "Back"}))).await;
    assert_eq!((renamed.status, renamed.code()), (401, Some("account_erased")), "{renamed:?}");
    let reregistered = api
        .call(Method::POST, "/v1/auth/register", None, Some(json!({"username": username, "password": "correct horse"})))
        .await;
    assert_eq!(reregistered.status, 201, "the name is free again, for a new user: {reregistered:?}");
    assert_ne!(reregistered.uuid("user_id"), alice.id);
    caught_up(&admin).await;

    // A replay of the redacted history equals the live tables; so does a rebuild, which
    // brings nothing back.
    replay(&stack, &["--projector", "rooms", "--schema", "after_erasure_rooms"]).await;
    replay(&stack, &["--projector", "users", "--schema", "after_erasure_users"]).await;
    replay(&stack, &["--projector", "search", "--schema", "after_erasure_search"]).await;
    assert_eq!(differences(&mut db, "public", "after_erasure_rooms", &ROOMS_TABLES).await, Vec::<String>::new());
    assert_eq!(differences(&mut db, "public", "after_erasure_users", &USERS_TABLES).await, Vec::<String>::new());
    assert_eq!(differences(&mut db, "public", "after_erasure_search", &SEARCH_TABLES).await, Vec::<String>::new());
    for projector in ["rooms", "users", "search"] {
        run_chat(&stack, &["projections", "rebuild", projector], super::ONE_OFF).await.expect_success();
    }
    assert_eq!(differences(&mut db, "public", "after_erasure_rooms", &ROOMS_TABLES).await, Vec::<String>::new());
    assert_eq!(differences(&mut db, "public", "after_erasure_users", &USERS_TABLES).await, Vec::<String>::new());
    assert_eq!(differences(&mut db, "public", "after_erasure_search", &SEARCH_TABLES).await, Vec::<String>::new());
    for table in ROOMS_TABLES.iter().chain(&USERS_TABLES).chain(&SEARCH_TABLES) {
        assert_eq!(mentions(&mut db, "public", table, SECRET).await, 0, "{table} after the rebuild");
    }
    assert_eq!(bob.history(group, 50).await.body["messages"][2]["body"], "bob says hi");

    // Erasing again (here from the CLI) adds nothing and finds nothing left to redact.
    let again = run_chat(&stack, &["users", "erase", &alice.id.to_string()], super::ONE_OFF).await;
    let again: Value = serde_json::from_str(again.expect_success()).unwrap();
    assert_eq!((&again["newly_erased"], &again["events_redacted"]), (&json!(false), &json!(0)), "{again:#}");
    assert_eq!(room_histories(&mut db).await, histories);
}

/// Registers `username` (password "correct horse").
async fn register(api: &Api, username: &str) -> User {
    let reply = api
        .call(Method::POST, "/v1/auth/register", None, Some(json!({"username": username, "password": "correct horse"})))
        .await;
    let reply = made(reply, 201, "register").await;
    User {
        id: reply.uuid("user_id"),
        username: username.to_owned(),
        token: reply.str("token").to_owned(),
        api: api.clone(),
    }
}
