//! Who receives which `presence` frame of a batch of changes.
//!
//! A connection receives the changes of the members of its rooms. Connections that share the
//! same rooms (the common case: the members of one room on this gateway) receive one frame,
//! built once; each changed user's entry is encoded once for all frames. The work is then
//! proportional to the changes and the connections, not to their product, except for the bytes
//! each connection is sent: a room's size bounds that, as rooms with more members than the limit
//! have no live presence (see [`RoomFeed::presence_recipients`]).

use std::collections::HashMap;
use std::sync::Arc;

use chat_domain::UserId;
use chat_domain::presence::PresenceStatus;
use chrono::{DateTime, Utc};

use super::frame::{EncodedEntry, PresenceFrame, encode_entry};
use crate::connection::{ConnHandle, ConnId, Outbound};
use crate::protocol::PresenceEntry;
use crate::room_feed::RoomFeed;

/// A batch: each changed user's latest status and since when.
pub type Changes = HashMap<UserId, (PresenceStatus, DateTime<Utc>)>;

/// Queues the batch's frames for the connections of `feeds` (rooms with more than `room_limit`
/// members are left out).
pub fn fan_out(feeds: &[Arc<RoomFeed>], changes: &Changes, room_limit: usize) {
    // The changed members of each room that has some, and per connection the rooms (indices
    // into `concerned`, in the same order for every connection) it hears of them from.
    let mut concerned: Vec<Vec<UserId>> = Vec::new();
    let mut rooms_of: HashMap<ConnId, (ConnHandle, Vec<usize>)> = HashMap::new();
    for feed in feeds {
        let Some((users, conns)) = feed.presence_recipients(changes, room_limit) else { continue };
        for conn in conns {
            rooms_of.entry(conn.id).or_insert_with(|| (conn, Vec::new())).1.push(concerned.len());
        }
        concerned.push(users);
    }
    let mut entries: HashMap<UserId, EncodedEntry> = HashMap::new();
    let mut frames: HashMap<Vec<usize>, Arc<PresenceFrame>> = HashMap::new();
    for (conn, rooms) in rooms_of.into_values() {
        let frame = frames.entry(rooms).or_insert_with_key(|rooms| {
            let users = rooms.iter().flat_map(|&room| &concerned[room]);
            let listed = users
                .filter_map(|&user| {
                    let (status, since) = changes.get(&user)?;
                    let entry = entries.entry(user).or_insert_with(|| {
                        encode_entry(&PresenceEntry { user_id: user, status: *status, since: *since })
                    });
                    Some((user, entry.clone()))
                })
                .collect();
            Arc::new(PresenceFrame::new(listed))
        });
        conn.deliver(Outbound::Presence(frame.clone()));
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chat_domain::RoomId;
    use futures::FutureExt;
    use uuid::Uuid;

    use super::*;
    use crate::connection::Connection;

    fn user(n: u128) -> UserId {
        UserId::from_uuid(Uuid::from_u128(n))
    }

    fn feed(n: u128, members: &[UserId], conns: &[&ConnHandle]) -> Arc<RoomFeed> {
        let feed = RoomFeed::new(RoomId::from_uuid(Uuid::from_u128(n)), Duration::from_secs(6));
        feed.add_members(members.iter().copied());
        for conn in conns {
            feed.add(conn);
        }
        Arc::new(feed)
    }

    fn changes(users: &[UserId]) -> Changes {
        users.iter().map(|user| (*user, (PresenceStatus::Online, Utc::now()))).collect()
    }

    /// The frame queued for `conn`, if any.
    fn queued(conn: &ConnHandle) -> Option<Arc<PresenceFrame>> {
        match conn.next_outbound().now_or_never()? {
            Outbound::Presence(frame) => Some(frame),
            other => panic!("expected a presence frame, got {other:?}"),
        }
    }

    /// The users listed in `frame` as `viewer` receives it.
    fn listed(frame: &PresenceFrame, viewer: UserId) -> Vec<String> {
        let Some(text) = frame.text_without(&[viewer]) else { return Vec::new() };
        let frame: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
        frame["users"].as_array().unwrap().iter().map(|entry| entry["user_id"].as_str().unwrap().to_owned()).collect()
    }

    #[test]
    fn the_connections_of_a_room_share_one_frame_that_lists_only_its_changed_members() {
        let [ada, bob, cy, stranger] = [1, 2, 3, 4].map(user);
        let (a, b) = (Connection::new(ada, 8), Connection::new(bob, 8));
        let room = feed(1, &[ada, bob, cy], &[&a, &b]);

        fan_out(&[room], &changes(&[ada, cy, stranger]), 100);
        let (for_a, for_b) = (queued(&a).unwrap(), queued(&b).unwrap());
        assert!(Arc::ptr_eq(&for_a, &for_b), "encoded once, shared");
        assert_eq!(listed(&for_a, ada), [cy.to_string()], "not their own, not a stranger's");
        assert_eq!(listed(&for_b, bob), [ada.to_string(), cy.to_string()]);
        assert!(queued(&a).is_none() && queued(&b).is_none(), "one frame per batch");

        fan_out(&[feed(2, &[ada, bob], &[&a, &b])], &changes(&[stranger]), 100);
        assert!(queued(&a).is_none(), "nothing when no member changed");
    }

    #[test]
    fn rooms_over_the_limit_have_no_live_presence_but_a_smaller_shared_room_still_tells() {
        let [ada, bob, cy, dee] = [1, 2, 3, 4].map(user);
        let (a, b) = (Connection::new(ada, 8), Connection::new(bob, 8));
        let crowd = feed(1, &[ada, bob, cy, dee], &[&a, &b]);
        let pair = feed(2, &[ada, dee], &[&a]);

        fan_out(&[crowd, pair], &changes(&[bob, cy, dee]), 3);
        assert_eq!(listed(&queued(&a).unwrap(), ada), [dee.to_string()], "dee through the pair only");
        assert!(queued(&b).is_none(), "the crowd is over the limit");
    }

    #[test]
    fn a_connection_in_several_rooms_gets_their_changes_in_one_frame_each_user_once() {
        let [ada, bob, cy] = [1, 2, 3].map(user);
        let (a, b) = (Connection::new(ada, 8), Connection::new(bob, 8));
        let first = feed(1, &[ada, bob, cy], &[&a, &b]);
        let second = feed(2, &[ada, cy], &[&a]);

        fan_out(&[first, second], &changes(&[bob, cy]), 100);
        let (for_a, for_b) = (queued(&a).unwrap(), queued(&b).unwrap());
        assert_eq!(listed(&for_a, ada), [bob.to_string(), cy.to_string()]);
        assert!(!Arc::ptr_eq(&for_a, &for_b), "different rooms, different frames");
        assert!(queued(&a).is_none());
    }
}
