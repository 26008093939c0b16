//! Every rule and every refusal of `Website::decide`, one given/when/then test each.
//!
//! The cast: `owner()` registered the website, `agent()` is on its team, `outsider()` is not.

use cqrs_es::test::TestFramework;
use uuid::Uuid;

use super::*;
use crate::ids::UserId;
use crate::text::WebsiteName;

type Given = TestFramework<Website>;

fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

fn owner() -> UserId {
    user(1)
}

fn agent() -> UserId {
    user(2)
}

fn outsider() -> UserId {
    user(3)
}

fn name(s: &str) -> WebsiteName {
    WebsiteName::parse(s).unwrap()
}

fn domain(s: &str) -> SiteDomain {
    SiteDomain::parse(s).unwrap()
}

fn token(n: u8) -> VerificationToken {
    VerificationToken::parse(format!("token-{n:0>16}")).unwrap()
}

fn registered() -> WebsiteEvent {
    WebsiteEvent::WebsiteRegistered { name: name("Shop"), owner: owner() }
}

fn with_agent() -> Vec<WebsiteEvent> {
    vec![registered(), WebsiteEvent::AgentAdded { user_id: agent(), added_by: owner() }]
}

fn with_domain() -> Vec<WebsiteEvent> {
    let mut events = with_agent();
    events.push(WebsiteEvent::DomainAdded { domain: domain("shop.example"), token: token(1), added_by: owner() });
    events
}

fn check(by: UserId, outcome: Result<VerificationMethod, VerificationFailure>) -> WebsiteCommand {
    WebsiteCommand::RecordCheck { by, domain: domain("shop.example"), outcome }
}

#[test]
fn registering_makes_the_caller_owner_and_again_changes_nothing() {
    Given::with(())
        .given_no_previous_events()
        .when(WebsiteCommand::Register { by: owner(), name: name("Shop") })
        .then_expect_events(vec![registered()]);
    Given::with(())
        .given(vec![registered()])
        .when(WebsiteCommand::Register { by: owner(), name: name("Shop") })
        .then_expect_events(vec![]);
    Given::with(())
        .given(vec![registered()])
        .when(WebsiteCommand::Register { by: agent(), name: name("Shop") })
        .then_expect_error(WebsiteError::WebsiteAlreadyExists);
}

#[test]
fn outsiders_are_told_there_is_no_such_website_whatever_they_ask() {
    let commands = [
        WebsiteCommand::Rename { by: outsider(), name: name("Mine") },
        WebsiteCommand::AddDomain { by: outsider(), domain: domain("evil.example"), token: token(2) },
        WebsiteCommand::RemoveDomain { by: outsider(), domain: domain("shop.example") },
        check(outsider(), Ok(VerificationMethod::MetaTag)),
        WebsiteCommand::ChangeWidget { by: outsider(), settings: WidgetSettings::default() },
        WebsiteCommand::AddAgent { by: outsider(), user: outsider() },
        WebsiteCommand::RemoveAgent { by: outsider(), user: agent() },
        WebsiteCommand::RemoveAgent { by: outsider(), user: outsider() },
        WebsiteCommand::RotateIdentitySecret { by: outsider() },
    ];
    for command in commands.clone() {
        Given::with(()).given(with_domain()).when(command).then_expect_error(WebsiteError::WebsiteNotFound);
    }
    for command in commands {
        Given::with(()).given_no_previous_events().when(command).then_expect_error(WebsiteError::WebsiteNotFound);
    }
}

