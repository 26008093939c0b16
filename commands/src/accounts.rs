//! Registration, login and profile changes; and website visitors' accounts (support chat):
//! no username or password, tokens scoped to their website, refreshed like anyone's.
//!
//! Registration is two writes that cannot share a transaction (postgres-es commits events in
//! its own): the credentials row first, which claims the username, then the `User` aggregate.
//! If the second write fails the first is undone; if the process dies in between, the next
//! login completes the registration (`Register` with the same username is a no-op when done).

use std::collections::HashSet;

use chat_domain::text::{DisplayName, Username};
use chat_domain::user::{Email, ExternalUserId, User, UserCommand, UserError};
use chat_domain::{UserId, WebsiteId};
use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use chat_auth::{Issued, Tokens};

use crate::credentials::{IssuedRefresh, Password, PasswordHasher, RefreshError, RefreshTokens};
use crate::identity;
use crate::store::{CommandMeta, EventStore, NewEvent, StoreError};

/// A logged-in user: a short-lived access token and a refresh token to get the next one.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Session {
    pub user_id: UserId,
    pub username: Username,
    #[serde(flatten)]
    pub token: Issued,
    #[serde(flatten)]
    pub refresh: IssuedRefresh,
}

/// A website visitor's session: a token good for that website's support chat only, and a
/// refresh token the widget keeps so that the visitor finds their conversations again.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct VisitorSession {
    pub visitor_id: UserId,
    pub display_name: DisplayName,
    #[serde(flatten)]
    pub token: Issued,
    #[serde(flatten)]
    pub refresh: IssuedRefresh,
}

/// Who a website's server says a visitor is (identity verification), signature checked.
#[derive(Debug)]
pub struct VisitorIdentity {
    pub external_id: ExternalUserId,
    pub display_name: Option<DisplayName>,
    pub email: Option<Email>,
}

/// A refreshed access token and the refresh token that replaces the one presented.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Refreshed {
    pub user_id: UserId,
    #[serde(flatten)]
    pub token: Issued,
    #[serde(flatten)]
    pub refresh: IssuedRefresh,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("that username is taken")]
    UsernameTaken,
    #[error("unknown username or wrong password")]
    InvalidCredentials,
    #[error(transparent)]
    Refresh(#[from] RefreshError),
    #[error(transparent)]
    Rejected(#[from] UserError),
    #[error("another request changed the user at the same time; retry")]
    Busy,
    #[error("account storage failed")]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AccountError {
    fn from(error: sqlx::Error) -> Self {
        AccountError::Internal(error.into())
    }
}

impl From<StoreError> for AccountError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict => AccountError::Busy,
            other => AccountError::Internal(other.into()),
        }
    }
}

#[derive(Clone)]
pub struct Accounts {
    pool: PgPool,
    store: EventStore,
    tokens: std::sync::Arc<Tokens>,
    refresh: RefreshTokens,
    hasher: PasswordHasher,
}

impl Accounts {
    pub fn new(pool: PgPool, store: EventStore, tokens: std::sync::Arc<Tokens>, refresh: RefreshTokens) -> Self {
        Self { pool, store, tokens, refresh, hasher: PasswordHasher::default() }
    }

