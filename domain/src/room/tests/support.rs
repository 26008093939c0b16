//! Support conversations: started by a visitor with the website's agents as admins; agents
//! assign, resolve and reopen; a visitor's post reopens a resolved one; membership is theirs
//! to manage. The cast: `visitor()`; agents `admin()` and `other_admin()` (in it), `member()`
//! as an agent added to the website later (not in it yet).

use super::*;
use crate::ids::WebsiteId;
use crate::room::{LanguageTag, PageUrl, UserAgent, VisitorContext};

pub(crate) fn visitor() -> UserId {
    user(20)
}

fn website() -> WebsiteId {
    WebsiteId::from_uuid(Uuid::from_u128(30))
}

fn context() -> VisitorContext {
    VisitorContext {
        page_url: Some(PageUrl::parse("https://shop.example/cart").unwrap()),
        referrer: None,
        language: Some(LanguageTag::parse("de-DE").unwrap()),
        user_agent: Some(UserAgent::parse("Mozilla/5.0").unwrap()),
    }
}

pub(crate) fn context_recorded() -> RoomEvent {
    let VisitorContext { page_url, referrer, language, user_agent } = context();
    RoomEvent::VisitorContextRecorded { visitor: visitor(), page_url, referrer, language, user_agent }
}

fn start() -> RoomCommand {
    RoomCommand::StartSupport {
        visitor: visitor(),
        website_id: website(),
        agents: vec![other_admin(), admin(), visitor()],
        context: context(),
    }
}

/// The conversation as `start()` creates it: the visitor, then the agents in id order.
pub(crate) fn conversation() -> Vec<RoomEvent> {
    vec![
        RoomEvent::RoomCreated {
            kind: RoomKind::Support { website_id: website(), visitor: visitor() },
            created_by: visitor(),
        },
        RoomEvent::MemberJoined { user_id: visitor(), role: Role::Member, added_by: None },
        RoomEvent::MemberJoined { user_id: admin(), role: Role::Admin, added_by: None },
        RoomEvent::MemberJoined { user_id: other_admin(), role: Role::Admin, added_by: None },
        context_recorded(),
    ]
}

fn resolved() -> Vec<RoomEvent> {
    [conversation(), vec![RoomEvent::ConversationResolved { resolved_by: admin() }]].concat()
}

#[test]
fn a_visitor_starts_a_conversation_with_the_agents_as_admins_and_their_context() {
    TestFramework::<Room>::with(()).given_no_previous_events().when(start()).then_expect_events(conversation());
    TestFramework::<Room>::with(()).given(conversation()).when(start()).then_expect_error(RoomError::RoomAlreadyExists);
}

#[test]
fn support_membership_is_managed_not_joined_added_or_left() {
    for command in [
        RoomCommand::Join { user: outsider() },
        RoomCommand::Leave { user: visitor() },
        RoomCommand::AddMember { by: admin(), user: outsider() },
        RoomCommand::RemoveMember { by: admin(), user: visitor() },
    ] {
        TestFramework::<Room>::with(())
            .given(conversation())
            .when(command)
            .then_expect_error(RoomError::MembershipManaged);
    }
}

#[test]
fn an_agent_of_the_website_joins_once() {
    TestFramework::<Room>::with(())
        .given(conversation())
        .when(RoomCommand::JoinAsAgent { user: member() })
        .then_expect_events(vec![RoomEvent::MemberJoined { user_id: member(), role: Role::Admin, added_by: None }]);
    TestFramework::<Room>::with(())
        .given(conversation())
        .when(RoomCommand::JoinAsAgent { user: admin() })
        .then_expect_events(vec![]);
    TestFramework::<Room>::with(())
        .given(public_group())
        .when(RoomCommand::JoinAsAgent { user: member() })
        .then_expect_error(RoomError::NotSupport);
}

#[test]
fn agents_assign_to_an_agent_who_joins_if_needed_and_unassign() {
    TestFramework::<Room>::with(())
        .given(conversation())
        .when(RoomCommand::Assign { by: admin(), to: Some(other_admin()) })
        .then_expect_events(vec![RoomEvent::ConversationAssigned {
            assignee: Some(other_admin()),
            assigned_by: admin(),
        }]);
    TestFramework::<Room>::with(())
        .given(conversation())
        .when(RoomCommand::Assign { by: admin(), to: Some(member()) })
        .then_expect_events(vec![
            RoomEvent::MemberJoined { user_id: member(), role: Role::Admin, added_by: Some(admin()) },
            RoomEvent::ConversationAssigned { assignee: Some(member()), assigned_by: admin() },
        ]);
    let assigned =
        [conversation(), vec![RoomEvent::ConversationAssigned { assignee: Some(admin()), assigned_by: admin() }]]
            .concat();
    TestFramework::<Room>::with(())
        .given(assigned.clone())
        .when(RoomCommand::Assign { by: other_admin(), to: Some(admin()) })
        .then_expect_events(vec![]);
    TestFramework::<Room>::with(())
        .given(assigned)
        .when(RoomCommand::Assign { by: other_admin(), to: None })
        .then_expect_events(vec![RoomEvent::ConversationAssigned { assignee: None, assigned_by: other_admin() }]);
    TestFramework::<Room>::with(())
        .given(conversation())
        .when(RoomCommand::Assign { by: admin(), to: None })
        .then_expect_events(vec![]);
}

