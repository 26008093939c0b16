//! The event history for analysts: `chat events export` and `GET /v1/admin/events` against a
//! store of 10,000+ events written by the real API — the export is the events table in the
//! durable feed's order, row by row; exports chained by their cursors (some taken while
//! writes were in flight) equal one full export; filters select exactly their rows; CSV and
//! Parquet hold the same values; the HTTP stream equals the CLI's and is for administrators
//! only. And an event stored in an old version loads, projects and exports as the current one.

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Api, Server, Stack, User, eventually, operator, run_chat};

mod files;
mod old_versions;

/// The size of the generated history (at least).
const EVENTS: usize = 10_000;
const USERS: usize = 8;
const ROOMS: usize = 10;
/// Posts per traffic phase; each phase also edits, reacts, deletes and marks read.
const POSTS_PER_PHASE: usize = 2_400;
const PHASES: usize = 4;
const EXPORT_WITHIN: Duration = Duration::from_secs(120);

/// The export's columns, in order (as in `docs/schemas/export-record.schema.json`).
const COLUMNS: [&str; 10] = [
    "global_position",
    "tx_id",
    "recorded_at",
    "aggregate_type",
    "aggregate_id",
    "sequence",
    "event_type",
    "event_version",
    "payload",
    "metadata",
];

/// Every stored event as the export should show it, in feed order.
async fn stored(stack: &Stack) -> Vec<Value> {
    type Row = (i64, String, String, String, String, i64, String, String, Value, Value);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT global_position, tx_id::text AS tx_text,
                to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),
                aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
         FROM events",
    )
    .fetch_all(&mut stack.db.connect().await)
    .await
    .expect("read the events table");
    // Feed order, by the transaction id as a number (not as the text it is read as).
    let mut rows = rows;
    rows.sort_by_key(|row| (row.1.parse::<u64>().unwrap(), row.0));
    rows.into_iter()
        .map(|(position, tx, at, aggregate_type, id, sequence, event_type, version, payload, metadata)| {
            json!({
                "global_position": position, "tx_id": tx.parse::<u64>().unwrap(), "recorded_at": at,
                "aggregate_type": aggregate_type, "aggregate_id": id, "sequence": sequence,
                "event_type": event_type, "event_version": version, "payload": payload, "metadata": metadata,
            })
        })
        .collect()
}

/// Runs `chat events export <args…>`; returns its records (NDJSON on stdout) and the cursor
/// it printed on stderr.
async fn export(stack: &Stack, args: &[&str]) -> (Vec<Value>, String) {
    let mut command = vec!["events", "export"];
    command.extend_from_slice(args);
    let finished = run_chat(stack, &command, EXPORT_WITHIN).await;
    let stdout = finished.expect_success();
    let records = stdout.lines().map(|line| serde_json::from_str(line).expect("an NDJSON line")).collect();
    (records, cursor_of(&finished.stderr))
}

fn cursor_of(stderr: &str) -> String {
    let line = stderr.lines().rev().find_map(|line| line.strip_prefix("cursor: "));
    line.unwrap_or_else(|| panic!("no cursor line in:\n{stderr}")).trim().to_owned()
}

/// A record's own cursor: resuming from it starts with the next record.
fn cursor_at(record: &Value) -> String {
    format!("{}:{}", record["tx_id"], record["global_position"])
}

fn only(records: &[Value], keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    records.iter().filter(|record| keep(record)).cloned().collect()
}

/// `users` all members of `ROOMS` rooms.
async fn rooms_for(users: &[User]) -> Vec<Uuid> {
    let mut rooms = Vec::new();
    for n in 0..ROOMS {
        let room = users[0].create_group(&format!("analytics {n}")).await;
        for user in &users[1..] {
            assert_eq!(user.join(room).await.status, 200);
        }
        rooms.push(room);
    }
    rooms
}

