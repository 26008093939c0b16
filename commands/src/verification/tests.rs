//! Checks against real HTTP servers on 127.0.0.1 (free ports, one per test), in test mode
//! unless a test is about test mode being off.
#![expect(
    clippy::disallowed_methods,
    reason = "these routers are stand-in websites for the verifier to fetch, not routes of our REST API"
)]

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, Redirect};
use axum::routing::get;
use tokio::net::TcpListener;

use super::VerificationFailure::*;
use super::VerificationMethod::*;
use super::guard::Policy;
use super::{FILE_PATH, Verifier, VerifierConfig};

const TOKEN: &str = "cv_4f9a1c2e7b";

fn test_mode() -> VerifierConfig {
    VerifierConfig { timeout: Duration::from_secs(5), allow_loopback: true, ..VerifierConfig::default() }
}

fn verifier(config: VerifierConfig) -> Verifier {
    Verifier::new(config).expect("verifier")
}

/// Serves `router` on a free loopback port; returns its `host:port`.
async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let authority = listener.local_addr().expect("local address").to_string();
    tokio::spawn(async move { axum::serve(listener, router).await });
    authority
}

/// A site with `file` at the well-known path (404 if `None`) and `home` at `/`.
fn site(file: Option<&'static str>, home: &'static str) -> Router {
    let router = Router::new().route("/", get(move || async move { Html(home) }));
    match file {
        Some(file) => router.route(FILE_PATH, get(move || async move { file })),
        None => router,
    }
}

fn meta(token: &str) -> String {
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><meta name="chat-verification" content="{token}"></head><body>shop</body></html>"#
    )
}

/// An endless body: `prefix`, then spaces in 8 KiB chunks.
fn endless(prefix: &'static str) -> Body {
    let chunks = futures::stream::repeat(Ok::<_, Infallible>(Bytes::from_static(&[b' '; 8192])));
    let first = futures::stream::iter([Ok::<_, Infallible>(Bytes::from_static(prefix.as_bytes()))]);
    Body::from_stream(futures::StreamExt::chain(first, chunks))
}

#[tokio::test]
async fn the_token_in_the_well_known_file_verifies() {
    let authority = serve(site(Some("old-token\n  cv_4f9a1c2e7b  \n"), "<title>shop</title>")).await;
    assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Ok(WellKnownFile));
}

#[tokio::test]
async fn the_token_in_the_meta_tag_verifies() {
    let home = meta(TOKEN).leak();
    let authority = serve(site(None, home)).await;
    assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Ok(MetaTag));
}

#[tokio::test]
async fn localhost_resolves_in_test_mode() {
    let port = serve(site(Some(TOKEN), "")).await.rsplit_once(':').expect("port").1.to_owned();
    assert_eq!(verifier(test_mode()).check(&format!("localhost:{port}"), TOKEN).await, Ok(WellKnownFile));
}

#[tokio::test]
async fn a_different_token_is_a_mismatch() {
    let authority = serve(site(Some("cv_stale"), "<title>shop</title>")).await;
    assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Err(TokenMismatch));

    let home = meta("cv_stale").leak();
    let authority = serve(site(None, home)).await;
    assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Err(TokenMismatch));
}

#[tokio::test]
async fn a_missing_token_fails() {
    let authority = serve(site(None, "<title>shop</title>")).await;
    assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Err(TokenNotFound));

    let authority = serve(Router::new()).await;
    assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Err(BadStatus));
}

#[tokio::test]
async fn an_html_page_at_the_file_path_is_not_text() {
    let authority = serve(Router::new().fallback(|| async { Html("<title>single-page app</title>") })).await;
    assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Err(NotText));
}

#[tokio::test]
async fn redirects_are_followed_up_to_the_limit() {
    let router = Router::new()
        .route("/", get(|| async { Html("<title>shop</title>") }))
        .route(FILE_PATH, get(|| async { Redirect::temporary("/r/1") }))
        .route(
            "/r/{n}",
            get(|axum::extract::Path(n): axum::extract::Path<u32>| async move {
                Redirect::temporary(&format!("/r/{}", n + 1))
            }),
        )
        .route("/r/3", get(|| async { TOKEN }));
    let authority = serve(router).await;
    // The file → /r/1 → /r/2 → /r/3: three redirects.
    assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Ok(WellKnownFile));
    let two = VerifierConfig { max_redirects: 2, ..test_mode() };
    assert_eq!(verifier(two).check(&authority, TOKEN).await, Err(TooManyRedirects));
}

#[tokio::test]
async fn a_redirect_loop_is_too_many_redirects() {
    let router = Router::new()
        .route("/", get(|| async { Html("<title>shop</title>") }))
        .route(FILE_PATH, get(|| async { Redirect::temporary("/a") }))
        .route("/a", get(|| async { Redirect::temporary("/b") }))
        .route("/b", get(|| async { Redirect::temporary("/a") }));
    let authority = serve(router).await;
    let generous = VerifierConfig { max_redirects: 50, ..test_mode() };
    assert_eq!(verifier(generous).check(&authority, TOKEN).await, Err(TooManyRedirects));
}

