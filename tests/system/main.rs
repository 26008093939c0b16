//! Black-box tests: the real `chat` binary, as child processes, against a real Postgres
//! (`DATABASE_URL` names the maintenance database; each test creates its own database).

mod bad_input;
mod concurrency;
mod delivery;
mod durability;
mod harness;
mod idempotency;
mod presence;
mod read_models;
mod resilience;
mod rest_flow;
mod ws_protocol;