/// Every user posts its share of `posts` round the rooms; each 50th post of a user is also
/// edited and reacted to, each 100th deleted and read up to.
async fn traffic(users: &[User], rooms: &[Uuid], posts: usize, phase: usize) {
    let per_user = posts / users.len();
    futures::future::join_all(users.iter().enumerate().map(|(u, user)| async move {
        for n in 0..per_user {
            let room = rooms[(u + n) % rooms.len()];
            let reply = user.post(room, &format!("phase {phase} message {u}/{n}"), &format!("p{phase}-{u}-{n}")).await;
            assert_eq!(reply.status, 201, "post: {reply:?}");
            let (message, seq) = (reply.uuid("message_id"), reply.u64("seq"));
            let path = format!("/v1/rooms/{room}/messages/{message}");
            if n % 50 == 0 {
                let edited = user.call(Method::PATCH, &path, Some(json!({"body": format!("edited {u}/{n}")}))).await;
                assert_eq!(edited.status, 200, "edit: {edited:?}");
                let reacted = user.call(Method::PUT, &format!("{path}/reactions/%3Atada%3A"), None).await;
                assert_eq!(reacted.status, 200, "react: {reacted:?}");
            }
            if n % 100 == 99 {
                assert_eq!(user.call(Method::DELETE, &path, None).await.status, 200, "delete");
                let read = json!({"up_to_seq": seq});
                let marked = user.call(Method::POST, &format!("/v1/rooms/{room}/read"), Some(read)).await;
                assert_eq!(marked.status, 200, "mark read: {marked:?}");
            }
        }
    }))
    .await;
}

/// Begins a transaction on `conn` that appends a presence event for `user` and stays open
/// (until the caller sends `COMMIT`); returns its transaction id.
async fn hold_open_event(conn: &mut sqlx::PgConnection, user: Uuid) -> u64 {
    sqlx::query("BEGIN").execute(&mut *conn).await.unwrap();
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('presence', $1, 1, 'PresenceChanged', '1.0', '{\"type\": \"PresenceChanged\", \"status\": \"away\"}',
                 jsonb_build_object('actor', $1, 'request_id', 'held-open', 'via', 'presence'))",
    )
    .bind(user.to_string())
    .execute(&mut *conn)
    .await
    .unwrap();
    let tx_id: String = sqlx::query_scalar("SELECT pg_current_xact_id()::text").fetch_one(&mut *conn).await.unwrap();
    tx_id.parse().unwrap()
}

async fn event_count(stack: &Stack) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events").fetch_one(&mut stack.db.connect().await).await.unwrap()
}

