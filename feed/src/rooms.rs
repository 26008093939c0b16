//! A room's own stream in the event store, read directly where the feed's global order is not
//! what is needed: a gateway catching a client up (resume, gaps) reads one room by sequence,
//! and a connecting user's rooms come from their membership events. The store is the source of
//! truth here, never behind a notice the relay sent. Typed: ids, the aggregates' type names and
//! the events' names come from the domain.

use chat_domain::room::{Room, RoomEvent};
use chat_domain::user::{User, UserEvent};
use chat_domain::{RoomId, UserId};
use cqrs_es::Aggregate;
use sqlx::PgExecutor;
use std::sync::LazyLock;

use crate::reader::{EVENT_COLUMNS, stored_event};
use crate::{StoredEvent, stream_after};

/// Up to `limit` events of `room` after sequence `after`, in sequence order.
pub async fn events_after(
    executor: impl PgExecutor<'_>,
    room: RoomId,
    after: u64,
    limit: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    // A client may claim any position: one beyond what a sequence can hold is past every end.
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    stream_after(executor, Room::TYPE, &room.to_string(), after, limit).await
}

/// The room's latest sequence (0 if it has no events).
pub async fn last_seq(executor: impl PgExecutor<'_>, room: RoomId) -> Result<u64, sqlx::Error> {
    let last: Option<i64> =
        sqlx::query_scalar("SELECT max(sequence) FROM public.events WHERE aggregate_type = $1 AND aggregate_id = $2")
            .bind(Room::TYPE)
            .bind(room.to_string())
            .fetch_one(executor)
            .await?;
    Ok(last.unwrap_or(0).max(0) as u64)
}

/// The events of `room` that clients show as system lines (`RoomEvent::SYSTEM_LINES`) with
/// sequence `after < seq < before`, newest first: what a history page shows between its
/// messages. A range scan of the room's stream (the events' primary key), at most `limit`.
pub async fn system_lines(
    executor: impl PgExecutor<'_>,
    room: RoomId,
    after: i64,
    before: i64,
    limit: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let rows = sqlx::query(&SYSTEM_LINES)
        .bind(room.to_string())
        .bind(after)
        .bind(before)
        .bind(limit)
        .fetch_all(executor)
        .await?;
    rows.iter().map(stored_event).collect()
}

/// Names written into the statement, like [`MEMBERSHIPS`]'s.
static SYSTEM_LINES: LazyLock<String> = LazyLock::new(|| {
    let names = RoomEvent::SYSTEM_LINES.map(|name| format!("'{name}'")).join(", ");
    format!(
        "SELECT {EVENT_COLUMNS} FROM public.events
         WHERE aggregate_type = '{room}' AND aggregate_id = $1 AND sequence > $2 AND sequence < $3
           AND event_type IN ({names})
         ORDER BY sequence DESC
         LIMIT $4",
        room = Room::TYPE,
    )
});

/// A user's latest membership change in one room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Membership {
    pub room: RoomId,
    /// The sequence of the `MemberJoined` or `MemberLeft` event.
    pub seq: u64,
    pub joined: bool,
}

/// The latest membership change of `user` in each room they ever joined (current memberships
/// first, most recent first, at most `limit`).
pub async fn memberships(
    executor: impl PgExecutor<'_>,
    user: UserId,
    limit: i64,
) -> Result<Vec<Membership>, sqlx::Error> {
    let rows: Vec<(String, i64, bool)> =
        sqlx::query_as(&MEMBERSHIPS).bind(user.to_string()).bind(limit).fetch_all(executor).await?;
    Ok(rows.into_iter().filter_map(|(room, seq, joined)| membership(room, seq, joined)).collect())
}

/// Like [`memberships`], for a user connecting with a token: `None` if their account was
/// erased (see [`crate::users`]: a token outlives its account). One statement, as a gateway
/// reads it for every connection and a reconnecting crowd must not queue for the pool.
pub async fn memberships_of_account(
    executor: impl PgExecutor<'_>,
    user: UserId,
    limit: i64,
) -> Result<Option<Vec<Membership>>, sqlx::Error> {
    let rows: Vec<AccountMembershipRow> =
        sqlx::query_as(&ACCOUNT_MEMBERSHIPS).bind(user.to_string()).bind(limit).fetch_all(executor).await?;
    if rows.first().is_some_and(|(erased, ..)| *erased) {
        return Ok(None);
    }
    Ok(Some(rows.into_iter().filter_map(|(_, room, seq, joined)| membership(room?, seq?, joined?)).collect()))
}

