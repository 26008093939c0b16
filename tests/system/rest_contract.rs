//! docs/api.md §1 and §7 from the outside, for what every route has in common: the order of
//! checks (authentication first, then path, query or body, then account and room), strict
//! query strings, one `Authorization` header, reads refused to erased accounts, and the
//! documented shape of every refusal — including those the HTTP library makes on its own.

mod erased;
mod order;
mod refusals;

use crate::harness::{Reply, operator};

/// `(status, code)` of a reply, for comparisons that print the whole reply on failure.
fn answer(reply: &Reply) -> (u16, Option<&str>) {
    (reply.status, reply.code())
}
