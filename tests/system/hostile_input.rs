//! Hostile input, generated with proptest against one running stack per test: REST requests
//! (any JSON, deep JSON, bodies of the right shape with one field mutated, bytes that are not
//! JSON or not UTF-8, odd content types, garbage path segments and query strings, odd tokens)
//! and WebSocket frames (first frames, frames of every type with a field mutated, any JSON,
//! binary, control and fragmented frames, and frames that must end the connection).
//!
//! Every answer must be a documented one: never a 5xx or an `internal` error, errors as JSON
//! with a stable code, a WebSocket frame answered with an `error` frame (or the connection
//! closed with 1009 when it is too big), and the server must keep serving throughout.
//!
//! Cases come from a fixed seed (`HOSTILE_INPUT_SEED` picks another; `HOSTILE_INPUT_CASES`
//! another number of cases), so a failure names a case that comes back on every run. A failing
//! input is shrunk against the live server to a minimal one while the server still answers.
//! Inputs that once failed are in `rest::regressions` and are sent before the generated ones.

mod json;
mod rest;
mod ws;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::time::{Duration, Instant};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::harness::{Api, Server, Stack, User, eventually};
use rest::{HostileRequest, RawHttp, clip};

/// The seed every run starts from unless `HOSTILE_INPUT_SEED` names another.
const SEED: u64 = 0x686f_7374_696c_6521;

/// Generated cases per kind unless `HOSTILE_INPUT_CASES` says otherwise.
const REST_CASES: usize = 300;
const WS_CASES: usize = 300;
const FIRST_FRAME_CASES: usize = 60;
const ENDING_CASES: usize = 6;

/// How often the server's health is checked between cases.
const HEALTH_EVERY: usize = 25;

/// Shrinking steps tried against the live server per problem.
const SHRINK_STEPS: usize = 300;

/// How long the read models may take to catch up (the whole suite runs in parallel).
const CATCH_UP: Duration = Duration::from_secs(60);

/// Something wrong with one answer.
#[derive(Debug)]
pub struct Problem {
    /// What went wrong where (endpoint or frame type, and status or code): problems with the
    /// same signature are taken to be the same bug.
    pub signature: String,
    pub detail: String,
    /// The server stopped answering: nothing more can be learnt from it.
    pub fatal: bool,
}

/// The problems of a run, one entry per signature.
#[derive(Default)]
struct Findings {
    seed: u64,
    found: BTreeMap<String, Finding>,
}

struct Finding {
    count: usize,
    first_case: String,
    input: String,
    minimal: Option<String>,
    detail: String,
}

impl Findings {
    fn new(seed: u64) -> Self {
        Self { seed, found: BTreeMap::new() }
    }

    fn knows(&self, problem: &Problem) -> bool {
        self.found.contains_key(&problem.signature)
    }

    fn add(&mut self, case: String, input: &impl Debug, problem: Problem, minimal: Option<String>) {
        let entry = self.found.entry(problem.signature).or_insert_with(|| Finding {
            count: 0,
            first_case: case,
            input: format!("{input:?}"),
            minimal,
            detail: problem.detail,
        });
        entry.count += 1;
    }

    fn assert_none(&self, what: &str) {
        if self.found.is_empty() {
            return;
        }
        let mut report = format!(
            "{what}: {} kind(s) of problem with seed {:#x} (HOSTILE_INPUT_SEED={} reproduces the run):\n",
            self.found.len(),
            self.seed,
            self.seed
        );
        for (signature, finding) in &self.found {
            report.push_str(&format!(
                "\n● {signature} — {} time(s), first at {}\n  {}\n  input: {}\n",
                finding.count,
                finding.first_case,
                clip(&finding.detail, 800),
                finding.input
            ));
            if let Some(minimal) = &finding.minimal {
                report.push_str(&format!("  shrunk to: {minimal}\n"));
            }
        }
        panic!("{report}");
    }
}

