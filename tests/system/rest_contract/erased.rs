//! An erased account's access token stays valid until it expires, but reads nothing more:
//! every authenticated read answers `401 account_erased` (docs/api.md §1, §10).

use std::time::Duration;

use reqwest::Method;
use uuid::Uuid;

use super::{answer, operator};
use crate::harness::{Api, Server, Stack, User, eventually};

/// How long the read models may take to show a fixture while the whole suite runs.
const PROJECTED_WITHIN: Duration = Duration::from_secs(60);

/// Every read route for `user` (an administrator if `admin`), with what it answers while
/// the account exists: `room` is one they are in, `unknown` a room that does not exist.
fn reads(user: &User, admin: bool, other: &User, room: Uuid, unknown: Uuid) -> Vec<(String, u16)> {
    let administrators = if admin { 200 } else { 403 };
    vec![
        ("/v1/me".to_owned(), 200),
        (format!("/v1/users/{}", user.id), 200),
        (format!("/v1/users/{}", other.id), 200),
        ("/v1/rooms".to_owned(), 200),
        ("/v1/rooms?limit=5".to_owned(), 200),
        ("/v1/users?username=anyone_at_all".to_owned(), 200),
        ("/v1/directory/rooms".to_owned(), 200),
        ("/v1/websites".to_owned(), 200),
        (format!("/v1/websites/{unknown}"), 404),
        (format!("/v1/websites/{unknown}/conversations"), 404),
        (format!("/v1/rooms/{room}"), 200),
        (format!("/v1/rooms/{room}/messages"), 200),
        (format!("/v1/rooms/{room}/messages?limit=5"), 200),
        (format!("/v1/rooms/{room}/receipts"), 200),
        // Once erased, the account comes before the room.
        (format!("/v1/rooms/{unknown}/messages"), 404),
        ("/v1/admin/feeds".to_owned(), administrators),
        ("/v1/admin/events?since=2100-01-01T00:00:00Z".to_owned(), administrators),
        (format!("/v1/admin/rooms/{room}/at?seq=1"), administrators),
    ]
}

#[tokio::test]
async fn an_erased_users_unexpired_token_can_no_longer_read() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let eraser = operator(&api, &stack).await;
    // Two users to erase: a plain user and an administrator (for the administrators' reads).
    let alice = api.register("alice").await;
    let oscar = operator(&api, &stack).await;
    let bob = api.register("bob").await;
    let room = bob.create_group("shared").await;
    for user in [&alice, &oscar] {
        assert_eq!(user.join(room).await.status, 200, "join");
        assert_eq!(user.post(room, "hello", &Uuid::new_v4().to_string()).await.status, 201, "post");
    }

    // Before: each read answers as usual (once the read models have caught up).
    let unknown = Uuid::now_v7();
    for (user, is_admin) in [(&alice, false), (&oscar, true)] {
        for (path, status) in reads(user, is_admin, &bob, room, unknown) {
            eventually(&format!("GET {path} to answer {status}"), PROJECTED_WITHIN, || async {
                (user.get(&path).await.status == status).then_some(())
            })
            .await;
        }
    }

    for user in [&alice, &oscar] {
        let erased = eraser.call(Method::POST, &format!("/v1/admin/users/{}/erase", user.id), None).await;
        assert_eq!(erased.status, 200, "erase: {erased:?}");
    }

    // After: every read with the tokens they still hold is refused.
    let mut wrong = Vec::new();
    for (user, is_admin) in [(&alice, false), (&oscar, true)] {
        for (path, _) in reads(user, is_admin, &bob, room, unknown) {
            let reply = user.get(&path).await;
            if answer(&reply) != (401, Some("account_erased")) || reply.header("www-authenticate") != Some("Bearer") {
                wrong.push(format!("GET {path}: {reply:?}"));
            }
        }
        // So are commands (as before), administrators' included.
        let posted = user.post(room, "still here?", "after-erasure").await;
        assert_eq!(answer(&posted), (401, Some("account_erased")), "{posted:?}");
    }
    assert!(wrong.is_empty(), "{} reads by erased accounts were answered:\n{}", wrong.len(), wrong.join("\n"));
    let erase = oscar.call(Method::POST, &format!("/v1/admin/users/{}/erase", bob.id), None).await;
    assert_eq!(answer(&erase), (401, Some("account_erased")), "an erased administrator erases: {erase:?}");

    // Everyone else reads as before.
    let bobs = bob.get(&format!("/v1/rooms/{room}/messages")).await;
    assert_eq!(bobs.status, 200, "{bobs:?}");
    let me = bob.get("/v1/me").await;
    assert_eq!(me.status, 200, "{me:?}");
}
