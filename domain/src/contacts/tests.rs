//! Contact rules, given both users' histories, when one acts, then what each stream gets.

use uuid::Uuid;

use super::*;
use crate::ids::UserId;
use ContactsEvent as E;
use cqrs_es::Aggregate;

fn ada() -> UserId {
    UserId::from_uuid(Uuid::from_u128(1))
}

fn bob() -> UserId {
    UserId::from_uuid(Uuid::from_u128(2))
}

/// Ada's and Bob's sides after `steps`, each taken by Ada (`true`) or Bob (`false`).
fn given(steps: &[(bool, ContactAction)]) -> (Contacts, Contacts) {
    let (mut ada_side, mut bob_side) = (Contacts::default(), Contacts::default());
    for &(by_ada, action) in steps {
        let ((mine, theirs), (my_side, their_side)) = if by_ada {
            (decide_pair(ada(), &ada_side, bob(), &bob_side, action).unwrap(), (&mut ada_side, &mut bob_side))
        } else {
            (decide_pair(bob(), &bob_side, ada(), &ada_side, action).unwrap(), (&mut bob_side, &mut ada_side))
        };
        mine.into_iter().for_each(|event| my_side.apply(event));
        theirs.into_iter().for_each(|event| their_side.apply(event));
    }
    (ada_side, bob_side)
}

/// What `action` by Ada writes, on Ada's stream and on Bob's.
fn when_ada(steps: &[(bool, ContactAction)], action: ContactAction) -> Result<PairEvents, ContactsError> {
    let (ada_side, bob_side) = given(steps);
    decide_pair(ada(), &ada_side, bob(), &bob_side, action)
}

use ContactAction::*;
const ADA: bool = true;
const BOB: bool = false;

#[test]
fn a_request_reaches_the_other_side_and_accepting_makes_both_contacts() {
    assert_eq!(
        when_ada(&[], Request),
        Ok((vec![E::ContactRequestSent { user: bob() }], vec![E::ContactRequestReceived { user: ada() }]))
    );
    assert_eq!(
        when_ada(&[(BOB, Request)], Accept),
        Ok((vec![E::ContactAdded { user: bob() }], vec![E::ContactAdded { user: ada() }]))
    );
    let (ada_side, bob_side) = given(&[(BOB, Request), (ADA, Accept)]);
    assert_eq!(ada_side.relation(bob()), Some(Relation::Contact));
    assert_eq!(bob_side.relation(ada()), Some(Relation::Contact));
}

#[test]
fn asking_someone_who_asked_first_accepts_their_request() {
    assert_eq!(
        when_ada(&[(BOB, Request)], Request),
        Ok((vec![E::ContactAdded { user: bob() }], vec![E::ContactAdded { user: ada() }]))
    );
}

#[test]
fn repeating_what_is_already_so_writes_nothing() {
    let nothing = Ok((vec![], vec![]));
    assert_eq!(when_ada(&[(ADA, Request)], Request), nothing);
    assert_eq!(when_ada(&[(ADA, Request), (BOB, Accept)], Request), nothing);
    assert_eq!(when_ada(&[(ADA, Request), (BOB, Accept)], Accept), nothing);
    assert_eq!(when_ada(&[], Decline), nothing);
    assert_eq!(when_ada(&[], Cancel), nothing);
    assert_eq!(when_ada(&[], Remove), nothing);
    assert_eq!(when_ada(&[], Unblock), nothing);
    assert_eq!(when_ada(&[(ADA, Block)], Block), nothing);
}

#[test]
fn only_a_pending_request_from_the_other_can_be_accepted() {
    assert_eq!(when_ada(&[], Accept), Err(ContactsError::RequestNotFound));
    // One's own request is not for oneself to accept.
    assert_eq!(when_ada(&[(ADA, Request)], Accept), Err(ContactsError::RequestNotFound));
    assert_eq!(when_ada(&[(BOB, Request), (BOB, Cancel)], Accept), Err(ContactsError::RequestNotFound));
}

#[test]
fn nobody_is_their_own_contact() {
    let nobody = Contacts::default();
    assert_eq!(decide_pair(ada(), &nobody, ada(), &nobody, Request), Err(ContactsError::ContactWithSelf));
}

