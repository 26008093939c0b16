//! Just enough of the REST API to set up a scenario.

use anyhow::{Context, bail};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use uuid::Uuid;

/// Requests in flight at once while setting a scenario up.
pub const SETUP_CONCURRENCY: usize = 16;

#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub api: String,
}

#[derive(Clone)]
pub struct Account {
    pub username: String,
    pub token: String,
}

/// A room and its seq once the set-up is done (its members' joins included).
#[derive(Clone, Copy)]
pub struct Room {
    pub id: Uuid,
    pub seq: u64,
}

impl Client {
    pub fn new(api: &str) -> Self {
        Self { http: reqwest::Client::new(), api: api.trim_end_matches('/').to_owned() }
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, token: &str, body: Value) -> anyhow::Result<Value> {
        self.send(self.http.request(method, format!("{}{path}", self.api)).json(&body), path, token).await
    }

    pub async fn get(&self, path: &str, token: &str) -> anyhow::Result<Value> {
        self.send(self.http.get(format!("{}{path}", self.api)), path, token).await
    }

    /// Sends `request` (to `path`) with `token`; answers the body of a 2xx, else fails with it.
    async fn send(&self, request: reqwest::RequestBuilder, path: &str, token: &str) -> anyhow::Result<Value> {
        let response = request.bearer_auth(token).send().await.with_context(|| format!("request to {path}"))?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("{path}: {status} {body}");
        }
        Ok(body)
    }

    pub async fn register(&self, prefix: &str) -> anyhow::Result<Account> {
        let username = format!("{prefix}_{}", &Uuid::new_v4().simple().to_string()[..10]);
        let body = json!({"username": username, "password": "benchmark password"});
        let reply = self.call(reqwest::Method::POST, "/v1/auth/register", "", body).await?;
        Ok(Account { username, token: reply["token"].as_str().context("token")?.to_owned() })
    }

    /// `count` accounts, registered a few at a time (hashing passwords is the slow part).
    pub async fn register_many(&self, prefix: &str, count: usize) -> anyhow::Result<Vec<Account>> {
        futures::stream::iter(0..count)
            .map(|_| self.register(prefix))
            .buffer_unordered(SETUP_CONCURRENCY)
            .try_collect()
            .await
    }

    pub async fn create_room(&self, owner: &Account, name: &str) -> anyhow::Result<Uuid> {
        let body = json!({"type": "group", "name": name});
        let reply = self.call(reqwest::Method::POST, "/v1/rooms", &owner.token, body).await?;
        Ok(reply["room_id"].as_str().context("room_id")?.parse()?)
    }

    /// Joins and answers the seq of the join.
    pub async fn join(&self, member: &Account, room: Uuid) -> anyhow::Result<u64> {
        let reply =
            self.call(reqwest::Method::POST, &format!("/v1/rooms/{room}/join"), &member.token, json!(null)).await?;
        reply["seq"].as_u64().context("seq")
    }

    /// A room owned by `members[0]` that every other of `members` has joined.
    pub async fn room_with(&self, members: &[&Account], name: &str) -> anyhow::Result<Room> {
        let id = self.create_room(members[0], name).await?;
        let joins: Vec<u64> = futures::stream::iter(&members[1..])
            .map(|member| self.join(member, id))
            .buffer_unordered(SETUP_CONCURRENCY)
            .try_collect()
            .await?;
        // Created, the owner's join, then one join each.
        Ok(Room { id, seq: joins.into_iter().max().unwrap_or(2) })
    }

    pub async fn post(&self, author: &Account, room: Uuid, body: &str, client_msg_id: &str) -> anyhow::Result<Value> {
        let request = json!({"body": body, "client_msg_id": client_msg_id});
        self.call(reqwest::Method::POST, &format!("/v1/rooms/{room}/messages"), &author.token, request).await
    }
}
