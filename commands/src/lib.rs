//! The write side and the HTTP API.
//!
//! # Layout
//! - [`store`]: load aggregate events through postgres-es and append them in one statement,
//!   with per-command metadata and conflicts as a typed error.
//! - [`room_writer`]: one writer task per active room that batches commands into one commit
//!   and returns each command's assigned sequence.
//! - [`group_commit`]: one committer per process that appends many rooms' batches together.
//! - [`parse`]: client input to domain commands, shared by REST and the command bus.
//! - [`bus`]: room commands from gateways over NATS request/reply (queue group).
//! - [`presence`]: the presence tracker (gateway reports → recorded transitions).
//! - [`delivery`]: delivery markers (how far members' devices have received each room),
//!   recorded from gateways' batched acknowledgements and announced live.
//! - [`accounts`]: registration, login and profiles (`User` aggregate plus credentials).
//! - [`contacts`]: contact requests, contacts and blocks (`Contacts` aggregates, both sides of a
//!   pair in one append); [`blocks`]: what blocks refuse in direct rooms.
//! - [`websites`]: support-chat websites (`Website` aggregate), their domain checks included.
//! - [`erasure`]: erasing a user's personal data (events redacted in place, read models,
//!   credentials), in one transaction.
//! - [`limits`]: rate limits (posts per user, logins per address, uploads per user).
//! - [`uploads`]: files in the object store — streamed uploads, attachments of posts, signed
//!   downloads, the collector of unposted uploads and unused blobs.
//! - [`credentials`]: password hashing and refresh tokens (access tokens are `chat_auth`'s).
//! - [`http`]: the REST router — commands and read-model queries behind one auth and error
//!   model — and its OpenAPI document (`http::spec`), generated from the same annotations.
//! - [`identity`]: identity verification for support chat (signed website user ids).
//! - [`upkeep`]: background work, one task across instances: support chat's repairs (domains
//!   checked again, former agents dismissed) and the uploads' collector.
//! - [`verification`]: SSRF-safe checks that a website publishes its domain-ownership token.
//! - [`api`]: the buildable HTTP service (`Api::build` → `run_until_stopped`).
#![forbid(unsafe_code)]

pub mod accounts;
pub mod api;
pub mod blocks;
pub mod bus;
pub mod contacts;
pub mod credentials;
pub mod delivery;
pub mod erasure;
pub mod group_commit;
pub mod http;
pub mod identity;
pub mod limits;
pub mod parse;
pub mod presence;
pub mod room_writer;
pub mod serving;
pub mod store;
pub mod upkeep;
pub mod uploads;
pub mod verification;
pub mod websites;
