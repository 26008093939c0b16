//! The OpenAPI 3.1 document of the REST API, generated from the code, and `GET /openapi.json`.
//!
//! # How the document is made
//!
//! - Each route's path, method, parameters, request body and route-specific answers come from
//!   its handler's `#[utoipa::path]`, and the route is registered from that same annotation
//!   (`OpenApiRouter::routes(routes!(handler))`, see [`super`]): the router and the document
//!   are built by one expression, so neither can have a route the other lacks. Schemas are
//!   derived (`ToSchema`) on the types that are serialised, where they are defined (`domain`,
//!   `projections`, …), so a field's schema is its type's.
//! - What every route of a kind answers is added here by construction, not by hand on each
//!   route ([`add_common_answers`]): the authenticated router's operations get the bearer
//!   security requirement and `401`; every operation the refusals of the layers in front of
//!   all routes (`400`, `414`, `431`, `500`, `504`); operations with a JSON body `413`, `415`
//!   and `422 invalid_request`; commands (anything but `GET`) `503 busy`. Every error answer
//!   is an [`ErrorBody`], whose `code` is the `ErrorCode` enum.
//! - The WebSocket frames and room event payloads are the gateway's and the domain's. The
//!   gateway is another edge crate, which this one must not depend on (nor it on this one), so
//!   the `chat` binary (src/openapi.rs) merges the gateway's components into [`openapi`]'s
//!   document and hands the finished text to the API as an [`OpenApiDocument`], which
//!   `GET /openapi.json` serves as it is. docs/openapi.json is the same text, checked by a
//!   test of the binary (regenerate with `chat openapi > docs/openapi.json`).

use std::fmt;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chat_domain::ErrorCode;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, RefOr, Response, ResponseBuilder, path::Operation};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ErrorBody, ErrorDetail};

/// The name of the bearer security scheme in the document.
pub const BEARER: &str = "bearer";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chat REST API",
        version = "1",
        description = "The REST API of the chat backend (docs/api.md). Every `/v1` route but register, \
            login, refresh, logout and client-config needs `Authorization: Bearer <token>` (the `bearer` \
            security scheme). The WebSocket protocol's \
            frames (docs/protocol.md) are the `ClientFrame` and `ServerFrame` components; room events are \
            `RoomEvent`."
    ),
    components(schemas(ErrorBody, ErrorDetail, ErrorCode)),
    tags(
        (name = "accounts", description = "Registration, sessions, profiles"),
        (name = "rooms", description = "Rooms, membership, read markers"),
        (name = "messages", description = "Posting, editing, reactions, history"),
        (name = "contacts", description = "Contacts, contact requests and blocks"),
        (name = "websites", description = "Support chat: websites, their domains, widget and agents; the inbox"),
        (name = "widget", description = "Support chat: what the widget calls for a website's visitors"),
        (name = "admin", description = "Administrators only"),
        (name = "health", description = "Liveness, readiness, metrics"),
        (name = "meta", description = "This document; what a browser app needs before it connects"),
    )
)]
struct ApiDoc;

/// The REST API's document: every route of the router, the schemas they use, the bearer
/// scheme. (The `chat` binary adds the WebSocket components; see the module doc.)
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut authenticated = super::authenticated_routes().into_openapi();
    for operation in operations(&mut authenticated) {
        operation.security = Some(vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]);
        add(
            operation,
            401,
            "`unauthorized`, `invalid_token`, `token_expired`, `account_erased` (with `WWW-Authenticate: Bearer`)",
        );
    }
    let mut document = ApiDoc::openapi();
    document.merge(super::public_routes().into_openapi());
    document.merge(super::page_routes().into_openapi());
    document.merge(authenticated);
    add_busy(&mut document);
    for operation in operations(&mut document) {
        add_common_answers(operation);
    }
    let components = document.components.get_or_insert_with(Default::default);
    close_variants(components, "CreateRoomRequest");
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
    );
    document
}

/// The answers of the layers in front of every route (docs/api.md §1), added to each
/// operation unless its annotation already documents that status.
fn add_common_answers(operation: &mut Operation) {
    add(operation, 400, "`malformed_request`, `malformed_json`, `invalid_path`, `invalid_query`");
    add(operation, 414, "`uri_too_long`");
    add(operation, 431, "`headers_too_large`");
    add(operation, 500, "`internal`");
    add(operation, 504, "`timeout`: the request took over 30 seconds; it may still complete");
    if operation.request_body.is_some() {
        add(operation, 413, "`payload_too_large`: the body is over 64 KiB");
        add(operation, 415, "`unsupported_media_type`: the body needs `Content-Type: application/json`");
        add(operation, 422, "`invalid_request`: the JSON does not have the expected shape");
    }
}

