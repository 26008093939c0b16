//! Invites: who may make and revoke them, where there are none, and what lets a holder in
//! (expiry, uses, revocation; a member accepting again uses nothing).

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::ids::InviteId;

pub(crate) fn invite(n: u128) -> InviteId {
    InviteId::from_uuid(Uuid::from_u128(0x1_0000 + n))
}

/// The time of every test: invites expire relative to it.
pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 8, 12, 0, 0).unwrap()
}

fn create(by: UserId, expires_at: Option<DateTime<Utc>>, max_uses: Option<u32>) -> RoomCommand {
    RoomCommand::CreateInvite { by, invite: invite(1), expires_at, max_uses }
}

pub(crate) fn created(expires_at: Option<DateTime<Utc>>, max_uses: Option<u32>) -> RoomEvent {
    RoomEvent::InviteCreated { invite_id: invite(1), created_by: admin(), expires_at, max_uses }
}

fn accept(user: UserId) -> RoomCommand {
    RoomCommand::AcceptInvite { user, invite: invite(1), now: now() }
}

fn accepted(user_id: UserId) -> Vec<RoomEvent> {
    vec![RoomEvent::InviteAccepted { invite_id: invite(1), user_id }, joined(user_id)]
}

#[test]
fn an_admin_creates_an_invite_with_an_expiry_and_a_limit() {
    let expires_at = Some(now() + Duration::hours(1));
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(create(admin(), expires_at, Some(5)))
        .then_expect_events(vec![created(expires_at, Some(5))]);
}

#[test]
fn the_owner_creates_an_invite_to_a_private_group() {
    TestFramework::<Room>::with(()).given(private_group()).when(create(owner(), None, None)).then_expect_events(vec![
        RoomEvent::InviteCreated { invite_id: invite(1), created_by: owner(), expires_at: None, max_uses: None },
    ]);
}

#[test]
fn a_member_cannot_create_an_invite() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(create(member(), None, None))
        .then_expect_error(RoomError::NotAllowed);
}

#[test]
fn an_outsider_cannot_create_an_invite() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(create(outsider(), None, None))
        .then_expect_error(RoomError::NotAMember);
}

#[test]
fn a_direct_room_has_no_invites() {
    TestFramework::<Room>::with(())
        .given(direct_room())
        .when(create(ann(), None, None))
        .then_expect_error(RoomError::DirectRoomMembershipIsFixed);
}

#[test]
fn a_support_conversation_has_no_invites() {
    TestFramework::<Room>::with(())
        .given(support::conversation())
        .when(create(admin(), None, None))
        .then_expect_error(RoomError::MembershipManaged);
}

#[test]
fn an_invite_id_is_never_used_twice() {
    TestFramework::<Room>::with(())
        .given([staffed_group(), vec![created(None, None)]].concat())
        .when(create(owner(), None, Some(1)))
        .then_expect_error(RoomError::InviteExists);
}

#[test]
fn an_admin_revokes_an_invite_and_revoking_it_again_writes_nothing() {
    let revoked = RoomEvent::InviteRevoked { invite_id: invite(1), revoked_by: owner() };
    TestFramework::<Room>::with(())
        .given([staffed_group(), vec![created(None, None)]].concat())
        .when(RoomCommand::RevokeInvite { by: owner(), invite: invite(1) })
        .then_expect_events(vec![revoked.clone()]);
    TestFramework::<Room>::with(())
        .given([staffed_group(), vec![created(None, None), revoked]].concat())
        .when(RoomCommand::RevokeInvite { by: admin(), invite: invite(1) })
        .then_expect_events(vec![]);
}

#[test]
fn a_member_cannot_revoke_an_invite() {
    TestFramework::<Room>::with(())
        .given([staffed_group(), vec![created(None, None)]].concat())
        .when(RoomCommand::RevokeInvite { by: member(), invite: invite(1) })
        .then_expect_error(RoomError::NotAllowed);
}

#[test]
fn an_unknown_invite_cannot_be_revoked() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(RoomCommand::RevokeInvite { by: admin(), invite: invite(1) })
        .then_expect_error(RoomError::InviteNotFound);
}

#[test]
fn an_outsider_accepts_an_invite_and_joins_as_a_member() {
    TestFramework::<Room>::with(())
        .given([private_group(), vec![created(None, Some(1))]].concat())
        .when(accept(outsider()))
        .then_expect_events(accepted(outsider()));
}

#[test]
fn a_member_accepting_an_invite_writes_nothing_and_uses_nothing() {
    // The invite's one use is still there for the outsider afterwards.
    TestFramework::<Room>::with(())
        .given([staffed_group(), vec![created(None, Some(1))]].concat())
        .when(accept(member()))
        .then_expect_events(vec![]);
    TestFramework::<Room>::with(())
        .given([staffed_group(), vec![created(None, Some(1))], accepted(outsider())].concat())
        .when(accept(outsider()))
        .then_expect_events(vec![]);
}

#[test]
fn an_invite_used_as_often_as_allowed_lets_no_one_else_in() {
    TestFramework::<Room>::with(())
        .given([staffed_group(), vec![created(None, Some(2))], accepted(outsider()), accepted(other_member())].concat())
        .when(accept(user(40)))
        .then_expect_error(RoomError::InviteUsedUp);
}

#[test]
fn a_use_is_given_back_by_nobody_leaving() {
    // Uses count joins, not members: leaving does not free a use.
    let left = RoomEvent::MemberLeft { user_id: outsider(), removed_by: None };
    TestFramework::<Room>::with(())
        .given([staffed_group(), vec![created(None, Some(1))], accepted(outsider()), vec![left]].concat())
        .when(accept(user(40)))
        .then_expect_error(RoomError::InviteUsedUp);
}

#[test]
fn an_invite_lets_people_in_until_its_expiry_and_not_at_it() {
    let expires_at = now() + Duration::seconds(1);
    TestFramework::<Room>::with(())
        .given([staffed_group(), vec![created(Some(expires_at), None)]].concat())
        .when(accept(outsider()))
        .then_expect_events(accepted(outsider()));
    TestFramework::<Room>::with(())
        .given([staffed_group(), vec![created(Some(now()), None)]].concat())
        .when(accept(outsider()))
        .then_expect_error(RoomError::InviteExpired);
}

#[test]
fn a_revoked_invite_lets_no_one_in() {
    let revoked = RoomEvent::InviteRevoked { invite_id: invite(1), revoked_by: admin() };
    TestFramework::<Room>::with(())
        .given([staffed_group(), vec![created(None, None), revoked]].concat())
        .when(accept(outsider()))
        .then_expect_error(RoomError::InviteRevoked);
}

#[test]
fn an_unknown_invite_or_room_lets_no_one_in() {
    TestFramework::<Room>::with(())
        .given(staffed_group())
        .when(accept(outsider()))
        .then_expect_error(RoomError::InviteNotFound);
    TestFramework::<Room>::with(())
        .given_no_previous_events()
        .when(accept(outsider()))
        .then_expect_error(RoomError::InviteNotFound);
}

#[test]
fn the_last_use_is_taken_once_by_commands_decided_one_after_the_other() {
    // The per-room writer decides a batch on one state, applying each command's events before
    // deciding the next: the second of two accepts of a one-use invite is refused.
    let mut room = replay([staffed_group(), vec![created(None, Some(1))]].concat());
    for event in room.decide(accept(outsider())).unwrap() {
        room.apply(event);
    }
    assert_eq!(room.decide(accept(user(40))), Err(RoomError::InviteUsedUp));
    assert_eq!(room.decide(accept(outsider())), Ok(vec![]));
}
