//! Contact requests, contacts and blocks: each action decided on both people's `Contacts`
//! streams (`chat_domain::contacts::decide_pair`) and appended to both in one statement,
//! fenced by both accounts (an erased user can neither act nor be acted on), each stream
//! checked against the version it was decided on. Two people acting on each other at once
//! conflict on one of the streams; the loser reloads and decides again.

use chat_domain::UserId;
use chat_domain::contacts::{ContactAction, Contacts, ContactsError, Relation, decide_pair};
use sqlx::PgPool;

use crate::store::{Append, CommandMeta, EventStore, Fenced, NewEvent, StoreError};

/// How often a conflicting action is decided again before `busy`.
const ATTEMPTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum ContactsCommandError {
    #[error(transparent)]
    Rejected(#[from] ContactsError),
    /// The other user is unknown, erased, or a website's visitor (who have no contacts).
    #[error("no such user")]
    UserNotFound,
    #[error("your account was erased")]
    AccountErased,
    #[error("contended; retry")]
    Busy,
    #[error("the event store failed")]
    Storage(#[from] StoreError),
    #[error("the read models failed")]
    Database(#[from] sqlx::Error),
}

/// Where the actor stands with the other user after an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Standing {
    /// `contact`, `outgoing` (you asked), `incoming` (they asked), or `null` (nothing).
    #[schema(required = true)]
    pub relation: Option<Relation>,
    /// Whether you block them.
    pub blocked: bool,
    /// `false` when the action was already satisfied and wrote nothing.
    pub changed: bool,
}

#[derive(Clone)]
pub struct ContactsService {
    pool: PgPool,
    store: EventStore,
}

impl ContactsService {
    pub fn new(pool: PgPool, store: EventStore) -> Self {
        Self { pool, store }
    }

    pub async fn act(
        &self,
        me: UserId,
        them: UserId,
        action: ContactAction,
        meta: CommandMeta,
    ) -> Result<Standing, ContactsCommandError> {
        if me != them && !self.has_contacts(them).await? {
            return Err(ContactsCommandError::UserNotFound);
        }
        for _ in 0..ATTEMPTS {
            let mine = self.store.load::<Contacts>(&me.to_string()).await?;
            let theirs = self.store.load::<Contacts>(&them.to_string()).await?;
            let (my_events, their_events) = decide_pair(me, &mine.aggregate, them, &theirs.aggregate, action)?;
            let mut after = mine.aggregate.clone();
            for event in &my_events {
                cqrs_es::Aggregate::apply(&mut after, event.clone());
            }
            let standing = |changed| Standing { relation: after.relation(them), blocked: after.blocks(them), changed };
            if my_events.is_empty() && their_events.is_empty() {
                return Ok(standing(false));
            }
            let new = |events: Vec<_>| events.into_iter().map(|event| NewEvent { event, meta: meta.clone() }).collect();
            let streams: Vec<Append<_>> = [(me, mine.version, my_events), (them, theirs.version, their_events)]
                .into_iter()
                .filter(|(_, _, events)| !events.is_empty())
                .map(|(user, version, events)| (user.to_string(), version, new(events)))
                .collect();
            match self.store.append_fenced::<Contacts>(&streams, &[me, them]).await {
                Ok(Fenced::Appended) => return Ok(standing(true)),
                Ok(Fenced::Refused(refusal)) => {
                    return Err(if refusal.refuses(&me) {
                        ContactsCommandError::AccountErased
                    } else {
                        ContactsCommandError::UserNotFound
                    });
                }
                Err(StoreError::Conflict) => continue,
                Err(error) => return Err(error.into()),
            }
        }
        Err(ContactsCommandError::Busy)
    }

    /// Whether `user` is someone one can have as a contact: a registered user with a username
    /// (not a website's visitor), not erased.
    async fn has_contacts(&self, user: UserId) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM user_credentials WHERE user_id = $1 AND website_id IS NULL)")
            .bind(user.as_uuid())
            .fetch_one(&self.pool)
            .await
    }
}
