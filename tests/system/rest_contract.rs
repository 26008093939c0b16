//! docs/api.md §1 and §7 from the outside, for what every route has in common: the order of
//! checks (authentication first, then path, query or body, then account and room), strict
//! query strings, one `Authorization` header, reads refused to erased accounts, and the
//! documented shape of every refusal — including those the HTTP library makes on its own.

mod erased;
mod order;
mod refusals;

use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::harness::{Api, Reply, Stack, User, run_chat};

/// How long a one-off `chat` command may take.
const ONE_OFF: std::time::Duration = std::time::Duration::from_secs(120);

/// `(status, code)` of a reply, for comparisons that print the whole reply on failure.
fn answer(reply: &Reply) -> (u16, Option<&str>) {
    (reply.status, reply.code())
}

/// Registers a user, makes them a global administrator with the one-off command, and logs them
/// in again so that their token carries the claim.
async fn operator(api: &Api, stack: &Stack) -> User {
    let username = format!("operator_{}", &Uuid::new_v4().simple().to_string()[..8]);
    let credentials = json!({"username": username, "password": "correct horse battery"});
    let registered = api.call(Method::POST, "/v1/auth/register", None, Some(credentials.clone())).await;
    assert_eq!(registered.status, 201, "register the operator: {registered:?}");
    run_chat(stack, &["users", "grant-admin", &username], ONE_OFF).await.expect_success();
    let login = api.call(Method::POST, "/v1/auth/login", None, Some(credentials)).await;
    assert_eq!(login.status, 200, "log the operator in: {login:?}");
    User { id: login.uuid("user_id"), token: login.str("token").to_owned(), api: api.clone() }
}