#[tokio::test]
async fn exports_follow_the_feed_resume_by_cursor_filter_and_convert_and_stream_over_http() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let analyst = operator(&api, &stack).await;
    let names: Vec<String> = (0..USERS).map(|n| format!("writer{n}")).collect();
    let users: Vec<User> = futures::future::join_all(names.iter().map(|name| api.register(name))).await;
    let rooms = rooms_for(&users).await;

    // The history is written in phases; during each, an export from the previous cursor runs
    // while posts are still committing. Chained, the parts must be the whole history. In one
    // phase an event's transaction is held open across the export: the events committed after
    // it began (larger transaction ids) must wait for the next part, or it would be skipped.
    let (mut parts, mut cursor) = export(&stack, &[]).await;
    for phase in 0..PHASES {
        let before = event_count(&stack).await;
        let mut held = (phase == 1).then_some(stack.db.connect().await);
        let held_tx = match held.as_mut() {
            Some(conn) => Some(hold_open_event(conn, analyst.id).await),
            None => None,
        };
        let during = async {
            eventually("writes in flight", Duration::from_secs(60), || async {
                (event_count(&stack).await > before + 200).then_some(())
            })
            .await;
            export(&stack, &["--after", &cursor]).await
        };
        let ((), (part, next)) = tokio::join!(traffic(&users, &rooms, POSTS_PER_PHASE, phase), during);
        if let (Some(mut conn), Some(tx_id)) = (held, held_tx) {
            let later = part.iter().filter(|r| r["tx_id"].as_u64().unwrap() > tx_id).count();
            assert_eq!(later, 0, "an export passed events committed after a transaction still in flight");
            sqlx::query("COMMIT").execute(&mut conn).await.unwrap();
        }
        parts.extend(part);
        cursor = next;
    }
    let (rest, last) = export(&stack, &["--after", &cursor]).await;
    parts.extend(rest);
    let (nothing_new, same) = export(&stack, &["--after", &last]).await;
    assert!(nothing_new.is_empty(), "nothing was written after the last part: {nothing_new:?}");
    let tx = |cursor: &str| cursor.split(':').next().unwrap().parse::<u64>().unwrap();
    assert!(tx(&same) >= tx(&last), "cursors only move forward: {last} then {same}");

    let table = stored(&stack).await;
    assert!(table.len() >= EVENTS, "a history of {} events", table.len());
    let (full, _) = export(&stack, &[]).await;
    assert_eq!(full.len(), table.len());
    for (n, (exported, row)) in full.iter().zip(&table).enumerate() {
        assert_eq!(exported, row, "record {n} differs from the events table");
    }
    // Every record is an event of the catalog (docs/events.md, the export-record schema), in
    // its current version.
    for record in &full {
        let (aggregate, event_type) =
            (record["aggregate_type"].as_str().unwrap(), record["event_type"].as_str().unwrap());
        let doc =
            chat_domain::catalog::find(aggregate, event_type).unwrap_or_else(|| panic!("{record} not in the catalog"));
        assert!(doc.admits(&record["payload"]) && record["event_version"] == doc.version, "{record}");
    }
    let positions: Vec<i64> = parts.iter().map(|r| r["global_position"].as_i64().unwrap()).collect();
    let unique: BTreeSet<i64> = positions.iter().copied().collect();
    assert_eq!(unique.len(), positions.len(), "no record twice across the parts");
    assert!(parts == full, "the parts chained by cursor equal one full export");

    // Resuming from any record's own cursor gives exactly the records after it.
    for k in [0, full.len() / 3, full.len() - 2] {
        let (after, _) = export(&stack, &["--after", &cursor_at(&full[k]), "--page-size", "777"]).await;
        assert!(after == full[k + 1..], "resume after record {k}");
    }

    filters(&stack, &full, &rooms).await;
    files::files(&stack, &full).await;
    http(&stack, &api, &analyst, &users[1], &full, &rooms).await;
}

/// Each filter (crossing page boundaries) selects exactly its records of the full export.
async fn filters(stack: &Stack, full: &[Value], rooms: &[Uuid]) {
    let room = rooms[3].to_string();
    let (got, _) = export(stack, &["--room", &room, "--page-size", "300"]).await;
    let want = only(full, |r| r["aggregate_type"] == "room" && r["aggregate_id"] == room.as_str());
    assert!(!want.is_empty() && got == want, "--room: {} of {}", got.len(), want.len());

    let args = ["--event-type", "MessageEdited", "--event-type", "ReactionAdded", "--page-size", "50"];
    let (got, _) = export(stack, &args).await;
    let want = only(full, |r| r["event_type"] == "MessageEdited" || r["event_type"] == "ReactionAdded");
    assert!(want.len() > 100 && got == want, "--event-type: {} of {}", got.len(), want.len());

    let (got, _) = export(stack, &["--aggregate-type", "user"]).await;
    let want = only(full, |r| r["aggregate_type"] == "user");
    assert!(want.len() == USERS + 1 && got == want, "--aggregate-type: {} of {}", got.len(), want.len());

    // RFC 3339 in UTC with fixed microseconds sorts as text in time order.
    let since = full[full.len() / 4]["recorded_at"].as_str().unwrap().to_owned();
    let until = full[full.len() * 3 / 4]["recorded_at"].as_str().unwrap().to_owned();
    let (got, _) = export(stack, &["--since", &since, "--until", &until, "--page-size", "999"]).await;
    let want = only(full, |r| {
        let at = r["recorded_at"].as_str().unwrap();
        since.as_str() <= at && at < until.as_str()
    });
    assert!(!want.is_empty() && got == want, "--since/--until: {} of {}", got.len(), want.len());

    let (got, _) = export(stack, &["--room", &room, "--event-type", "MessageDeleted", "--until", &until]).await;
    let want = only(full, |r| {
        r["aggregate_id"] == room.as_str()
            && r["event_type"] == "MessageDeleted"
            && r["recorded_at"].as_str().unwrap() < until.as_str()
    });
    assert!(got == want, "combined filters: {} of {}", got.len(), want.len());

    // Bad input fails with the parameter's name and exports nothing.
    for (args, name) in [
        (vec!["--since", "yesterday"], "--since"),
        (vec!["--room", "general"], "--room"),
        (vec!["--event-type", "MessagePost"], "--event-type"),
        (vec!["--after", "tomorrow"], "--after"),
        (vec!["--format", "xlsx"], "--format"),
    ] {
        let mut command = vec!["events", "export"];
        command.extend(args);
        let finished = run_chat(stack, &command, EXPORT_WITHIN).await;
        assert!(!finished.status.success() && finished.stdout.is_empty(), "{command:?} should fail");
        assert!(finished.stderr.contains(name), "{command:?}: {}", finished.stderr);
    }
}

