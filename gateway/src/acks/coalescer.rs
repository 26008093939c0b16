//! Coalescing delivery acknowledgements: per (room, user), only the furthest position counts,
//! so however often clients acknowledge, a batch holds one entry per marker, and the number of
//! entries is bounded.

use std::collections::HashMap;

use chat_domain::{RoomId, UserId};
use chat_nats::wire::DeliveryAck;

/// Acknowledgements waiting to be sent, at most `capacity` markers.
#[derive(Debug)]
pub struct Coalescer {
    pending: HashMap<(RoomId, UserId), u64>,
    capacity: usize,
}

/// What became of an offered acknowledgement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offered {
    /// A marker not pending before is now.
    Added,
    /// The marker was pending: it keeps the further of the two positions.
    Merged,
    /// A new marker, but the batch is full: not taken.
    Full,
}

impl Coalescer {
    pub fn new(capacity: usize) -> Self {
        Self { pending: HashMap::new(), capacity: capacity.max(1) }
    }

    pub fn offer(&mut self, ack: DeliveryAck) -> Offered {
        if let Some(position) = self.pending.get_mut(&(ack.room_id, ack.user_id)) {
            *position = (*position).max(ack.up_to_seq);
            return Offered::Merged;
        }
        if self.is_full() {
            return Offered::Full;
        }
        self.pending.insert((ack.room_id, ack.user_id), ack.up_to_seq);
        Offered::Added
    }

    /// Whether no new marker fits (positions of pending ones still merge).
    pub fn is_full(&self) -> bool {
        self.pending.len() >= self.capacity
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Everything pending, as one batch; the coalescer is empty afterwards (and gives back the
    /// memory a burst took).
    pub fn take(&mut self) -> Vec<DeliveryAck> {
        let batch = self
            .pending
            .drain()
            .map(|((room_id, user_id), up_to_seq)| DeliveryAck { room_id, user_id, up_to_seq })
            .collect();
        self.pending.shrink_to(self.capacity.min(64));
        batch
    }

    /// Puts back a batch that could not be sent, merging it with what came meanwhile; what
    /// does not fit any more is dropped and counted (the clients' next acknowledgements carry
    /// their latest positions again).
    pub fn restore(&mut self, batch: Vec<DeliveryAck>) -> usize {
        batch.into_iter().filter(|ack| self.offer(*ack) == Offered::Full).count()
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn ack(room: u128, user: u128, up_to_seq: u64) -> DeliveryAck {
        DeliveryAck {
            room_id: RoomId::from_uuid(Uuid::from_u128(room)),
            user_id: UserId::from_uuid(Uuid::from_u128(user)),
            up_to_seq,
        }
    }

    fn sorted(mut batch: Vec<DeliveryAck>) -> Vec<(u128, u128, u64)> {
        batch.sort_by_key(|ack| (ack.room_id, ack.user_id));
        batch
            .iter()
            .map(|ack| (ack.room_id.as_uuid().as_u128(), ack.user_id.as_uuid().as_u128(), ack.up_to_seq))
            .collect()
    }

    #[test]
    fn given_many_acks_of_one_marker_when_taken_then_one_entry_with_the_furthest_position() {
        let mut coalescer = Coalescer::new(10);
        assert_eq!(coalescer.offer(ack(1, 1, 5)), Offered::Added);
        assert_eq!(coalescer.offer(ack(1, 1, 9)), Offered::Merged);
        assert_eq!(coalescer.offer(ack(1, 1, 7)), Offered::Merged, "an older position arriving late");
        assert_eq!(coalescer.offer(ack(1, 2, 3)), Offered::Added, "another user in the room");
        assert_eq!(coalescer.offer(ack(2, 1, 4)), Offered::Added, "the same user in another room");
        assert_eq!(sorted(coalescer.take()), [(1, 1, 9), (1, 2, 3), (2, 1, 4)]);
        assert!(coalescer.is_empty());
        assert!(coalescer.take().is_empty(), "taken once");
    }

    #[test]
    fn given_a_full_batch_when_offered_a_new_marker_then_it_is_refused_but_pending_ones_still_move() {
        let mut coalescer = Coalescer::new(2);
        coalescer.offer(ack(1, 1, 1));
        coalescer.offer(ack(1, 2, 1));
        assert!(coalescer.is_full());
        assert_eq!(coalescer.offer(ack(1, 3, 1)), Offered::Full);
        assert_eq!(coalescer.offer(ack(1, 2, 6)), Offered::Merged);
        assert_eq!(sorted(coalescer.take()), [(1, 1, 1), (1, 2, 6)]);
        assert!(!coalescer.is_full());
    }

    #[test]
    fn given_a_failed_batch_when_restored_then_it_merges_with_newer_acks_and_drops_what_does_not_fit() {
        let mut coalescer = Coalescer::new(3);
        coalescer.offer(ack(1, 1, 4));
        coalescer.offer(ack(1, 2, 4));
        let failed = coalescer.take();
        coalescer.offer(ack(1, 1, 8)); // newer than the failed batch's
        coalescer.offer(ack(2, 1, 1));
        coalescer.offer(ack(3, 1, 1));
        assert_eq!(coalescer.restore(failed), 1, "(1, 2) no longer fits");
        assert_eq!(sorted(coalescer.take()), [(1, 1, 8), (2, 1, 1), (3, 1, 1)], "the newer position of (1, 1) holds");
    }
}