#[test]
fn agents_work_the_inbox_but_only_the_owner_changes_the_website() {
    for command in [
        WebsiteCommand::Rename { by: agent(), name: name("Ours") },
        WebsiteCommand::AddDomain { by: agent(), domain: domain("other.example"), token: token(2) },
        WebsiteCommand::RemoveDomain { by: agent(), domain: domain("shop.example") },
        check(agent(), Ok(VerificationMethod::MetaTag)),
        WebsiteCommand::ChangeWidget { by: agent(), settings: WidgetSettings::default() },
        WebsiteCommand::AddAgent { by: agent(), user: outsider() },
        WebsiteCommand::RotateIdentitySecret { by: agent() },
    ] {
        Given::with(()).given(with_domain()).when(command).then_expect_error(WebsiteError::NotAllowed);
    }
}

#[test]
fn renaming_to_another_name_is_recorded() {
    Given::with(())
        .given(vec![registered()])
        .when(WebsiteCommand::Rename { by: owner(), name: name("Shop & Co") })
        .then_expect_events(vec![WebsiteEvent::WebsiteRenamed { name: name("Shop & Co"), renamed_by: owner() }]);
    Given::with(())
        .given(vec![registered()])
        .when(WebsiteCommand::Rename { by: owner(), name: name("Shop") })
        .then_expect_events(vec![]);
}

#[test]
fn a_domain_is_added_once_with_its_first_token() {
    Given::with(())
        .given(vec![registered()])
        .when(WebsiteCommand::AddDomain { by: owner(), domain: domain("shop.example"), token: token(1) })
        .then_expect_events(vec![WebsiteEvent::DomainAdded {
            domain: domain("shop.example"),
            token: token(1),
            added_by: owner(),
        }]);
    Given::with(())
        .given(with_domain())
        .when(WebsiteCommand::AddDomain { by: owner(), domain: domain("shop.example"), token: token(9) })
        .then_expect_events(vec![]);
}

#[test]
fn domains_are_limited() {
    let mut events = vec![registered()];
    events.extend((0..MAX_DOMAINS).map(|n| WebsiteEvent::DomainAdded {
        domain: domain(&format!("d{n}.example")),
        token: token(1),
        added_by: owner(),
    }));
    Given::with(())
        .given(events)
        .when(WebsiteCommand::AddDomain { by: owner(), domain: domain("one-more.example"), token: token(1) })
        .then_expect_error(WebsiteError::TooManyDomains);
}

#[test]
fn removing_a_domain_and_removing_it_again() {
    Given::with(())
        .given(with_domain())
        .when(WebsiteCommand::RemoveDomain { by: owner(), domain: domain("shop.example") })
        .then_expect_events(vec![WebsiteEvent::DomainRemoved { domain: domain("shop.example"), removed_by: owner() }]);
    Given::with(())
        .given(vec![registered()])
        .when(WebsiteCommand::RemoveDomain { by: owner(), domain: domain("shop.example") })
        .then_expect_events(vec![]);
}

#[test]
fn checks_are_recorded_when_they_change_the_domain_state() {
    let verified = WebsiteEvent::DomainVerified {
        domain: domain("shop.example"),
        method: VerificationMethod::WellKnownFile,
        checked_by: owner(),
    };
    let failed =
        |reason| WebsiteEvent::DomainVerificationFailed { domain: domain("shop.example"), reason, checked_by: owner() };
    Given::with(())
        .given(with_domain())
        .when(check(owner(), Ok(VerificationMethod::WellKnownFile)))
        .then_expect_events(vec![verified.clone()]);
    let mut after_verified = with_domain();
    after_verified.push(verified.clone());
    Given::with(())
        .given(after_verified.clone())
        .when(check(owner(), Ok(VerificationMethod::WellKnownFile)))
        .then_expect_events(vec![]);
    Given::with(())
        .given(after_verified.clone())
        .when(check(owner(), Ok(VerificationMethod::MetaTag)))
        .then_expect_events(vec![WebsiteEvent::DomainVerified {
            domain: domain("shop.example"),
            method: VerificationMethod::MetaTag,
            checked_by: owner(),
        }]);
    // A re-check that fails takes the verification away.
    Given::with(())
        .given(after_verified)
        .when(check(owner(), Err(VerificationFailure::TokenMismatch)))
        .then_expect_events(vec![failed(VerificationFailure::TokenMismatch)]);
    let mut after_failed = with_domain();
    after_failed.push(failed(VerificationFailure::Timeout));
    Given::with(())
        .given(after_failed.clone())
        .when(check(owner(), Err(VerificationFailure::Timeout)))
        .then_expect_events(vec![]);
    Given::with(())
        .given(after_failed)
        .when(check(owner(), Err(VerificationFailure::Unreachable)))
        .then_expect_events(vec![failed(VerificationFailure::Unreachable)]);
}

