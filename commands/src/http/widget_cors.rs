//! CORS for the widget's API routes (`/v1/widget/{website_id}…`), per website: a page may call
//! them from a browser only from one of that website's verified origins (`https://` or
//! `http://` of a verified domain). The widget's own frame is served by us and calls them from
//! our origin, which needs no CORS; this is for websites that talk to the API from their own
//! pages. A preflight from any other origin is refused with `403 origin_not_allowed`; other
//! requests from it get no CORS headers, so the browser withholds the answer.
//!
//! A layer outside the router and outside the configured CORS (`CHAT_CORS_ORIGINS`, which
//! would answer every preflight itself), reading the website's verified domains only for a
//! cross-origin request to one of these routes.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chat_domain::WebsiteId;
use chat_projections::queries::support;
use sqlx::PgPool;

use super::ApiError;

const PREFIX: &str = "/v1/widget/";

pub(super) async fn per_website(State(pool): State<PgPool>, request: Request, next: Next) -> Response {
    let Some(website) = website_of(request.uri().path()) else {
        return next.run(request).await;
    };
    let Some(origin) = cross_origin(request.headers()) else {
        return next.run(request).await;
    };
    let allowed = match support::verified_domains(&pool, website).await {
        Ok(domains) => {
            domains.iter().any(|domain| [format!("https://{domain}"), format!("http://{domain}")].contains(&origin))
        }
        Err(error) => return ApiError::from(error).into_response(),
    };
    let origin = HeaderValue::from_str(&origin).ok().filter(|_| allowed);
    if request.method() == Method::OPTIONS {
        let Some(origin) = origin else {
            return ApiError::OriginNotAllowed.into_response();
        };
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        allow(headers, origin);
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST"));
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type, x-request-id"),
        );
        headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        return response;
    }
    let mut response = next.run(request).await;
    if let Some(origin) = origin {
        allow(response.headers_mut(), origin);
        let exposed = HeaderValue::from_static("retry-after, x-request-id");
        response.headers_mut().insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, exposed);
    }
    response
}

fn allow(headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
}

/// The website a widget route names.
fn website_of(path: &str) -> Option<WebsiteId> {
    path.strip_prefix(PREFIX)?.split('/').next()?.parse().ok()
}

/// The request's `Origin`, unless it is the API's own (the widget's frame) or absent.
fn cross_origin(headers: &HeaderMap) -> Option<String> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    let host = headers.get(header::HOST).and_then(|host| host.to_str().ok());
    let same = host.is_some_and(|host| origin.split_once("://").is_some_and(|(_, rest)| rest == host));
    (!same).then(|| origin.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_widget_routes_name_a_website() {
        let id = "01a2511b-3c1b-756b-ae82-24d28fe7002f";
        assert_eq!(website_of(&format!("/v1/widget/{id}")), Some(id.parse().unwrap()));
        assert_eq!(website_of(&format!("/v1/widget/{id}/visitors")), Some(id.parse().unwrap()));
        assert_eq!(website_of("/v1/widget/nope"), None);
        assert_eq!(website_of(&format!("/v1/websites/{id}")), None);
    }

    #[test]
    fn the_apis_own_origin_is_not_cross_origin() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("chat.example:8080"));
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://chat.example:8080"));
        assert_eq!(cross_origin(&headers), None);
        headers.insert(header::ORIGIN, HeaderValue::from_static("https://shop.example"));
        assert_eq!(cross_origin(&headers).as_deref(), Some("https://shop.example"));
    }
}