#[tokio::test]
async fn redirects_to_internal_addresses_are_refused_without_connecting() {
    for target in [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0xa9fea9fe/",
        "http://[::ffff:10.0.0.1]/",
        "http://[fd00::1]/",
        "http://0.0.0.0/",
    ] {
        // From the file...
        let authority =
            serve(Router::new().route(FILE_PATH, get(move || async move { Redirect::temporary(target) }))).await;
        let started = Instant::now();
        assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Err(ForbiddenAddress), "{target}");
        assert!(started.elapsed() < Duration::from_secs(2), "{target} took {:?}", started.elapsed());
        // ...and from the home page.
        let authority = serve(Router::new().route("/", get(move || async move { Redirect::permanent(target) }))).await;
        assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Err(ForbiddenAddress), "{target}");
    }
}

#[tokio::test]
async fn redirects_to_other_schemes_are_not_followed() {
    for (target, failure) in [
        ("ftp://example.com/", ForbiddenAddress),
        ("gopher://example.com:70/", ForbiddenAddress),
        ("file:///etc/passwd", BadStatus),
    ] {
        // (reqwest cannot even express a `file:` hop; the 307 itself is then the answer.)
        let authority =
            serve(Router::new().route(FILE_PATH, get(move || async move { Redirect::temporary(target) }))).await;
        assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Err(failure), "{target}");
    }
}

#[tokio::test]
async fn an_endless_file_is_too_large_and_read_only_up_to_the_cap() {
    let router = Router::new().route(FILE_PATH, get(|| async { endless(TOKEN) }));
    let authority = serve(router).await;
    let started = Instant::now();
    assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Err(TooLarge));
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_ten_megabyte_file_is_too_large() {
    let router = Router::new().route(FILE_PATH, get(|| async { vec![b'x'; 10 << 20] }));
    let authority = serve(router).await;
    assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Err(TooLarge));
}

#[tokio::test]
async fn only_the_start_of_an_endless_home_page_is_scanned() {
    let head: &'static str = meta(TOKEN).replace("<body>shop</body></html>", "").leak();
    let router = Router::new().route("/", get(move || async move { ([(CONTENT_TYPE, "text/html")], endless(head)) }));
    let authority = serve(router).await;
    assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Ok(MetaTag));

    // A token beyond the cap is not seen.
    let late =
        Router::new().route("/", get(|| async { Html(format!("<head>{}{}</head>", " ".repeat(1024), meta(TOKEN))) }));
    let authority = serve(late).await;
    let small = VerifierConfig { max_body_bytes: 512, ..test_mode() };
    assert_eq!(verifier(small).check(&authority, TOKEN).await, Err(TokenNotFound));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let authority = listener.local_addr().expect("local address").to_string();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let config = VerifierConfig { timeout: Duration::from_millis(300), ..test_mode() };
    let started = Instant::now();
    assert_eq!(verifier(config).check(&authority, TOKEN).await, Err(Timeout));
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let authority = listener.local_addr().expect("local address").to_string();
    drop(listener);
    assert_eq!(verifier(test_mode()).check(&authority, TOKEN).await, Err(Unreachable));
}

#[tokio::test]
async fn outside_test_mode_loopback_is_refused_without_a_request() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let router = Router::new().fallback(move || {
        counter.fetch_add(1, Ordering::Relaxed);
        async { TOKEN }
    });
    let authority = serve(router).await;
    let port = authority.rsplit_once(':').expect("port").1;
    let production = verifier(VerifierConfig::default());
    // Any port: so that the address, not the port, is what gets refused.
    let any_port = Verifier::with_policy(VerifierConfig::default(), Policy { allow_loopback: false, any_port: true })
        .expect("verifier");
    for verifier in [&production, &any_port] {
        for host in ["127.0.0.1", "localhost", "[::1]", "127.0.0.2"] {
            let result = verifier.check(&format!("{host}:{port}"), TOKEN).await;
            assert_eq!(result, Err(ForbiddenAddress), "{host}");
        }
    }
    assert_eq!(hits.load(Ordering::Relaxed), 0);
}

#[tokio::test]
async fn test_mode_still_refuses_private_addresses() {
    for authority in ["10.0.0.1", "10.0.0.1:8080", "169.254.169.254", "192.168.1.1:80", "[fd00::1]:443", "0.0.0.0:1"] {
        assert_eq!(verifier(test_mode()).check(authority, TOKEN).await, Err(ForbiddenAddress), "{authority}");
    }
}

#[tokio::test]
async fn malformed_authorities_are_rejected_before_any_request() {
    for authority in ["", "example.com/path", "user@127.0.0.1", "example.com?x", "exa mple.com", "[::1", "a:b:c"] {
        assert_eq!(verifier(test_mode()).check(authority, TOKEN).await, Err(ForbiddenAddress), "{authority:?}");
    }
}

#[tokio::test]
async fn failures_are_reported_with_stable_codes() {
    let authority = serve(Router::new()).await;
    let failure = verifier(test_mode()).check(&authority, TOKEN).await.expect_err("no token");
    assert_eq!(failure.code(), "bad_status");
    assert_eq!(serde_json::to_value(MetaTag).expect("serializes"), "meta_tag");
}

#[test]
fn the_default_config_is_production_safe() {
    let config = VerifierConfig::default();
    assert_eq!((config.timeout, config.max_body_bytes, config.max_redirects), (Duration::from_secs(5), 65536, 3));
    assert!(!config.allow_loopback);
    assert!(Verifier::new(VerifierConfig { max_body_bytes: 0, ..config }).is_err());
}