#[test]
fn a_check_of_an_unlisted_domain_is_refused() {
    Given::with(())
        .given(with_agent())
        .when(check(owner(), Ok(VerificationMethod::MetaTag)))
        .then_expect_error(WebsiteError::DomainNotFound);
}

#[test]
fn the_widget_settings_change_as_a_whole() {
    let settings = WidgetSettings {
        color: ColorPreset::Purple,
        greeting: Some(Greeting::parse("Hello!").unwrap()),
        pre_chat_form: true,
        ..WidgetSettings::default()
    };
    Given::with(())
        .given(vec![registered()])
        .when(WebsiteCommand::ChangeWidget { by: owner(), settings: settings.clone() })
        .then_expect_events(vec![WebsiteEvent::WidgetChanged { settings: settings.clone(), changed_by: owner() }]);
    Given::with(())
        .given(vec![registered()])
        .when(WebsiteCommand::ChangeWidget { by: owner(), settings: WidgetSettings::default() })
        .then_expect_events(vec![]);
    Given::with(())
        .given(vec![registered(), WebsiteEvent::WidgetChanged { settings: settings.clone(), changed_by: owner() }])
        .when(WebsiteCommand::ChangeWidget { by: owner(), settings })
        .then_expect_events(vec![]);
}

#[test]
fn the_owner_adds_agents_up_to_the_limit() {
    Given::with(())
        .given(vec![registered()])
        .when(WebsiteCommand::AddAgent { by: owner(), user: agent() })
        .then_expect_events(vec![WebsiteEvent::AgentAdded { user_id: agent(), added_by: owner() }]);
    Given::with(())
        .given(with_agent())
        .when(WebsiteCommand::AddAgent { by: owner(), user: agent() })
        .then_expect_events(vec![]);
    Given::with(())
        .given(vec![registered()])
        .when(WebsiteCommand::AddAgent { by: owner(), user: owner() })
        .then_expect_events(vec![]);
    let mut full = vec![registered()];
    full.extend(
        (10..10 + MAX_AGENTS as u128 - 1).map(|n| WebsiteEvent::AgentAdded { user_id: user(n), added_by: owner() }),
    );
    Given::with(())
        .given(full)
        .when(WebsiteCommand::AddAgent { by: owner(), user: outsider() })
        .then_expect_error(WebsiteError::TooManyAgents);
}

#[test]
fn agents_leave_or_are_removed_but_the_owner_stays() {
    Given::with(())
        .given(with_agent())
        .when(WebsiteCommand::RemoveAgent { by: agent(), user: agent() })
        .then_expect_events(vec![WebsiteEvent::AgentRemoved { user_id: agent(), removed_by: agent() }]);
    Given::with(())
        .given(with_agent())
        .when(WebsiteCommand::RemoveAgent { by: owner(), user: agent() })
        .then_expect_events(vec![WebsiteEvent::AgentRemoved { user_id: agent(), removed_by: owner() }]);
    Given::with(())
        .given(vec![registered()])
        .when(WebsiteCommand::RemoveAgent { by: owner(), user: agent() })
        .then_expect_events(vec![]);
    Given::with(())
        .given(with_agent())
        .when(WebsiteCommand::RemoveAgent { by: owner(), user: owner() })
        .then_expect_error(WebsiteError::OwnerCannotLeave);
    Given::with(())
        .given(with_agent())
        .when(WebsiteCommand::RemoveAgent { by: agent(), user: owner() })
        .then_expect_error(WebsiteError::NotAllowed);
}

