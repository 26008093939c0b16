//! The `User` aggregate.

use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use super::commands::UserCommand;
use super::contact::{Email, ExternalUserId};
use super::error::UserError;
use super::events::UserEvent;
use crate::ids::WebsiteId;
use crate::redaction::Redactable;
use crate::text::{DisplayName, Username};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct User {
    registered: Option<Registration>,
    /// A visitor's contact details, once given.
    #[serde(default)]
    contact: Contact,
    /// Set by `UserErased`: the user can do nothing any more.
    #[serde(default)]
    erased: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct Registration {
    /// What registered: a user with a username, or a website's visitor.
    who: Registered,
    display_name: Redactable<DisplayName>,
}

/// What a visitor is known by (`VisitorRegistered`, `VisitorIdentified`).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Contact {
    /// The website's id for them, once its server vouched for it; `Redacted` once erased.
    identified_as: Option<Redactable<ExternalUserId>>,
    email: Option<Email>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Registered {
    User { username: Redactable<Username> },
    Visitor { website_id: WebsiteId },
}

impl User {
    pub fn exists(&self) -> bool {
        self.registered.is_some()
    }

    pub fn is_erased(&self) -> bool {
        self.erased
    }

    /// The name shown for them, unless erased.
    pub fn display_name(&self) -> Option<&DisplayName> {
        self.registered.as_ref()?.display_name.present()
    }

    /// The website whose visitor this user is, if they are one.
    pub fn visitor_of(&self) -> Option<WebsiteId> {
        match self.registered.as_ref()?.who {
            Registered::Visitor { website_id } => Some(website_id),
            Registered::User { .. } => None,
        }
    }

    pub fn decide(&self, command: UserCommand) -> Result<Vec<UserEvent>, UserError> {
        if self.erased {
            return match command {
                UserCommand::Erase => Ok(vec![]),
                UserCommand::Register { .. }
                | UserCommand::RegisterVisitor { .. }
                | UserCommand::IdentifyVisitor { .. }
                | UserCommand::UpdateProfile { .. } => Err(UserError::Erased),
            };
        }
        match (command, &self.registered) {
            (UserCommand::Register { username, display_name }, None) => {
                Ok(vec![UserEvent::UserRegistered { username: username.into(), display_name: display_name.into() }])
            }
            (UserCommand::Register { username, .. }, Some(existing)) => match &existing.who {
                Registered::User { username: existing } if existing.present() == Some(&username) => Ok(vec![]),
                _ => Err(UserError::AlreadyRegistered),
            },
            (UserCommand::RegisterVisitor { website_id, display_name, email }, None) => {
                Ok(vec![UserEvent::VisitorRegistered { website_id, display_name: display_name.into(), email }])
            }
            (UserCommand::RegisterVisitor { website_id, .. }, Some(existing)) => {
                if existing.who == (Registered::Visitor { website_id }) {
                    Ok(vec![])
                } else {
                    Err(UserError::AlreadyRegistered)
                }
            }
            (UserCommand::IdentifyVisitor { website_id, external_id, email }, Some(existing)) => {
                if existing.who != (Registered::Visitor { website_id }) {
                    return Err(UserError::IdentityMismatch);
                }
                match &self.contact.identified_as {
                    None => Ok(vec![UserEvent::VisitorIdentified { external_id: Some(external_id), email }]),
                    Some(Redactable::Present(known)) if *known == external_id => Ok(match email {
                        Some(email) if self.contact.email.as_ref() != Some(&email) => {
                            vec![UserEvent::VisitorIdentified { external_id: Some(external_id), email: Some(email) }]
                        }
                        _ => vec![],
                    }),
                    Some(_) => Err(UserError::IdentityMismatch),
                }
            }
            (UserCommand::UpdateProfile { .. } | UserCommand::IdentifyVisitor { .. } | UserCommand::Erase, None) => {
                Err(UserError::UserNotFound)
            }
            (UserCommand::UpdateProfile { display_name }, Some(existing)) => {
                if existing.display_name.present() == Some(&display_name) {
                    Ok(vec![])
                } else {
                    Ok(vec![UserEvent::ProfileUpdated { display_name: display_name.into() }])
                }
            }
            (UserCommand::Erase, Some(_)) => Ok(vec![UserEvent::UserErased {}]),
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
                self.registered = Some(Registration { who: Registered::User { username }, display_name });
            }
            UserEvent::VisitorRegistered { website_id, display_name, email } => {
                self.registered = Some(Registration { who: Registered::Visitor { website_id }, display_name });
                self.contact.email = email;
            }
            UserEvent::VisitorIdentified { external_id, email } => {
                self.contact.identified_as = Some(external_id.map_or(Redactable::Redacted, Redactable::Present));
                if email.is_some() {
                    self.contact.email = email;
                }
            }
            UserEvent::ProfileUpdated { display_name } => {
                if let Some(registration) = &mut self.registered {
                    registration.display_name = display_name;
                }
            }
            UserEvent::UserErased {} => {
                self.erased = true;
                if let Some(registration) = &mut self.registered {
                    if let Registered::User { username } = &mut registration.who {
                        *username = Redactable::Redacted;
                    }
                    registration.display_name = Redactable::Redacted;
                }
                if let Some(identity) = &mut self.contact.identified_as {
                    *identity = Redactable::Redacted;
                }
                self.contact.email = None;
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
        UserEvent::UserRegistered { username: name("ada").into(), display_name: display("Ada").into() }
    }

    /// `registered()` as an erasure leaves it in the store.
    fn registered_and_redacted() -> UserEvent {
        UserEvent::UserRegistered { username: Redactable::Redacted, display_name: Redactable::Redacted }
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
            .then_expect_events(vec![UserEvent::ProfileUpdated { display_name: display("Ada L.").into() }]);
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

    #[test]
    fn a_registered_user_is_erased() {
        TestFramework::<User>::with(())
            .given(vec![registered()])
            .when(UserCommand::Erase)
            .then_expect_events(vec![UserEvent::UserErased {}]);
    }

    #[test]
    fn erasing_again_writes_nothing() {
        TestFramework::<User>::with(())
            .given(vec![registered_and_redacted(), UserEvent::UserErased {}])
            .when(UserCommand::Erase)
            .then_expect_events(vec![]);
    }

    #[test]
    fn an_unknown_user_cannot_be_erased() {
        TestFramework::<User>::with(())
            .given_no_previous_events()
            .when(UserCommand::Erase)
            .then_expect_error(UserError::UserNotFound);
    }

    /// Logging in completes a registration with `Register`: an erased user cannot log in again,
    /// not even under their old name.
    #[test]
    fn an_erased_user_cannot_register_again() {
        TestFramework::<User>::with(())
            .given(vec![registered_and_redacted(), UserEvent::UserErased {}])
            .when(UserCommand::Register { username: name("ada"), display_name: display("Ada") })
            .then_expect_error(UserError::Erased);
    }

    #[test]
    fn an_erased_user_cannot_change_their_profile() {
        TestFramework::<User>::with(())
            .given(vec![registered_and_redacted(), UserEvent::UserErased {}])
            .when(UserCommand::UpdateProfile { display_name: display("Ada") })
            .then_expect_error(UserError::Erased);
    }

    /// The erasure is recorded before the clean-up redacts earlier events, so both shapes of
    /// history occur.
    #[test]
    fn erasure_is_final_whether_or_not_the_history_was_redacted_yet() {
        for history in
            [vec![registered(), UserEvent::UserErased {}], vec![registered_and_redacted(), UserEvent::UserErased {}]]
        {
            let mut user = User::default();
            for event in history {
                user.apply(event);
            }
            assert!(user.exists() && user.is_erased());
            assert_eq!(
                user.decide(UserCommand::UpdateProfile { display_name: display("Ada") }),
                Err(UserError::Erased)
            );
        }
    }

    #[test]
    fn user_events_are_stored_with_their_name_as_type_and_read_back_equal() {
        use cqrs_es::DomainEvent;
        for event in [
            registered(),
            registered_and_redacted(),
            UserEvent::ProfileUpdated { display_name: display("A").into() },
            visitor_registered(),
            identified("user-42", Some("ada@example.org")),
            UserEvent::VisitorIdentified { external_id: None, email: None },
            UserEvent::UserErased {},
        ] {
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(json["type"], event.name(), "{json}");
            assert_eq!(
                (event.event_type(), event.event_version()),
                (event.name().to_owned(), event.version().to_owned())
            );
            assert_eq!(serde_json::from_value::<UserEvent>(json).unwrap(), event);
        }
    }

    fn visitor_of(n: u128) -> crate::WebsiteId {
        crate::WebsiteId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn visitor_registered() -> UserEvent {
        UserEvent::VisitorRegistered {
            website_id: visitor_of(1),
            display_name: display("Visitor 1a2b").into(),
            email: None,
        }
    }

    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    fn external(s: &str) -> ExternalUserId {
        ExternalUserId::parse(s).unwrap()
    }

    fn identify(website: u128, id: &str, address: Option<&str>) -> UserCommand {
        UserCommand::IdentifyVisitor {
            website_id: visitor_of(website),
            external_id: external(id),
            email: address.map(email),
        }
    }

    fn identified(id: &str, address: Option<&str>) -> UserEvent {
        UserEvent::VisitorIdentified { external_id: Some(external(id)), email: address.map(email) }
    }

    #[test]
    fn a_visitor_is_identified_as_one_user_of_their_website_for_good() {
        TestFramework::<User>::with(())
            .given(vec![visitor_registered()])
            .when(identify(1, "user-42", Some("ada@example.org")))
            .then_expect_events(vec![identified("user-42", Some("ada@example.org"))]);
        // Again: nothing new, unless the email changed.
        let given = vec![visitor_registered(), identified("user-42", Some("ada@example.org"))];
        TestFramework::<User>::with(())
            .given(given.clone())
            .when(identify(1, "user-42", None))
            .then_expect_events(vec![]);
        TestFramework::<User>::with(())
            .given(given.clone())
            .when(identify(1, "user-42", Some("ada@example.org")))
            .then_expect_events(vec![]);
        TestFramework::<User>::with(())
            .given(given.clone())
            .when(identify(1, "user-42", Some("ada@work.example")))
            .then_expect_events(vec![identified("user-42", Some("ada@work.example"))]);
        // Never someone else, another website's user, a member, or nobody.
        TestFramework::<User>::with(())
            .given(given)
            .when(identify(1, "user-43", None))
            .then_expect_error(UserError::IdentityMismatch);
        TestFramework::<User>::with(())
            .given(vec![visitor_registered()])
            .when(identify(2, "user-42", None))
            .then_expect_error(UserError::IdentityMismatch);
        TestFramework::<User>::with(())
            .given(vec![registered()])
            .when(identify(1, "user-42", None))
            .then_expect_error(UserError::IdentityMismatch);
        TestFramework::<User>::with(())
            .given_no_previous_events()
            .when(identify(1, "user-42", None))
            .then_expect_error(UserError::UserNotFound);
        TestFramework::<User>::with(())
            .given(vec![visitor_registered(), identified("user-42", None), UserEvent::UserErased {}])
            .when(identify(1, "user-42", None))
            .then_expect_error(UserError::Erased);
    }

    #[test]
    fn a_visitor_registers_for_one_website_once() {
        let register = |n| UserCommand::RegisterVisitor {
            website_id: visitor_of(n),
            display_name: display("Visitor 1a2b"),
            email: None,
        };
        TestFramework::<User>::with(())
            .given_no_previous_events()
            .when(register(1))
            .then_expect_events(vec![visitor_registered()]);
        TestFramework::<User>::with(()).given(vec![visitor_registered()]).when(register(1)).then_expect_events(vec![]);
        TestFramework::<User>::with(())
            .given(vec![visitor_registered()])
            .when(register(2))
            .then_expect_error(UserError::AlreadyRegistered);
        TestFramework::<User>::with(())
            .given(vec![registered()])
            .when(register(1))
            .then_expect_error(UserError::AlreadyRegistered);
        TestFramework::<User>::with(())
            .given(vec![visitor_registered()])
            .when(UserCommand::Register { username: name("ada"), display_name: display("Ada") })
            .then_expect_error(UserError::AlreadyRegistered);
    }

    #[test]
    fn a_visitor_names_themselves_and_is_erased_like_a_user() {
        TestFramework::<User>::with(())
            .given(vec![visitor_registered()])
            .when(UserCommand::UpdateProfile { display_name: display("Grace") })
            .then_expect_events(vec![UserEvent::ProfileUpdated { display_name: display("Grace").into() }]);
        TestFramework::<User>::with(())
            .given(vec![visitor_registered()])
            .when(UserCommand::Erase)
            .then_expect_events(vec![UserEvent::UserErased {}]);
        let mut user = User::default();
        user.apply(visitor_registered());
        assert_eq!(user.visitor_of(), Some(visitor_of(1)));
        user.apply(UserEvent::UserErased {});
        assert!(user.is_erased());
        let mut member = User::default();
        member.apply(registered());
        assert_eq!(member.visitor_of(), None);
    }
}
