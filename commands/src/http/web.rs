//! The web client: its static files (built by `npm --prefix web run build` into `web/dist`)
//! served at `/`, and `GET /v1/client-config`, which tells it where the gateways are and how
//! large an upload may be.
//!
//! The files are served from a directory beside the binary rather than embedded in it, so the
//! Rust build never waits for (or depends on) the JavaScript build, and a client fix ships
//! without recompiling the server. Paths of the API (`/v1/…`) never fall through to the files:
//! an unknown API route stays a JSON `404 not_found`. Any other unknown path gets the
//! client's `index.html`, so its own routes survive a reload.

use std::path::PathBuf;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, AppState};
use crate::uploads::{UploadConfig, Uploads};

/// Where the web client's files are and what it is told at start.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// The built client (`index.html` and `assets/`); `None` serves no files.
    pub dir: Option<PathBuf>,
    /// The gateways' WebSocket URLs as the browser should use them (see [`ClientConfig`]).
    pub gateways: Vec<String>,
}

/// What the web client (or any browser app) needs before it can connect.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ClientConfig {
    /// WebSocket URLs of the gateways, tried in turn: absolute (`wss://chat.example/v1/ws`), a
    /// path on the page's own host (`/v1/ws`, behind one load balancer), or a port and path on
    /// the page's host (`:8081/v1/ws`, as `chat up` runs it).
    pub gateways: Vec<String>,
    pub uploads: UploadLimits,
}

/// The limits on uploads (docs/api.md §13.1), so that a client can refuse a file that is too
/// large before sending it: a refusal by `Content-Length` comes before the body is read, and a
/// browser still sending that body may see the connection reset instead of the `413`.
#[derive(Clone, Copy, Debug, Serialize, utoipa::ToSchema)]
pub struct UploadLimits {
    /// The largest file accepted, in bytes (`CHAT_UPLOAD_MAX_BYTES`); larger ones are
    /// `413 payload_too_large`.
    pub max_file_bytes: u64,
    /// What one user's uploads may add up to, in bytes (`CHAT_UPLOAD_QUOTA_BYTES`;
    /// `413 quota_exceeded`).
    pub quota_bytes: u64,
}

impl From<&UploadConfig> for UploadLimits {
    fn from(config: &UploadConfig) -> Self {
        Self { max_file_bytes: config.max_file_bytes, quota_bytes: config.quota_bytes }
    }
}

/// The page may run our own scripts and styles and talk to our API and gateways only.
const CLIENT_CSP: &str = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; \
                          style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; \
                          form-action 'self'; frame-ancestors 'none'";

/// Built assets (the client's and the support widget's) carry a hash of their content in their
/// names: cache them for good.
const ASSETS_CACHE: &str = "public, max-age=31536000, immutable";

/// Everything else (`index.html` above all) is revalidated, so a new build is picked up at once.
const PAGES_CACHE: &str = "no-cache";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(client_config))
}

/// Where the gateways are and how large an upload may be, for a browser app before it connects.
#[utoipa::path(get, path = "/v1/client-config", tag = "meta",
    responses((status = 200, description = "The gateways' WebSocket URLs and the upload limits", body = ClientConfig)))]
async fn client_config(State(web): State<WebConfig>, State(uploads): State<Uploads>) -> Json<ClientConfig> {
    Json(ClientConfig { gateways: web.gateways, uploads: uploads.config().into() })
}

/// The router's fallback: the client's files for `GET`/`HEAD` outside the API, JSON `404`
/// otherwise.
pub async fn fallback(State(web): State<WebConfig>, request: Request) -> Response {
    let path = request.uri().path();
    let api = path == "/v1" || path.starts_with("/v1/");
    let Some(dir) = web.dir.filter(|_| !api && matches!(*request.method(), Method::GET | Method::HEAD)) else {
        return ApiError::RouteNotFound.into_response();
    };
    let hashed = path.starts_with("/assets/") || path.starts_with("/widget/assets/");
    let cache = if hashed { ASSETS_CACHE } else { PAGES_CACHE };
    // `npm run build` writes a gzipped copy beside each file (web/build/precompress.mjs).
    let index = ServeFile::new(dir.join("index.html")).precompressed_gzip();
    let files = ServeDir::new(&dir).precompressed_gzip().fallback(index);
    let Ok(mut response) = files.oneshot(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CLIENT_CSP));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response.into_response()
}