/// Whether the account was erased, then a membership (all `None` where the user is in no room).
type AccountMembershipRow = (bool, Option<String>, Option<i64>, Option<bool>);

fn membership(room: String, seq: i64, joined: bool) -> Option<Membership> {
    Some(Membership { room: room.parse().ok()?, seq: seq.max(0) as u64, joined })
}

/// The type and event names are written into the statement, not bound: only then can the
/// planner use the partial index `events_room_membership` (whose predicate names them) in the
/// generic plan a prepared statement settles on.
static MEMBERSHIPS: LazyLock<String> = LazyLock::new(|| {
    let (room, joined, left) = (Room::TYPE, RoomEvent::MEMBER_JOINED, RoomEvent::MEMBER_LEFT);
    format!(
        "SELECT aggregate_id, sequence, event_type = '{joined}' AS joined FROM (
             SELECT DISTINCT ON (aggregate_id) aggregate_id, event_type, sequence, global_position
             FROM public.events
             WHERE aggregate_type = '{room}' AND event_type IN ('{joined}', '{left}')
               AND payload ->> 'user_id' = $1
             ORDER BY aggregate_id, sequence DESC
         ) latest
         ORDER BY joined DESC, global_position DESC
         LIMIT $2"
    )
});

/// [`MEMBERSHIPS`] behind the account check: always at least one row, whose first column says
/// whether the user's stream records `UserErased` (then no memberships are read); a user who
/// is in no room gets one row of nulls.
static ACCOUNT_MEMBERSHIPS: LazyLock<String> = LazyLock::new(|| {
    let (user, erased) = (User::TYPE, UserEvent::UserErased {}.name());
    format!(
        "SELECT account.erased, m.aggregate_id, m.sequence, m.joined
         FROM (SELECT EXISTS (
                 SELECT 1 FROM public.events
                 WHERE aggregate_type = '{user}' AND aggregate_id = $1 AND event_type = '{erased}'
               ) AS erased) account
         LEFT JOIN LATERAL ({memberships}) m ON NOT account.erased",
        memberships = *MEMBERSHIPS,
    )
});

#[cfg(test)]
mod tests {
    use chat_domain::redaction::Redactable;
    use chat_domain::room::Role;
    use sqlx::PgPool;
    use uuid::Uuid;

    use super::*;
    use crate::test_events::append;

    async fn join(pool: &PgPool, room: RoomId, sequence: i64, user: UserId) {
        let event = RoomEvent::MemberJoined { user_id: user, role: Role::Member, added_by: None };
        append::<Room>(pool, room, sequence, event).await;
    }

    #[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
    async fn an_account_s_memberships_are_read_unless_it_was_erased(pool: PgPool) {
        let [ada, bob, cyd] = [1, 2, 3].map(|n| UserId::from_uuid(Uuid::from_u128(n)));
        let [first, second] = [10, 11].map(|n| RoomId::from_uuid(Uuid::from_u128(n)));
        join(&pool, first, 1, ada).await;
        join(&pool, second, 1, ada).await;
        join(&pool, first, 2, bob).await;
        let profile = UserEvent::ProfileUpdated { display_name: Redactable::Redacted };
        append::<User>(&pool, bob, 1, profile).await;
        append::<User>(&pool, bob, 2, UserEvent::UserErased {}).await;

        let mut ada_rooms = memberships_of_account(&pool, ada, 10).await.unwrap().unwrap();
        ada_rooms.sort_by_key(|membership| membership.room.to_string());
        let expected = [first, second].map(|room| Membership { room, seq: 1, joined: true });
        assert_eq!(ada_rooms, expected);
        assert_eq!(ada_rooms, {
            let mut plain = memberships(&pool, ada, 10).await.unwrap();
            plain.sort_by_key(|membership| membership.room.to_string());
            plain
        });
        assert_eq!(memberships_of_account(&pool, bob, 10).await.unwrap(), None, "erased");
        assert_eq!(memberships_of_account(&pool, cyd, 10).await.unwrap(), Some(vec![]), "in no room");
        assert_eq!(memberships_of_account(&pool, ada, 1).await.unwrap().map(|rooms| rooms.len()), Some(1));
    }
}
