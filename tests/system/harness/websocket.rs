//! A minimal WebSocket client of the gateway protocol (docs/protocol.md).

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What came next on a connection.
#[derive(Debug, PartialEq)]
pub enum Incoming {
    Frame(Value),
    /// The server closed the connection with this code (or the connection broke: `None`).
    Closed(Option<u16>),
}

pub struct Ws {
    socket: Socket,
    /// The `ready` frame.
    pub ready: Value,
}

impl Ws {
    /// Connects, identifies with `token` and `resume` (`{room_id: last_seq}`), waits for `ready`.
    pub async fn connect(url: &str, token: &str, resume: Value) -> Self {
        let socket = Self::open(url).await;
        Self::identify(socket, token, resume).await
    }

    /// Like `connect`, over a socket with a tiny receive buffer, so that a client that stops
    /// reading backs up to the server quickly.
    pub async fn connect_with_small_buffer(url: &str, token: &str) -> Self {
        let address = url.trim_start_matches("ws://").split('/').next().unwrap().parse().unwrap();
        let tcp = tokio::net::TcpSocket::new_v4().unwrap();
        tcp.set_recv_buffer_size(4096).unwrap();
        let stream = tcp.connect(address).await.expect("connect to the gateway");
        let (socket, _) = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream)).await.expect("handshake");
        Self::identify(expect_hello(socket).await, token, json!({})).await
    }

    /// A connection that has only received `hello` (for tests of the handshake itself).
    pub async fn open(url: &str) -> Socket {
        let (socket, _) = tokio_tungstenite::connect_async(url).await.expect("connect to the gateway");
        expect_hello(socket).await
    }

    async fn identify(mut socket: Socket, token: &str, resume: Value) -> Self {
        send(&mut socket, json!({"type": "identify", "token": token, "resume": resume})).await;
        match next_frame(&mut socket, Duration::from_secs(10)).await {
            Incoming::Frame(ready) if ready["type"] == "ready" => Self { socket, ready },
            other => panic!("expected ready, got {other:?}"),
        }
    }

    pub async fn send(&mut self, frame: Value) {
        send(&mut self.socket, frame).await;
    }

    pub async fn send_raw(&mut self, message: Message) {
        self.socket.send(message).await.expect("send");
    }

    /// The next frame, or the close, within 10 seconds (panics on silence).
    pub async fn next(&mut self) -> Incoming {
        next_frame(&mut self.socket, Duration::from_secs(10)).await
    }

    /// The next JSON frame other than a presence update (panics on close or silence).
    pub async fn frame(&mut self) -> Value {
        loop {
            match self.next().await {
                Incoming::Frame(frame) if frame["type"] == "presence" => continue,
                Incoming::Frame(frame) => return frame,
                other => panic!("expected a frame, got {other:?}"),
            }
        }
    }

    /// The next frame of `kind`, skipping others.
    pub async fn frame_of(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.frame().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// Nothing arrives for `quiet` but pings and presence updates (background traffic that
    /// depends on other connections' timing).
    pub async fn assert_silent(&mut self, quiet: Duration) {
        let deadline = tokio::time::Instant::now() + quiet;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return,
                Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
                Ok(Some(Ok(Message::Text(text)))) if text.contains(r#""type":"presence""#) => continue,
                Ok(other) => panic!("expected silence, got {other:?}"),
            }
        }
    }

    /// Closes the connection as a client that is done does (close 1000) and waits until the
    /// gateway has echoed the close (or the connection has ended).
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
        let drained = async { while let Some(Ok(_)) = self.socket.next().await {} };
        let _ = tokio::time::timeout(Duration::from_secs(10), drained).await;
    }

    /// The entries of the next `presence` frame before `deadline` (`None` once it has passed),
    /// skipping every other frame; panics if the connection closes.
    async fn next_presence(&mut self, deadline: tokio::time::Instant) -> Option<Vec<Value>> {
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await.ok()? {
                Some(Ok(Message::Text(text))) => {
                    let frame: Value = serde_json::from_str(&text).expect("JSON frame");
                    if frame["type"] == "presence" {
                        return Some(presence_entries(&frame));
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => panic!("the connection closed while watching presence"),
                Some(Ok(_)) => {}
            }
        }
    }

    /// The next `presence` entry about `user` within `within`, skipping every other frame and
    /// entries about other users.
    pub async fn presence_of(&mut self, user: impl ToString, within: Duration) -> Value {
        let user = user.to_string();
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let Some(entries) = self.next_presence(deadline).await else {
                panic!("no presence of {user} within {within:?}");
            };
            if let Some(entry) = entries.into_iter().find(|entry| entry["user_id"] == user.as_str()) {
                return entry;
            }
        }
    }

    /// Every `presence` entry (about anyone) that arrives until one says `user` is `status`,
    /// that one included, within `within`.
    pub async fn presence_until(&mut self, user: impl ToString, status: &str, within: Duration) -> Vec<Value> {
        let user = user.to_string();
        let deadline = tokio::time::Instant::now() + within;
        let mut seen = Vec::new();
        loop {
            let Some(entries) = self.next_presence(deadline).await else {
                panic!("{user} was not reported {status} within {within:?}; saw {seen:?}");
            };
            let done = entries.iter().any(|entry| entry["user_id"] == user.as_str() && entry["status"] == status);
            seen.extend(entries);
            if done {
                return seen;
            }
        }
    }

    /// No `presence` entry about `user` arrives for `quiet` (other frames are skipped).
    pub async fn assert_no_presence_of(&mut self, user: impl ToString, quiet: Duration) {
        let user = user.to_string();
        let deadline = tokio::time::Instant::now() + quiet;
        while let Some(entries) = self.next_presence(deadline).await {
            if let Some(entry) = entries.iter().find(|entry| entry["user_id"] == user.as_str()) {
                panic!("expected no presence of {user}, got {entry}");
            }
        }
    }

    /// Posts over the socket with request id `id`.
    pub async fn post(&mut self, id: &str, room: impl ToString, body: &str, client_msg_id: &str) {
        let frame = json!({"type": "post", "id": id, "room_id": room.to_string(), "body": body, "client_msg_id": client_msg_id});
        self.send(frame).await;
    }

    /// The `(seq, body)` of the next `count` message events of `room`, failing on anything
    /// else that would mean loss or duplication (events of other types are skipped).
    pub async fn messages(&mut self, room: impl ToString, count: usize) -> Vec<(u64, String)> {
        let room = room.to_string();
        let mut seen = Vec::with_capacity(count);
        while seen.len() < count {
            let frame = self.frame().await;
            if frame["type"] == "event"
                && frame["room_id"] == room.as_str()
                && frame["event"]["type"] == "MessagePosted"
            {
                let seq = frame["seq"].as_u64().expect("seq");
                let body = frame["event"]["body"].as_str().expect("body").to_owned();
                seen.push((seq, body));
            }
        }
        seen
    }
}

