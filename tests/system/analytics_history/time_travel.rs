//! `GET /v1/admin/rooms/{id}/at` and `chat events at`: the room at several sequences and
//! moments equals what the test did up to there.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{command, made, operator, post};
use crate::harness::{Api, Server, Stack, run_chat};

/// What the room should be after some sequence, from what the test did.
#[derive(Clone, Debug, Default)]
struct Expected {
    members: BTreeMap<Uuid, &'static str>,
    messages: u64,
    deleted: u64,
    reactions: u64,
}

impl Expected {
    /// Compares with a time-travel answer (for sequence `seq`).
    fn check(&self, answer: &Value, seq: u64, context: &str) {
        assert_eq!(answer["seq"], seq, "{context}: {answer:#}");
        let members: BTreeMap<Uuid, &str> = answer["members"]
            .as_array()
            .unwrap_or_else(|| panic!("{context}: no members in {answer:#}"))
            .iter()
            .map(|m| (m["user_id"].as_str().unwrap().parse().unwrap(), m["role"].as_str().unwrap()))
            .collect();
        assert_eq!(members, self.members, "{context}: members");
        let counts = (&answer["message_count"], &answer["deleted_count"], &answer["reaction_count"]);
        assert_eq!(counts, (&json!(self.messages), &json!(self.deleted), &json!(self.reactions)), "{context}");
    }
}

#[tokio::test]
async fn a_room_at_a_sequence_or_a_moment_is_its_history_folded_up_to_there() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let admin = operator(&api, &stack).await;
    let (alice, bob, carol) = (api.register("alice").await, api.register("bob").await, api.register("carol").await);

    // Each step, and the room it leaves, by sequence.
    let mut expected: BTreeMap<u64, Expected> = BTreeMap::new();
    let mut now = Expected::default();
    let room = alice.create_group("time travel").await; // 1 created, 2 alice joined as owner
    now.members.insert(alice.id, "owner");
    expected.insert(2, now.clone());
    assert_eq!(made(bob.join(room).await, 200, "bob joins").await.u64("seq"), 3);
    now.members.insert(bob.id, "member");
    expected.insert(3, now.clone());
    assert_eq!(made(carol.join(room).await, 200, "carol joins").await.u64("seq"), 4);
    now.members.insert(carol.id, "member");
    expected.insert(4, now.clone());
    let (hello, seq) = post(&alice, room, "hello").await;
    assert_eq!(seq, 5);
    now.messages = 1;
    expected.insert(5, now.clone());
    let promote = format!("/v1/rooms/{room}/members/{}/role", bob.id);
    assert_eq!(command(&alice, Method::PUT, &promote, Some(json!({"role": "admin"}))).await, 6);
    now.members.insert(bob.id, "admin");
    expected.insert(6, now.clone());
    assert_eq!(command(&carol, Method::POST, &format!("/v1/rooms/{room}/leave"), None).await, 7);
    now.members.remove(&carol.id);
    expected.insert(7, now.clone());
    let (oops, seq) = post(&bob, room, "oops").await;
    assert_eq!(seq, 8);
    now.messages = 2;
    expected.insert(8, now.clone());
    assert_eq!(command(&alice, Method::DELETE, &format!("/v1/rooms/{room}/messages/{oops}"), None).await, 9);
    (now.messages, now.deleted) = (1, 1);
    expected.insert(9, now.clone());
    let react = format!("/v1/rooms/{room}/messages/{hello}/reactions/%3Atada%3A");
    assert_eq!(command(&bob, Method::PUT, &react, None).await, 10);
    now.reactions = 1;
    expected.insert(10, now.clone());

    // By sequence, over HTTP and from the CLI alike.
    let at = |query: String| {
        let admin = admin.clone();
        async move { made(admin.get(&format!("/v1/admin/rooms/{room}/at?{query}")).await, 200, &query).await.body }
    };
    for (&seq, state) in &expected {
        let answer = at(format!("seq={seq}")).await;
        state.check(&answer, seq, &format!("seq={seq}"));
        assert_eq!(answer["as_of"], json!({"seq": seq}));
        assert_eq!(answer["latest_seq"], 10);
        let cli =
            run_chat(&stack, &["events", "at", "--room", &room.to_string(), "--seq", &seq.to_string()], super::ONE_OFF)
                .await;
        let cli: Value = serde_json::from_str(cli.expect_success()).expect("JSON from chat events at");
        assert_eq!(cli, answer, "the CLI and the endpoint agree at seq {seq}");
    }
    let first = at("seq=2".to_owned()).await;
    assert_eq!(first["kind"], json!({"type": "group", "name": "time travel", "visibility": "public"}));
    expected[&10].check(&at("seq=1000".to_owned()).await, 10, "beyond the end: the room as it is");
    let before = at("seq=0".to_owned()).await;
    assert_eq!((&before["seq"], &before["kind"], &before["members"]), (&json!(0), &Value::Null, &json!([])));

    // By time: each event's recorded time gives the room after it (events committed together
    // share their time, so the later of them).
    let mut db = stack.db.connect().await;
    let recorded: Vec<(i64, DateTime<Utc>)> =
        sqlx::query_as("SELECT sequence, recorded_at FROM events WHERE aggregate_id = $1 ORDER BY sequence")
            .bind(room.to_string())
            .fetch_all(&mut db)
            .await
            .unwrap();
    assert_eq!(recorded.len(), 10);
    for &(seq, time) in &recorded {
        let last_at_that_time = recorded.iter().filter(|(_, t)| *t <= time).map(|(s, _)| *s as u64).max().unwrap();
        let time = time.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let answer = at(format!("time={time}")).await;
        expected[&last_at_that_time].check(&answer, last_at_that_time, &format!("time of seq {seq}"));
        assert_eq!(
            answer["recorded_at"].as_str().map(|t| t.parse::<DateTime<Utc>>().unwrap()),
            Some(time.parse().unwrap())
        );
    }
    let before_it_all =
        (recorded[0].1 - chrono::Duration::microseconds(1)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let answer = at(format!("time={before_it_all}")).await;
    assert_eq!((&answer["seq"], &answer["recorded_at"], &answer["members"]), (&json!(0), &Value::Null, &json!([])));
    let cli = run_chat(
        &stack,
        &["events", "at", "--room", &room.to_string(), "--time", &recorded[5].1.to_rfc3339()],
        super::ONE_OFF,
    )
    .await;
    let cli: Value = serde_json::from_str(cli.expect_success()).unwrap();
    expected[&6].check(&cli, 6, "the CLI at the time of seq 6");
}

