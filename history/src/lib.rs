//! The analysts' code: the event store, or a filtered part of it, in the durable feed's
//! commit-safe order, as NDJSON, CSV or Parquet, resumable by cursor; a room at a point of its
//! history; what-if replays. Shared by `chat events …` and the admin HTTP endpoints.
//!
//! A crate of its own so that only what serves analysts builds Arrow and Parquet: the
//! gateways, the relay and the projectors never do.
//!
//! # Layout
//! - [`export`]: reading pages up to a horizon fixed at the start (the feed's horizon), so
//!   that the end cursor resumes with no gap and no duplicate.
//! - [`cursor`]: `<tx_id>:<global_position>`, the feed's own checkpoint as text.
//! - [`filter`]: time range, aggregate, event types; parameter parsing shared by CLI and HTTP.
//! - [`format`]: the record and the NDJSON and CSV encoders; [`columnar`]: Parquet.
//! - [`schema`]: the JSON Schema of a record, from the event catalog.
//! - [`time_travel`]: a room as of a sequence or a moment, folded from its events.
//! - [`replay`]: part of the history through a projector into a schema of one's own (what-if).

#![forbid(unsafe_code)]

pub mod columnar;
pub mod cursor;
pub mod export;
pub mod filter;
pub mod format;
pub mod replay;
pub mod schema;
pub mod time_travel;

pub use cursor::{BadCursor, Cursor};
pub use export::{Export, PAGE_SIZE};
pub use filter::{ExportRequest, Filter, InvalidParam, parse_time};
pub use format::{COLUMNS, EncodeError, Encoder, Format, Record, UnknownFormat};
