//! The `Presence` aggregate: a user's online / away / offline transitions, one stream per user.
//!
//! Only transitions are events (never heartbeats), so analysts can compute sessions from the
//! history. Which status is true is decided outside the domain, by the presence tracker that
//! watches every gateway; this aggregate only keeps the record free of repeats.

use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::catalog::{EventDoc, FieldDoc, FieldType};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PresenceStatus {
    /// At least one live connection, active.
    Online,
    /// Connected, but every connection reports the user idle.
    Away,
    /// No live connection (after a short grace period).
    #[default]
    Offline,
}

impl PresenceStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            PresenceStatus::Online => "online",
            PresenceStatus::Away => "away",
            PresenceStatus::Offline => "offline",
        }
    }
}

impl std::str::FromStr for PresenceStatus {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "online" => Ok(PresenceStatus::Online),
            "away" => Ok(PresenceStatus::Away),
            "offline" => Ok(PresenceStatus::Offline),
            _ => Err(()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum PresenceCommand {
    Set { status: PresenceStatus },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum PresenceEvent {
    PresenceChanged { status: PresenceStatus },
}

impl PresenceEvent {
    pub const VERSION: &'static str = "1.0";
}

/// `presence` events for the catalog (`crate::catalog`).
pub(crate) const CATALOG: &[EventDoc] = &[EventDoc {
    aggregate: "presence",
    name: "PresenceChanged",
    version: PresenceEvent::VERSION,
    summary: "A user's presence changed (the aggregate id is the user id). Only transitions are recorded, never \
              heartbeats, so sessions can be computed from the history.",
    history: "",
    fields: &[FieldDoc {
        name: "status",
        ty: FieldType::Enum(&["online", "away", "offline"]),
        meaning: "`online`: at least one live, active connection; `away`: connected but idle; `offline`: no \
                  connection (after a short grace period).",
    }],
}];

impl DomainEvent for PresenceEvent {
    fn event_type(&self) -> String {
        "PresenceChanged".to_owned()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_owned()
    }
}

/// Presence commands cannot fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PresenceError {}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Presence {
    status: PresenceStatus,
}

impl Presence {
    pub fn status(&self) -> PresenceStatus {
        self.status
    }

    /// A change is recorded only when the status actually changes.
    pub fn decide(&self, command: PresenceCommand) -> Vec<PresenceEvent> {
        match command {
            PresenceCommand::Set { status } if status != self.status => vec![PresenceEvent::PresenceChanged { status }],
            PresenceCommand::Set { .. } => vec![],
        }
    }
}

impl Aggregate for Presence {
    const TYPE: &'static str = "presence";
    type Command = PresenceCommand;
    type Event = PresenceEvent;
    type Error = PresenceError;
    type Services = ();

    async fn handle(&mut self, command: PresenceCommand, _: &(), sink: &EventSink<Self>) -> Result<(), PresenceError> {
        for event in self.decide(command) {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: PresenceEvent) {
        let PresenceEvent::PresenceChanged { status } = event;
        self.status = status;
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;

    fn changed(status: PresenceStatus) -> PresenceEvent {
        PresenceEvent::PresenceChanged { status }
    }

    #[test]
    fn a_user_never_seen_is_offline_and_coming_online_is_recorded() {
        TestFramework::<Presence>::with(())
            .given_no_previous_events()
            .when(PresenceCommand::Set { status: PresenceStatus::Online })
            .then_expect_events(vec![changed(PresenceStatus::Online)]);
        TestFramework::<Presence>::with(())
            .given_no_previous_events()
            .when(PresenceCommand::Set { status: PresenceStatus::Offline })
            .then_expect_events(vec![]);
    }

    #[test]
    fn only_transitions_are_recorded() {
        TestFramework::<Presence>::with(())
            .given(vec![changed(PresenceStatus::Online)])
            .when(PresenceCommand::Set { status: PresenceStatus::Online })
            .then_expect_events(vec![]);
        TestFramework::<Presence>::with(())
            .given(vec![changed(PresenceStatus::Online)])
            .when(PresenceCommand::Set { status: PresenceStatus::Away })
            .then_expect_events(vec![changed(PresenceStatus::Away)]);
        TestFramework::<Presence>::with(())
            .given(vec![changed(PresenceStatus::Online), changed(PresenceStatus::Away)])
            .when(PresenceCommand::Set { status: PresenceStatus::Offline })
            .then_expect_events(vec![changed(PresenceStatus::Offline)]);
    }
}