#[tokio::test]
async fn time_travel_is_for_administrators_and_wants_exactly_one_point() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let admin = operator(&api, &stack).await;
    let alice = api.register("alice").await;
    let room = alice.create_group("mine").await;

    let refused = alice.get(&format!("/v1/admin/rooms/{room}/at?seq=1")).await;
    assert_eq!((refused.status, refused.code()), (403, Some("admin_only")), "even the room's owner: {refused:?}");
    let anonymous = api.call(Method::GET, &format!("/v1/admin/rooms/{room}/at?seq=1"), None, None).await;
    assert_eq!(anonymous.status, 401);
    let cases = [
        (format!("/v1/admin/rooms/{}/at?seq=1", Uuid::now_v7()), 404, "room_not_found"),
        (format!("/v1/admin/rooms/{room}/at"), 400, "invalid_query"),
        (format!("/v1/admin/rooms/{room}/at?seq=1&time=2026-01-01T00:00:00Z"), 400, "invalid_query"),
        (format!("/v1/admin/rooms/{room}/at?time=yesterday"), 400, "invalid_query"),
        (format!("/v1/admin/rooms/{room}/at?seq=-1"), 400, "invalid_query"),
        ("/v1/admin/rooms/not-a-room/at?seq=1".to_owned(), 400, "invalid_path"),
    ];
    for (path, status, code) in cases {
        let reply = admin.get(&path).await;
        assert_eq!((reply.status, reply.code()), (status, Some(code)), "{path}: {reply:?}");
    }
    let both = run_chat(
        &stack,
        &["events", "at", "--room", &room.to_string(), "--seq", "1", "--time", "2026-01-01T00:00:00Z"],
        super::ONE_OFF,
    )
    .await;
    assert!(!both.status.success(), "{both:?}");
    let unknown =
        run_chat(&stack, &["events", "at", "--room", &Uuid::now_v7().to_string(), "--seq", "1"], super::ONE_OFF).await;
    assert!(!unknown.status.success() && unknown.stderr.contains("no room"), "{unknown:?}");
}
