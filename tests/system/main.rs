//! Black-box tests: the real `chat` binary, as child processes, against a real Postgres
//! (`DATABASE_URL` names the maintenance database; each test creates its own database) and
//! NATS (`NATS_URL`; each test uses its own subject prefix).

mod abuse;
mod analytics_export;
mod analytics_history;
mod attachments;
mod authorization;
mod bad_input;
mod bench_smoke;
mod concurrency;
mod contacts;
mod delivery;
mod delivery_markers;
mod durability;
mod erasure_sessions;
mod harness;
mod hostile_input;
mod idempotency;
mod internal_errors;
mod invites;
mod moderation;
mod openapi;
mod presence;
mod read_markers;
mod read_models;
mod resilience;
mod rest_contract;
mod rest_flow;
mod search;
mod support_chat;
mod tokens;
mod web_client;
mod websites;
mod ws_protocol;
