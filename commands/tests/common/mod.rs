//! Set-up shared by the command service's database tests (each test file is its own crate and
//! includes this module).

use chat_domain::UserId;
use sqlx::PgPool;
use uuid::Uuid;

/// A user with credentials only (no `User` events): enough for rows that reference an account.
pub async fn account(pool: &PgPool, name: &str) -> UserId {
    let user = UserId::from_uuid(Uuid::now_v7());
    sqlx::query("INSERT INTO user_credentials (user_id, username, password_hash) VALUES ($1, $2, 'x')")
        .bind(user.as_uuid())
        .bind(name)
        .execute(pool)
        .await
        .unwrap();
    user
}
