//! A minimal client of the public REST API.

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Clone)]
pub struct Api {
    base: String,
    http: reqwest::Client,
}

/// A response: status, headers and JSON body (`Null` when empty).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The stable error code, if the body is an error.
    pub fn code(&self) -> Option<&str> {
        self.body["error"]["code"].as_str()
    }

    pub fn uuid(&self, field: &str) -> Uuid {
        self.body[field].as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no {field} in {self:?}"))
    }

    pub fn u64(&self, field: &str) -> u64 {
        self.body[field].as_u64().unwrap_or_else(|| panic!("no {field} in {self:?}"))
    }

    pub fn str(&self, field: &str) -> &str {
        self.body[field].as_str().unwrap_or_else(|| panic!("no {field} in {self:?}"))
    }

    /// A response header as text (`None` when absent or not visible ASCII).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

impl Api {
    pub fn new(base: &str) -> Self {
        Self { base: base.to_owned(), http: reqwest::Client::new() }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends `body` as JSON (if any) with an optional bearer token.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    /// Sends a prepared request (for raw bodies and headers). A body that is a file rather than
    /// JSON (a download) is kept as `{"bytes": <length>}`.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("HTTP request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let file = headers.contains_key("content-disposition");
        let bytes = response.bytes().await.expect("response body");
        let body = match (bytes.is_empty(), file) {
            (true, _) => Value::Null,
            (false, true) => json!({"bytes": bytes.len()}),
            (false, false) => serde_json::from_slice(&bytes).expect("JSON response"),
        };
        Reply { status, headers, body }
    }

    /// Sends a prepared request and keeps the body as bytes (downloads).
    pub async fn fetch(&self, request: reqwest::RequestBuilder) -> Fetched {
        let response = request.send().await.expect("HTTP request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("response body").to_vec();
        Fetched { status, headers, bytes }
    }

    pub fn raw(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    /// Registers a user with a unique name derived from `name`.
    pub async fn register(&self, name: &str) -> User {
        let username = format!("{name}_{}", &Uuid::new_v4().simple().to_string()[..8]);
        let reply = self
            .call(
                Method::POST,
                "/v1/auth/register",
                None,
                Some(json!({"username": username, "password": "correct horse"})),
            )
            .await;
        assert_eq!(reply.status, 201, "register: {reply:?}");
        let token = reply.body["token"].as_str().unwrap().to_owned();
        User { id: reply.uuid("user_id"), username, token, api: self.clone() }
    }
}

/// A response whose body is kept as bytes.
#[derive(Debug)]
pub struct Fetched {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Fetched {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The stable error code, if the body is a JSON error.
    pub fn code(&self) -> Option<String> {
        let body: Value = serde_json::from_slice(&self.bytes).ok()?;
        body["error"]["code"].as_str().map(str::to_owned)
    }
}

#[derive(Clone)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub token: String,
    pub api: Api,
}

impl User {
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.api.call(method, path, Some(&self.token), body).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    pub async fn create_group(&self, name: &str) -> Uuid {
        let reply = self.call(Method::POST, "/v1/rooms", Some(json!({"type": "group", "name": name}))).await;
        assert_eq!(reply.status, 201, "create room: {reply:?}");
        reply.uuid("room_id")
    }

    pub async fn post(&self, room: Uuid, body: &str, client_msg_id: &str) -> Reply {
        let request = json!({"body": body, "client_msg_id": client_msg_id});
        self.call(Method::POST, &format!("/v1/rooms/{room}/messages"), Some(request)).await
    }

    pub async fn join(&self, room: Uuid) -> Reply {
        self.call(Method::POST, &format!("/v1/rooms/{room}/join"), None).await
    }

    /// Uploads `bytes` as a file named `name`, declared as `content_type` (if any).
    pub async fn upload(&self, bytes: Vec<u8>, content_type: Option<&str>, name: &str) -> Reply {
        let mut request = self.api.raw(Method::POST, "/v1/uploads").query(&[("name", name)]).bearer_auth(&self.token);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        self.api.send(request.body(bytes)).await
    }

    /// Posts `body` (if any) with the uploads `attachments`.
    pub async fn post_files(&self, room: Uuid, body: Option<&str>, client_msg_id: &str, attachments: &[Uuid]) -> Reply {
        let request = json!({"body": body, "client_msg_id": client_msg_id, "attachments": attachments});
        self.call(Method::POST, &format!("/v1/rooms/{room}/messages"), Some(request)).await
    }

    /// A `GET` of `path` with the user's token and `headers`, its body as bytes.
    pub async fn download(&self, path: &str, headers: &[(&str, &str)]) -> Fetched {
        let mut request = self.api.raw(Method::GET, path).bearer_auth(&self.token);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.api.fetch(request).await
    }

    /// The newest `limit` messages of `room` (newest first).
    pub async fn history(&self, room: Uuid, limit: u32) -> Reply {
        self.get(&format!("/v1/rooms/{room}/messages?limit={limit}")).await
    }
}

/// `chat_feed_events_behind` of `feed` in the API's `/metrics`, if the feed is listed.
pub async fn events_behind(api_url: &str, feed: &str) -> Option<i64> {
    let response = reqwest::get(format!("{api_url}/metrics")).await.expect("GET /metrics");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let body = response.text().await.unwrap();
    let prefix = format!("chat_feed_events_behind{{feed=\"{feed}\"}} ");
    body.lines().find_map(|line| line.strip_prefix(&prefix)).map(|n| n.parse().expect("a count"))
}
