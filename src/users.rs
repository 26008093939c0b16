//! One-off user administration: `chat users grant-admin <username>` / `revoke-admin`.

use anyhow::bail;
use sqlx::PgPool;

use crate::cli::UsersAction;

pub async fn run(pool: &PgPool, action: &UsersAction) -> anyhow::Result<()> {
    let (username, admin) = match action {
        UsersAction::GrantAdmin { username } => (username, true),
        UsersAction::RevokeAdmin { username } => (username, false),
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
