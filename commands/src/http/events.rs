//! `GET /v1/admin/events`: the analysts' export over HTTP, for administrators. The same
//! filters, cursor and record format as `chat events export`, streamed as a chunked body a
//! page at a time.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chat_feed::StoredEvent;
use chat_history::{Encoder, Export, ExportRequest};
use serde::Deserialize;
use sqlx::PgPool;
use tokio::sync::mpsc;

use super::callers::Admin;
use super::error::ErrorBody;
use super::{ApiError, AppState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The response header with the cursor to resume from once the whole body has been read.
pub const CURSOR_HEADER: &str = "x-export-cursor";

/// Pages read ahead of the client.
const READ_AHEAD: usize = 2;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export))
}

/// Parameters as for the CLI (`since`, `until`, `room`, `aggregate_type`, `event_type`…,
/// `after`, `format`); a bad one is `400 invalid_query` naming it.
#[utoipa::path(get, path = "/v1/admin/events", operation_id = "export_events", tag = "admin",
    params(
        ("since" = Option<String>, Query, format = DateTime, description = "Only events recorded at or after this time"),
        ("until" = Option<String>, Query, format = DateTime, description = "Only events recorded before this time"),
        ("room" = Option<Uuid>, Query, description = "Only the events of this room"),
        ("aggregate_type" = Option<String>, Query, pattern = "^(room|user|presence|website)$", description = "`room`, `user`, `presence` or `website`"),
        ("event_type" = Option<Vec<String>>, Query, explode, description = "Only these event types (repeat, or separate with commas)"),
        ("after" = Option<String>, Query, pattern = "^[0-9]{1,18}:[0-9]{1,18}$", description = "A cursor `<tx_id>:<global_position>`: start after it"),
        ("format" = Option<String>, Query, pattern = "^(ndjson|csv|parquet)$", description = "`ndjson` (default), `csv` or `parquet`"),
    ),
    responses(
        (status = 200, description = "The events, streamed (docs/schemas/export-record.schema.json per NDJSON line)",
            headers(("x-export-cursor" = String, description = "Where this export ends: pass as `after` to continue")),
            content(
                (String = "application/x-ndjson"),
                (String = "text/csv"),
                (ParquetFile = "application/vnd.apache.parquet"),
            )),
        (status = 403, description = "`admin_only`", body = ErrorBody),
    ))]
async fn export(State(pool): State<PgPool>, Admin(admin): Admin<ExportQuery>) -> Result<Response, ApiError> {
    let ExportQuery(request) = admin.query;
    let encoder = Encoder::new(request.format).map_err(|e| ApiError::Internal(e.into()))?;
    let export = Export::begin(pool, request.filter, request.after).await?;
    let cursor = HeaderValue::try_from(export.end_cursor().to_string()).map_err(|e| ApiError::Internal(e.into()))?;
    let body = Body::from_stream(chunks(export.spawn(READ_AHEAD), encoder));
    let content_type = HeaderValue::from_static(request.format.content_type());
    Ok(([(header::CONTENT_TYPE, content_type), (header::HeaderName::from_static(CURSOR_HEADER), cursor)], body)
        .into_response())
}

/// A Parquet file, for the document: binary, not JSON.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code, reason = "a schema only: the export writes the file's bytes")]
struct ParquetFile(Vec<u8>);

/// The export's parameters, checked while the query string is parsed (so a bad one is a 400
/// before the administrator check, like any other query).
struct ExportQuery(ExportRequest);

impl<'de> Deserialize<'de> for ExportQuery {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pairs = Vec::<(String, String)>::deserialize(deserializer)?;
        ExportRequest::from_pairs(pairs).map(ExportQuery).map_err(serde::de::Error::custom)
    }
}

type Pages = mpsc::Receiver<Result<Vec<StoredEvent>, sqlx::Error>>;

/// The encoded pages, then the encoder's tail. A failure ends the body early (the client sees
/// a truncated chunked response and resumes from its last complete record).
fn chunks(pages: Pages, encoder: Encoder) -> impl futures::Stream<Item = std::io::Result<Bytes>> + Send {
    futures::stream::unfold(Some((pages, encoder)), |state| async move {
        let (mut pages, mut encoder) = state?;
        loop {
            let chunk = match pages.recv().await {
                Some(Ok(page)) => encoder.encode(&page).map_err(std::io::Error::other),
                Some(Err(error)) => Err(std::io::Error::other(error)),
                None => {
                    return match encoder.finish() {
                        Ok(tail) if tail.is_empty() => None,
                        Ok(tail) => Some((Ok(Bytes::from(tail)), None)),
                        Err(error) => Some((Err(failed(std::io::Error::other(error))), None)),
                    };
                }
            };
            match chunk {
                Ok(bytes) if bytes.is_empty() => continue,
                Ok(bytes) => return Some((Ok(Bytes::from(bytes)), Some((pages, encoder)))),
                Err(error) => return Some((Err(failed(error)), None)),
            }
        }
    })
}

fn failed(error: std::io::Error) -> std::io::Error {
    tracing::error!(%error, "event export failed mid-stream");
    error
}
