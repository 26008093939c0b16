//! Hostile WebSocket traffic: first frames (`identify` with odd tokens and resume maps, and
//! anything else), then, on an identified connection, any text frame (JSON or not, frames of
//! every type with a field mutated), binary and control frames, fragmented messages; and at the
//! end frames that must end the connection (over 64 KiB, text that is not UTF-8).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::Frame as RawFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use uuid::Uuid;

use super::Problem;
use super::json::{
    Field, ID_MARKER, Json, any_json, choice, deep_json, escape, escaped_text, invalid_utf8, number, optional,
    required, seq, shaped, string, text, uuid, uuid_text, uuids,
};
use super::rest::clip;
use crate::harness::Ws;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The gateway's frame limit.
const MAX_FRAME: usize = 64 * 1024;

/// Request ids are at most this many characters.
const MAX_ID_CHARS: usize = 64;

const COMMANDS: [&str; 6] = ["post", "edit", "delete", "react", "unreact", "mark_read"];

/// How long an answer may take before it counts as a hang (commands time out after 10 s).
const ANSWER_DEADLINE: Duration = Duration::from_secs(20);

/// What the fuzzer knows of the world it attacks.
#[derive(Clone)]
pub struct Known {
    pub token: String,
    pub user: Uuid,
    pub other: Uuid,
    /// A room of the caller's, with `last_seq` events while the first frames are tried.
    pub room: Uuid,
    pub last_seq: u64,
    /// A room the caller is not a member of.
    pub stranger_room: Uuid,
    /// A message of the caller's in `room`, for every command but `delete`.
    pub message: Uuid,
    /// A message of the caller's in `room` for `delete` (which leaves `message` alone).
    pub doomed: Uuid,
}

/// One thing sent on a connection.
#[derive(Clone)]
pub enum Frame {
    Text(String),
    Binary(Vec<u8>),
    /// A text message in two fragments, split at a byte (perhaps inside a character).
    Fragmented(String, Index),
    /// A ping (`true`) or unsolicited pong control frame with this payload.
    Control(bool, Vec<u8>),
    /// A text frame whose payload is not UTF-8.
    NotUtf8(Vec<u8>),
}

impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = |b: &[u8]| clip(&format!("{:?}", String::from_utf8_lossy(b)), 600);
        match self {
            Frame::Text(text) => write!(f, "text ({} bytes) {}", text.len(), clip(text, 600)),
            Frame::Binary(data) => write!(f, "binary ({} bytes) {}", data.len(), bytes(data)),
            Frame::Fragmented(text, at) => {
                write!(
                    f,
                    "text in fragments split at {} ({} bytes) {}",
                    at.index(text.len()),
                    text.len(),
                    clip(text, 600)
                )
            }
            Frame::Control(ping, data) => {
                write!(f, "{} control frame {}", if *ping { "ping" } else { "pong" }, bytes(data))
            }
            Frame::NotUtf8(data) => write!(f, "text frame, not UTF-8 ({} bytes) {}", data.len(), bytes(data)),
        }
    }
}

impl Frame {
    /// The frame with its request id placeholder (if any) replaced by `id`.
    fn with_id(&self, id: &str) -> Frame {
        let quoted = Value::String(id.to_owned()).to_string();
        match self {
            Frame::Text(text) => Frame::Text(text.replace(ID_MARKER, &quoted)),
            Frame::Fragmented(text, at) => Frame::Fragmented(text.replace(ID_MARKER, &quoted), *at),
            other => other.clone(),
        }
    }

    /// The text a text message carries.
    fn text(&self) -> Option<&str> {
        match self {
            Frame::Text(text) | Frame::Fragmented(text, _) => Some(text),
            _ => None,
        }
    }

    fn len(&self) -> usize {
        match self {
            Frame::Text(text) | Frame::Fragmented(text, _) => text.len(),
            Frame::Binary(data) | Frame::Control(_, data) | Frame::NotUtf8(data) => data.len(),
        }
    }