/// `GET /v1/admin/events` as `analyst`: the raw body and the cursor header.
async fn get_events(api: &Api, user: Option<&User>, query: &str) -> (u16, Option<String>, String) {
    let mut request = api.raw(Method::GET, &format!("/v1/admin/events{query}"));
    if let Some(user) = user {
        request = request.bearer_auth(&user.token);
    }
    let response = request.send().await.expect("HTTP request");
    let status = response.status().as_u16();
    let cursor = response.headers().get("x-export-cursor").map(|v| v.to_str().unwrap().to_owned());
    if status == 200 {
        assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    }
    (status, cursor, response.text().await.expect("response body"))
}

fn lines(body: &str) -> Vec<Value> {
    body.lines().map(|line| serde_json::from_str(line).expect("an NDJSON line")).collect()
}

/// The HTTP stream equals the CLI export, takes the same filters and cursor, and refuses
/// anyone but an administrator.
async fn http(stack: &Stack, api: &Api, analyst: &User, member: &User, full: &[Value], rooms: &[Uuid]) {
    let (status, cursor, body) = get_events(api, Some(analyst), "").await;
    assert_eq!(status, 200, "{body}");
    let streamed = lines(&body);
    assert_eq!(streamed.len(), full.len());
    assert!(streamed == full, "the HTTP stream equals the CLI export");
    let cursor = cursor.expect("a cursor header");
    let (rest, _) = export(stack, &["--after", &cursor]).await;
    assert!(rest.is_empty(), "the header's cursor is past everything streamed");

    let room = rooms[5];
    let k = full.len() / 2;
    let query = format!("?room={room}&after={}&event_type=MessagePosted,MessageDeleted", cursor_at(&full[k]));
    let (status, _, body) = get_events(api, Some(analyst), &query).await;
    assert_eq!(status, 200, "{body}");
    let want = only(&full[k + 1..], |r| {
        r["aggregate_id"] == room.to_string().as_str()
            && (r["event_type"] == "MessagePosted" || r["event_type"] == "MessageDeleted")
    });
    assert!(!want.is_empty() && lines(&body) == want, "filtered HTTP stream");

    for query in
        ["?since=yesterday", "?event_type=MessagePost", "?room=general", "?after=1", "?limit=3", "?format=xlsx"]
    {
        let (status, _, body) = get_events(api, Some(analyst), query).await;
        assert_eq!(status, 400, "{query}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["error"]["code"], "invalid_query", "{query}: {body}");
    }
    let (status, _, body) = get_events(api, Some(member), "").await;
    assert_eq!(
        (status, serde_json::from_str::<Value>(&body).unwrap()["error"]["code"].clone()),
        (403, json!("admin_only"))
    );
    let (status, _, _) = get_events(api, None, "").await;
    assert_eq!(status, 401);
}
