//! Invites (docs/api.md §4.6): an admin makes a code, anyone signed in previews it and joins
//! with it; expiry, uses and revocation end it; the last use is taken exactly once however
//! many accept at once, through one commands process or two.

use std::time::Duration;

use futures::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{Api, Reply, Server, Stack, User, eventually, run_chat};

/// How long the read models may take to show an invite or a join.
const PROJECTED_WITHIN: Duration = Duration::from_secs(15);

async fn invite(admin: &User, room: Uuid, body: Value) -> Reply {
    admin.call(Method::POST, &format!("/v1/rooms/{room}/invites"), Some(body)).await
}

async fn accept(user: &User, code: &str) -> Reply {
    user.call(Method::POST, &format!("/v1/invites/{code}/accept"), None).await
}

/// An accept answered for good: `busy` (the room stayed contended through the server's
/// retries, which two processes racing on one room can cause) is sent again, as clients do.
async fn accept_answered(user: &User, code: &str) -> Reply {
    loop {
        let reply = accept(user, code).await;
        if reply.code() != Some("busy") {
            return reply;
        }
    }
}

/// The preview of `code` once the invites read model has it.
async fn preview(user: &User, code: &str) -> Reply {
    eventually("the invite in the read model", PROJECTED_WITHIN, || async {
        let reply = user.get(&format!("/v1/invites/{code}")).await;
        (reply.status != 404).then_some(reply)
    })
    .await
}

