//! The `User` aggregate.

use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use super::commands::UserCommand;
use super::error::UserError;
use super::events::UserEvent;
use crate::text::{DisplayName, Username};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct User {
    registered: Option<Registration>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Registration {
    username: Username,
    display_name: DisplayName,
}

impl User {
    pub fn decide(&self, command: UserCommand) -> Result<Vec<UserEvent>, UserError> {
        match (command, &self.registered) {
            (UserCommand::Register { username, display_name }, None) => {
                Ok(vec![UserEvent::UserRegistered { username, display_name }])
            }
            (UserCommand::Register { username, .. }, Some(existing)) => {
                if existing.username == username {
                    Ok(vec![])
                } else {
                    Err(UserError::AlreadyRegistered)
                }
            }
            (UserCommand::UpdateProfile { .. }, None) => Err(UserError::UserNotFound),
            (UserCommand::UpdateProfile { display_name }, Some(existing)) => {
                if existing.display_name == display_name {
                    Ok(vec![])
                } else {
                    Ok(vec![UserEvent::ProfileUpdated { display_name }])
                }
            }
        }
    }
}

impl Aggregate for User {
    const TYPE: &'static str = "user";
    type Command = UserCommand;
    type Event = UserEvent;
    type Error = UserError;
    type Services = ();

    async fn handle(&mut self, command: UserCommand, _: &(), sink: &EventSink<Self>) -> Result<(), UserError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: UserEvent) {
        match event {
            UserEvent::UserRegistered { username, display_name } => {
                self.registered = Some(Registration { username, display_name });
            }
            UserEvent::ProfileUpdated { display_name } => {
                if let Some(registration) = &mut self.registered {
                    registration.display_name = display_name;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;

    use super::*;

    fn name(s: &str) -> Username {
        Username::parse(s).unwrap()
    }

    fn display(s: &str) -> DisplayName {
        DisplayName::parse(s).unwrap()
    }

    fn registered() -> UserEvent {
        UserEvent::UserRegistered { username: name("ada"), display_name: display("Ada") }
    }

    #[test]
    fn a_new_user_registers() {
        TestFramework::<User>::with(())
            .given_no_previous_events()
            .when(UserCommand::Register { username: name("ada"), display_name: display("Ada") })
            .then_expect_events(vec![registered()]);
    }

    #[test]
    fn registering_again_under_the_same_name_is_a_no_op() {
        TestFramework::<User>::with(())
            .given(vec![registered()])
            .when(UserCommand::Register { username: name("ada"), display_name: display("Other") })
            .then_expect_events(vec![]);
    }

    #[test]
    fn registering_again_under_another_name_is_refused() {
        TestFramework::<User>::with(())
            .given(vec![registered()])
            .when(UserCommand::Register { username: name("bob"), display_name: display("Bob") })
            .then_expect_error(UserError::AlreadyRegistered);
    }

    #[test]
    fn a_profile_update_changes_the_display_name() {
        TestFramework::<User>::with(())
            .given(vec![registered()])
            .when(UserCommand::UpdateProfile { display_name: display("Ada L.") })
            .then_expect_events(vec![UserEvent::ProfileUpdated { display_name: display("Ada L.") }]);
    }

    #[test]
    fn an_unchanged_profile_writes_nothing() {
        TestFramework::<User>::with(())
            .given(vec![registered()])
            .when(UserCommand::UpdateProfile { display_name: display("Ada") })
            .then_expect_events(vec![]);
    }

    #[test]
    fn an_unknown_user_cannot_update_a_profile() {
        TestFramework::<User>::with(())
            .given_no_previous_events()
            .when(UserCommand::UpdateProfile { display_name: display("Ada") })
            .then_expect_error(UserError::UserNotFound);
    }
}
