//! `/v1/contacts…` and `/v1/blocks…`: contact requests, contacts and blocks (docs/api.md §14).
//! Every action answers where the caller then stands with the other user ([`Standing`]);
//! repeating one that already holds writes nothing (`changed: false`), so all are safe to retry.

use axum::Json;
use axum::extract::State;
use chat_domain::UserId;
use chat_domain::contacts::ContactAction;
use chat_projections::queries::contacts::{self, BlockedUser, ContactList};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::callers::{Caller, Reader};
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath};
use super::{ApiError, AppState};
use crate::contacts::{ContactsService, Standing};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(request))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(cancel))
        .routes(routes!(remove))
        .routes(routes!(blocked))
        .routes(routes!(block, unblock))
}

/// Your contacts (with their presence), and the requests you sent and received.
#[utoipa::path(get, path = "/v1/contacts", operation_id = "list_contacts", tag = "contacts",
    responses((status = 200, description = "Contacts and pending requests", body = ContactList)))]
async fn list(State(pool): State<PgPool>, reader: Reader) -> Result<Json<ContactList>, ApiError> {
    Ok(Json(contacts::list(&pool, reader.user).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ContactRequest {
    user_id: UserId,
}

/// Ask a user to be your contact; if they already asked you, you become contacts.
#[utoipa::path(post, path = "/v1/contacts/requests", operation_id = "request_contact", tag = "contacts",
    request_body = ContactRequest,
    responses(
        (status = 200, description = "Where you now stand with them", body = Standing),
        (status = 404, description = "`user_not_found` (unknown, erased, or a website's visitor)", body = ErrorBody),
        (status = 409, description = "`user_blocked`: you block them; unblock first", body = ErrorBody),
        (status = 422, description = "`invalid_request`, `contact_with_self`", body = ErrorBody),
    ))]
async fn request(
    State(service): State<ContactsService>,
    caller: Caller,
    ApiJson(request): ApiJson<ContactRequest>,
) -> Result<Json<Standing>, ApiError> {
    act(&service, &caller, request.user_id, ContactAction::Request).await
}

/// Accept a user's pending request.
#[utoipa::path(post, path = "/v1/contacts/requests/{user_id}/accept", operation_id = "accept_contact", tag = "contacts",
    params(("user_id" = Uuid, Path, description = "Who asked you")),
    responses(
        (status = 200, description = "Where you now stand with them", body = Standing),
        (status = 404, description = "`contact_request_not_found`, `user_not_found`", body = ErrorBody),
        (status = 422, description = "`contact_with_self`", body = ErrorBody),
    ))]
async fn accept(
    State(service): State<ContactsService>,
    caller: Caller,
    ApiPath(user): ApiPath<UserId>,
) -> Result<Json<Standing>, ApiError> {
    act(&service, &caller, user, ContactAction::Accept).await
}

/// Decline a user's pending request (none pending: nothing changes).
#[utoipa::path(post, path = "/v1/contacts/requests/{user_id}/decline", operation_id = "decline_contact", tag = "contacts",
    params(("user_id" = Uuid, Path, description = "Who asked you")),
    responses(
        (status = 200, description = "Where you now stand with them", body = Standing),
        (status = 404, description = "`user_not_found`", body = ErrorBody),
        (status = 422, description = "`contact_with_self`", body = ErrorBody),
    ))]
async fn decline(
    State(service): State<ContactsService>,
    caller: Caller,
    ApiPath(user): ApiPath<UserId>,
) -> Result<Json<Standing>, ApiError> {
    act(&service, &caller, user, ContactAction::Decline).await
}

/// Withdraw your pending request to a user (none pending: nothing changes).
#[utoipa::path(delete, path = "/v1/contacts/requests/{user_id}", operation_id = "cancel_contact_request", tag = "contacts",
    params(("user_id" = Uuid, Path, description = "Whom you asked")),
    responses(
        (status = 200, description = "Where you now stand with them", body = Standing),
        (status = 404, description = "`user_not_found`", body = ErrorBody),
        (status = 422, description = "`contact_with_self`", body = ErrorBody),
    ))]
async fn cancel(
    State(service): State<ContactsService>,
    caller: Caller,
    ApiPath(user): ApiPath<UserId>,
) -> Result<Json<Standing>, ApiError> {
    act(&service, &caller, user, ContactAction::Cancel).await
}

/// Remove a contact (on both sides; not a contact: nothing changes).
#[utoipa::path(delete, path = "/v1/contacts/{user_id}", operation_id = "remove_contact", tag = "contacts",
    params(("user_id" = Uuid, Path, description = "The contact")),
    responses(
        (status = 200, description = "Where you now stand with them", body = Standing),
        (status = 404, description = "`user_not_found`", body = ErrorBody),
        (status = 422, description = "`contact_with_self`", body = ErrorBody),
    ))]
async fn remove(
    State(service): State<ContactsService>,
    caller: Caller,
    ApiPath(user): ApiPath<UserId>,
) -> Result<Json<Standing>, ApiError> {
    act(&service, &caller, user, ContactAction::Remove).await
}

/// Whom you block.
#[derive(Serialize, utoipa::ToSchema)]
struct BlockList {
    /// Most recent first.
    blocked: Vec<BlockedUser>,
}

/// The users you block (your sessions may hide their messages in shared rooms).
#[utoipa::path(get, path = "/v1/blocks", operation_id = "list_blocks", tag = "contacts",
    responses((status = 200, description = "Whom you block", body = BlockList)))]
async fn blocked(State(pool): State<PgPool>, reader: Reader) -> Result<Json<BlockList>, ApiError> {
    Ok(Json(BlockList { blocked: contacts::blocks(&pool, reader.user).await? }))
}

/// Block a user: no direct messages between you, they see none of your presence or typing, a
/// contact or request between you ends. They are not told.
#[utoipa::path(put, path = "/v1/blocks/{user_id}", operation_id = "block_user", tag = "contacts",
    params(("user_id" = Uuid, Path, description = "Whom to block")),
    responses(
        (status = 200, description = "Where you now stand with them", body = Standing),
        (status = 404, description = "`user_not_found`", body = ErrorBody),
        (status = 422, description = "`contact_with_self`", body = ErrorBody),
    ))]
async fn block(
    State(service): State<ContactsService>,
    caller: Caller,
    ApiPath(user): ApiPath<UserId>,
) -> Result<Json<Standing>, ApiError> {
    act(&service, &caller, user, ContactAction::Block).await
}

/// Unblock a user (not blocked: nothing changes).
#[utoipa::path(delete, path = "/v1/blocks/{user_id}", operation_id = "unblock_user", tag = "contacts",
    params(("user_id" = Uuid, Path, description = "Whom to unblock")),
    responses(
        (status = 200, description = "Where you now stand with them", body = Standing),
        (status = 404, description = "`user_not_found`", body = ErrorBody),
        (status = 422, description = "`contact_with_self`", body = ErrorBody),
    ))]
async fn unblock(
    State(service): State<ContactsService>,
    caller: Caller,
    ApiPath(user): ApiPath<UserId>,
) -> Result<Json<Standing>, ApiError> {
    act(&service, &caller, user, ContactAction::Unblock).await
}

async fn act(
    service: &ContactsService,
    caller: &Caller,
    user: UserId,
    action: ContactAction,
) -> Result<Json<Standing>, ApiError> {
    Ok(Json(service.act(caller.user, user, action, caller.meta()).await?))
}
