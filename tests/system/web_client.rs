//! The web client's files and start-up configuration, as the API role serves them: the files at
//! `/` with their own security and caching headers, `index.html` for the client's own routes,
//! and the API's JSON answers left alone.

use std::path::PathBuf;

use reqwest::Method;
use serde_json::json;

use crate::harness::{Api, Server, Stack};

/// A built client's files in a directory of their own, removed when dropped.
struct WebDir(PathBuf);

impl WebDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("chat-web-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(dir.join("assets")).expect("web dir");
        std::fs::write(dir.join("index.html"), "<!doctype html><title>chat</title>").expect("index.html");
        std::fs::write(dir.join("assets/app-1a2b3c.js"), "console.log('chat')").expect("asset");
        // What `npm run build` writes beside it (any bytes do here: the server does not look in).
        std::fs::write(dir.join("assets/app-1a2b3c.js.gz"), "gzipped bytes").expect("gzipped asset");
        std::fs::create_dir_all(dir.join("widget/assets")).expect("widget assets dir");
        std::fs::write(dir.join("widget/assets/index-4d5e6f.js"), "console.log('widget')").expect("widget asset");
        Self(dir)
    }
}

impl Drop for WebDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn page(api: &Api, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let response = api.raw(Method::GET, path).send().await.expect("GET");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("body"))
}

fn header<'h>(headers: &'h reqwest::header::HeaderMap, name: &str) -> &'h str {
    headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default()
}

#[tokio::test]
async fn the_api_serves_the_client_its_routes_and_its_configuration() {
    let web = WebDir::new();
    let stack = Stack::new()
        .await
        .env("CHAT_WEB_DIR", web.0.to_str().expect("UTF-8 path"))
        .env("CHAT_PUBLIC_GATEWAYS", "wss://chat.example/v1/ws, /v1/ws");
    let server = Server::start(&stack, "commands").await;
    let api = Api::new(server.url());

    let (status, headers, body) = page(&api, "/").await;
    assert_eq!((status, body.as_str()), (200, "<!doctype html><title>chat</title>"));
    assert!(header(&headers, "content-type").starts_with("text/html"), "{headers:?}");
    let csp = header(&headers, "content-security-policy");
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-eval") && !csp.contains("script-src"), "scripts only from us: {csp}");
    assert_eq!(header(&headers, "cache-control"), "no-cache", "a new build is picked up at once");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");

    let (status, headers, body) = page(&api, "/assets/app-1a2b3c.js").await;
    assert_eq!((status, body.as_str()), (200, "console.log('chat')"));
    assert!(header(&headers, "content-type").contains("javascript"), "{headers:?}");
    assert_eq!(header(&headers, "cache-control"), "public, max-age=31536000, immutable");
    // A browser that takes gzip gets the build's gzipped copy.
    let gzipped =
        api.raw(Method::GET, "/assets/app-1a2b3c.js").header("accept-encoding", "gzip, br").send().await.unwrap();
    let headers = gzipped.headers().clone();
    assert_eq!(header(&headers, "content-encoding"), "gzip", "{headers:?}");
    assert!(header(&headers, "content-type").contains("javascript"), "{headers:?}");
    assert_eq!(header(&headers, "cache-control"), "public, max-age=31536000, immutable");
    assert_eq!(gzipped.text().await.unwrap(), "gzipped bytes");
    // The support widget's too: a returning visitor's browser has them.
    let (status, headers, body) = page(&api, "/widget/assets/index-4d5e6f.js").await;
    assert_eq!((status, body.as_str()), (200, "console.log('widget')"));
    assert_eq!(header(&headers, "cache-control"), "public, max-age=31536000, immutable");

    // The client's own routes survive a reload.
    let (status, _, body) = page(&api, "/rooms/0195c6b1-2a4e-7000-8000-000000000000").await;
    assert_eq!((status, body.as_str()), (200, "<!doctype html><title>chat</title>"));

    // The API's answers are unchanged: unknown API routes and other methods stay JSON `404 not_found`.
    let unknown = api.call(Method::GET, "/v1/nothing-here", None, None).await;
    assert_eq!((unknown.status, unknown.code()), (404, Some("not_found")));
    let post = api.call(Method::POST, "/", None, Some(json!({}))).await;
    assert_eq!((post.status, post.code()), (404, Some("not_found")));
    let health = api.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.header("content-security-policy"), Some("default-src 'none'; frame-ancestors 'none'"));

    let config = api.call(Method::GET, "/v1/client-config", None, None).await;
    assert_eq!(config.status, 200, "{config:?}");
    assert_eq!(config.body["gateways"], json!(["wss://chat.example/v1/ws", "/v1/ws"]));
    // The upload limits, so that a browser refuses a file that is too large before sending it.
    assert_eq!(config.body["uploads"], json!({"max_file_bytes": 104_857_600, "quota_bytes": 1_073_741_824}));
}

#[tokio::test]
async fn without_a_built_client_the_root_is_a_json_404_and_browsers_are_sent_to_this_gateway() {
    let stack = Stack::new().await.env("CHAT_WEB_DIR", "/nonexistent/chat-web");
    let server = Server::start(&stack, "up").await;
    let api = Api::new(server.url());

    let root = api.call(Method::GET, "/", None, None).await;
    assert_eq!((root.status, root.code()), (404, Some("not_found")));

    let port = server.ws_url().rsplit(':').next().and_then(|rest| rest.split('/').next()).expect("gateway port");
    let config = api.call(Method::GET, "/v1/client-config", None, None).await;
    assert_eq!(config.body["gateways"], json!([format!(":{port}/v1/ws")]));
}