#[test]
fn every_rotation_of_the_identity_secret_is_recorded() {
    let rotated = WebsiteEvent::IdentitySecretRotated { rotated_by: owner() };
    Given::with(())
        .given(with_agent())
        .when(WebsiteCommand::RotateIdentitySecret { by: owner() })
        .then_expect_events(vec![rotated.clone()]);
    // Each rotation makes a new secret, so a second one is a change too.
    Given::with(())
        .given([with_agent(), vec![rotated.clone()]].concat())
        .when(WebsiteCommand::RotateIdentitySecret { by: owner() })
        .then_expect_events(vec![rotated]);
}

#[test]
fn apply_keeps_the_team_the_domains_and_their_state() {
    let mut website = Website::default();
    for event in with_domain() {
        cqrs_es::Aggregate::apply(&mut website, event);
    }
    cqrs_es::Aggregate::apply(
        &mut website,
        WebsiteEvent::DomainVerified {
            domain: domain("shop.example"),
            method: VerificationMethod::MetaTag,
            checked_by: owner(),
        },
    );
    assert!(website.exists());
    assert_eq!(website.owner(), Some(owner()));
    assert!(website.is_agent(owner()) && website.is_agent(agent()) && !website.is_agent(outsider()));
    let state = website.domain(&domain("shop.example")).unwrap();
    assert_eq!(state.token, token(1));
    assert_eq!(state.verification, Verification::Verified(VerificationMethod::MetaTag));
}

/// One event of each variant, for the catalog's tests; the match stops compiling when a
/// variant is added.
pub(crate) fn one_of_each_event() -> Vec<WebsiteEvent> {
    let hours = BusinessHours::parse("Europe/Berlin", vec![Some(DayHours { opens: 540, closes: 1020 }); 7]).unwrap();
    let settings = WidgetSettings {
        greeting: Some(Greeting::parse("Hi").unwrap()),
        business_hours: Some(hours),
        ..WidgetSettings::default()
    };
    let events = vec![
        registered(),
        WebsiteEvent::WebsiteRenamed { name: name("Shop 2"), renamed_by: owner() },
        WebsiteEvent::DomainAdded { domain: domain("shop.example:8443"), token: token(1), added_by: owner() },
        WebsiteEvent::DomainRemoved { domain: domain("shop.example"), removed_by: owner() },
        WebsiteEvent::DomainVerified {
            domain: domain("shop.example"),
            method: VerificationMethod::WellKnownFile,
            checked_by: owner(),
        },
        WebsiteEvent::DomainVerificationFailed {
            domain: domain("shop.example"),
            reason: VerificationFailure::ForbiddenAddress,
            checked_by: owner(),
        },
        WebsiteEvent::WidgetChanged { settings, changed_by: owner() },
        WebsiteEvent::AgentAdded { user_id: agent(), added_by: owner() },
        WebsiteEvent::AgentRemoved { user_id: agent(), removed_by: agent() },
        WebsiteEvent::IdentitySecretRotated { rotated_by: owner() },
    ];
    for event in &events {
        match event {
            WebsiteEvent::WebsiteRegistered { .. }
            | WebsiteEvent::WebsiteRenamed { .. }
            | WebsiteEvent::DomainAdded { .. }
            | WebsiteEvent::DomainRemoved { .. }
            | WebsiteEvent::DomainVerified { .. }
            | WebsiteEvent::DomainVerificationFailed { .. }
            | WebsiteEvent::WidgetChanged { .. }
            | WebsiteEvent::AgentAdded { .. }
            | WebsiteEvent::AgentRemoved { .. }
            | WebsiteEvent::IdentitySecretRotated { .. } => {}
        }
    }
    events
}