async fn member_count(user: &User, room: Uuid, count: u64) {
    eventually("the room's member count", PROJECTED_WITHIN, || async {
        let detail = user.get(&format!("/v1/rooms/{room}")).await;
        (detail.body["member_count"] == count).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_stranger_previews_an_invite_joins_a_private_room_with_it_and_chats() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let create = json!({"type": "group", "name": "Book club", "visibility": "private"});
    let room = alice.call(Method::POST, "/v1/rooms", Some(create)).await.uuid("room_id");

    let made = invite(&alice, room, json!({"expires_in_secs": 3600, "max_uses": 2})).await;
    assert_eq!(made.status, 201, "{made:?}");
    let code = made.str("code").to_owned();
    assert_eq!(code.len(), 43);
    assert_eq!(made.str("url_path"), format!("/#/invite/{code}"));
    assert_eq!((made.body["max_uses"].clone(), made.body["uses"].clone()), (json!(2), json!(0)));
    assert!(made.body["expires_at"].is_string(), "{made:?}");

    let seen = preview(&bob, &code).await;
    assert_eq!(seen.status, 200, "{seen:?}");
    assert_eq!(seen.body["name"], "Book club");
    assert_eq!(seen.body["member_count"], 1);
    assert_eq!(seen.body["is_member"], false);
    assert_eq!(seen.body["room_id"], room.to_string());
    // Previewing joins nothing.
    assert_eq!(bob.history(room, 10).await.code(), Some("not_a_member"));

    let joined = accept(&bob, &code).await;
    assert_eq!((joined.status, joined.body["changed"].clone()), (200, json!(true)), "{joined:?}");
    assert_eq!(joined.body["room_id"], room.to_string());
    // Accepting again is no second use.
    let again = accept(&bob, &code).await;
    assert_eq!((again.status, again.body["changed"].clone()), (200, json!(false)), "{again:?}");
    member_count(&alice, room, 2).await;

    let posted = bob.post(room, "hello from the link", "b-1").await;
    assert_eq!(posted.status, 201, "{posted:?}");
    let listed = eventually("one use in the list", PROJECTED_WITHIN, || async {
        let list = alice.get(&format!("/v1/rooms/{room}/invites")).await;
        (list.body["invites"][0]["uses"] == 1).then_some(list)
    })
    .await;
    assert_eq!(listed.body["invites"].as_array().unwrap().len(), 1);
    assert_eq!(listed.body["invites"][0]["invite_id"], made.body["invite_id"]);
    assert!(!listed.body.to_string().contains(&code), "lists never show a code");
    let seen = bob.get(&format!("/v1/invites/{code}")).await;
    assert_eq!((seen.status, seen.body["is_member"].clone()), (200, json!(true)));
}

#[tokio::test]
async fn revoked_used_up_expired_and_unknown_invites_let_no_one_in() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let carol = api.register("carol").await;
    let room = alice.create_group("general").await;

    // Revoked, by its code or by its id.
    for by_code in [true, false] {
        let made = invite(&alice, room, json!({})).await;
        let code = made.str("code").to_owned();
        let name = if by_code { code.clone() } else { made.str("invite_id").to_owned() };
        let revoked = alice.call(Method::DELETE, &format!("/v1/rooms/{room}/invites/{name}"), None).await;
        assert_eq!((revoked.status, revoked.body["changed"].clone()), (200, json!(true)), "{revoked:?}");
        let refused = accept(&bob, &code).await;
        assert_eq!((refused.status, refused.code()), (410, Some("invite_revoked")), "{refused:?}");
        eventually("the revocation in the read model", PROJECTED_WITHIN, || async {
            (bob.get(&format!("/v1/invites/{code}")).await.code() == Some("invite_revoked")).then_some(())
        })
        .await;
    }

    // Used up: one use, taken by Bob.
    let code = invite(&alice, room, json!({"max_uses": 1})).await.str("code").to_owned();
    assert_eq!(accept(&bob, &code).await.status, 200);
    let refused = accept(&carol, &code).await;
    assert_eq!((refused.status, refused.code()), (410, Some("invite_used_up")), "{refused:?}");

    // Expired: a one-second invite, a second later.
    let code = invite(&alice, room, json!({"expires_in_secs": 1})).await.str("code").to_owned();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let refused = accept(&carol, &code).await;
    assert_eq!((refused.status, refused.code()), (410, Some("invite_expired")), "{refused:?}");
    let seen = preview(&carol, &code).await;
    assert_eq!((seen.status, seen.code()), (410, Some("invite_expired")), "{seen:?}");

    // Unknown: a well-formed code of this room that was never made, and no code at all.
    let never = format!("{}{}", &code[..22], "A".repeat(21));
    for unknown in [never.as_str(), "nope", "%F0%9F%91%8D"] {
        let refused = accept(&carol, unknown).await;
        assert_eq!((refused.status, refused.code()), (404, Some("invite_not_found")), "{unknown}: {refused:?}");
        let seen = carol.get(&format!("/v1/invites/{unknown}")).await;
        assert_eq!((seen.status, seen.code()), (404, Some("invite_not_found")), "{unknown}: {seen:?}");
    }

    // Out of range.
    for body in [json!({"max_uses": 0}), json!({"expires_in_secs": 0}), json!({"expires_in_secs": 31_622_401})] {
        let refused = invite(&alice, room, body.clone()).await;
        assert_eq!((refused.status, refused.code()), (422, Some("invalid_input")), "{body}: {refused:?}");
    }
    // Direct rooms have no invites.
    let direct = alice.call(Method::POST, "/v1/rooms", Some(json!({"type": "direct", "user_id": bob.id}))).await;
    let refused = invite(&alice, direct.uuid("room_id"), json!({})).await;
    assert_eq!((refused.status, refused.code()), (409, Some("direct_room_membership_fixed")), "{refused:?}");
}

/// Forty people accept an invite of five uses at once, half through a second commands process
/// (whose room writer races the first one's on the event store): exactly five get in, and
/// whoever accepts twice at once counts once.
#[tokio::test]
async fn the_last_use_of_an_invite_is_taken_exactly_once_under_concurrent_accepts() {
    const USES: usize = 5;
    const PEOPLE: usize = 40;
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let second = Server::start(&stack, "commands").await;
    let apis = [Api::new(server.url()), Api::new(second.url())];
    let alice = apis[0].register("alice").await;
    let room = alice.create_group("popular").await;
    let code = invite(&alice, room, json!({"max_uses": USES})).await.str("code").to_owned();
    let people = join_all((0..PEOPLE).map(|n| {
        let api = apis[n % 2].clone();
        async move { api.register(&format!("guest{n}")).await }
    }))
    .await;

    // Everyone at once, the first guest twice (through both processes).
    let accepts = people.iter().chain([&people[0]]).map(|user| accept_answered(user, &code));
    let replies = join_all(accepts).await;
    let joined = replies.iter().filter(|reply| reply.status == 200 && reply.body["changed"] == true).count();
    let refused = replies.iter().filter(|reply| reply.code() == Some("invite_used_up")).count();
    let other: Vec<&Reply> =
        replies.iter().filter(|reply| reply.status != 200 && reply.code() != Some("invite_used_up")).collect();
    assert!(other.is_empty(), "unexpected answers: {other:?}");
    assert_eq!(joined, USES, "{replies:?}");
    assert_eq!(refused + replies.iter().filter(|reply| reply.status == 200).count(), PEOPLE + 1);
    // The room holds exactly five uses and five joins: RoomCreated, the owner's join, the
    // invite, then a use and a join per guest who got in.
    let last_seq = 3 + 2 * USES as u64;
    let detail = eventually("the five joins in the read model", PROJECTED_WITHIN, || async {
        let detail = alice.get(&format!("/v1/rooms/{room}")).await;
        (detail.body["last_seq"] == last_seq).then_some(detail)
    })
    .await;
    assert_eq!(detail.body["member_count"], USES as u64 + 1, "{detail:?}");
    let late = accept(&people[PEOPLE - 1], &code).await;
    assert!(late.status == 200 || late.code() == Some("invite_used_up"), "{late:?}");
}

/// Read models equal a replay: the invites projector rebuilt from the event store lists the
/// same invites, with the same uses, as the one that followed them live (a revoked one and a
/// used-up one are in neither list).
#[tokio::test]
async fn the_invites_projector_rebuilt_from_the_event_store_lists_the_same_invites() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let room = alice.create_group("general").await;
    let used = invite(&alice, room, json!({"max_uses": 3})).await.str("code").to_owned();
    let used_up = invite(&alice, room, json!({"max_uses": 1})).await.str("code").to_owned();
    let revoked = invite(&alice, room, json!({"expires_in_secs": 600})).await.str("code").to_owned();
    invite(&alice, room, json!({"expires_in_secs": 86_400})).await;
    assert_eq!(accept(&bob, &used).await.status, 200);
    let carol = api.register("carol").await;
    assert_eq!(accept(&carol, &used_up).await.status, 200);
    let revoke = alice.call(Method::DELETE, &format!("/v1/rooms/{room}/invites/{revoked}"), None).await;
    assert_eq!(revoke.status, 200);
    let path = format!("/v1/rooms/{room}/invites");
    let live = eventually("two live invites, one used", PROJECTED_WITHIN, || async {
        let list = alice.get(&path).await;
        let invites = list.body["invites"].as_array()?.clone();
        (invites.len() == 2 && invites.iter().any(|invite| invite["uses"] == 1)).then_some(list.body)
    })
    .await;

    let rebuilt = run_chat(&stack, &["projections", "rebuild", "invites"], Duration::from_secs(120)).await;
    assert!(rebuilt.expect_success().trim().starts_with("rebuilt invites"), "{rebuilt:?}");
    assert_eq!(alice.get(&path).await.body, live);
}
