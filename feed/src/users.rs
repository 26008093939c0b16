//! Users' own streams in the event store, read where a token is not proof enough: an access
//! token outlives an erasure by up to its lifetime, so a gateway asks whether its holder was
//! erased before accepting them, and again for everyone connected after missing notices.
//!
//! Read here, not from the `users` read model (which trails a registration by a moment, so a
//! user who just registered would be refused) nor from the write side's `user_credentials`
//! (password hashes, which nothing but the accounts code should read): `UserErased` commits in
//! the erasure's transaction together with the deletion of the credentials, so the stream
//! never trails it. Typed: the aggregate's type name and the event's name come from the domain.

use std::collections::HashSet;

use chat_domain::UserId;
use chat_domain::user::{User, UserEvent};
use cqrs_es::Aggregate;
use sqlx::PgExecutor;

/// Those of `users` who were erased (their stream holds `UserErased`).
pub async fn erased(executor: impl PgExecutor<'_>, users: &[UserId]) -> Result<HashSet<UserId>, sqlx::Error> {
    let ids: Vec<String> = users.iter().map(UserId::to_string).collect();
    let erased: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT aggregate_id FROM public.events
         WHERE aggregate_type = $1 AND aggregate_id = ANY($2) AND event_type = $3",
    )
    .bind(User::TYPE)
    .bind(&ids)
    .bind(UserEvent::UserErased {}.name())
    .fetch_all(executor)
    .await?;
    Ok(erased.iter().filter_map(|id| id.parse().ok()).collect())
}

#[cfg(test)]
mod tests {
    use sqlx::PgPool;
    use uuid::Uuid;

    use super::*;
    use crate::test_events::append;

    #[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
    async fn only_users_whose_stream_records_the_erasure_are_erased(pool: PgPool) {
        let [kept, gone, unknown] = [1, 2, 3].map(|n| UserId::from_uuid(Uuid::from_u128(n)));
        for user in [kept, gone] {
            let profile = UserEvent::ProfileUpdated { display_name: chat_domain::redaction::Redactable::Redacted };
            append::<User>(&pool, user, 1, profile).await;
        }
        append::<User>(&pool, gone, 2, UserEvent::UserErased {}).await;
        assert_eq!(erased(&pool, &[kept, gone, unknown]).await.unwrap(), HashSet::from([gone]));
        assert!(erased(&pool, &[]).await.unwrap().is_empty());
    }
}