    /// What kind of frame it is, for grouping problems: its `type` if it has one.
    pub fn kind(&self) -> String {
        match self {
            Frame::Binary(_) => "binary".to_owned(),
            Frame::Control(..) => "control".to_owned(),
            Frame::NotUtf8(_) => "not UTF-8".to_owned(),
            Frame::Text(text) | Frame::Fragmented(text, _) => match serde_json::from_str::<Value>(text) {
                Err(_) => "not JSON".to_owned(),
                Ok(value) => match value["type"].as_str() {
                    Some(kind) => clip(kind, 20),
                    None if value.is_object() => "untyped".to_owned(),
                    None => "not an object".to_owned(),
                },
            },
        }
    }
}

fn room_id(known: &Known) -> Field {
    ("room_id", required(uuid(vec![known.room, known.room, known.stranger_room])))
}

fn message_id(message: Uuid) -> Field {
    ("message_id", required(uuid(vec![message])))
}

/// A frame of `kind` with a request id, `fields`, and one field mutated (or none).
fn frame_of(kind: &'static str, mut fields: Vec<Field>) -> BoxedStrategy<Json> {
    fields.insert(0, ("id", required(Just(Json::Raw(ID_MARKER.to_owned())))));
    fields.insert(0, ("type", required(prop_oneof![9 => Just(Json::text(kind)), 1 => choice(&COMMANDS)])));
    shaped(fields)
}

/// A resume position: small mostly, past the signed 64-bit range sometimes.
fn position() -> BoxedStrategy<u64> {
    prop_oneof![
        4 => 0u64..8,
        2 => select(vec![999, 1 << 53, i64::MAX as u64, 1 << 63, u64::MAX]),
        1 => any::<u64>(),
    ]
    .boxed()
}

/// A resume map: the caller's room mostly, a room of someone else's, any UUID.
fn resume(known: &Known) -> BoxedStrategy<Vec<(String, Json)>> {
    let room = prop_oneof![
        4 => Just(known.room.to_string()),
        1 => Just(known.stranger_room.to_string()),
        1 => uuid_text(vec![known.room]),
    ];
    let position = prop_oneof![4 => position().prop_map(|n| Json::Raw(n.to_string())), 1 => seq()];
    vec((room.prop_map(|r| escape(&r)), position), 0..4).boxed()
}

/// A valid `identify` with a resume map of valid shape.
fn valid_identify(known: &Known) -> BoxedStrategy<Json> {
    let token = Json::text(&known.token);
    let entries = vec((prop_oneof![4 => Just(known.room), 1 => Just(known.stranger_room)], position()), 0..3);
    entries
        .prop_map(move |entries| {
            let resume = entries.into_iter().map(|(room, n)| (room.to_string(), Json::Raw(n.to_string()))).collect();
            Json::Obj(vec![
                ("type".to_owned(), Json::text("identify")),
                ("token".to_owned(), token.clone()),
                ("resume".to_owned(), Json::Obj(resume)),
            ])
        })
        .boxed()
}

fn identify(known: &Known) -> BoxedStrategy<Json> {
    let expired = crate::harness::token(crate::harness::JWT_SECRET, known.user, -60);
    let token = prop_oneof![
        8 => Just(Json::text(&known.token)),
        1 => Just(Json::text(&expired)),
        1 => string(text(false)),
    ];
    frame_of("identify", vec![("token", required(token)), ("resume", optional(resume(known).prop_map(Json::Obj)))])
}

/// A frame of every type the protocol knows (and one it does not), shaped right but for one
/// mutated field.
fn shaped_frame(known: &Known) -> BoxedStrategy<Json> {
    let users = vec![known.user, known.other];
    let body = || ("body", required(string(text(false))));
    let reaction =
        || ("reaction", required(string(select(&["👍", ":thumbsup:", "+1", "a b", ""][..]).prop_map(str::to_owned))));
    let frames = vec![
        frame_of(
            "post",
            vec![
                room_id(known),
                body(),
                ("client_msg_id", required(string("[!-~]{1,64}"))),
                ("reply_to", optional(uuid(vec![known.message]))),
                ("mentions", optional(uuids(users))),
            ],
        ),
        frame_of("edit", vec![room_id(known), message_id(known.message), body()]),
        frame_of("delete", vec![room_id(known), message_id(known.doomed)]),
        frame_of("react", vec![room_id(known), message_id(known.message), reaction()]),
        frame_of("unreact", vec![room_id(known), message_id(known.message), reaction()]),
        frame_of("mark_read", vec![room_id(known), ("up_to_seq", required(seq()))]),
        frame_of(
            "typing",
            vec![
                room_id(known),
                ("typing", optional(select(&["true", "false"][..]).prop_map(|t| Json::Raw(t.to_owned())))),
            ],
        ),
        frame_of("presence", vec![("status", required(choice(&["away", "online", "offline"])))]),
        frame_of(
            "received",
            vec![
                room_id(known),
                (
                    "up_to_seq",
                    required(prop_oneof![3 => position().prop_map(|n| Json::Raw(n.to_string())), 1 => seq()]),
                ),
            ],
        ),
        frame_of("ping", vec![]),
        identify(known),
        frame_of("dance", vec![("type", required(escaped_text(false).prop_map(Json::Str)))]),
    ];
    proptest::strategy::Union::new(frames).boxed()
}

