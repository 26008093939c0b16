//! Where an export stopped, as text a later run can resume from.

use std::fmt;
use std::str::FromStr;

use chat_feed::Checkpoint;

/// A position in the feed's commit-safe order, written `<tx_id>:<global_position>`:
/// everything up to and including it has been looked at (exported, or skipped by a filter).
/// An export given `after = c` starts with the first event past `c`, so chaining runs by
/// their end cursors gives every event once. The same positions as the durable feed's
/// checkpoints, so a feed checkpoint is a cursor too.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor(pub Checkpoint);

impl Cursor {
    /// Before the first event.
    pub const START: Cursor = Cursor(Checkpoint { tx_id: 0, position: 0 });

    /// Just before every event of transaction `tx_id` and later ones (positions start at 1).
    pub const fn before_transaction(tx_id: u64) -> Self {
        Cursor(Checkpoint { tx_id, position: 0 })
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A cursor that is not `<tx_id>:<position>` with two non-negative integers.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a cursor (expected <tx_id>:<position>, as printed at the end of an export)")]
pub struct BadCursor;

impl FromStr for Cursor {
    type Err = BadCursor;

    fn from_str(s: &str) -> Result<Self, BadCursor> {
        let (tx_id, position) = s.trim().split_once(':').ok_or(BadCursor)?;
        let tx_id = tx_id.parse().map_err(|_| BadCursor)?;
        let position: i64 = position.parse().map_err(|_| BadCursor)?;
        if position < 0 {
            return Err(BadCursor);
        }
        Ok(Cursor(Checkpoint { tx_id, position }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_written() {
        let cursor = Cursor(Checkpoint { tx_id: 7_000_000_123, position: 42 });
        assert_eq!(cursor.to_string(), "7000000123:42");
        assert_eq!("7000000123:42".parse(), Ok(cursor));
        assert_eq!("0:0".parse(), Ok(Cursor::START));
        for bad in ["", "1", "1:", ":2", "a:1", "1:-1", "-1:1", "1:2:3", "18446744073709551616:0"] {
            assert_eq!(bad.parse::<Cursor>(), Err(BadCursor), "{bad:?}");
        }
    }

    #[test]
    fn cursors_order_like_the_feed() {
        let at = |tx_id, position| Cursor(Checkpoint { tx_id, position });
        assert!(at(5, 100) < at(6, 1));
        assert!(at(6, 1) < at(6, 2));
        assert!(at(5, i64::MAX) < Cursor::before_transaction(6));
        assert!(Cursor::before_transaction(6) < at(6, 1));
    }
}