/// Commands (every method but `GET`) may also answer `503 busy`.
fn add_busy(document: &mut utoipa::openapi::OpenApi) {
    for (_, item) in document.paths.paths.iter_mut() {
        for operation in [&mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
            add(operation, 503, "`busy`: contended or shutting down; retry (with `Retry-After`)");
        }
    }
}

/// Marks each variant of the one-of schema `name` as refusing unknown fields: utoipa carries
/// `#[serde(deny_unknown_fields)]` into a struct's schema but not into the variants of an
/// internally tagged enum, which the server refuses just the same (`422 invalid_request`).
/// (A test checks that every `…Request` schema is closed.)
fn close_variants(components: &mut utoipa::openapi::Components, name: &str) {
    use utoipa::openapi::schema::{AdditionalProperties, Schema};
    if let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut(name) {
        for variant in &mut one_of.items {
            if let RefOr::T(Schema::Object(object)) = variant {
                object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
        }
    }
}

fn add(operation: &mut Operation, status: u16, description: &str) {
    operation.responses.responses.entry(status.to_string()).or_insert_with(|| error_response(status, description));
}

fn error_response(status: u16, description: &str) -> RefOr<Response> {
    let mut response = ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build());
    if matches!(status, 429 | 503) {
        let seconds = utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::Integer);
        response = response.header("retry-after", HeaderBuilder::new().schema(seconds).build());
    }
    RefOr::T(response.build())
}

fn operations(document: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut Operation> {
    document.paths.paths.values_mut().flat_map(|item| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
    })
}

/// The finished document as served (pretty JSON), cheap to clone.
#[derive(Clone)]
pub struct OpenApiDocument(Arc<str>);

impl OpenApiDocument {
    pub fn new(json: impl Into<Arc<str>>) -> Self {
        Self(json.into())
    }
}

impl fmt::Debug for OpenApiDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OpenApiDocument({} bytes)", self.0.len())
    }
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(document))
}

