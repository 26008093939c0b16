//! What can happen to a user's contacts. Every event names the other user (`user`); the
//! aggregate id is the owner's user id.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::catalog::{EventDoc, FieldDoc, FieldType};
use crate::ids::UserId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type")]
pub enum ContactsEvent {
    /// The owner asked `user` to be a contact.
    ContactRequestSent { user: UserId },
    /// `user` asked the owner to be a contact.
    ContactRequestReceived { user: UserId },
    /// The request between the owner and `user` was accepted (by either): they are contacts.
    ContactAdded { user: UserId },
    /// The request between the owner and `user` was declined by whoever received it.
    ContactRequestDeclined { user: UserId },
    /// The request between the owner and `user` was withdrawn by whoever sent it.
    ContactRequestCancelled { user: UserId },
    /// The owner and `user` are no longer contacts (either removed the other).
    ContactRemoved { user: UserId },
    /// The owner blocked `user`. Only ever on the blocker's stream.
    UserBlocked { user: UserId },
    /// The owner unblocked `user`.
    UserUnblocked { user: UserId },
}

impl ContactsEvent {
    pub const VERSION: &'static str = "1.0";

    pub const fn name(&self) -> &'static str {
        match self {
            ContactsEvent::ContactRequestSent { .. } => "ContactRequestSent",
            ContactsEvent::ContactRequestReceived { .. } => "ContactRequestReceived",
            ContactsEvent::ContactAdded { .. } => "ContactAdded",
            ContactsEvent::ContactRequestDeclined { .. } => "ContactRequestDeclined",
            ContactsEvent::ContactRequestCancelled { .. } => "ContactRequestCancelled",
            ContactsEvent::ContactRemoved { .. } => "ContactRemoved",
            ContactsEvent::UserBlocked { .. } => "UserBlocked",
            ContactsEvent::UserUnblocked { .. } => "UserUnblocked",
        }
    }

    /// The other user the event is about.
    pub const fn user(&self) -> UserId {
        match self {
            ContactsEvent::ContactRequestSent { user }
            | ContactsEvent::ContactRequestReceived { user }
            | ContactsEvent::ContactAdded { user }
            | ContactsEvent::ContactRequestDeclined { user }
            | ContactsEvent::ContactRequestCancelled { user }
            | ContactsEvent::ContactRemoved { user }
            | ContactsEvent::UserBlocked { user }
            | ContactsEvent::UserUnblocked { user } => *user,
        }
    }
}

impl DomainEvent for ContactsEvent {
    fn event_type(&self) -> String {
        self.name().to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}

const OTHER: &[FieldDoc] = &[FieldDoc { name: "user", ty: FieldType::Uuid, meaning: "The other user." }];

const fn contacts_event(name: &'static str, summary: &'static str) -> EventDoc {
    EventDoc { aggregate: "contacts", name, version: ContactsEvent::VERSION, summary, history: "", fields: OTHER }
}

/// `contacts` events for the catalog (`crate::catalog`). The aggregate id is the owner's user
/// id; each event is the owner's side of a relation with `user`.
pub(crate) const CATALOG: &[EventDoc] = &[
    contacts_event(
        "ContactRequestSent",
        "The owner asked `user` to be a contact. Written together with `ContactRequestReceived` on `user`'s \
         stream, unless `user` blocks the owner (then only this side is written: the request stays pending and \
         never reaches them).",
    ),
    contacts_event("ContactRequestReceived", "`user` asked the owner to be a contact."),
    contacts_event(
        "ContactAdded",
        "The owner and `user` became contacts: one accepted the other's request (or asked while a request the other \
         way was pending). Written on both streams.",
    ),
    contacts_event(
        "ContactRequestDeclined",
        "Whoever received the request between the owner and `user` declined it. Written on both streams, except \
         when the receiver blocked the sender: then only on the receiver's (for the sender it stays pending).",
    ),
    contacts_event(
        "ContactRequestCancelled",
        "Whoever sent the request between the owner and `user` withdrew it (also when they blocked the other). \
         Written on both streams where both held it.",
    ),
    contacts_event(
        "ContactRemoved",
        "The owner and `user` are no longer contacts: one removed (or blocked) the other. Written on both streams.",
    ),
    contacts_event(
        "UserBlocked",
        "The owner blocked `user`: no direct messages between them, `user` sees none of the owner's presence or \
         typing. Private: only on the owner's stream.",
    ),
    contacts_event("UserUnblocked", "The owner unblocked `user`."),
];