#[test]
fn visitors_and_outsiders_cannot_assign_or_resolve_and_nobody_assigns_the_visitor() {
    for command in [
        RoomCommand::Assign { by: visitor(), to: Some(visitor()) },
        RoomCommand::Assign { by: visitor(), to: Some(admin()) },
        RoomCommand::Resolve { by: visitor() },
        RoomCommand::Assign { by: admin(), to: Some(visitor()) },
    ] {
        TestFramework::<Room>::with(()).given(conversation()).when(command).then_expect_error(RoomError::NotAllowed);
    }
    for command in [RoomCommand::Resolve { by: outsider() }, RoomCommand::Reopen { by: outsider() }] {
        TestFramework::<Room>::with(()).given(resolved()).when(command).then_expect_error(RoomError::NotAMember);
    }
    for command in [RoomCommand::Resolve { by: owner() }, RoomCommand::Assign { by: owner(), to: None }] {
        TestFramework::<Room>::with(()).given(public_group()).when(command).then_expect_error(RoomError::NotSupport);
    }
    // Outsiders learn nothing about the room beyond that they are not in it.
    for command in [RoomCommand::Resolve { by: outsider() }, RoomCommand::Reopen { by: outsider() }] {
        TestFramework::<Room>::with(()).given(public_group()).when(command).then_expect_error(RoomError::NotAMember);
    }
}

#[test]
fn resolving_and_reopening_change_the_state_once() {
    TestFramework::<Room>::with(())
        .given(conversation())
        .when(RoomCommand::Resolve { by: admin() })
        .then_expect_events(vec![RoomEvent::ConversationResolved { resolved_by: admin() }]);
    TestFramework::<Room>::with(())
        .given(resolved())
        .when(RoomCommand::Resolve { by: other_admin() })
        .then_expect_events(vec![]);
    TestFramework::<Room>::with(())
        .given(resolved())
        .when(RoomCommand::Reopen { by: other_admin() })
        .then_expect_events(vec![RoomEvent::ConversationReopened { reopened_by: other_admin() }]);
    TestFramework::<Room>::with(())
        .given(conversation())
        .when(RoomCommand::Reopen { by: visitor() })
        .then_expect_events(vec![]);
}

#[test]
fn a_visitor_writing_to_a_resolved_conversation_reopens_it_and_an_agent_does_not() {
    TestFramework::<Room>::with(()).given(resolved()).when(post(visitor(), message(1), "v-1")).then_expect_events(
        vec![RoomEvent::ConversationReopened { reopened_by: visitor() }, posted(visitor(), message(1), "v-1")],
    );
    TestFramework::<Room>::with(())
        .given(resolved())
        .when(post(admin(), message(1), "a-1"))
        .then_expect_events(vec![posted(admin(), message(1), "a-1")]);
    TestFramework::<Room>::with(())
        .given(conversation())
        .when(post(visitor(), message(1), "v-1"))
        .then_expect_events(vec![posted(visitor(), message(1), "v-1")]);
    // A retry of the post that reopened it changes nothing.
    let reopened = [
        resolved(),
        vec![RoomEvent::ConversationReopened { reopened_by: visitor() }, posted(visitor(), message(1), "v-1")],
    ]
    .concat();
    TestFramework::<Room>::with(()).given(reopened).when(post(visitor(), message(2), "v-1")).then_expect_events(vec![]);
}

#[test]
fn agents_moderate_the_visitors_messages() {
    let with_post = [conversation(), vec![posted(visitor(), message(1), "v-1")]].concat();
    TestFramework::<Room>::with(())
        .given(with_post)
        .when(RoomCommand::DeleteMessage { by: admin(), message_id: message(1) })
        .then_expect_events(vec![deleted(message(1), admin())]);
    let agents_post = [conversation(), vec![posted(admin(), message(1), "a-1")]].concat();
    TestFramework::<Room>::with(())
        .given(agents_post)
        .when(RoomCommand::DeleteMessage { by: visitor(), message_id: message(1) })
        .then_expect_error(RoomError::NotAllowed);
}

#[test]
fn the_state_follows_the_events() {
    let room = replay(
        [resolved(), vec![RoomEvent::ConversationAssigned { assignee: Some(admin()), assigned_by: admin() }]].concat(),
    );
    assert!(room.support().resolved);
    assert_eq!(room.support().assignee, Some(admin()));
    assert_eq!(room.role_of(visitor()), Some(Role::Member));
    assert_eq!(room.role_of(admin()), Some(Role::Admin));
}

#[test]
fn an_agent_taken_off_the_team_leaves_unassigned_first_and_the_visitor_stays() {
    TestFramework::<Room>::with(())
        .given(conversation())
        .when(RoomCommand::DismissAgent { by: owner(), user: admin() })
        .then_expect_events(vec![RoomEvent::MemberLeft { user_id: admin(), removed_by: Some(owner()) }]);
    let assigned =
        [conversation(), vec![RoomEvent::ConversationAssigned { assignee: Some(admin()), assigned_by: admin() }]]
            .concat();
    TestFramework::<Room>::with(())
        .given(assigned)
        .when(RoomCommand::DismissAgent { by: admin(), user: admin() })
        .then_expect_events(vec![
            RoomEvent::ConversationAssigned { assignee: None, assigned_by: admin() },
            RoomEvent::MemberLeft { user_id: admin(), removed_by: Some(admin()) },
        ]);
    TestFramework::<Room>::with(())
        .given(conversation())
        .when(RoomCommand::DismissAgent { by: owner(), user: member() })
        .then_expect_events(vec![]);
    TestFramework::<Room>::with(())
        .given(conversation())
        .when(RoomCommand::DismissAgent { by: owner(), user: visitor() })
        .then_expect_error(RoomError::NotAllowed);
    TestFramework::<Room>::with(())
        .given(public_group())
        .when(RoomCommand::DismissAgent { by: owner(), user: owner() })
        .then_expect_error(RoomError::NotSupport);
}
