//! Who may do what, route by route and command by command: every REST route and every
//! WebSocket command frame, called by each kind of caller — anonymous, a registered user outside
//! the room, a member, and the room's admin (for `/v1/admin/*`: a global administrator) — must
//! answer what docs/api.md and docs/protocol.md say.
//!
//! Each test is a table with one line per route or command and one expected answer per caller.
//! Every (route, caller) row runs against a fresh room of its own, so that what one row changes
//! (a deletion, a leave, a removal) cannot change another's answer; the rows run a few at a time,
//! and every row that differs is reported at once.

use std::fmt;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::harness::{Api, Reply, Server, Stack, User, Ws, eventually, operator};

/// How many rows run at once, each on its own room.
const PARALLEL_ROWS: usize = 8;

/// How long the read models may take to show a fixture while the whole suite runs.
const PROJECTED_WITHIN: Duration = Duration::from_secs(30);

/// How long a WebSocket command may take to be answered (the gateway's own limit is 10 s).
const ANSWERED_WITHIN: Duration = Duration::from_secs(15);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Anonymous,
    NonMember,
    Member,
    Admin,
}

/// The columns of the tables, in order.
const CALLERS: [Caller; 4] = [Caller::Anonymous, Caller::NonMember, Caller::Member, Caller::Admin];

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Caller::Anonymous => "anonymous",
            Caller::NonMember => "non-member",
            Caller::Member => "member",
            Caller::Admin => "admin",
        })
    }
}

// ---------------------------------------------------------------------------------------------
// REST
// ---------------------------------------------------------------------------------------------

/// An expected REST answer: the status, and the error code when it is an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Expect {
    status: u16,
    code: Option<&'static str>,
}

const fn ok(status: u16) -> Expect {
    Expect { status, code: None }
}

const fn no(status: u16, code: &'static str) -> Expect {
    Expect { status, code: Some(code) }
}

const ANON: Expect = no(401, "unauthorized");
const NOT_A_MEMBER: Expect = no(403, "not_a_member");
const NOT_ALLOWED: Expect = no(403, "not_allowed");
const NOT_THE_AUTHOR: Expect = no(403, "not_the_author");
const ADMIN_ONLY: Expect = no(403, "admin_only");
/// What anyone outside a website's team is told about it, whatever they ask.
const NO_WEBSITE: Expect = no(404, "website_not_found");
const NOT_SUPPORT: Expect = no(409, "not_a_support_conversation");
const NO_FILE: Expect = no(404, "attachment_not_found");
const NOT_YOURS: Expect = no(422, "upload_not_found");
const BAD_SIGNATURE: Expect = no(403, "invalid_signature");
/// A code of the fixture's room that was never made.
const NO_INVITE: Expect = no(404, "invite_not_found");
/// Accepting a contact request nobody sent.
const NO_REQUEST: Expect = no(404, "contact_request_not_found");

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "{} {code}", self.status),
            None => write!(f, "{}", self.status),
        }
    }
}

/// A REST call; `path` may name the fixture with the placeholders of [`Fixture::fill`].
struct Route {
    method: Method,
    path: &'static str,
    body: Option<Value>,
    visibility: Visibility,
    /// The admin column is a global administrator instead of the room's admin.
    operators: bool,
}

fn route(method: Method, path: &'static str) -> Route {
    Route { method, path, body: None, visibility: Visibility::Public, operators: false }
}

impl Route {
    fn body(self, body: Value) -> Self {
        Self { body: Some(body), ..self }
    }

    /// Against a private room instead of a public one.
    fn private(self) -> Self {
        Self { visibility: Visibility::Private, ..self }
    }

    fn for_operators(self) -> Self {
        Self { operators: true, ..self }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        match (self.visibility, self.operators) {
            (Visibility::Private, _) => f.write_str(" (private room)"),
            (Visibility::Public, true) => f.write_str(" (admin: a global administrator)"),
            (Visibility::Public, false) => Ok(()),
        }
    }
}

