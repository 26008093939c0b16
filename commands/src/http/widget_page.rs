//! The support widget's files: the loader every website embeds (`GET /embed.js`) and the page
//! the loader frames (`GET /widget/{website_id}`), both built by `npm --prefix web run build`
//! into `web/dist/widget/` and served from `CHAT_WEB_DIR` like the web client.
//!
//! The page is what keeps the widget off sites that did not prove a domain: it answers with
//! `Content-Security-Policy: frame-ancestors` listing exactly the website's verified origins,
//! so a browser refuses to show it in a frame anywhere else (an unknown or unverified website
//! gets a `404` that no page may frame). The loader itself is public and cacheable: it only
//! injects the frame.
//!
//! Both take a query string (the loader's `id` and options, which it passes on to the page),
//! so they sit outside the public routes' strict-query rule.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chat_domain::WebsiteId;
use chat_domain::website::WebsiteError;
use chat_projections::queries::support;
use tower::ServiceExt;
use tower_http::services::ServeFile;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::ApiPath;
use super::{ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(loader)).routes(routes!(page))
}

/// The widget page may run our scripts and talk to our API and gateways; who may frame it is
/// added per website.
const PAGE_CSP: &str = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; \
                        style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'";

/// The loader changes with a deploy: cached briefly, then revalidated.
const LOADER_CACHE: &str = "public, max-age=300";

/// The loader script websites embed: `<script src="…/embed.js?id=<website id>" async>`.
#[utoipa::path(get, path = "/embed.js", operation_id = "widget_loader", tag = "widget",
    responses(
        (status = 200, description = "The loader (JavaScript)", content_type = "text/javascript"),
        (status = 404, description = "`widget_not_built`: the widget is not built on this server", body = super::ErrorBody),
    ))]
async fn loader(State(state): State<AppState>, request: Request) -> Response {
    let Some(dir) = state.web.dir.clone() else {
        return ApiError::WidgetNotBuilt.into_response();
    };
    let Ok(mut response) = ServeFile::new(dir.join("widget/embed.js")).precompressed_gzip().oneshot(request).await;
    if response.status() == StatusCode::NOT_FOUND {
        return ApiError::WidgetNotBuilt.into_response();
    }
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(LOADER_CACHE));
    // Loaded by other sites' pages.
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
    response.into_response()
}

/// The widget page of a website, for the loader's frame: framable only by the website's
/// verified origins.
#[utoipa::path(get, path = "/widget/{website_id}", operation_id = "widget_page", tag = "widget",
    params(("website_id" = uuid::Uuid, Path, description = "The website")),
    responses(
        (status = 200, description = "The widget page (HTML), with `frame-ancestors` of the website's verified origins", content_type = "text/html"),
        (status = 404, description = "`website_not_found`: unknown, or no verified domain; `widget_not_built`: the widget is not built on this server", body = super::ErrorBody),
    ))]
async fn page(State(state): State<AppState>, ApiPath(website): ApiPath<WebsiteId>, request: Request) -> Response {
    let Some(dir) = state.web.dir.clone() else {
        return ApiError::WidgetNotBuilt.into_response();
    };
    let domains = match support::verified_domains(&state.pool, website).await {
        Ok(domains) => domains,
        Err(error) => return ApiError::from(error).into_response(),
    };
    if domains.is_empty() {
        return ApiError::Website(WebsiteError::WebsiteNotFound.into()).into_response();
    }
    let ancestors: Vec<String> =
        domains.iter().flat_map(|domain| [format!("https://{domain}"), format!("http://{domain}")]).collect();
    let Ok(policy) = HeaderValue::from_str(&format!("{PAGE_CSP}; frame-ancestors {}", ancestors.join(" "))) else {
        return ApiError::Internal(anyhow::anyhow!("a verified domain is not a header value")).into_response();
    };
    let Ok(mut response) = ServeFile::new(dir.join("widget/index.html")).precompressed_gzip().oneshot(request).await;
    if response.status() == StatusCode::NOT_FOUND {
        return ApiError::WidgetNotBuilt.into_response();
    }
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response.into_response()
}
