//! The one OpenAPI 3.1 document of the system: the REST API's routes and schemas
//! (`chat_commands::http::openapi`) plus the WebSocket protocol's frames and the room events
//! (`chat_gateway::openapi`), merged here because the binary is the one crate that sees both
//! edges (they never depend on each other). The API role serves the result at
//! `GET /openapi.json`; `chat openapi` prints it; docs/openapi.json is a copy that a test
//! keeps equal to it.
//!
//! Regenerate the copy after changing a route or a serialised type:
//!
//! ```text
//! cargo run -q --bin chat -- openapi > docs/openapi.json
//! ```
//!
//! (or `CHAT_BLESS=1 cargo nextest run -p chat --lib openapi`).

/// The merged document. Where both name a component, the protocol's wins: a REST type that
/// holds a room event (a history page's system lines) pulls in the plain derived `RoomEvent`,
/// while the protocol's is the named union that clients are generated from.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = chat_commands::http::openapi();
    let protocol = chat_gateway::openapi::openapi();
    if let (Some(rest), Some(components)) = (document.components.as_mut(), protocol.components.as_ref()) {
        for name in components.schemas.keys() {
            rest.schemas.remove(name);
        }
    }
    document.merge(protocol);
    document
}

/// The merged document as pretty JSON with a final newline, in a stable order (utoipa keeps
/// paths and components in sorted maps).
pub fn json() -> String {
    // Plain data with string keys: serialisation cannot fail.
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");

    /// docs/openapi.json is what the code generates. `CHAT_BLESS=1` rewrites it instead.
    #[test]
    fn docs_openapi_json_is_what_the_code_generates() {
        let generated = json();
        if std::env::var_os("CHAT_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(COMMITTED, &generated).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(Path::new(COMMITTED)).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/openapi.json differs from the generated document; regenerate it with \
             `cargo run -q --bin chat -- openapi > docs/openapi.json` (or CHAT_BLESS=1 on this test) and review the diff"
        );
    }

    #[test]
    fn the_document_is_openapi_3_1_with_the_names_clients_use() {
        let value: serde_json::Value = serde_json::from_str(&json()).unwrap();
        assert!(value["openapi"].as_str().unwrap().starts_with("3.1"));
        for name in
            ["ErrorBody", "ErrorCode", "Room", "RoomSummary", "Message", "ServerFrame", "ClientFrame", "RoomEvent"]
        {
            assert!(value["components"]["schemas"][name].is_object(), "no component {name}");
        }
        assert!(value["paths"]["/openapi.json"]["get"].is_object());
    }
}