/// The entries of a `presence` frame, each checked to be `{user_id, status, since}`.
fn presence_entries(frame: &Value) -> Vec<Value> {
    let entries = frame["users"].as_array().unwrap_or_else(|| panic!("a presence frame lists users: {frame}"));
    for entry in entries {
        let mut fields: Vec<&str> =
            entry.as_object().map(|e| e.keys().map(String::as_str).collect()).unwrap_or_default();
        fields.sort_unstable();
        assert!(
            fields == ["since", "status", "user_id"]
                && entry["user_id"].is_string()
                && matches!(entry["status"].as_str(), Some("online" | "away" | "offline"))
                && entry["since"].is_string(),
            "a presence entry is {{user_id, status, since}}: {entry}"
        );
    }
    entries.clone()
}

async fn expect_hello(mut socket: Socket) -> Socket {
    match next_frame(&mut socket, Duration::from_secs(10)).await {
        Incoming::Frame(frame) if frame["type"] == "hello" => socket,
        other => panic!("expected hello, got {other:?}"),
    }
}

async fn send(socket: &mut Socket, frame: Value) {
    socket.send(Message::Text(frame.to_string().into())).await.expect("send a frame");
}

async fn next_frame(socket: &mut Socket, within: Duration) -> Incoming {
    loop {
        let message = tokio::time::timeout(within, socket.next()).await.expect("the gateway stayed silent");
        match message {
            Some(Ok(Message::Text(text))) => return Incoming::Frame(serde_json::from_str(&text).expect("JSON frame")),
            Some(Ok(Message::Close(frame))) => return Incoming::Closed(frame.map(|f| f.code.into())),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return Incoming::Closed(None),
        }
    }
}