#[test]
fn declining_cancelling_and_removing_end_it_on_both_sides() {
    assert_eq!(
        when_ada(&[(BOB, Request)], Decline),
        Ok((vec![E::ContactRequestDeclined { user: bob() }], vec![E::ContactRequestDeclined { user: ada() }]))
    );
    assert_eq!(
        when_ada(&[(ADA, Request)], Cancel),
        Ok((vec![E::ContactRequestCancelled { user: bob() }], vec![E::ContactRequestCancelled { user: ada() }]))
    );
    assert_eq!(
        when_ada(&[(ADA, Request), (BOB, Accept)], Remove),
        Ok((vec![E::ContactRemoved { user: bob() }], vec![E::ContactRemoved { user: ada() }]))
    );
    let (ada_side, bob_side) = given(&[(ADA, Request), (BOB, Accept), (BOB, Remove)]);
    assert_eq!((ada_side.relation(bob()), bob_side.relation(ada())), (None, None));
    // And one may ask again.
    assert_eq!(
        when_ada(&[(ADA, Request), (BOB, Decline)], Request),
        Ok((vec![E::ContactRequestSent { user: bob() }], vec![E::ContactRequestReceived { user: ada() }]))
    );
}

#[test]
fn blocking_is_written_on_the_blockers_side_only_and_ends_a_contact() {
    assert_eq!(when_ada(&[], Block), Ok((vec![E::UserBlocked { user: bob() }], vec![])));
    assert_eq!(
        when_ada(&[(BOB, Request), (ADA, Accept)], Block),
        Ok((
            vec![E::ContactRemoved { user: bob() }, E::UserBlocked { user: bob() }],
            vec![E::ContactRemoved { user: ada() }]
        ))
    );
    assert_eq!(
        when_ada(&[(ADA, Request)], Block),
        Ok((
            vec![E::ContactRequestCancelled { user: bob() }, E::UserBlocked { user: bob() }],
            vec![E::ContactRequestCancelled { user: ada() }]
        ))
    );
    let (ada_side, _) = given(&[(ADA, Block)]);
    assert!(ada_side.blocks(bob()));
    let (ada_side, _) = given(&[(ADA, Block), (ADA, Unblock)]);
    assert!(!ada_side.blocks(bob()));
}

#[test]
fn a_blocked_users_request_stays_pending_for_them_and_never_reaches_the_blocker() {
    // Bob had asked: Ada's block drops it on her side only.
    assert_eq!(
        when_ada(&[(BOB, Request)], Block),
        Ok((vec![E::ContactRequestDeclined { user: bob() }, E::UserBlocked { user: bob() }], vec![]))
    );
    let (ada_side, bob_side) = given(&[(BOB, Request), (ADA, Block)]);
    assert_eq!(ada_side.relation(bob()), None);
    assert_eq!(bob_side.relation(ada()), Some(Relation::Outgoing));
    // Bob asks after the block: pending for him, nothing for Ada.
    let (ada_side, bob_side) = given(&[(ADA, Block), (BOB, Request)]);
    assert_eq!(ada_side.relation(bob()), None);
    assert_eq!(bob_side.relation(ada()), Some(Relation::Outgoing));
}

#[test]
fn the_blocker_must_unblock_before_asking_and_then_finds_the_pending_request() {
    assert_eq!(when_ada(&[(ADA, Block)], Request), Err(ContactsError::UserBlocked));
    assert_eq!(
        when_ada(&[(ADA, Block), (BOB, Request), (ADA, Unblock)], Request),
        Ok((vec![E::ContactAdded { user: bob() }], vec![E::ContactAdded { user: ada() }]))
    );
}

#[test]
fn a_blocked_user_cannot_reach_the_blocker_by_asking_back() {
    // Ada blocked Bob after asking him: her request is withdrawn on both sides; Bob asking now
    // stays his own pending request.
    let (ada_side, bob_side) = given(&[(ADA, Request), (ADA, Block), (BOB, Request)]);
    assert_eq!(ada_side.relation(bob()), None);
    assert_eq!(bob_side.relation(ada()), Some(Relation::Outgoing));
}

/// One event of each variant, for the catalog's tests (stops compiling when a variant is added).
pub(crate) fn one_of_each_event() -> Vec<ContactsEvent> {
    let all = vec![
        E::ContactRequestSent { user: bob() },
        E::ContactRequestReceived { user: bob() },
        E::ContactAdded { user: bob() },
        E::ContactRequestDeclined { user: bob() },
        E::ContactRequestCancelled { user: bob() },
        E::ContactRemoved { user: bob() },
        E::UserBlocked { user: bob() },
        E::UserUnblocked { user: bob() },
    ];
    for event in &all {
        match event {
            E::ContactRequestSent { .. }
            | E::ContactRequestReceived { .. }
            | E::ContactAdded { .. }
            | E::ContactRequestDeclined { .. }
            | E::ContactRequestCancelled { .. }
            | E::ContactRemoved { .. }
            | E::UserBlocked { .. }
            | E::UserUnblocked { .. } => {}
        }
    }
    all
}