fn seed() -> u64 {
    std::env::var("HOSTILE_INPUT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(SEED)
}

fn cases(default: usize) -> usize {
    std::env::var("HOSTILE_INPUT_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// A runner whose cases depend only on the seed and `stream` (one stream per kind of case).
fn seeded_runner(seed: u64, stream: u8) -> TestRunner {
    let config = Config {
        rng_algorithm: RngAlgorithm::ChaCha,
        failure_persistence: None,
        max_shrink_iters: SHRINK_STEPS as u32,
        ..Config::default()
    };
    let mut bytes = [0u8; 32];
    for (n, chunk) in bytes.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&(seed ^ (u64::from(stream) << 56) ^ n as u64).to_le_bytes());
    }
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// The simplest value of `tree` that still `fails`, found the way proptest shrinks (simplify
/// while it fails, complicate when it stops failing), within [`SHRINK_STEPS`] tries.
async fn minimise<T: ValueTree>(mut tree: T, mut fails: impl AsyncFnMut(&T::Value) -> bool) -> T::Value {
    let mut smallest = tree.current();
    if !tree.simplify() {
        return smallest;
    }
    for _ in 0..SHRINK_STEPS {
        let candidate = tree.current();
        if fails(&candidate).await {
            smallest = candidate;
            if !tree.simplify() {
                break;
            }
        } else if !tree.complicate() {
            break;
        }
    }
    smallest
}

/// What the fuzzers attack.
struct World {
    alice: User,
    /// A member of alice's room.
    bob: User,
    room: Uuid,
    /// Two messages of alice's in the room.
    messages: [Uuid; 2],
    /// The room's last sequence.
    last_seq: u64,
}

async fn world(api: &Api) -> World {
    let alice = api.register("alice").await;
    let bob = api.register("bob").await;
    let room = alice.create_group("hostile").await;
    assert_eq!(bob.join(room).await.status, 200, "bob joins");
    let mut messages = [Uuid::nil(); 2];
    let mut last_seq = 0;
    for (n, message) in messages.iter_mut().enumerate() {
        let posted = alice.post(room, "hello", &format!("m{n}")).await;
        assert_eq!(posted.status, 201, "{posted:?}");
        (*message, last_seq) = (posted.uuid("message_id"), posted.u64("seq"));
    }
    World { alice, bob, room, messages, last_seq }
}

/// After everything: a post is accepted and shows up in the history.
async fn still_serves(alice: &User, room: Uuid) {
    let body = format!("still here {}", Uuid::new_v4());
    let posted = alice.post(room, &body, &Uuid::new_v4().to_string()).await;
    assert_eq!(posted.status, 201, "a normal post after the hostile input: {posted:?}");
    eventually("the post in the history", CATCH_UP, || async {
        let history = alice.history(room, 200).await;
        history.body["messages"].as_array()?.iter().any(|m| m["body"] == body.as_str()).then_some(())
    })
    .await;
}

#[tokio::test]
async fn hostile_rest_requests_get_documented_errors_and_the_server_keeps_serving() {
    let started = Instant::now();
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let World { alice, bob, room, messages, .. } = world(&api).await;
    let created = alice.call(Method::POST, "/v1/websites", Some(json!({"name": "hostile"}))).await;
    let website = created.uuid("website_id");
    let listed =
        alice.call(Method::POST, &format!("/v1/websites/{website}/domains"), Some(json!({"domain": "10.0.0.1"}))).await;
    assert_eq!(listed.status, 201, "{listed:?}");
    let image = crate::attachments::files::png(8, 8);
    let upload = alice.upload(image, Some("image/png"), "hostile.png").await;
    assert_eq!(upload.status, 201, "{upload:?}");
    let attachment = upload.uuid("upload_id");
    let posted = alice.post_files(room, None, "with-a-file", &[attachment]).await;
    assert_eq!(posted.status, 201, "{posted:?}");
    let known = rest::Known {
        token: alice.token.clone(),
        user: alice.id,
        other: bob.id,
        room,
        message: messages[0],
        website,
        attachment,
    };
    let http = RawHttp::new(server.url());
    let seed = seed();
    let mut findings = Findings::new(seed);

    let mut answers: BTreeMap<String, usize> = BTreeMap::new();
    for (n, request) in rest::regressions(&known).into_iter().enumerate() {
        if let Err(problem) = http.check(&request).await {
            findings.add(format!("regression {n}"), &request, problem, None);
        }
    }

    let strategy = rest::requests(&known);
    let mut runner = seeded_runner(seed, 1);
    for case in 0..cases(REST_CASES) {
        let tree = strategy.new_tree(&mut runner).expect("generate a request");
        let request: HostileRequest = tree.current();
        let checked = http.check(&request).await;
        *answers.entry(checked.as_ref().map_or_else(|p| p.signature.clone(), Clone::clone)).or_default() += 1;
        if let Err(problem) = checked {
            let alive = http.healthy().await;
            let minimal = match alive && !findings.knows(&problem) {
                true => {
                    let signature = problem.signature.clone();
                    let smallest = minimise(tree, async |candidate: &HostileRequest| {
                        http.check(candidate).await.is_err_and(|p| p.signature == signature)
                    })
                    .await;
                    Some(format!("{smallest:?}"))
                }
                false => None,
            };
            findings.add(format!("case {case}"), &request, problem, minimal);
            if !alive {
                findings.assert_none("the server stopped answering REST requests");
            }
        }
        if case % HEALTH_EVERY == HEALTH_EVERY - 1 {
            assert!(http.healthy().await, "the server stopped serving after case {case} (seed {seed:#x})");
            let me = alice.get("/v1/me").await;
            assert!(me.status < 500, "GET /v1/me after case {case}: {me:?}");
        }
    }

    still_serves(&alice, room).await;
    let me = alice.call(Method::GET, "/v1/me", None).await;
    assert!(me.status < 500, "{me:?}");
    eprintln!("hostile REST input: {} cases in {:?}; answers: {answers:?}", cases(REST_CASES), started.elapsed());
    findings.assert_none("hostile REST requests");
}

#[tokio::test]
async fn hostile_websocket_frames_get_error_frames_and_the_gateway_keeps_serving() {
    let started = Instant::now();
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let url = server.ws_url();
    let World { alice, bob, room, messages: [message, doomed], last_seq } = world(&api).await;
    let stranger_room = bob.create_group("elsewhere").await;
    let known = ws::Known {
        token: alice.token.clone(),
        user: alice.id,
        other: bob.id,
        room,
        last_seq,
        stranger_room,
        message,
        doomed,
    };
    eventually("the room list to show the room's last event", CATCH_UP, || async {
        let rooms = alice.get("/v1/rooms").await;
        rooms.body["rooms"]
            .as_array()?
            .iter()
            .any(|r| r["room_id"] == room.to_string() && r["last_seq"] == last_seq)
            .then_some(())
    })
    .await;
    let seed = seed();
    let mut findings = Findings::new(seed);

    // First frames, each on a new connection, while nothing is written to the room.
    for (n, frame) in ws::regressions(&known).into_iter().enumerate() {
        if let Err(problem) = ws::first_frame(url, &known, &frame).await {
            findings.add(format!("regression {n}"), &frame, problem, None);
        }
    }
    let strategy = ws::first_frames(&known);
    let mut runner = seeded_runner(seed, 2);
    for case in 0..cases(FIRST_FRAME_CASES) {
        let tree = strategy.new_tree(&mut runner).expect("generate a first frame");
        let frame = tree.current();
        if let Err(problem) = ws::first_frame(url, &known, &frame).await {
            let minimal = match findings.knows(&problem) {
                false => {
                    let signature = problem.signature.clone();
                    let smallest = minimise(tree, async |candidate: &ws::Frame| {
                        ws::first_frame(url, &known, candidate).await.is_err_and(|p| p.signature == signature)
                    })
                    .await;
                    Some(format!("{smallest:?}"))
                }
                true => None,
            };
            findings.add(format!("first frame {case}"), &frame, problem, minimal);
        }
    }

    // Frames on one identified connection (a new one whenever the gateway closes it).
    let mut session = ws::Session::open(url, &alice.token).await;
    let strategy = ws::frames(&known);
    let mut runner = seeded_runner(seed, 3);
    let mut sent = Vec::new();
    let report = |findings: &mut Findings, problems: Vec<(usize, Problem)>, sent: &[ws::Frame]| {
        for (case, problem) in problems {
            let fatal = problem.fatal;
            match sent.get(case) {
                Some(frame) => findings.add(format!("frame {case}"), frame, problem, None),
                None => findings.add("a frame".to_owned(), &"(unknown)", problem, None),
            }
            if fatal {
                findings.assert_none("the gateway stopped answering");
            }
        }
    };
    for case in 0..cases(WS_CASES) {
        let frame = strategy.new_tree(&mut runner).expect("generate a frame").current();
        sent.push(frame.clone());
        let problems = session.exchange(case, &frame).await;
        report(&mut findings, problems, &sent);
        if case % HEALTH_EVERY == HEALTH_EVERY - 1 {
            let problems = session.settle().await;
            report(&mut findings, problems, &sent);
            assert!(session.alive().await, "the gateway stopped answering pings after frame {case} (seed {seed:#x})");
        }
    }
    let problems = session.settle().await;
    report(&mut findings, problems, &sent);

    // Frames that end the connection; the gateway must take the next one as usual.
    let strategy = ws::connection_enders();
    let mut runner = seeded_runner(seed, 4);
    for case in 0..ENDING_CASES {
        let frame = strategy.new_tree(&mut runner).expect("generate a frame").current();
        let index = sent.len();
        sent.push(frame.clone());
        let problems = session.exchange(index, &frame).await;
        report(&mut findings, problems, &sent);
        assert!(session.alive().await, "no pong after connection-ending frame {case} (seed {seed:#x})");
    }

    let ack = session.post(room, "still here over the socket").await;
    assert_eq!(ack["type"], "ack", "a normal post over a new connection: {ack}");
    still_serves(&alice, room).await;
    let me = alice.call(Method::GET, "/v1/me", None).await;
    assert_eq!(me.status, 200, "{me:?}");
    eprintln!(
        "hostile WebSocket input: {} frames in {:?}; answers: {:?}",
        sent.len(),
        started.elapsed(),
        session.answers
    );
    findings.assert_none("hostile WebSocket frames");
}
