//! Just enough of the REST API to set up a scenario.

use anyhow::{Context, bail};
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub api: String,
}

#[derive(Clone)]
pub struct Account {
    pub token: String,
}

impl Client {
    pub fn new(api: &str) -> Self {
        Self { http: reqwest::Client::new(), api: api.trim_end_matches('/').to_owned() }
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, token: &str, body: Value) -> anyhow::Result<Value> {
        let response = self
            .http
            .request(method, format!("{}{path}", self.api))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .with_context(|| format!("request to {path}"))?;
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
        Ok(Account { token: reply["token"].as_str().context("token")?.to_owned() })
    }

    pub async fn create_room(&self, owner: &Account, name: &str) -> anyhow::Result<Uuid> {
        let body = json!({"type": "group", "name": name});
        let reply = self.call(reqwest::Method::POST, "/v1/rooms", &owner.token, body).await?;
        Ok(reply["room_id"].as_str().context("room_id")?.parse()?)
    }

    pub async fn join(&self, member: &Account, room: Uuid) -> anyhow::Result<()> {
        self.call(reqwest::Method::POST, &format!("/v1/rooms/{room}/join"), &member.token, json!(null)).await?;
        Ok(())
    }

    pub async fn post(&self, author: &Account, room: Uuid, body: &str, client_msg_id: &str) -> anyhow::Result<Value> {
        let request = json!({"body": body, "client_msg_id": client_msg_id});
        self.call(reqwest::Method::POST, &format!("/v1/rooms/{room}/messages"), &author.token, request).await
    }
}
