//! One `presence` frame, encoded once and shared by every connection it goes to.
//!
//! A batch of changes reaches many connections, and most of them may see all of it: those get
//! the same bytes (a reference-counted buffer). What a particular viewer must not see (their own
//! entry; later, the users who blocked them) is taken out when their writer sends the frame, by
//! joining the other entries' JSON, which each batch encodes once: a viewer costs a copy at
//! most, never a serialisation, and nothing at all when the frame has no one hidden from them.

use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;
use chat_domain::UserId;

use crate::protocol::PresenceEntry;

const HEAD: &str = r#"{"type":"presence","users":["#;
const TAIL: &str = "]}";

/// A presence entry as JSON, encoded once per batch and shared by the frames that list it.
pub type EncodedEntry = Arc<str>;

pub fn encode_entry(entry: &PresenceEntry) -> EncodedEntry {
    // Plain data with string keys: serialisation cannot fail.
    serde_json::to_string(entry).unwrap_or_default().into()
}

#[derive(Debug)]
pub struct PresenceFrame {
    /// Sorted by user, for finding the entries a viewer must not see.
    entries: Vec<(UserId, EncodedEntry)>,
    /// Every entry: what a viewer from whom nothing is hidden receives.
    whole: Utf8Bytes,
}

impl PresenceFrame {
    pub fn new(mut entries: Vec<(UserId, EncodedEntry)>) -> Self {
        entries.sort_unstable_by_key(|(user, _)| *user);
        entries.dedup_by_key(|(user, _)| *user);
        let whole = join(entries.iter().map(|(_, entry)| &**entry));
        Self { entries, whole }
    }

    /// The frame as a viewer may see it: without the entries of `hidden` (their own user, and
    /// whoever else is hidden from them), `None` if nothing is left. The shared bytes when none
    /// of `hidden` is listed.
    pub fn text_without(&self, hidden: &[UserId]) -> Option<Utf8Bytes> {
        let listed = |user: &UserId| self.entries.binary_search_by_key(user, |(listed, _)| *listed).is_ok();
        if !hidden.iter().any(listed) {
            return (!self.entries.is_empty()).then(|| self.whole.clone());
        }
        let mut shown = self.entries.iter().filter(|(user, _)| !hidden.contains(user)).peekable();
        shown.peek()?;
        Some(join(shown.map(|(_, entry)| &**entry)))
    }
}

fn join<'a>(entries: impl Iterator<Item = &'a str>) -> Utf8Bytes {
    let mut text = String::from(HEAD);
    for (n, entry) in entries.enumerate() {
        if n > 0 {
            text.push(',');
        }
        text.push_str(entry);
    }
    text.push_str(TAIL);
    Utf8Bytes::from(text)
}

#[cfg(test)]
mod tests {
    use chat_domain::presence::PresenceStatus;
    use chrono::Utc;
    use uuid::Uuid;

    use super::*;
    use crate::protocol::ServerFrame;

    fn entry(n: u128, status: PresenceStatus) -> PresenceEntry {
        PresenceEntry { user_id: UserId::from_uuid(Uuid::from_u128(n)), status, since: Utc::now() }
    }

    fn frame_of(entries: &[PresenceEntry]) -> PresenceFrame {
        PresenceFrame::new(entries.iter().map(|entry| (entry.user_id, encode_entry(entry))).collect())
    }

    #[test]
    fn the_shared_frame_is_the_protocol_frame_and_goes_out_as_the_same_bytes() {
        let (ada, bob) = (entry(1, PresenceStatus::Online), entry(2, PresenceStatus::Offline));
        let frame = frame_of(&[bob.clone(), ada.clone()]);
        let expected = ServerFrame::Presence { users: &[ada, bob] }.encode();
        let stranger = UserId::from_uuid(Uuid::from_u128(9));
        let (first, second) = (frame.text_without(&[stranger]).unwrap(), frame.text_without(&[]).unwrap());
        assert_eq!(first, expected);
        assert_eq!(first.as_str().as_ptr(), second.as_str().as_ptr(), "one buffer, shared");
    }

    #[test]
    fn a_viewer_does_not_see_the_hidden_users_and_gets_nothing_when_no_one_is_left() {
        let (ada, bob, cy) =
            (entry(1, PresenceStatus::Online), entry(2, PresenceStatus::Away), entry(3, PresenceStatus::Online));
        let frame = frame_of(&[ada.clone(), bob.clone(), cy.clone()]);
        let expected = ServerFrame::Presence { users: &[ada.clone(), cy] }.encode();
        assert_eq!(frame.text_without(&[bob.user_id]), Some(expected));
        let only_ada = frame_of(std::slice::from_ref(&ada));
        assert_eq!(only_ada.text_without(&[ada.user_id]), None, "no frame about nothing");
        assert_eq!(frame_of(&[]).text_without(&[]), None);
    }
}
