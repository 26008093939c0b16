//! Event history for analysts (issue 6), beyond the export: a room as of a sequence or a
//! moment (`time_travel`), what-if replays of a projector into a schema of one's own
//! (`replay`), and erasing a user's personal data (`erasure`).

mod erasure;
mod replay;
mod time_travel;

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::harness::{Reply, Stack, User, eventually, operator, run_chat};

/// How long the read models may take to catch up (generous: the whole suite runs in parallel).
const CATCH_UP: Duration = Duration::from_secs(60);

/// How long a one-off `chat` command may take.
const ONE_OFF: Duration = Duration::from_secs(120);

/// The tables of each projector, as in `projections/src/projectors`.
const ROOMS_TABLES: [&str; 4] = ["rooms", "room_members", "messages", "message_reactions"];
const USERS_TABLES: [&str; 2] = ["users", "presence"];
const SEARCH_TABLES: [&str; 1] = ["search_messages"];

/// Waits until every feed (projectors and relay) has applied every event.
async fn caught_up(operator: &User) {
    eventually("every feed to catch up", CATCH_UP, || async {
        let feeds = operator.get("/v1/admin/feeds").await.body;
        let feeds = feeds.as_array()?;
        (!feeds.is_empty() && feeds.iter().all(|feed| feed["events_behind"] == 0)).then_some(())
    })
    .await;
}

async fn made(reply: Reply, status: u16, what: &str) -> Reply {
    assert_eq!(reply.status, status, "{what}: {reply:?}");
    reply
}

/// Posts `body` and returns `(message id, seq)`.
async fn post(user: &User, room: Uuid, body: &str) -> (Uuid, u64) {
    let reply = made(user.post(room, body, &Uuid::new_v4().to_string()).await, 201, "post").await;
    (reply.uuid("message_id"), reply.u64("seq"))
}

/// Runs a command and returns the seq it reports.
async fn command(user: &User, method: Method, path: &str, body: Option<Value>) -> u64 {
    let reply = user.call(method, path, body).await;
    assert!(reply.status == 200 || reply.status == 201, "{path}: {reply:?}");
    reply.u64("seq")
}

/// The rows only in one of `schema_a.table` and `schema_b.table` (with multiplicity), for each
/// of `tables`, described; empty when every table is equal.
async fn differences(conn: &mut PgConnection, a: &str, b: &str, tables: &[&str]) -> Vec<String> {
    let mut differences = Vec::new();
    for table in tables {
        for (from, to) in [(a, b), (b, a)] {
            let only = format!("TABLE {from}.{table} EXCEPT ALL TABLE {to}.{table}");
            let sample: Vec<String> = sqlx::query_scalar(&format!("SELECT to_jsonb(d)::text FROM ({only}) d LIMIT 3"))
                .fetch_all(&mut *conn)
                .await
                .unwrap();
            if !sample.is_empty() {
                differences.push(format!("{table}: rows only in {from}, e.g. {sample:#?}"));
            }
        }
    }
    differences
}

/// `chat events replay …` to completion; its output.
async fn replay(stack: &Stack, args: &[&str]) -> String {
    let mut full = vec!["events", "replay"];
    full.extend_from_slice(args);
    run_chat(stack, &full, ONE_OFF).await.expect_success().to_owned()
}