/// What an identified connection is sent: shaped frames mostly, otherwise any JSON, deep
/// JSON, text that is not JSON, binary, fragmented and control frames.
pub fn frames(known: &Known) -> BoxedStrategy<Frame> {
    let shaped = shaped_frame(known).prop_map(|json| json.render());
    prop_oneof![
        24 => shaped.clone().prop_map(Frame::Text),
        3 => any_json().prop_map(|json| Frame::Text(json.render())),
        1 => deep_json().prop_map(|json| Frame::Text(json.render())),
        2 => text(false).prop_map(Frame::Text),
        1 => vec(any::<u8>(), 0..512).prop_map(Frame::Binary),
        1 => shaped.clone().prop_map(|text| Frame::Binary(text.into_bytes())),
        1 => (shaped, any::<Index>()).prop_map(|(text, at)| Frame::Fragmented(text, at)),
        1 => (any::<bool>(), vec(any::<u8>(), 0..=125)).prop_map(|(ping, data)| Frame::Control(ping, data)),
    ]
    .boxed()
}

/// A connection's first frame: `identify` with odd tokens and resume maps mostly, otherwise
/// anything.
pub fn first_frames(known: &Known) -> BoxedStrategy<Frame> {
    prop_oneof![
        4 => identify(known).prop_map(|json| Frame::Text(json.render())),
        4 => valid_identify(known).prop_map(|json| Frame::Text(json.render())),
        1 => any_json().prop_map(|json| Frame::Text(json.render())),
        1 => text(false).prop_map(Frame::Text),
        1 => vec(any::<u8>(), 0..64).prop_map(Frame::Binary),
    ]
    .boxed()
}

/// First frames that once got a wrong answer: sent before the generated ones.
pub fn regressions(known: &Known) -> Vec<Frame> {
    // A resume position of 2^63 or more is read as a negative sequence: the gateway replays the
    // room from seq 1 and reports `recovered: true`, where a position past the room's end must
    // get `unknown_position` and nothing else.
    let identify = json!({"type": "identify", "token": known.token, "resume": {known.room.to_string(): 1u64 << 63}});
    vec![Frame::Text(identify.to_string())]
}

