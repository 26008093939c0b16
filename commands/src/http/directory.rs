//! `/v1/directory/rooms`: the public rooms anyone may join, found by name.

use axum::Json;
use axum::extract::State;
use chat_projections::queries::directory::{self, DirectoryRoom};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::callers::Reader;
use super::rooms::PageLimit;
use super::{ApiError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(public_rooms))
}

/// Longest search accepted, in characters (a room name's own limit).
const MAX_SEARCH_CHARS: usize = 100;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DirectoryParams {
    q: Option<Search>,
    limit: Option<PageLimit>,
}

/// A name search: trimmed, empty means none, at most [`MAX_SEARCH_CHARS`], no control
/// characters (no room name has one, and Postgres text cannot hold NUL).
struct Search(Option<String>);

impl<'de> Deserialize<'de> for Search {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let text = text.trim();
        if text.chars().count() > MAX_SEARCH_CHARS {
            return Err(serde::de::Error::custom(format!("q is longer than {MAX_SEARCH_CHARS} characters")));
        }
        if text.chars().any(char::is_control) {
            return Err(serde::de::Error::custom("q must not contain control characters"));
        }
        Ok(Self((!text.is_empty()).then(|| text.to_owned())))
    }
}

/// What the directory found.
#[derive(Serialize, utoipa::ToSchema)]
struct Directory {
    rooms: Vec<DirectoryRoom>,
}

/// Public group rooms, most members first; with `q`, those whose name contains it (any case).
/// Private and direct rooms are never listed. Not paged: a search narrows it.
#[utoipa::path(get, path = "/v1/directory/rooms", operation_id = "list_public_rooms", tag = "rooms",
    params(
        ("q" = Option<String>, Query, max_length = 100, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$", description = "Part of the name, any case"),
        ("limit" = Option<i64>, Query, minimum = 1, description = "How many; default 20, capped at 50"),
    ),
    responses((status = 200, description = "Public rooms, most members first", body = Directory)))]
async fn public_rooms(
    State(pool): State<PgPool>,
    reader: Reader<DirectoryParams>,
) -> Result<Json<Directory>, ApiError> {
    let search = reader.query.q.and_then(|Search(text)| text);
    let limit = PageLimit::or(reader.query.limit, 20, 50);
    Ok(Json(Directory { rooms: directory::public_rooms(&pool, reader.user, search.as_deref(), limit).await? }))
}