/// This document (OpenAPI 3.1).
#[utoipa::path(get, path = "/openapi.json", operation_id = "openapi", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
async fn document(State(document): State<OpenApiDocument>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document.0.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::num::NonZeroU32;
    use std::sync::Arc;
    use std::time::Duration;

    use axum::body::Body;
    use axum::http::{Method, Request, StatusCode};
    use chat_auth::{Secret, SigningKey, Tokens};
    use sqlx::postgres::PgPoolOptions;
    use tower::ServiceExt;

    use super::super::{AppState, TrustForwardedFor, router};
    use super::*;
    use crate::accounts::Accounts;
    use crate::credentials::RefreshTokens;
    use crate::limits::{Limits, LimitsConfig};
    use crate::room_writer::{RoomWriters, WriterConfig};
    use crate::store::EventStore;
    use crate::uploads::{StorageUrl, UploadConfig, Uploads};
    use crate::verification::{Verifier, VerifierConfig};
    use crate::websites::Websites;

    const METHODS: [Method; 5] = [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE];

    /// The real router over a database that is never reached (every request below is answered
    /// before a query, or fails to connect at once).
    fn app() -> axum::Router {
        let pool = PgPoolOptions::new()
            .acquire_timeout(Duration::from_millis(200))
            .connect_lazy("postgres://nobody@127.0.0.1:1/none")
            .unwrap();
        let store = EventStore::new(pool.clone());
        let keys = [SigningKey { kid: "k".into(), secret: Secret::new(vec![7; 32]) }];
        let tokens = Arc::new(Tokens::new(&keys, Duration::from_secs(60)));
        let one = NonZeroU32::MIN;
        let limits = LimitsConfig {
            posts_per_second: one,
            post_burst: one,
            auth_per_minute: one,
            auth_burst: one,
            lookups_per_minute: one,
            lookup_burst: one,
            searches_per_minute: one,
            search_burst: one,
            checks_per_minute: one,
            check_burst: one,
            visitors_per_minute: one,
            visitor_burst: one,
            website_visitors_per_minute: one,
            website_visitor_burst: one,
            uploads_per_minute: one,
            upload_burst: one,
        };
        let state = AppState {
            rooms: RoomWriters::new(store.clone(), WriterConfig::default()),
            contacts: crate::contacts::ContactsService::new(pool.clone(), store.clone()),
            websites: Websites::new(pool.clone(), store.clone(), Verifier::new(VerifierConfig::default()).unwrap()),
            accounts: Accounts::new(
                pool.clone(),
                store,
                tokens.clone(),
                RefreshTokens::new(pool.clone(), Duration::from_secs(60)),
            ),
            limits: Arc::new(Limits::new(&limits)),
            proxy: TrustForwardedFor(false),
            openapi: OpenApiDocument::new("{}"),
            web: super::super::WebConfig::default(),
            uploads: Uploads::new(
                pool.clone(),
                UploadConfig::new(StorageUrl::Directory(std::env::temp_dir().join("chat-spec-test-uploads"))),
                &keys,
            )
            .unwrap(),
            pool,
            tokens,
        };
        router(state, &[])
    }

    /// `(path, method)` of every operation in the document.
    fn documented() -> Vec<(String, Method)> {
        let mut document = openapi();
        let mut operations = Vec::new();
        for (path, item) in std::mem::take(&mut document.paths.paths) {
            let methods = [
                (Method::GET, item.get),
                (Method::POST, item.post),
                (Method::PUT, item.put),
                (Method::PATCH, item.patch),
                (Method::DELETE, item.delete),
                (Method::HEAD, item.head),
                (Method::OPTIONS, item.options),
                (Method::TRACE, item.trace),
            ];
            operations.extend(methods.into_iter().filter(|(_, op)| op.is_some()).map(|(m, _)| (path.clone(), m)));
        }
        operations
    }

    /// The path with every `{param}` filled in (UUIDs for ids, a word for a reaction).
    fn concrete(path: &str) -> String {
        path.split('/')
            .map(|segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) if name.ends_with("_id") => "0190e4b0-0000-7000-8000-000000000001".to_owned(),
                Some(_) => "x".to_owned(),
                None => segment.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The stable code of an answer (`None` for a success or a non-JSON body).
    async fn call(app: &axum::Router, method: Method, path: &str) -> (StatusCode, Option<String>) {
        let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let code = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|body| body["error"]["code"].as_str().map(str::to_owned));
        (status, code)
    }

    /// Every operation of the document is a route of the real router, and every other method
    /// on its path is `405 method_not_allowed` (with the clippy rule that routes are only
    /// registered through `routes!`, a route cannot exist without its operation either).
    #[tokio::test]
    async fn every_documented_operation_is_routed_and_no_other_method_is() {
        let app = app();
        let operations = documented();
        assert!(operations.len() >= 30, "only {} operations documented", operations.len());
        for (path, method) in &operations {
            let (status, code) = call(&app, method.clone(), &concrete(path)).await;
            assert!(
                !matches!(code.as_deref(), Some("not_found" | "method_not_allowed")),
                "{method} {path} is documented but not routed ({status}, {code:?})"
            );
        }
        let paths: HashSet<&String> = operations.iter().map(|(path, _)| path).collect();
        for path in paths {
            let routed: Vec<&Method> = operations.iter().filter(|(p, _)| p == path).map(|(_, m)| m).collect();
            for method in METHODS.iter().filter(|method| !routed.contains(method)) {
                let (status, code) = call(&app, method.clone(), &concrete(path)).await;
                assert_eq!(
                    (status, code.as_deref()),
                    (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")),
                    "{method} {path} is not documented but is answered"
                );
            }
        }
    }

    #[test]
    fn operation_ids_are_unique_and_every_operation_has_a_success() {
        let document = serde_json::to_value(openapi()).unwrap();
        let mut ids = HashSet::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let id = operation["operationId"].as_str().unwrap();
                assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
                let responses = operation["responses"].as_object().unwrap();
                assert!(responses.keys().any(|status| status.starts_with('2')), "{method} {path} has no success");
            }
        }
    }

    /// Every request body refuses unknown fields (`deny_unknown_fields`), and so does its schema.
    #[test]
    fn request_schemas_refuse_unknown_fields_as_the_server_does() {
        let document = serde_json::to_value(openapi()).unwrap();
        for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
            if !name.ends_with("Request") {
                continue;
            }
            let objects = match schema["oneOf"].as_array() {
                Some(variants) => variants.iter().collect(),
                None => vec![schema],
            };
            for object in objects {
                assert_eq!(object["additionalProperties"], false, "{name} accepts unknown fields");
            }
        }
    }

    /// Authenticated operations say so (bearer, 401); public ones do not.
    #[test]
    fn security_follows_the_router_the_route_is_in() {
        let document = serde_json::to_value(openapi()).unwrap();
        let public = [
            "/healthz",
            "/readyz",
            "/metrics",
            "/openapi.json",
            "/v1/client-config",
            "/v1/auth/register",
            "/v1/auth/login",
            "/v1/widget/{website_id}",
            "/v1/widget/{website_id}/visitors",
            "/embed.js",
            "/widget/{website_id}",
            "/v1/files/{room_id}/{attachment_id}",
            "/v1/files/{room_id}/{attachment_id}/thumbnail",
        ];
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let secured = operation.get("security").is_some();
                let public =
                    public.contains(&path.as_str()) || matches!(path.as_str(), "/v1/auth/refresh" | "/v1/auth/logout");
                assert_eq!(secured, !public, "{method} {path}: security");
                if secured {
                    assert!(operation["responses"].get("401").is_some(), "{method} {path}: no 401");
                }
            }
        }
    }
}
