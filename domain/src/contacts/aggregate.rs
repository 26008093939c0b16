//! The `Contacts` aggregate and the rules of a contact action, decided on both users' sides.

use std::collections::{BTreeMap, BTreeSet};

use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use super::events::ContactsEvent;
use crate::ids::UserId;

/// One user's side of their relations with others.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Contacts {
    relations: BTreeMap<UserId, Relation>,
    blocked: BTreeSet<UserId>,
}

/// Where the owner stands with another user (no entry: nothing between them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The owner asked them; no answer yet.
    Outgoing,
    /// They asked the owner; no answer yet.
    Incoming,
    Contact,
}

/// What a user does about another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactAction {
    /// Ask them to be a contact. Accepts theirs if they asked first. Again: a no-op.
    Request,
    /// Accept their pending request.
    Accept,
    /// Decline their pending request. Nothing pending: a no-op.
    Decline,
    /// Withdraw one's own pending request. Nothing pending: a no-op.
    Cancel,
    /// Stop being contacts. Not contacts: a no-op.
    Remove,
    /// Block them (ends the contact or the requests between the two). Again: a no-op.
    Block,
    /// Unblock them. Not blocked: a no-op.
    Unblock,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContactsError {
    #[error("one cannot be one's own contact")]
    ContactWithSelf,
    #[error("there is no pending contact request from this user")]
    RequestNotFound,
    #[error("you block this user; unblock them first")]
    UserBlocked,
}

/// The events an action writes: on the actor's stream and on the other user's.
pub type PairEvents = (Vec<ContactsEvent>, Vec<ContactsEvent>);

/// Decides `action` by `me` (whose side is `mine`) about `them` (whose side is `theirs`).
pub fn decide_pair(
    me: UserId,
    mine: &Contacts,
    them: UserId,
    theirs: &Contacts,
    action: ContactAction,
) -> Result<PairEvents, ContactsError> {
    use ContactsEvent as E;
    if me == them {
        return Err(ContactsError::ContactWithSelf);
    }
    let (mut my_events, mut their_events) = (Vec::new(), Vec::new());
    let mine_to_them = mine.relation(them);
    let theirs_to_me = theirs.relation(me);
    match action {
        ContactAction::Request => {
            if mine.blocks(them) {
                return Err(ContactsError::UserBlocked);
            }
            match mine_to_them {
                Some(Relation::Contact | Relation::Outgoing) => {}
                // They asked first (or asked while I blocked them, unseen by me until now: their
                // side still holds it, unless they block me).
                _ if theirs_to_me == Some(Relation::Outgoing) && !theirs.blocks(me) => {
                    my_events.push(E::ContactAdded { user: them });
                    their_events.push(E::ContactAdded { user: me });
                }
                _ => {
                    my_events.push(E::ContactRequestSent { user: them });
                    if !theirs.blocks(me) {
                        their_events.push(E::ContactRequestReceived { user: me });
                    }
                }
            }
        }
        ContactAction::Accept => match mine_to_them {
            Some(Relation::Contact) => {}
            Some(Relation::Incoming) if theirs_to_me == Some(Relation::Outgoing) => {
                my_events.push(E::ContactAdded { user: them });
                their_events.push(E::ContactAdded { user: me });
            }
            _ => return Err(ContactsError::RequestNotFound),
        },
        ContactAction::Decline => {
            if mine_to_them == Some(Relation::Incoming) {
                my_events.push(E::ContactRequestDeclined { user: them });
                if theirs_to_me == Some(Relation::Outgoing) {
                    their_events.push(E::ContactRequestDeclined { user: me });
                }
            }
        }
        ContactAction::Cancel => {
            if mine_to_them == Some(Relation::Outgoing) {
                my_events.push(E::ContactRequestCancelled { user: them });
                if theirs_to_me == Some(Relation::Incoming) {
                    their_events.push(E::ContactRequestCancelled { user: me });
                }
            }
        }
        ContactAction::Remove => {
            if mine_to_them == Some(Relation::Contact) {
                my_events.push(E::ContactRemoved { user: them });
                if theirs_to_me == Some(Relation::Contact) {
                    their_events.push(E::ContactRemoved { user: me });
                }
            }
        }
        ContactAction::Block => {
            if !mine.blocks(them) {
                match mine_to_them {
                    Some(Relation::Contact) => {
                        my_events.push(E::ContactRemoved { user: them });
                        if theirs_to_me == Some(Relation::Contact) {
                            their_events.push(E::ContactRemoved { user: me });
                        }
                    }
                    Some(Relation::Outgoing) => {
                        my_events.push(E::ContactRequestCancelled { user: them });
                        if theirs_to_me == Some(Relation::Incoming) {
                            their_events.push(E::ContactRequestCancelled { user: me });
                        }
                    }
                    // Dropped on my side only: for them it stays pending, as if unanswered.
                    Some(Relation::Incoming) => my_events.push(E::ContactRequestDeclined { user: them }),
                    None => {}
                }
                my_events.push(E::UserBlocked { user: them });
            }
        }
        ContactAction::Unblock => {
            if mine.blocks(them) {
                my_events.push(E::UserUnblocked { user: them });
            }
        }
    }
    Ok((my_events, their_events))
}

impl Contacts {
    pub fn relation(&self, user: UserId) -> Option<Relation> {
        self.relations.get(&user).copied()
    }

    pub fn blocks(&self, user: UserId) -> bool {
        self.blocked.contains(&user)
    }
}

/// One side's share of a [`decide_pair`] decision, for cqrs-es's `Aggregate` interface: the
/// command service decides both sides with [`decide_pair`] and appends them together.
#[derive(Clone, Debug)]
pub struct SideOfPair {
    pub me: UserId,
    pub them: UserId,
    pub theirs: Contacts,
    pub action: ContactAction,
}

impl Aggregate for Contacts {
    const TYPE: &'static str = "contacts";
    type Command = SideOfPair;
    type Event = ContactsEvent;
    type Error = ContactsError;
    type Services = ();

    async fn handle(&mut self, command: SideOfPair, _: &(), sink: &EventSink<Self>) -> Result<(), ContactsError> {
        let (mine, _) = decide_pair(command.me, self, command.them, &command.theirs, command.action)?;
        for event in mine {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: ContactsEvent) {
        use ContactsEvent as E;
        match event {
            E::ContactRequestSent { user } => {
                self.relations.insert(user, Relation::Outgoing);
            }
            E::ContactRequestReceived { user } => {
                self.relations.insert(user, Relation::Incoming);
            }
            E::ContactAdded { user } => {
                self.relations.insert(user, Relation::Contact);
            }
            E::ContactRequestDeclined { user } | E::ContactRequestCancelled { user } | E::ContactRemoved { user } => {
                self.relations.remove(&user);
            }
            E::UserBlocked { user } => {
                self.blocked.insert(user);
            }
            E::UserUnblocked { user } => {
                self.blocked.remove(&user);
            }
        }
    }
}
