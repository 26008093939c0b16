//! The `Contacts` aggregate: one per user (its id is the user's id), holding who they are in
//! contact with, the contact requests between them and others, and whom they block.
//!
//! # Why one aggregate per user, and commands that write two
//!
//! A relation has two sides, and each side is its owner's: my contact list, my pending
//! requests, my blocks. So each user's aggregate records its own side, named from its owner's
//! point of view (`ContactRequestSent` on mine, `ContactRequestReceived` on theirs). A contact
//! action decides on both sides at once ([`decide_pair`]) and the command service appends both
//! streams in one statement: all or nothing, each stream checked against the version it was
//! decided on, so two people accepting, cancelling or blocking at the same moment cannot leave
//! the two sides disagreeing. A pair aggregate would give the same atomicity, but then my
//! contact list would be spread over as many streams as I have contacts.
//!
//! # Blocking is private
//!
//! Blocking is recorded on the blocker's side only: the blocked user's stream (which their
//! sessions receive) never says it. What changes for them looks like something else:
//! - a contact between the two ends (`ContactRemoved` on both sides, as if removed);
//! - a request the blocker had sent them is withdrawn (`ContactRequestCancelled`);
//! - a request they had sent the blocker, or send later, stays pending on their side and never
//!   reaches the blocker (as if not answered yet).
//!
//! What a block does beyond contacts (no direct messages, no presence or typing) is enforced
//! where those happen, from the `contacts` projector's block list.

mod aggregate;
mod events;
#[cfg(test)]
pub(crate) mod tests;

pub use aggregate::{ContactAction, Contacts, ContactsError, PairEvents, Relation, SideOfPair, decide_pair};
pub(crate) use events::CATALOG;
pub use events::ContactsEvent;
