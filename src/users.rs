//! One-off user administration: `chat users grant-admin <username>` / `revoke-admin`, and
//! `chat users erase <user id>`.

use anyhow::bail;
use chat_commands::erasure::erase;
use chat_commands::store::CommandMeta;
use chat_domain::UserId;
use sqlx::PgPool;
use uuid::Uuid;

use crate::cli::UsersAction;

pub async fn run(pool: &PgPool, action: &UsersAction) -> anyhow::Result<()> {
    let (username, admin) = match action {
        UsersAction::GrantAdmin { username } => (username, true),
        UsersAction::RevokeAdmin { username } => (username, false),
        UsersAction::Erase { user_id } => return erase_user(pool, *user_id).await,
    };
    let updated = sqlx::query("UPDATE user_credentials SET is_admin = $2 WHERE username = lower($1)")
        .bind(username)
        .bind(admin)
        .execute(pool)
        .await?;
    if updated.rows_affected() == 0 {
        bail!("no user called {username:?}");
    }
    let change = if admin { "now an administrator" } else { "no longer an administrator" };
    println!("{username} is {change} (from their next login or token refresh)");
    Ok(())
}

/// Erases the user and prints what was done as JSON. The erasure is recorded as done by the
/// nil user via `cli` (an operator at the console, not a user of the system).
async fn erase_user(pool: &PgPool, user: UserId) -> anyhow::Result<()> {
    let meta = CommandMeta {
        actor: UserId::from_uuid(Uuid::nil()),
        request_id: format!("cli-{}", Uuid::now_v7()),
        via: "cli".to_owned(),
    };
    let erasure = erase(pool, user, &meta).await?;
    println!("{}", serde_json::to_string_pretty(&erasure)?);
    Ok(())
}
