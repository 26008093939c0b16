//! Authentication as a layer: every route that needs a caller sits behind [`authenticate`],
//! which verifies the bearer token before any extractor of the route runs, and hands the
//! verified caller to the handler's extractors ([`super::callers`]) as a request extension.
//!
//! Why a layer rather than an extractor: axum runs a handler's extractors in argument order,
//! so a token checked by an extractor is checked after whichever path, query or body
//! extractor comes before it in the argument list — and a request with no valid token could
//! get `400 invalid_query` instead of `401`. A route layer runs before all of them, whatever
//! the handler looks like; docs/api.md §1 ("Order of checks") puts authentication first.
//!
//! Two layers, for the two kinds of token: [`authenticate`] for members' routes refuses a
//! website visitor's token (`403 visitor_not_allowed`: visitors never list rooms, look up
//! users or create anything); [`authenticate_any`] admits it too, on the routes of a room's
//! messages and read markers (where the room admits only its members, so a visitor only their
//! own support conversations) and on the visitors' own routes.
//!
//! Whether the account still exists (it is gone once erased, while its access tokens stay
//! valid until they expire) is not checked here: that needs the database, and is left to the
//! extractors of reads, which fold it into the query they make anyway.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chat_auth::{TokenError, Tokens};
use chat_domain::{UserId, WebsiteId};

use super::error::ApiError;

/// Who the bearer token names, once verified; set by [`authenticate`] for the extractors.
#[derive(Clone, Copy, Debug)]
pub(super) struct Authenticated {
    pub user: UserId,
    /// A global administrator (the token's `adm` claim).
    pub admin: bool,
    /// A visitor of this website (support chat), not a registered user.
    pub visitor_of: Option<WebsiteId>,
}

/// Refuses a request without exactly one valid `Authorization: Bearer <token>` (401), or with a
/// visitor's token (403), and otherwise passes it on with its [`Authenticated`] caller.
pub(super) async fn authenticate(State(tokens): State<Arc<Tokens>>, request: Request, next: Next) -> Response {
    let caller = bearer(request.headers(), &tokens).and_then(|caller| match caller.visitor_of {
        Some(_) => Err(ApiError::VisitorNotAllowed),
        None => Ok(caller),
    });
    pass(request, next, caller).await
}

/// As [`authenticate`], but a visitor's token passes too.
pub(super) async fn authenticate_any(State(tokens): State<Arc<Tokens>>, request: Request, next: Next) -> Response {
    let caller = bearer(request.headers(), &tokens);
    pass(request, next, caller).await
}

async fn pass(mut request: Request, next: Next, caller: Result<Authenticated, ApiError>) -> Response {
    match caller {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(error) => error.into_response(),
    }
}

fn bearer(headers: &HeaderMap, tokens: &Tokens) -> Result<Authenticated, ApiError> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let value = values.next().ok_or(ApiError::MissingToken)?;
    // Which one would count is anyone's guess (proxies and libraries differ): refuse both.
    if values.next().is_some() {
        return Err(ApiError::AmbiguousCredentials);
    }
    let token = value
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .ok_or(ApiError::Token(TokenError::Invalid))?
        .1;
    let verified = tokens.verify(token.trim())?;
    Ok(Authenticated { user: verified.user, admin: verified.admin, visitor_of: verified.visitor_of })
}