/// Every REST route and what each caller gets, as documented in docs/api.md (§2–§4, §7–§10);
/// `/v1/admin/feeds` and `/v1/auth/logout-all` as the code defines them.
fn rest_table() -> Vec<(Route, [Expect; 4])> {
    use Method as M;
    let post = json!({"body": "hello", "client_msg_id": "row-1"});
    let edit = json!({"body": "edited"});
    let widget = json!({"color": "green", "size": "small", "language": "en", "position": "left",
                        "greeting": null, "pre_chat_form": false, "business_hours": null});
    vec![
        // route                                                       anonymous, non-member, member, admin
        (route(M::GET, "/v1/me"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::PATCH, "/v1/me").body(json!({"display_name": "Renamed"})), [ANON, ok(204), ok(204), ok(204)]),
        // Who a user is, anyone signed in sees; how they are (presence), only those who share a
        // room with them or are their contacts (tests/system/contacts.rs, presence.rs).
        (route(M::GET, "/v1/users/{owner}"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::GET, "/v1/users?username=anyone_at_all"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::GET, "/v1/directory/rooms?q=row"), [ANON, ok(200), ok(200), ok(200)]),
        // Search answers everyone with what their own rooms hold (tests/system/search.rs checks what).
        (route(M::GET, "/v1/search?q=owner"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::GET, "/v1/search?q=owner&room_id={room}").private(), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::GET, "/v1/users/search?q=a"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::POST, "/v1/rooms").body(json!({"type": "group", "name": "mine"})), [ANON, ok(201), ok(201), ok(201)]),
        (route(M::GET, "/v1/rooms"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::GET, "/v1/rooms/{room}"), [ANON, NOT_A_MEMBER, ok(200), ok(200)]),
        (route(M::GET, "/v1/rooms/{room}").private(), [ANON, NOT_A_MEMBER, ok(200), ok(200)]),
        (route(M::POST, "/v1/rooms/{room}/join"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::POST, "/v1/rooms/{room}/join").private(), [ANON, no(403, "room_private"), ok(200), ok(200)]),
        (route(M::POST, "/v1/rooms/{room}/leave"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::PUT, "/v1/rooms/{room}/members/{outsider}"), [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)]),
        (route(M::PUT, "/v1/rooms/{room}/members/{outsider}").private(), [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)]),
        (route(M::DELETE, "/v1/rooms/{room}/members/{bystander}"), [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)]),
        (route(M::DELETE, "/v1/rooms/{room}/members/{owner}"), [ANON, NOT_A_MEMBER, NOT_ALLOWED, NOT_ALLOWED]),
        (
            route(M::PUT, "/v1/rooms/{room}/members/{bystander}/role").body(json!({"role": "admin"})),
            [ANON, NOT_A_MEMBER, NOT_ALLOWED, NOT_ALLOWED],
        ),
        (route(M::POST, "/v1/rooms/{room}/read").body(json!({"up_to_seq": 1})), [ANON, NOT_A_MEMBER, ok(200), ok(200)]),
        (route(M::GET, "/v1/rooms/{room}/receipts"), [ANON, NOT_A_MEMBER, ok(200), ok(200)]),
        (route(M::GET, "/v1/rooms/{room}/receipts").private(), [ANON, NOT_A_MEMBER, ok(200), ok(200)]),
        (route(M::POST, "/v1/rooms/{room}/messages").body(post.clone()), [ANON, NOT_A_MEMBER, ok(201), ok(201)]),
        (route(M::POST, "/v1/rooms/{room}/messages").body(post).private(), [ANON, NOT_A_MEMBER, ok(201), ok(201)]),
        (route(M::GET, "/v1/rooms/{room}/messages"), [ANON, NOT_A_MEMBER, ok(200), ok(200)]),
        (route(M::GET, "/v1/rooms/{room}/messages").private(), [ANON, NOT_A_MEMBER, ok(200), ok(200)]),
        (
            route(M::PATCH, "/v1/rooms/{room}/messages/{member_message}").body(edit.clone()),
            [ANON, NOT_A_MEMBER, ok(200), NOT_THE_AUTHOR],
        ),
        (
            route(M::PATCH, "/v1/rooms/{room}/messages/{owner_message}").body(edit),
            [ANON, NOT_A_MEMBER, NOT_THE_AUTHOR, NOT_THE_AUTHOR],
        ),
        (route(M::DELETE, "/v1/rooms/{room}/messages/{member_message}"), [ANON, NOT_A_MEMBER, ok(200), ok(200)]),
        (route(M::DELETE, "/v1/rooms/{room}/messages/{owner_message}"), [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)]),
        (
            route(M::PUT, "/v1/rooms/{room}/messages/{member_message}/reactions/%3Atada%3A"),
            [ANON, NOT_A_MEMBER, ok(200), ok(200)],
        ),
        (
            route(M::DELETE, "/v1/rooms/{room}/messages/{owner_message}/reactions/%F0%9F%91%8D"),
            [ANON, NOT_A_MEMBER, ok(200), ok(200)],
        ),
        // Attachments (§13): a file of the owner's posted in the room. Outside the room it does
        // not exist (404, not 403); a post may only name the poster's own uploads.
        (route(M::GET, "/v1/rooms/{room}/attachments/{attachment}"), [ANON, NO_FILE, ok(200), ok(200)]),
        (route(M::GET, "/v1/rooms/{room}/attachments/{attachment}").private(), [ANON, NO_FILE, ok(200), ok(200)]),
        (route(M::GET, "/v1/rooms/{room}/attachments/{attachment}/thumbnail"), [ANON, NO_FILE, ok(200), ok(200)]),
        (route(M::GET, "/v1/rooms/{room}/attachments/{attachment}/links"), [ANON, NO_FILE, ok(200), ok(200)]),
        (
            route(M::POST, "/v1/rooms/{room}/messages")
                .body(json!({"client_msg_id": "row-2", "attachments": ["{attachment}"]})),
            [ANON, NOT_YOURS, NOT_YOURS, NOT_YOURS],
        ),
        // JSON is text, and text is not JSON's declared type.
        (
            route(M::POST, "/v1/uploads?name=a.json").body(json!({"a": 1})),
            [ANON, no(415, "mime_mismatch"), no(415, "mime_mismatch"), no(415, "mime_mismatch")],
        ),
        // A signed URL is the permission, whoever holds it: a wrong one is refused for all.
        (
            route(M::GET, "/v1/files/{room}/{attachment}?expires=1&sig=AAAA"),
            [BAD_SIGNATURE, BAD_SIGNATURE, BAD_SIGNATURE, BAD_SIGNATURE],
        ),
        (route(M::GET, "/v1/admin/feeds").for_operators(), [ANON, ADMIN_ONLY, ADMIN_ONLY, ok(200)]),
        // A room's admin is no global administrator.
        (route(M::GET, "/v1/admin/feeds"), [ANON, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY]),
        // The event export (§8), filtered to nothing so that the body is empty rather than NDJSON.
        (
            route(M::GET, "/v1/admin/events?since=2100-01-01T00:00:00Z").for_operators(),
            [ANON, ADMIN_ONLY, ADMIN_ONLY, ok(200)],
        ),
        (route(M::GET, "/v1/admin/events"), [ANON, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY]),
        // Time travel (§9) and erasure (§10); the erasure names a user who does not exist, so
        // that the row erases nobody.
        (route(M::GET, "/v1/admin/rooms/{room}/at?seq=2").for_operators(), [ANON, ADMIN_ONLY, ADMIN_ONLY, ok(200)]),
        (route(M::GET, "/v1/admin/rooms/{room}/at?seq=2"), [ANON, ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY]),
        (
            route(M::POST, "/v1/admin/users/00000000-0000-7000-8000-000000000000/erase").for_operators(),
            [ANON, ADMIN_ONLY, ADMIN_ONLY, no(404, "user_not_found")],
        ),
        (route(M::POST, "/v1/auth/logout-all"), [ANON, ok(204), ok(204), ok(204)]),
        // Invites (§3.12): the fixture's room has one, made by its owner.
        (
            route(M::POST, "/v1/rooms/{room}/invites").body(json!({"max_uses": 3})),
            [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(201)],
        ),
        (
            route(M::POST, "/v1/rooms/{room}/invites").body(json!({})).private(),
            [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(201)],
        ),
        (route(M::GET, "/v1/rooms/{room}/invites"), [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)]),
        (route(M::GET, "/v1/rooms/{room}/invites").private(), [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)]),
        (route(M::DELETE, "/v1/rooms/{room}/invites/{invite_id}"), [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)]),
        (
            route(M::DELETE, "/v1/rooms/{room}/invites/{invite_code}").private(),
            [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)],
        ),
        (route(M::GET, "/v1/invites/{invite_code}"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::GET, "/v1/invites/{invite_code}").private(), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::GET, "/v1/invites/{unknown_code}"), [ANON, NO_INVITE, NO_INVITE, NO_INVITE]),
        (route(M::POST, "/v1/invites/{invite_code}/accept"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::POST, "/v1/invites/{invite_code}/accept").private(), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::POST, "/v1/invites/{unknown_code}/accept"), [ANON, NO_INVITE, NO_INVITE, NO_INVITE]),
        // Moderation (§3.13). The admin column is the room's admin: they ban members, not the
        // owner, and only the owner deletes the room.
        (
            route(M::POST, "/v1/rooms/{room}/bans").body(json!({"user_id": "{bystander}", "reason": "spam"})),
            [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)],
        ),
        (
            route(M::POST, "/v1/rooms/{room}/bans").body(json!({"user_id": "{outsider}"})).private(),
            [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)],
        ),
        (
            route(M::POST, "/v1/rooms/{room}/bans").body(json!({"user_id": "{owner}"})),
            [ANON, NOT_A_MEMBER, NOT_ALLOWED, NOT_ALLOWED],
        ),
        (route(M::GET, "/v1/rooms/{room}/bans"), [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)]),
        (route(M::GET, "/v1/rooms/{room}/bans").private(), [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)]),
        (route(M::DELETE, "/v1/rooms/{room}/bans/{outsider}"), [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)]),
        (
            route(M::PATCH, "/v1/rooms/{room}").body(json!({"topic": "new", "description": null})),
            [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)],
        ),
        (
            route(M::PATCH, "/v1/rooms/{room}").body(json!({"description": "about"})).private(),
            [ANON, NOT_A_MEMBER, NOT_ALLOWED, ok(200)],
        ),
        (route(M::DELETE, "/v1/rooms/{room}"), [ANON, NOT_A_MEMBER, NOT_ALLOWED, NOT_ALLOWED]),
        (route(M::DELETE, "/v1/rooms/{room}").private(), [ANON, NOT_A_MEMBER, NOT_ALLOWED, NOT_ALLOWED]),
        // Contacts and blocks (§14): each caller's own, requests to the bystander (who never
        // acts, so nothing is pending from them), blocks of the owner (so that no block races a
        // request: rows run at once).
        (route(M::GET, "/v1/contacts"), [ANON, ok(200), ok(200), ok(200)]),
        (
            route(M::POST, "/v1/contacts/requests").body(json!({"user_id": "{bystander}"})),
            [ANON, ok(200), ok(200), ok(200)],
        ),
        (route(M::POST, "/v1/contacts/requests/{bystander}/accept"), [ANON, NO_REQUEST, NO_REQUEST, NO_REQUEST]),
        (route(M::POST, "/v1/contacts/requests/{bystander}/decline"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::DELETE, "/v1/contacts/requests/{bystander}"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::DELETE, "/v1/contacts/{bystander}"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::GET, "/v1/blocks"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::PUT, "/v1/blocks/{owner}"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::DELETE, "/v1/blocks/{owner}"), [ANON, ok(200), ok(200), ok(200)]),
        // Support-chat websites (§11): the fixture's website is owned by the room's admin, and
        // the room's member is its agent.
        (route(M::GET, "/v1/websites"), [ANON, ok(200), ok(200), ok(200)]),
        (route(M::POST, "/v1/websites").body(json!({"name": "mine"})), [ANON, ok(201), ok(201), ok(201)]),
        (route(M::GET, "/v1/websites/{website}"), [ANON, NO_WEBSITE, ok(200), ok(200)]),
        (
            route(M::PATCH, "/v1/websites/{website}").body(json!({"name": "renamed"})),
            [ANON, NO_WEBSITE, NOT_ALLOWED, ok(200)],
        ),
        (route(M::PUT, "/v1/websites/{website}/widget").body(widget), [ANON, NO_WEBSITE, NOT_ALLOWED, ok(200)]),
        (
            route(M::POST, "/v1/websites/{website}/domains").body(json!({"domain": "shop.example"})),
            [ANON, NO_WEBSITE, NOT_ALLOWED, ok(201)],
        ),
        (route(M::DELETE, "/v1/websites/{website}/domains/10.0.0.1"), [ANON, NO_WEBSITE, NOT_ALLOWED, ok(200)]),
        // The check of a private address fails (an answer, not an error) without a fetch.
        (route(M::POST, "/v1/websites/{website}/domains/10.0.0.1/check"), [ANON, NO_WEBSITE, NOT_ALLOWED, ok(200)]),
        (
            route(M::POST, "/v1/websites/{website}/agents").body(json!({"username": "{bystander_name}"})),
            [ANON, NO_WEBSITE, NOT_ALLOWED, ok(200)],
        ),
        (route(M::DELETE, "/v1/websites/{website}/agents/{bystander}"), [ANON, NO_WEBSITE, NOT_ALLOWED, ok(200)]),
        (route(M::GET, "/v1/websites/{website}/identity-secret"), [ANON, NO_WEBSITE, NOT_ALLOWED, ok(200)]),
        (route(M::POST, "/v1/websites/{website}/identity-secret"), [ANON, NO_WEBSITE, NOT_ALLOWED, ok(201)]),
        // Support conversations (§12): the inbox is the team's; the conversation commands need a
        // support conversation, which the fixture's room is not.
        (route(M::GET, "/v1/websites/{website}/conversations"), [ANON, NO_WEBSITE, ok(200), ok(200)]),
        (
            route(M::POST, "/v1/rooms/{room}/assign").body(json!({"user_id": null})),
            [ANON, NOT_A_MEMBER, NOT_SUPPORT, NOT_SUPPORT],
        ),
        (route(M::POST, "/v1/rooms/{room}/resolve"), [ANON, NOT_A_MEMBER, NOT_SUPPORT, NOT_SUPPORT]),
        (route(M::POST, "/v1/rooms/{room}/reopen"), [ANON, NOT_A_MEMBER, NOT_SUPPORT, NOT_SUPPORT]),
        // The widget's routes: the fixture's website has no verified domain, so it takes no
        // visitors, and members' tokens are no visitors' (tests/system/support_chat.rs has a
        // visitor's side).
        (route(M::GET, "/v1/widget/{website}"), [NO_WEBSITE, NO_WEBSITE, NO_WEBSITE, NO_WEBSITE]),
        (
            route(M::POST, "/v1/widget/{website}/visitors").body(json!({})),
            [NO_WEBSITE, NO_WEBSITE, NO_WEBSITE, NO_WEBSITE],
        ),
        (route(M::GET, "/v1/widget/{website}/conversations"), [ANON, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED]),
        (
            route(M::POST, "/v1/widget/{website}/conversations").body(json!({})),
            [ANON, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED],
        ),
        (
            route(M::POST, "/v1/widget/{website}/identify").body(json!({"user_id": "42", "user_hash": "0".repeat(64)})),
            [ANON, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED],
        ),
    ]
}

