//! Response headers every answer carries, and CORS from configuration.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

/// JSON API answers: never sniffed, framed, cached or given a referrer.
pub(super) const HEADERS: [(HeaderName, &str); 5] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'"),
    (header::CACHE_CONTROL, "no-store"),
];

/// CORS inside, headers outside: preflight answers carry the headers too.
pub fn layers(router: Router, cors_origins: &[String]) -> Router {
    let origins: Vec<HeaderValue> =
        cors_origins.iter().filter_map(|origin| HeaderValue::from_str(origin).ok()).collect();
    let mut router = if origins.is_empty() {
        router
    } else {
        router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, HeaderName::from_static("x-request-id")])
                .expose_headers([header::RETRY_AFTER, HeaderName::from_static("x-request-id")])
                .max_age(std::time::Duration::from_secs(3600)),
        )
    };
    for (name, value) in HEADERS {
        router = match name {
            header::X_FRAME_OPTIONS => router.layer(SetResponseHeaderLayer::if_not_present(name, frame_options)),
            _ => router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))),
        };
    }
    router
}

/// `X-Frame-Options: DENY`, unless the answer says who may frame it (`frame-ancestors` other
/// than `'none'`: the support widget's page), which the two would contradict (browsers that
/// know `frame-ancestors` ignore the older header anyway).
fn frame_options<B>(response: &axum::http::Response<B>) -> Option<HeaderValue> {
    let policy = response.headers().get(header::CONTENT_SECURITY_POLICY).and_then(|value| value.to_str().ok());
    let framable = policy.is_some_and(|policy| {
        policy.split(';').any(|directive| {
            let directive = directive.trim();
            directive.starts_with("frame-ancestors") && directive != "frame-ancestors 'none'"
        })
    });
    (!framable).then(|| HeaderValue::from_static("DENY"))
}
