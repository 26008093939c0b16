//! `GET /openapi.json` as the API role serves it: the document the binary assembles (REST
//! routes plus WebSocket frames, the text of docs/openapi.json), with no token, no query.

use reqwest::Method;

use crate::harness::{Api, Server, Stack};

#[tokio::test]
async fn the_api_serves_the_assembled_openapi_document_to_anyone() {
    let stack = Stack::new().await;
    let server = Server::start(&stack, "commands").await;
    let api = Api::new(server.url());

    let response = api.raw(Method::GET, "/openapi.json").send().await.expect("GET /openapi.json");
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    let served = response.text().await.expect("body");
    assert_eq!(served, chat::openapi::json(), "the served document is the one `chat openapi` prints");
    let document: serde_json::Value = serde_json::from_str(&served).expect("JSON");
    assert!(document["components"]["schemas"]["ServerFrame"].is_object(), "the gateway's frames are in it");

    let with_query = api.call(Method::GET, "/openapi.json?pretty=1", None, None).await;
    assert_eq!((with_query.status, with_query.code()), (400, Some("invalid_query")));
    let post = api.call(Method::POST, "/openapi.json", None, None).await;
    assert_eq!((post.status, post.code()), (405, Some("method_not_allowed")));
}