#[tokio::test]
async fn every_rest_route_answers_each_kind_of_caller_as_documented() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let world = World::new(Api::new(server.url()), Some(&stack)).await;
    let table = rest_table();
    let rows: Vec<(&Route, Caller, Expect)> = table
        .iter()
        .flat_map(|(route, expected)| CALLERS.into_iter().zip(*expected).map(move |(caller, e)| (route, caller, e)))
        .collect();

    let mismatches: Vec<String> = futures::stream::iter(&rows)
        .map(|&(route, caller, expected)| rest_row(&world, route, caller, expected))
        .buffered(PARALLEL_ROWS)
        .filter_map(|mismatch| async move { mismatch })
        .collect()
        .await;
    assert!(
        mismatches.is_empty(),
        "{} of {} REST rows differ from docs/api.md:\n{}",
        mismatches.len(),
        rows.len(),
        mismatches.join("\n")
    );
}

/// Runs one row on a fresh fixture; describes the difference, if any.
async fn rest_row(world: &World, route: &Route, caller: Caller, expected: Expect) -> Option<String> {
    let fixture = Fixture::new(world, route.visibility, caller).await;
    let token = fixture.token(world, caller, route.operators);
    let path = fixture.fill(world, route.path);
    let body = route.body.as_ref().map(|body| serde_json::from_str(&fixture.fill(world, &body.to_string())).unwrap());
    let reply = world.api.call(route.method.clone(), &path, token, body).await;
    let matches = reply.status == expected.status && reply.code() == expected.code;
    (!matches).then(|| format!("{route} as {caller}: expected {expected}, got {} {}", reply.status, reply.body))
}