/// Frames that must end the connection: over 64 KiB (text or binary), or text that is not
/// UTF-8.
pub fn connection_enders() -> BoxedStrategy<Frame> {
    prop_oneof![
        2 => (MAX_FRAME + 1..=1_200_000).prop_map(|n| Frame::Text(format!(r#"{{"type":"ping","pad":"{}"}}"#, "x".repeat(n)))),
        1 => (MAX_FRAME + 1..=300_000, any::<u8>()).prop_map(|(n, byte)| Frame::Binary(vec![byte; n])),
        1 => (invalid_utf8(), number()).prop_map(|(bytes, n)| {
            Frame::NotUtf8([br#"{"type":"ping","id":""#.as_slice(), &bytes, b"\",\"n\":", n.as_bytes(), b"}"].concat())
        }),
    ]
    .boxed()
}

/// What the gateway must answer to a frame on an identified connection.
#[derive(Debug, PartialEq)]
enum Expect {
    /// An `error` frame, before anything sent later is answered.
    Error,
    /// An `ack` or `error` with this id, at some point.
    Answer(String),
    /// The connection ends (1009 only for frames over the limit).
    Close { too_big: bool },
    /// Anything but a problem (`pong`, nothing at all).
    Whatever,
}

fn expectation(frame: &Frame) -> Expect {
    if frame.len() > MAX_FRAME {
        return Expect::Close { too_big: true };
    }
    let text = match frame {
        Frame::Binary(_) => return Expect::Error,
        Frame::Control(..) => return Expect::Whatever,
        Frame::NotUtf8(_) => return Expect::Close { too_big: false },
        Frame::Text(text) | Frame::Fragmented(text, _) => text,
    };
    let Ok(Value::Object(object)) = serde_json::from_str::<Value>(text) else { return Expect::Error };
    let id = match object.get("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) if id.chars().count() <= MAX_ID_CHARS => Some(id.clone()),
        Some(_) => return Expect::Error,
    };
    match (object.get("type").and_then(Value::as_str), id) {
        (Some(kind), Some(id)) if COMMANDS.contains(&kind) => Expect::Answer(id),
        (Some("ping" | "typing" | "presence" | "received"), _) => Expect::Whatever,
        _ => Expect::Error,
    }
}

/// What came next on a connection.
#[derive(Debug)]
enum Next {
    Frame(Value),
    NotJson(String),
    Closed(Option<u16>),
    Silent,
}

async fn next(socket: &mut Socket, within: Duration) -> Next {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, socket.next()).await {
            Err(_) => return Next::Silent,
            Ok(Some(Ok(Message::Text(text)))) => {
                return match serde_json::from_str(&text) {
                    Ok(frame) => Next::Frame(frame),
                    Err(_) => Next::NotJson(text.to_string()),
                };
            }
            Ok(Some(Ok(Message::Close(close)))) => return Next::Closed(close.map(|c| c.code.into())),
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(_)) | None) => return Next::Closed(None),
        }
    }
}

async fn send(socket: &mut Socket, frame: &Frame) -> Result<(), String> {
    let result = match frame {
        Frame::Text(text) => socket.send(Message::Text(text.clone().into())).await,
        Frame::Binary(data) => socket.send(Message::Binary(data.clone().into())).await,
        Frame::Control(true, data) => socket.send(Message::Ping(data.clone().into())).await,
        Frame::Control(false, data) => socket.send(Message::Pong(data.clone().into())).await,
        Frame::NotUtf8(data) => {
            socket.send(Message::Frame(RawFrame::message(data.clone(), OpCode::Data(Data::Text), true))).await
        }
        Frame::Fragmented(text, at) => {
            let cut = at.index(text.len() + 1);
            let (first, rest) = text.as_bytes().split_at(cut);
            let first = RawFrame::message(first.to_vec(), OpCode::Data(Data::Text), false);
            match socket.send(Message::Frame(first)).await {
                Ok(()) => {
                    socket
                        .send(Message::Frame(RawFrame::message(rest.to_vec(), OpCode::Data(Data::Continue), true)))
                        .await
                }
                Err(error) => Err(error),
            }
        }
    };
    result.map_err(|error| error.to_string())
}

fn problem(signature: String, detail: String) -> Problem {
    Problem { signature, detail, fatal: false }
}

/// An identified connection and the commands it has sent that are not answered yet.
pub struct Session {
    url: String,
    token: String,
    socket: Socket,
    /// Request id → the case that sent it.
    outstanding: HashMap<String, usize>,
    pings: u64,
    /// How often each kind of answer came (`ack`, `error <code>`, `close <code>`…).
    pub answers: BTreeMap<String, usize>,
}

impl Session {
    pub async fn open(url: &str, token: &str) -> Self {
        let socket = connect(url, token).await;
        Self {
            url: url.to_owned(),
            token: token.to_owned(),
            socket,
            outstanding: HashMap::new(),
            pings: 0,
            answers: BTreeMap::new(),
        }
    }

    async fn reconnect(&mut self) {
        *self.answers.entry("reconnect".to_owned()).or_default() += 1;
        self.socket = connect(&self.url, &self.token).await;
        self.outstanding.clear();
    }

    /// Sends `frame` as case `case` (its id placeholder becomes `c-<case>`) and reads until the
    /// gateway has answered everything before a ping sent after it; returns the problems seen,
    /// each with the case it belongs to (an answer may come for an earlier command).
    pub async fn exchange(&mut self, case: usize, frame: &Frame) -> Vec<(usize, Problem)> {
        let frame = frame.with_id(&format!("c-{case}"));
        let kind = frame.kind();
        let expect = expectation(&frame);
        let mut problems = Vec::new();
        let sent = send(&mut self.socket, &frame).await;
        if let Expect::Close { too_big } = expect {
            let code = loop {
                match next(&mut self.socket, ANSWER_DEADLINE).await {
                    Next::Frame(answer) => self.observe(case, &kind, &answer, &mut problems),
                    Next::NotJson(text) => {
                        problems.push((case, problem(format!("{kind}: a frame that is not JSON"), text)))
                    }
                    Next::Closed(code) => {
                        *self.answers.entry(format!("close {code:?}")).or_default() += 1;
                        break Some(code);
                    }
                    Next::Silent => break None,
                }
            };
            match code {
                None => problems.push((case, problem(format!("{kind}: connection not closed"), String::new()))),
                Some(code) if too_big && !matches!(code, Some(1009) | None) => {
                    problems.push((case, problem(format!("{kind}: closed with {code:?}, not 1009"), String::new())));
                }
                Some(_) => {}
            }
            self.reconnect().await;
            return problems;
        }
        if let Err(error) = sent {
            problems.push((case, problem(format!("{kind}: connection broken"), error)));
            self.reconnect().await;
            return problems;
        }
        self.pings += 1;
        let ping = format!("\u{1}live-{}", self.pings);
        let _ = send(&mut self.socket, &Frame::Text(json!({"type": "ping", "id": ping}).to_string())).await;
        let mut answered = false;
        loop {
            match next(&mut self.socket, ANSWER_DEADLINE).await {
                Next::Frame(answer) if answer["type"] == "pong" && answer["id"] == ping.as_str() => break,
                Next::Frame(answer) => {
                    let kind_of_answer = answer["type"].as_str().unwrap_or_default();
                    let id = answer["id"].as_str();
                    let earlier = id.is_some_and(|id| self.outstanding.contains_key(id));
                    answered |= matches!(kind_of_answer, "error" | "ack") && !earlier;
                    self.observe(case, &kind, &answer, &mut problems);
                }
                Next::NotJson(text) => {
                    problems.push((case, problem(format!("{kind}: a frame that is not JSON"), text)))
                }
                Next::Closed(code) => {
                    problems.push((case, problem(format!("{kind}: connection closed ({code:?})"), String::new())));
                    self.reconnect().await;
                    return problems;
                }
                Next::Silent => {
                    let detail = format!("no pong within {ANSWER_DEADLINE:?}");
                    problems.push((case, Problem { signature: format!("{kind}: hang"), detail, fatal: true }));
                    return problems;
                }
            }
        }
        match expect {
            Expect::Error if !answered => {
                problems.push((case, problem(format!("{kind}: no error frame"), String::new())));
            }
            Expect::Answer(id) if !answered => {
                self.outstanding.insert(id, case);
            }
            _ => {}
        }
        problems
    }

    /// Waits for the answers to every command sent so far.
    pub async fn settle(&mut self) -> Vec<(usize, Problem)> {
        let mut problems = Vec::new();
        let deadline = tokio::time::Instant::now() + ANSWER_DEADLINE;
        while !self.outstanding.is_empty() {
            match next(&mut self.socket, deadline.saturating_duration_since(tokio::time::Instant::now())).await {
                Next::Frame(answer) => self.observe(usize::MAX, "command", &answer, &mut problems),
                Next::NotJson(text) => {
                    problems.push((usize::MAX, problem("a frame that is not JSON".to_owned(), text)))
                }
                Next::Closed(code) => {
                    let detail = format!("closed ({code:?}) before answering");
                    problems.extend(self.unanswered(&detail));
                    self.reconnect().await;
                }
                Next::Silent => {
                    let detail = format!("no answer within {ANSWER_DEADLINE:?}");
                    problems.extend(self.unanswered(&detail));
                }
            }
        }
        problems
    }

    fn unanswered(&mut self, detail: &str) -> Vec<(usize, Problem)> {
        self.outstanding
            .drain()
            .map(|(_, case)| (case, problem("command: never answered".to_owned(), detail.to_owned())))
            .collect()
    }

    /// Checks one frame from the gateway; an answer to an earlier command is that command's.
    fn observe(&mut self, case: usize, kind: &str, frame: &Value, problems: &mut Vec<(usize, Problem)>) {
        let answer = match frame["type"].as_str() {
            Some("error") => format!("error {}", frame["code"].as_str().unwrap_or("without a code")),
            Some(kind) => kind.to_owned(),
            None => "untyped".to_owned(),
        };
        *self.answers.entry(answer).or_default() += 1;
        let owner = frame["id"].as_str().and_then(|id| self.outstanding.remove(id)).unwrap_or(case);
        let kind = if owner == case { kind.to_owned() } else { "command".to_owned() };
        if frame["type"] != "error" {
            return;
        }
        match frame["code"].as_str() {
            None => problems.push((owner, problem(format!("{kind}: an error without a code"), frame.to_string()))),
            Some(code @ ("internal" | "timeout" | "unavailable")) => {
                problems.push((owner, problem(format!("{kind}: error {code}"), frame.to_string())));
            }
            Some(_) => {}
        }
    }

    /// Whether the connection still answers a ping (reconnecting once if it has gone).
    pub async fn alive(&mut self) -> bool {
        self.pings += 1;
        let ping = format!("\u{1}live-{}", self.pings);
        let frame = Frame::Text(json!({"type": "ping", "id": ping}).to_string());
        if send(&mut self.socket, &frame).await.is_err() {
            self.reconnect().await;
            return Box::pin(self.alive()).await;
        }
        loop {
            match next(&mut self.socket, ANSWER_DEADLINE).await {
                Next::Frame(answer) if answer["type"] == "pong" && answer["id"] == ping.as_str() => return true,
                Next::Frame(answer) => self.observe(usize::MAX, "command", &answer, &mut Vec::new()),
                Next::NotJson(_) | Next::Silent => return false,
                Next::Closed(_) => {
                    self.reconnect().await;
                    return Box::pin(self.alive()).await;
                }
            }
        }
    }

    /// Posts over the connection and waits for the ack.
    pub async fn post(&mut self, room: Uuid, body: &str) -> Value {
        let id = Uuid::new_v4().to_string();
        let frame = json!({"type": "post", "id": id, "room_id": room, "body": body, "client_msg_id": id});
        send(&mut self.socket, &Frame::Text(frame.to_string())).await.expect("send a post");
        loop {
            match next(&mut self.socket, ANSWER_DEADLINE).await {
                Next::Frame(answer) if answer["id"] == id.as_str() => return answer,
                Next::Frame(_) => continue,
                other => panic!("no answer to a post: {other:?}"),
            }
        }
    }
}

/// Connects and identifies, past `ready`.
async fn connect(url: &str, token: &str) -> Socket {
    let mut socket = Ws::open(url).await;
    let identify = json!({"type": "identify", "token": token});
    send(&mut socket, &Frame::Text(identify.to_string())).await.expect("send identify");
    loop {
        match next(&mut socket, ANSWER_DEADLINE).await {
            Next::Frame(frame) if frame["type"] == "ready" => return socket,
            Next::Frame(_) => continue,
            other => panic!("expected ready, got {other:?}"),
        }
    }
}

/// How the gateway must greet a connection whose first frame is `frame`.
#[derive(Debug)]
enum Greeting {
    /// `ready`, then the resume of these rooms.
    Ready(HashMap<Uuid, u64>),
    /// A close with this code (1009 for frames over the limit, where the close may also be
    /// lost).
    Refused(u16),
}

fn greeting(frame: &Frame, token: &str) -> Greeting {
    if frame.len() > MAX_FRAME {
        return Greeting::Refused(1009);
    }
    let refused = Greeting::Refused(4001);
    let Some(Ok(Value::Object(object))) = frame.text().map(serde_json::from_str::<Value>) else { return refused };
    let id_ok = match object.get("id") {
        None | Some(Value::Null) => true,
        Some(Value::String(id)) => id.chars().count() <= MAX_ID_CHARS,
        Some(_) => false,
    };
    let fields_ok = object.keys().all(|key| ["type", "id", "token", "resume"].contains(&key.as_str()));
    if !id_ok
        || !fields_ok
        || object.get("type") != Some(&json!("identify"))
        || object.get("token") != Some(&json!(token))
    {
        return refused;
    }
    let mut resume = HashMap::new();
    match object.get("resume") {
        None => {}
        Some(Value::Object(entries)) => {
            for (room, position) in entries {
                let room = serde_json::from_value::<Uuid>(Value::String(room.clone()));
                let position = serde_json::from_value::<u64>(position.clone());
                let (Ok(room), Ok(position)) = (room, position) else { return refused };
                resume.insert(room, position);
            }
        }
        Some(_) => return refused,
    }
    Greeting::Ready(resume)
}

/// Opens a connection, sends `frame` first, and checks the greeting: `ready` and a `resumed`
/// per resumed room that tells the truth (events after the position, then `recovered`; or
/// `unknown_position` and nothing for a position past the room's end; `not_a_member` for
/// others), or the documented close.
pub async fn first_frame(url: &str, known: &Known, frame: &Frame) -> Result<(), Problem> {
    let kind = frame.kind();
    let fail = |what: String, detail: String| Problem {
        signature: format!("first frame {kind}: {what}"),
        detail,
        fatal: false,
    };
    let mut socket = Ws::open(url).await;
    let expected = greeting(frame, &known.token);
    let _ = send(&mut socket, frame).await;
    let resume = match expected {
        Greeting::Refused(code) => {
            return match next(&mut socket, ANSWER_DEADLINE).await {
                Next::Closed(Some(got)) if got == code => Ok(()),
                Next::Closed(None) if code == 1009 => Ok(()),
                other => Err(fail(format!("expected close {code}"), format!("{other:?}"))),
            };
        }
        Greeting::Ready(resume) => resume,
    };
    match next(&mut socket, ANSWER_DEADLINE).await {
        Next::Frame(frame) if frame["type"] == "ready" => {}
        other => return Err(fail("expected ready".to_owned(), format!("{other:?}"))),
    }
    let _ = send(&mut socket, &Frame::Text(json!({"type": "ping", "id": "greeted"}).to_string())).await;
    let mut frames = Vec::new();
    loop {
        match next(&mut socket, ANSWER_DEADLINE).await {
            Next::Frame(frame) if frame["type"] == "pong" && frame["id"] == "greeted" => break,
            Next::Frame(frame) => frames.push(frame),
            other => return Err(fail("expected the resume and a pong".to_owned(), format!("{other:?}"))),
        }
    }
    let _ = socket.close(None).await;
    for (room, position) in resume {
        let of_room = |frame: &&Value| frame["room_id"] == room.to_string();
        let resumed: Vec<&Value> = frames.iter().filter(of_room).filter(|f| f["type"] == "resumed").collect();
        let before: Vec<u64> = frames
            .iter()
            .filter(of_room)
            .take_while(|f| f["type"] != "resumed")
            .filter(|f| f["type"] == "event")
            .filter_map(|f| f["seq"].as_u64())
            .collect();
        let (expected_resumed, expected_events) = if room != known.room {
            (json!({"recovered": false, "from_seq": position, "to_seq": position, "reason": "not_a_member"}), vec![])
        } else if position > known.last_seq {
            let resumed = json!({"recovered": false, "from_seq": position, "to_seq": known.last_seq, "reason": "unknown_position"});
            (resumed, vec![])
        } else {
            let resumed = json!({"recovered": true, "from_seq": position, "to_seq": known.last_seq, "reason": null});
            (resumed, (position + 1..=known.last_seq).collect())
        };
        let got = resumed.first().map(|r| {
            json!({"recovered": r["recovered"], "from_seq": r["from_seq"], "to_seq": r["to_seq"], "reason": r["reason"]})
        });
        if resumed.len() != 1 || got.as_ref() != Some(&expected_resumed) || before != expected_events {
            return Err(fail(
                "resume not as documented".to_owned(),
                format!(
                    "resuming room {room} from {position}: expected events {expected_events:?} then {expected_resumed}; got events {before:?} then {:?}",
                    resumed
                ),
            ));
        }
    }
    Ok(())
}