    pub async fn register(
        &self,
        username: Username,
        password: Password,
        display_name: DisplayName,
        request_id: String,
    ) -> Result<Session, AccountError> {
        let hash = self.hasher.hash(password).await.map_err(|e| AccountError::Internal(e.into()))?;
        let user_id = UserId::from_uuid(Uuid::now_v7());
        let inserted =
            sqlx::query("INSERT INTO user_credentials (user_id, username, password_hash) VALUES ($1, $2, $3)")
                .bind(user_id.as_uuid())
                .bind(username.as_str())
                .bind(hash)
                .execute(&self.pool)
                .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.constraint() == Some("user_credentials_username_key") => {
                return Err(AccountError::UsernameTaken);
            }
            other => other?,
        };
        let meta = CommandMeta { actor: user_id, request_id, via: "rest".to_owned() };
        let register = UserCommand::Register { username: username.clone(), display_name };
        if let Err(error) = self.execute(user_id, register, meta).await {
            sqlx::query("DELETE FROM user_credentials WHERE user_id = $1")
                .bind(user_id.as_uuid())
                .execute(&self.pool)
                .await?;
            return Err(error);
        }
        self.session(user_id, username, false).await
    }

    pub async fn login(&self, username: &str, password: String, request_id: String) -> Result<Session, AccountError> {
        let username = Username::parse(username).ok();
        let row: Option<(Uuid, String, bool)> = match &username {
            Some(name) => {
                sqlx::query_as("SELECT user_id, password_hash, is_admin FROM user_credentials WHERE username = $1")
                    .bind(name.as_str())
                    .fetch_optional(&self.pool)
                    .await?
            }
            None => None,
        };
        let (user_id, hash, admin) = match row {
            Some((id, hash, admin)) => (Some(UserId::from_uuid(id)), Some(hash), admin),
            None => (None, None, false),
        };
        let matches = self.hasher.verify(password, hash).await.map_err(|e| AccountError::Internal(e.into()))?;
        let (Some(user_id), Some(username), true) = (user_id, username, matches) else {
            return Err(AccountError::InvalidCredentials);
        };
        self.complete_registration(user_id, &username, request_id).await?;
        self.session(user_id, username, admin).await
    }

    /// A new access token for the holder of `refresh_token`, which is rotated: a visitor's
    /// token for a visitor, a user's for a user.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Refreshed, AccountError> {
        let (user_id, refresh) = self.refresh.rotate(refresh_token).await?;
        let account: (bool, Option<Uuid>) =
            sqlx::query_as("SELECT is_admin, website_id FROM user_credentials WHERE user_id = $1")
                .bind(user_id.as_uuid())
                .fetch_optional(&self.pool)
                .await?
                .ok_or(AccountError::Refresh(RefreshError::Invalid))?;
        let token = match account {
            (admin, None) => self.access_token(user_id, admin)?,
            (_, Some(website)) => self.visitor_token(user_id, WebsiteId::from_uuid(website))?,
        };
        Ok(Refreshed { user_id, token, refresh })
    }

    /// A new visitor of `website`, named `display_name` (the pre-chat form's) or after their id.
    /// The caller checked that the website takes visitors.
    pub async fn register_visitor(
        &self,
        website: WebsiteId,
        display_name: Option<DisplayName>,
        email: Option<Email>,
        request_id: String,
    ) -> Result<VisitorSession, AccountError> {
        let user_id = UserId::from_uuid(Uuid::now_v7());
        let display_name = match display_name {
            Some(name) => name,
            None => visitor_name(user_id).map_err(|e| AccountError::Internal(e.into()))?,
        };
        sqlx::query(
            "INSERT INTO user_credentials (user_id, username, password_hash, website_id) VALUES ($1, $2, '!', $3)",
        )
        .bind(user_id.as_uuid())
        .bind(format!("visitor-{}", user_id.as_uuid().simple()))
        .bind(website.as_uuid())
        .execute(&self.pool)
        .await?;
        let meta = CommandMeta { actor: user_id, request_id, via: "rest".to_owned() };
        let register = UserCommand::RegisterVisitor { website_id: website, display_name: display_name.clone(), email };
        if let Err(error) = self.execute(user_id, register, meta).await {
            sqlx::query("DELETE FROM user_credentials WHERE user_id = $1")
                .bind(user_id.as_uuid())
                .execute(&self.pool)
                .await?;
            return Err(error);
        }
        let token = self.visitor_token(user_id, website)?;
        let refresh = self.refresh.issue(user_id).await?;
        Ok(VisitorSession { visitor_id: user_id, display_name, token, refresh })
    }

    /// The session of the visitor of `website` who is its user `identity.external_id`, whose
    /// signature the caller checked: the visitor linked to that id already (the same user on
    /// another device gets their conversations), else `current` (the caller's visitor, so that
    /// what they wrote anonymously stays theirs) unless it is someone else already, else a new
    /// visitor. The name and email the website passed on are recorded with them.
    pub async fn identify_visitor(
        &self,
        website: WebsiteId,
        current: UserId,
        identity: VisitorIdentity,
        request_id: String,
    ) -> Result<VisitorSession, AccountError> {
        let VisitorIdentity { external_id, display_name, email } = identity;
        let visitor = match identity::visitor_of(&self.pool, website, &external_id).await? {
            Some(linked) => linked,
            None => {
                let candidate = if identity::is_linked(&self.pool, current).await? {
                    self.register_visitor(website, display_name.clone(), email.clone(), request_id.clone())
                        .await?
                        .visitor_id
                } else {
                    current
                };
                identity::link(&self.pool, website, &external_id, candidate).await?.ok_or(AccountError::Busy)?
            }
        };
        let meta = CommandMeta { actor: visitor, request_id, via: "rest".to_owned() };
        let identify = UserCommand::IdentifyVisitor { website_id: website, external_id, email };
        self.execute(visitor, identify, meta.clone()).await?;
        if let Some(display_name) = display_name {
            self.execute(visitor, UserCommand::UpdateProfile { display_name }, meta).await?;
        }
        let loaded = self.store.load::<User>(&visitor.to_string()).await?;
        let display_name = loaded.aggregate.display_name().cloned().ok_or(UserError::Erased)?;
        let token = self.visitor_token(visitor, website)?;
        let refresh = self.refresh.issue(visitor).await?;
        Ok(VisitorSession { visitor_id: visitor, display_name, token, refresh })
    }

    /// Ends the login `refresh_token` belongs to (on every device that shares it).
    pub async fn logout(&self, refresh_token: &str) -> Result<(), AccountError> {
        Ok(self.refresh.revoke_family(refresh_token).await?)
    }

    /// Ends every login of `user`. Access tokens already issued live out their short lifetime.
    pub async fn logout_everywhere(&self, user: UserId) -> Result<(), AccountError> {
        Ok(self.refresh.revoke_all(user).await?)
    }

    pub async fn update_profile(
        &self,
        user: UserId,
        display_name: DisplayName,
        request_id: String,
    ) -> Result<(), AccountError> {
        let meta = CommandMeta { actor: user, request_id, via: "rest".to_owned() };
        self.execute(user, UserCommand::UpdateProfile { display_name }, meta).await
    }

    /// Finishes a registration whose process died after storing the credentials.
    async fn complete_registration(
        &self,
        user_id: UserId,
        username: &Username,
        request_id: String,
    ) -> Result<(), AccountError> {
        let projected: Option<(i32,)> = sqlx::query_as("SELECT 1 FROM users WHERE user_id = $1")
            .bind(user_id.as_uuid())
            .fetch_optional(&self.pool)
            .await?;
        if projected.is_some() {
            return Ok(());
        }
        let display_name = DisplayName::parse(username.as_str()).map_err(|e| AccountError::Internal(e.into()))?;
        let meta = CommandMeta { actor: user_id, request_id, via: "rest".to_owned() };
        self.execute(user_id, UserCommand::Register { username: username.clone(), display_name }, meta).await
    }

    /// Load, decide, append; a user is written by one person at a time, so a conflict is
    /// retried a few times and then reported. Not fenced by the account (unlike room commands,
    /// `crate::store`): the erasure appends `UserErased` to this same stream, so a profile
    /// change either committed before the erasure folded the stream (which then redacts it too)
    /// or competes with `UserErased` for the same sequence and, reloaded, is refused by the
    /// aggregate (`UserError::Erased`).
    async fn execute(&self, user: UserId, command: UserCommand, meta: CommandMeta) -> Result<(), AccountError> {
        let id = user.to_string();
        for _ in 0..3 {
            let loaded = self.store.load::<User>(&id).await?;
            let events = loaded.aggregate.decide(command.clone())?;
            if events.is_empty() {
                return Ok(());
            }
            let events = events.into_iter().map(|event| NewEvent { event, meta: meta.clone() }).collect();
            match self.store.append::<User>(&id, loaded.version, events).await {
                Err(StoreError::Conflict) => continue,
                other => return other.map(drop).map_err(AccountError::from),
            }
        }
        Err(AccountError::Busy)
    }

    async fn session(&self, user_id: UserId, username: Username, admin: bool) -> Result<Session, AccountError> {
        let token = self.access_token(user_id, admin)?;
        let refresh = self.refresh.issue(user_id).await?;
        Ok(Session { user_id, username, token, refresh })
    }

    fn access_token(&self, user_id: UserId, admin: bool) -> Result<Issued, AccountError> {
        self.tokens.issue(user_id, admin, Utc::now()).map_err(|e| AccountError::Internal(e.into()))
    }

    fn visitor_token(&self, user_id: UserId, website: WebsiteId) -> Result<Issued, AccountError> {
        self.tokens.issue_visitor(user_id, website, Utc::now()).map_err(|e| AccountError::Internal(e.into()))
    }
}

/// `Visitor 3F9A`: the last four hex digits of the (random part of the) id, for agents to tell
/// visitors apart before they give a name.
fn visitor_name(user: UserId) -> Result<DisplayName, chat_domain::text::TextError> {
    let hex = user.as_uuid().simple().to_string();
    DisplayName::parse(format!("Visitor {}", hex[hex.len() - 4..].to_uppercase()))
}

/// Those of `users` who have no account (any more): erased users, whose access tokens may
/// still be valid for a few minutes. A read without locks, for checks that write nothing;
/// appends are fenced in their own statement (`crate::store`).
pub async fn without_account(pool: &PgPool, users: &[UserId]) -> Result<HashSet<UserId>, sqlx::Error> {
    let mut missing: HashSet<UserId> = users.iter().copied().collect();
    let ids: Vec<Uuid> = missing.iter().map(UserId::as_uuid).collect();
    let present: Vec<Uuid> = sqlx::query_scalar("SELECT user_id FROM user_credentials WHERE user_id = ANY($1)")
        .bind(&ids)
        .fetch_all(pool)
        .await?;
    for id in present {
        missing.remove(&UserId::from_uuid(id));
    }
    Ok(missing)
}