// ---------------------------------------------------------------------------------------------
// WebSocket
// ---------------------------------------------------------------------------------------------

/// What a WebSocket command frame got.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    Ack,
    Error(String),
    /// Nothing: no `ack` or `error` for the frame (`typing` and `received` answer nothing when
    /// they are accepted).
    Nothing,
    /// The connection was closed with this code (`None`: it broke).
    Closed(Option<u16>),
}

fn refused(code: &str) -> Answer {
    Answer::Error(code.to_owned())
}

/// An identify without a valid token: the connection is closed and the frame never runs.
const UNIDENTIFIED: Answer = Answer::Closed(Some(4001));

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Ack => f.write_str("ack"),
            Answer::Error(code) => write!(f, "error {code}"),
            Answer::Nothing => f.write_str("no answer"),
            Answer::Closed(Some(code)) => write!(f, "close {code}"),
            Answer::Closed(None) => f.write_str("a broken connection"),
        }
    }
}

/// Every client command frame (without its `id` and `room_id`, which each row adds) and what
/// each caller gets, as documented in docs/protocol.md (§3, §6, §10) and docs/api.md.
fn ws_table() -> Vec<(&'static str, [Answer; 4])> {
    use Answer::{Ack, Nothing};
    let not_a_member = || refused("not_a_member");
    vec![
        // frame                                                         anonymous, non-member, member, admin
        (r#"{"type": "post", "body": "hello", "client_msg_id": "row-1"}"#, [UNIDENTIFIED, not_a_member(), Ack, Ack]),
        // The owner's upload is no one else's to post.
        (
            r#"{"type": "post", "client_msg_id": "row-2", "attachments": ["{attachment}"]}"#,
            [UNIDENTIFIED, refused("upload_not_found"), refused("upload_not_found"), refused("upload_not_found")],
        ),
        (
            r#"{"type": "edit", "message_id": "{member_message}", "body": "edited"}"#,
            [UNIDENTIFIED, not_a_member(), Ack, refused("not_the_author")],
        ),
        (
            r#"{"type": "edit", "message_id": "{owner_message}", "body": "edited"}"#,
            [UNIDENTIFIED, not_a_member(), refused("not_the_author"), refused("not_the_author")],
        ),
        (r#"{"type": "delete", "message_id": "{member_message}"}"#, [UNIDENTIFIED, not_a_member(), Ack, Ack]),
        (
            r#"{"type": "delete", "message_id": "{owner_message}"}"#,
            [UNIDENTIFIED, not_a_member(), refused("not_allowed"), Ack],
        ),
        (
            r#"{"type": "react", "message_id": "{member_message}", "reaction": "🎉"}"#,
            [UNIDENTIFIED, not_a_member(), Ack, Ack],
        ),
        (
            r#"{"type": "unreact", "message_id": "{owner_message}", "reaction": "👍"}"#,
            [UNIDENTIFIED, not_a_member(), Ack, Ack],
        ),
        (r#"{"type": "mark_read", "up_to_seq": 1}"#, [UNIDENTIFIED, not_a_member(), Ack, Ack]),
        (r#"{"type": "typing"}"#, [UNIDENTIFIED, not_a_member(), Nothing, Nothing]),
        (r#"{"type": "received", "up_to_seq": 1}"#, [UNIDENTIFIED, not_a_member(), Nothing, Nothing]),
    ]
}

#[tokio::test]
async fn every_websocket_command_answers_each_kind_of_caller_as_documented() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let world = World::new(Api::new(server.url()), None).await;
    let url = server.ws_url();
    let table = ws_table();
    let rows: Vec<(&str, Caller, &Answer)> = table
        .iter()
        .flat_map(|(frame, expected)| CALLERS.into_iter().zip(expected).map(move |(caller, e)| (*frame, caller, e)))
        .collect();

    let mismatches: Vec<String> = futures::stream::iter(&rows)
        .map(|&(frame, caller, expected)| ws_row(&world, url, frame, caller, expected))
        .buffered(PARALLEL_ROWS)
        .filter_map(|mismatch| async move { mismatch })
        .collect()
        .await;
    assert!(
        mismatches.is_empty(),
        "{} of {} WebSocket rows differ from docs/protocol.md:\n{}",
        mismatches.len(),
        rows.len(),
        mismatches.join("\n")
    );
}

/// Runs one row on a fresh fixture and its own connection; describes the difference, if any.
async fn ws_row(world: &World, url: &str, template: &str, caller: Caller, expected: &Answer) -> Option<String> {
    const ID: &str = "row-1";
    let fixture = Fixture::new(world, Visibility::Public, caller).await;
    let mut frame: Value = serde_json::from_str(&fixture.fill(world, template)).expect("a JSON frame template");
    frame["id"] = json!(ID);
    frame["room_id"] = json!(fixture.room);
    let answer = match fixture.token(world, caller, false) {
        None => unidentified(url, &frame, ID).await,
        Some(token) => {
            // Resuming the room makes the gateway say when this connection receives it (or that
            // it does not): typing is refused in a room whose delivery has not started yet.
            let mut ws = Ws::connect(url, token, json!({fixture.room.to_string(): fixture.last_seq})).await;
            ws.frame_of("resumed").await;
            ws.send(frame.clone()).await;
            let answer = match frame["type"].as_str() {
                Some("typing" | "received") => unanswered_answer(&mut ws, ID).await,
                _ => answer(&mut ws, ID).await,
            };
            ws.close().await;
            answer
        }
    };
    (answer != *expected).then(|| format!("{template} as {caller}: expected {expected}, got {answer}"))
}

/// The `ack` or `error` that answers frame `id`, skipping events and other traffic.
async fn answer(ws: &mut Ws, id: &str) -> Answer {
    let answered = async {
        loop {
            let frame = ws.frame().await;
            if frame["id"] != id {
                continue;
            }
            match frame["type"].as_str() {
                Some("ack") => return Answer::Ack,
                Some("error") => return Answer::Error(frame["code"].as_str().unwrap_or_default().to_owned()),
                _ => continue,
            }
        }
    };
    tokio::time::timeout(ANSWERED_WITHIN, answered).await.unwrap_or(Answer::Nothing)
}

/// What a `typing` or `received` frame got. The gateway answers them (only ever with an error)
/// and pings itself, in the order they arrive, so a `pong` to a ping sent after it with no
/// error before it means the frame was accepted without an answer.
async fn unanswered_answer(ws: &mut Ws, id: &str) -> Answer {
    ws.send(json!({"type": "ping", "id": "after-typing"})).await;
    loop {
        let frame = ws.frame().await;
        match frame["type"].as_str() {
            Some("pong") if frame["id"] == "after-typing" => return Answer::Nothing,
            Some("error") if frame["id"] == id => {
                return Answer::Error(frame["code"].as_str().unwrap_or_default().to_owned());
            }
            Some("ack") if frame["id"] == id => return Answer::Ack,
            _ => continue,
        }
    }
}

/// An anonymous client: `identify` without a token, then `frame`; the first thing that happens
/// (the close, or an answer to the frame).
async fn unidentified(url: &str, frame: &Value, id: &str) -> Answer {
    let mut socket = Ws::open(url).await;
    let identify = json!({"type": "identify", "resume": {}});
    // The gateway may already have closed the connection when the second frame goes out.
    let _ = socket.send(Message::Text(identify.to_string().into())).await;
    let _ = socket.send(Message::Text(frame.to_string().into())).await;
    let outcome = async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(close))) => return Answer::Closed(close.map(|close| close.code.into())),
                Some(Ok(Message::Text(text))) => {
                    let frame: Value = serde_json::from_str(&text).expect("a JSON frame");
                    match frame["type"].as_str() {
                        Some("ack") if frame["id"] == id => return Answer::Ack,
                        Some("error") if frame["id"] == id => {
                            return Answer::Error(frame["code"].as_str().unwrap_or_default().to_owned());
                        }
                        _ => continue,
                    }
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Answer::Closed(None),
            }
        }
    };
    tokio::time::timeout(ANSWERED_WITHIN, outcome).await.unwrap_or(Answer::Nothing)
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Visibility {
    Public,
    Private,
}

/// The users every row shares. Only what a row can change is made per row: its room, and its
/// non-member (who may join the room, and then shares a room with its members).
struct World {
    api: Api,
    owner: User,
    /// Promoted to admin by the owner in every fixture room.
    admin: User,
    member: User,
    /// A second plain member: the one rows remove or promote.
    bystander: User,
    /// Registered, and not in a fixture room until a row adds them.
    outsider: User,
    /// A global administrator (`chat users grant-admin`), for the REST table only.
    operator: Option<User>,
}

impl World {
    async fn new(api: Api, operators_on: Option<&Stack>) -> Self {
        let operator = match operators_on {
            Some(stack) => Some(operator(&api, stack).await),
            None => None,
        };
        let world = Self {
            owner: api.register("owner").await,
            admin: api.register("admin").await,
            member: api.register("member").await,
            bystander: api.register("bystander").await,
            outsider: api.register("outsider").await,
            operator,
            api,
        };
        // Adding a member and reading profiles go by the users read model.
        for user in [&world.owner, &world.admin, &world.member, &world.bystander, &world.outsider] {
            projected_user(user).await;
        }
        world
    }
}

async fn projected_user(user: &User) {
    eventually("a new user in the users read model", PROJECTED_WITHIN, || async {
        (user.get("/v1/me").await.status == 200).then_some(())
    })
    .await;
}

/// One row's room: the world's owner owns it, its admin is an admin, its member and bystander
/// are members; the owner and the member have each posted a message, and the admin and the
/// member have reacted 👍 to the owner's. And one row's website: the room's admin owns it, the
/// room's member is its agent, and it lists the domain `10.0.0.1`.
struct Fixture {
    room: Uuid,
    website: Uuid,
    /// The room's sequence once the fixture is made.
    last_seq: u64,
    owner_message: Uuid,
    member_message: Uuid,
    /// An image of the owner's, posted in the room.
    attachment: Uuid,
    /// A registered user outside the room, for the non-member rows.
    non_member: Option<User>,
    /// An invite to the room, made by its owner: its code and its id.
    invite_code: String,
    invite_id: Uuid,
}

impl Fixture {
    async fn new(world: &World, visibility: Visibility, caller: Caller) -> Self {
        let (owner, room_admin) = (&world.owner, &world.admin);
        let visibility_name = if visibility == Visibility::Private { "private" } else { "public" };
        let create = json!({"type": "group", "name": "authorization", "visibility": visibility_name});
        let room = made(owner.call(Method::POST, "/v1/rooms", Some(create)).await, 201, "create").uuid("room_id");
        for user in [room_admin, &world.member, &world.bystander] {
            let entered = match visibility {
                Visibility::Public => user.join(room).await,
                Visibility::Private => {
                    owner.call(Method::PUT, &format!("/v1/rooms/{room}/members/{}", user.id), None).await
                }
            };
            made(entered, 200, "a member in");
        }
        let promote = format!("/v1/rooms/{room}/members/{}/role", room_admin.id);
        made(owner.call(Method::PUT, &promote, Some(json!({"role": "admin"}))).await, 200, "promote");
        let owner_message = made(owner.post(room, "from the owner", "owner-1").await, 201, "post").uuid("message_id");
        let member_message =
            made(world.member.post(room, "from a member", "member-1").await, 201, "post").uuid("message_id");
        let image = crate::attachments::files::png(4, 4);
        let attachment = made(owner.upload(image, Some("image/png"), "a.png").await, 201, "upload").uuid("upload_id");
        made(owner.post_files(room, None, "owner-2", &[attachment]).await, 201, "post a file");
        let mut last_seq = 0;
        for user in [room_admin, &world.member] {
            let react = format!("/v1/rooms/{room}/messages/{owner_message}/reactions/%F0%9F%91%8D");
            last_seq = made(user.call(Method::PUT, &react, None).await, 200, "react").u64("seq");
        }
        let website =
            made(room_admin.call(Method::POST, "/v1/websites", Some(json!({"name": "shop"}))).await, 201, "website")
                .uuid("website_id");
        let agent = json!({"username": world.member.username});
        made(room_admin.call(Method::POST, &format!("/v1/websites/{website}/agents"), Some(agent)).await, 200, "agent");
        let domain = json!({"domain": "10.0.0.1"});
        made(
            room_admin.call(Method::POST, &format!("/v1/websites/{website}/domains"), Some(domain)).await,
            201,
            "domain",
        );
        let non_member = match caller {
            Caller::NonMember => Some(world.api.register("stranger").await),
            _ => None,
        };
        if let Some(user) = &non_member {
            projected_user(user).await;
        }
        let reacted_seq = last_seq;
        let invite =
            made(owner.call(Method::POST, &format!("/v1/rooms/{room}/invites"), Some(json!({}))).await, 201, "invite");
        let (invite_code, invite_id) = (invite.str("code").to_owned(), invite.uuid("invite_id"));
        let last_seq = invite.u64("seq");
        eventually("the fixture room in the read models", PROJECTED_WITHIN, || async {
            let detail = owner.get(&format!("/v1/rooms/{room}")).await;
            let history = owner.history(room, 10).await;
            let reacted = history.body["messages"]
                .as_array()
                .is_some_and(|messages| messages.iter().any(|message| message["updated_seq"] == reacted_seq));
            let team = world.member.get(&format!("/v1/websites/{website}")).await;
            let invite = owner.get(&format!("/v1/invites/{invite_code}")).await;
            (detail.status == 200
                && detail.body["last_seq"] == last_seq
                && reacted
                && team.status == 200
                && invite.status == 200)
                .then_some(())
        })
        .await;
        Self { room, website, last_seq, owner_message, member_message, attachment, non_member, invite_code, invite_id }
    }

    /// The caller's token (`None`: anonymous); with `operators`, the admin is the world's global
    /// administrator instead of the room's.
    fn token<'a>(&'a self, world: &'a World, caller: Caller, operators: bool) -> Option<&'a str> {
        let user = match caller {
            Caller::Anonymous => return None,
            Caller::NonMember => self.non_member.as_ref().expect("a non-member for this row"),
            Caller::Member => &world.member,
            Caller::Admin if operators => world.operator.as_ref().expect("a global administrator"),
            Caller::Admin => &world.admin,
        };
        Some(&user.token)
    }

    /// `template` with `{room}`, `{website}`, `{owner}`, `{bystander}`, `{outsider}`,
    /// `{owner_message}` and `{member_message}` replaced by this fixture's ids, and
    /// `{bystander_name}` by the bystander's username.
    fn fill(&self, world: &World, template: &str) -> String {
        // A code of this room with another secret: well-formed, and no invite's.
        let unknown_code = format!("{}{}", &self.invite_code[..22], "A".repeat(21));
        let template = template
            .replace("{bystander_name}", &world.bystander.username)
            .replace("{invite_code}", &self.invite_code)
            .replace("{unknown_code}", &unknown_code);
        let ids = [
            ("{room}", self.room),
            ("{website}", self.website),
            ("{owner}", world.owner.id),
            ("{bystander}", world.bystander.id),
            ("{outsider}", world.outsider.id),
            ("{owner_message}", self.owner_message),
            ("{member_message}", self.member_message),
            ("{attachment}", self.attachment),
            ("{invite_id}", self.invite_id),
        ];
        ids.iter().fold(template, |text, (placeholder, id)| text.replace(placeholder, &id.to_string()))
    }
}

/// A fixture step's reply, which must have `status`.
fn made(reply: Reply, status: u16, step: &str) -> Reply {
    assert_eq!(reply.status, status, "fixture step {step:?}: {reply:?}");
    reply
}
