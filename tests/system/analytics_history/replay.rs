//! `chat events replay`: a projector fed with the history (or part of it) into a schema of
//! one's own, leaving the live read models and checkpoints untouched.

use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use super::{ROOMS_TABLES, USERS_TABLES, caught_up, command, differences, operator, post, replay};
use crate::harness::{Api, Server, Stack, run_chat};

/// Every checkpoint, and a digest of every live read-model table (row count and the md5 of its
/// rows in a fixed order), to show that nothing live moved.
async fn live_state(conn: &mut sqlx::PgConnection) -> Vec<String> {
    let mut state: Vec<String> =
        sqlx::query_scalar("SELECT name || ' ' || tx_id::text || ':' || position FROM feed_checkpoints ORDER BY name")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    for table in ROOMS_TABLES.iter().chain(&USERS_TABLES) {
        let digest: String = sqlx::query_scalar(&format!(
            "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM public.{table} t"
        ))
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        state.push(format!("{table} {digest}"));
    }
    state
}

#[tokio::test]
async fn a_replay_into_a_schema_matches_the_live_tables_and_leaves_them_and_the_checkpoints_alone() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let admin = operator(&api, &stack).await;
    let (alice, bob) = (api.register("alice").await, api.register("bob").await);
    made_profile(&bob, "Bob B.").await;
    let room = alice.create_group("what if").await;
    bob.join(room).await;
    let mut halfway = 0;
    for n in 0..12 {
        let author = if n % 3 == 0 { &bob } else { &alice };
        let (message, seq) = post(author, room, &format!("message {n}")).await;
        if n % 4 == 1 {
            command(
                author,
                Method::PATCH,
                &format!("/v1/rooms/{room}/messages/{message}"),
                Some(json!({"body": "edited"})),
            )
            .await;
        }
        if n % 5 == 2 {
            command(&alice, Method::DELETE, &format!("/v1/rooms/{room}/messages/{message}"), None).await;
        }
        if n == 5 {
            halfway = seq;
        }
    }
    let direct = made_direct(&alice, bob.id).await;
    post(&bob, direct, "psst").await;
    command(&bob, Method::POST, &format!("/v1/rooms/{room}/read"), Some(json!({"up_to_seq": halfway}))).await;
    caught_up(&admin).await;

    let mut db = stack.db.connect().await;
    let before = live_state(&mut db).await;

    // To the end: equal to the live tables.
    let output = replay(&stack, &["--projector", "rooms", "--schema", "whatif_rooms"]).await;
    assert!(output.contains("replayed rooms into schema whatif_rooms"), "{output}");
    assert!(output.contains("SET search_path TO whatif_rooms"), "{output}");
    let output = replay(&stack, &["--projector", "users", "--schema", "whatif_users"]).await;
    assert!(output.contains("replayed users into schema whatif_users"), "{output}");
    assert_eq!(differences(&mut db, "public", "whatif_rooms", &ROOMS_TABLES).await, Vec::<String>::new());
    assert_eq!(differences(&mut db, "public", "whatif_users", &USERS_TABLES).await, Vec::<String>::new());
    assert_eq!(live_state(&mut db).await, before, "the live tables and checkpoints did not move");

    // Up to the room's halfway post, by global position (and by its deprecated spelling
    // --until-seq, which scripts may still use) and by time: the room as it was then, which is
    // what time travel says too.
    let (position, recorded_at): (i64, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as("SELECT global_position, recorded_at FROM events WHERE aggregate_id = $1 AND sequence = $2")
            .bind(room.to_string())
            .bind(halfway as i64)
            .fetch_one(&mut db)
            .await
            .unwrap();
    let then = admin.get(&format!("/v1/admin/rooms/{room}/at?seq={halfway}")).await.body;
    for until in [
        vec!["--until-position".to_owned(), position.to_string()],
        vec!["--until-seq".to_owned(), position.to_string()],
        vec!["--until-time".to_owned(), recorded_at.to_rfc3339()],
    ] {
        let mut args = vec!["--projector", "rooms", "--schema", "whatif_rooms"];
        args.extend(until.iter().map(String::as_str));
        let output = replay(&stack, &args).await;
        assert!(output.contains(&format!("last event: position {position}")), "{until:?}: {output}");
        let (last_seq, message_count, member_count): (i64, i64, i32) =
            sqlx::query_as("SELECT last_seq, message_count, member_count FROM whatif_rooms.rooms WHERE room_id = $1")
                .bind(room)
                .fetch_one(&mut db)
                .await
                .unwrap();
        assert_eq!(last_seq as u64, halfway, "{until:?}");
        assert_eq!(message_count, then["message_count"].as_i64().unwrap(), "{until:?}");
        assert_eq!(member_count as usize, then["members"].as_array().unwrap().len(), "{until:?}");
        let later: i64 = sqlx::query_scalar("SELECT count(*) FROM whatif_rooms.rooms WHERE room_id = $1")
            .bind(direct)
            .fetch_one(&mut db)
            .await
            .unwrap();
        assert_eq!(later, 0, "{until:?}: the direct room came later");
    }

    // Up to a cursor: the feed up to there.
    let output = replay(&stack, &["--projector", "rooms", "--schema", "whatif_rooms", "--until-cursor", "0:0"]).await;
    assert!(output.contains(": 0 events") && output.contains("last event: none"), "{output}");
    assert_eq!(live_state(&mut db).await, before, "still nothing live moved");

    // Schemas that are not replay schemas are never touched.
    sqlx::query("CREATE SCHEMA precious").execute(&mut db).await.unwrap();
    sqlx::query("CREATE TABLE precious.rooms (keep text)").execute(&mut db).await.unwrap();
    for schema in ["precious", "public", "rebuild_rooms", "Bad-Name"] {
        let refused =
            run_chat(&stack, &["events", "replay", "--projector", "rooms", "--schema", schema], super::ONE_OFF).await;
        assert!(!refused.status.success(), "{schema}: {refused:?}");
    }
    let unknown = run_chat(&stack, &["events", "replay", "--projector", "nope", "--schema", "x"], super::ONE_OFF).await;
    assert!(!unknown.status.success() && unknown.stderr.contains("no projector"), "{unknown:?}");
    let kept: Vec<String> =
        sqlx::query_scalar("SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'precious'")
            .fetch_all(&mut db)
            .await
            .unwrap();
    assert_eq!(kept, ["keep"]);
    assert_eq!(live_state(&mut db).await, before);
}

async fn made_profile(user: &crate::harness::User, name: &str) {
    let reply = user.call(Method::PATCH, "/v1/me", Some(json!({"display_name": name}))).await;
    assert_eq!(reply.status, 204, "{reply:?}");
}

async fn made_direct(user: &crate::harness::User, with: Uuid) -> Uuid {
    let reply = user.call(Method::POST, "/v1/rooms", Some(json!({"type": "direct", "user_id": with}))).await;
    assert_eq!(reply.status, 201, "{reply:?}");
    reply.uuid("room_id")
}
