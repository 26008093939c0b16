//! Everything that can happen to a user. Same storage rules as room events.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::text::{DisplayName, Username};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum UserEvent {
    UserRegistered { username: Username, display_name: DisplayName },
    ProfileUpdated { display_name: DisplayName },
}

impl UserEvent {
    pub const VERSION: &'static str = "1.0";

    pub const fn name(&self) -> &'static str {
        match self {
            UserEvent::UserRegistered { .. } => "UserRegistered",
            UserEvent::ProfileUpdated { .. } => "ProfileUpdated",
        }
    }
}

impl DomainEvent for UserEvent {
    fn event_type(&self) -> String {
        self.name().to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}
