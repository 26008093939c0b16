//! Delivery markers: how far each member's devices have received each room, the "delivered"
//! of a message's status (sending → sent → delivered → read; docs/api.md §3.10).
//!
//! Clients acknowledge what they received with `received` frames; gateways coalesce them and
//! send one batch per short interval here ([`bus`]), where one statement records the whole
//! batch ([`markers`]) and each room whose markers moved gets one live notice for its members.
//!
//! Why not events: an acknowledgement per delivered message per recipient would put an event,
//! and its fan-out to every member, behind almost every message, and grow the history that
//! analysts export with device chatter. So a marker is device state, like a refresh token: one
//! row per (room, member) in `delivery_markers`, written by the command service (the one role
//! that writes), moved only forward, never past the room's last sequence. It is not a projection
//! (no projector lists it), so rebuilds and replays leave it alone, and it is not history:
//! nothing of it can be replayed or exported. Read implies delivered, so every reader reports
//! `GREATEST(delivered_seq, last_read_seq)`. Erasing a user deletes their markers (the rows
//! reference the user's credentials, `ON DELETE CASCADE`, and the erasure deletes those first).

pub mod bus;
pub mod markers;

pub use bus::AckBus;
pub use markers::{MovedMarker, record};

/// Rooms with more members than this get no live `receipt` frames: every member acknowledging
/// one message would cost members² frames. Their markers are recorded all the same and read
/// with `GET /v1/rooms/{id}/receipts` (docs/protocol.md, `receipt`).
pub const LIVE_RECEIPTS_MAX_MEMBERS: i32 = 100;
