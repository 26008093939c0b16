//! Requests refused before any route sees them — a URI over our limit, and what the HTTP
//! library refuses on its own (a URI past its limit, too many or too large headers, bytes that
//! are not HTTP) — are answered like every other error: JSON with a documented code, a request
//! id and the security headers.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::answer;
use crate::harness::{Api, Server, Stack};

/// Our limit on the path and query (docs/api.md §1).
const MAX_URI_BYTES: usize = 16 * 1024;

/// hyper's own limit on the request target (`MAX_URI_LEN`).
const HYPER_MAX_URI_BYTES: usize = 65_534;

/// hyper's read buffer (`DEFAULT_MAX_BUFFER_SIZE`): a head that fills it unfinished is refused.
const HYPER_MAX_HEAD_BYTES: usize = 8192 + 4096 * 100;

/// The headers every answer carries (commands/src/http/security.rs).
const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
    ("cache-control", "no-store"),
];

/// An answer read off the socket.
#[derive(Debug)]
struct Raw {
    status: u16,
    /// Names lower-cased.
    headers: Vec<(String, String)>,
    body: Value,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The documented error shape: JSON `{"error": {"code", "message"}}` with `code`, a request
    /// id and the security headers.
    fn assert_documented(&self, case: &str, status: u16, code: &str) {
        assert_eq!((self.status, self.body["error"]["code"].as_str()), (status, Some(code)), "{case}: {self:#?}");
        assert!(self.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{case}: a message");
        assert_eq!(self.header("content-type"), Some("application/json"), "{case}: {self:#?}");
        assert!(self.header("x-request-id").is_some_and(|id| !id.is_empty()), "{case}: a request id: {self:#?}");
        for (name, value) in SECURITY_HEADERS {
            assert_eq!(self.header(name), Some(value), "{case}: {name}: {self:#?}");
        }
    }
}

/// Writes `request` on a new connection, then reads until the server closes it.
async fn exchange(address: &str, request: &[u8]) -> Raw {
    let exchange = async {
        let mut stream = TcpStream::connect(address).await.expect("connect");
        stream.write_all(request).await.expect("send the request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read the answer");
        raw
    };
    let raw = tokio::time::timeout(Duration::from_secs(30), exchange).await.expect("an answer within 30 s");
    let text = String::from_utf8(raw).expect("a UTF-8 answer");
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no complete head in {text:?}"));
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|s| s.parse().ok());
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let body = serde_json::from_str(body).unwrap_or(Value::Null);
    Raw { status: status.unwrap_or_else(|| panic!("no status in {head:?}")), headers, body }
}

/// `GET <target>` with `Connection: close`, as bytes.
fn get(target: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n").into_bytes()
}

/// `/v1/me?pad=xxx…`, exactly `length` bytes long.
fn target_of(length: usize) -> String {
    let target = format!("/v1/me?pad={}", "x".repeat(length - "/v1/me?pad=".len()));
    assert_eq!(target.len(), length);
    target
}

#[tokio::test]
async fn a_uri_over_16_kib_gets_the_documented_414_before_authentication() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());
    let alice = api.register("alice").await;

    // At the limit, the request goes on (to authentication, and to the query check).
    let at_limit = target_of(MAX_URI_BYTES);
    let anonymous = api.send(api.raw(reqwest::Method::GET, &at_limit)).await;
    assert_eq!(answer(&anonymous), (401, Some("unauthorized")), "{anonymous:?}");
    let known = alice.get(&at_limit).await;
    assert_eq!(answer(&known), (400, Some("invalid_query")), "{known:?}");

    // One byte over: 414, with or without a token, with the request id echoed.
    let over = target_of(MAX_URI_BYTES + 1);
    for token in [None, Some(alice.token.as_str())] {
        let mut request = api.raw(reqwest::Method::GET, &over).header("x-request-id", "my-trace-414");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let reply = api.send(request).await;
        assert_eq!(answer(&reply), (414, Some("uri_too_long")), "{reply:?}");
        assert_eq!(reply.header("x-request-id"), Some("my-trace-414"));
        assert_eq!(reply.header("content-type"), Some("application/json"));
        for (name, value) in SECURITY_HEADERS {
            assert_eq!(reply.header(name), Some(value), "{name}");
        }
    }
}

#[tokio::test]
async fn what_the_http_library_refuses_itself_gets_the_documented_shape() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "up").await;
    let address = server.url().trim_start_matches("http://").to_owned();

    // Any error of ours, for comparison.
    exchange(&address, &get("/nowhere")).await.assert_documented("an unknown route", 404, "not_found");

    // A request target at hyper's limit (answered by our own limit), and past it: just past
    // 65,534 bytes, and 64 KiB + 1.
    for length in [HYPER_MAX_URI_BYTES, HYPER_MAX_URI_BYTES + 1, 64 * 1024 + 1] {
        let case = format!("a {length}-byte URI");
        exchange(&address, &get(&target_of(length))).await.assert_documented(&case, 414, "uri_too_long");
    }

    // Too many header fields (more than 100).
    let mut request = b"GET /v1/me HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n".to_vec();
    for n in 0..101 {
        request.extend_from_slice(format!("x-header-{n}: {n}\r\n").as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    exchange(&address, &request).await.assert_documented("101 headers", 431, "headers_too_large");

    // A head that fills hyper's read buffer without ending (exactly, so that the server reads
    // every byte sent and the answer is not lost to a reset).
    let mut request = b"GET /v1/me HTTP/1.1\r\nhost: localhost\r\nx-large: ".to_vec();
    request.resize(HYPER_MAX_HEAD_BYTES, b'a');
    exchange(&address, &request).await.assert_documented("a 408 KiB header", 431, "headers_too_large");

    // Bytes that are not an HTTP/1.1 request.
    for (case, request) in [
        ("a header line without a colon", &b"GET /v1/me HTTP/1.1\r\nhost: localhost\r\nno colon here\r\n\r\n"[..]),
        ("a bad version", b"GET /v1/me HTTP/9.9\r\nhost: localhost\r\n\r\n"),
        ("a bad method", b"G(T /v1/me HTTP/1.1\r\nhost: localhost\r\n\r\n"),
        ("a control character in the target", b"GET /v1/\x01me HTTP/1.1\r\nhost: localhost\r\n\r\n"),
        (
            "an invalid content-length",
            b"POST /v1/auth/login HTTP/1.1\r\nhost: localhost\r\ncontent-length: abc\r\n\r\n",
        ),
    ] {
        exchange(&address, request).await.assert_documented(case, 400, "malformed_request");
    }

    // The server serves on.
    let health = exchange(&address, &get("/healthz")).await;
    assert_eq!((health.status, &health.body["status"]), (200, &Value::from("ok")), "{health:#?}");
}
