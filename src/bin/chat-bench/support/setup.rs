//! Setting the support scenario up over the REST API (docs/api.md §11–§12): websites, each with
//! a verified domain and a team of agents, then visitors who each start a conversation.

use std::future::Future;
use std::time::Duration;

use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use super::site::Site;
use crate::client::{Account, Client, Room, SETUP_CONCURRENCY};

/// How long the read models may take to show what a set-up command changed.
const PROJECTED_WITHIN: Duration = Duration::from_secs(60);

pub struct Website {
    pub id: Uuid,
    /// Its team besides the owner (who stays offline).
    pub agents: Vec<Account>,
}

pub struct Visitor {
    /// Index into the websites.
    pub website: usize,
    pub id: Uuid,
    pub token: String,
    /// The visitor's conversation, at the seq its start ended at.
    pub room: Room,
}

/// `count` websites, each owned by a user of its own, with `site`'s domain verified and
/// `agents_per_website` agents added by username.
pub async fn websites(
    client: &Client,
    site: &Site,
    count: usize,
    agents_per_website: usize,
) -> anyhow::Result<Vec<Website>> {
    let owners = client.register_many("bench_owner", count).await?;
    let mut agents = client.register_many("bench_agent", count * agents_per_website).await?.into_iter();
    let teams: Vec<Vec<Account>> = (0..count).map(|_| agents.by_ref().take(agents_per_website).collect()).collect();
    futures::stream::iter(owners.iter().zip(teams).enumerate())
        .map(|(n, (owner, agents))| website(client, site, owner, agents, n))
        .buffered(SETUP_CONCURRENCY)
        .try_collect()
        .await
}

async fn website(
    client: &Client,
    site: &Site,
    owner: &Account,
    agents: Vec<Account>,
    n: usize,
) -> anyhow::Result<Website> {
    let created = client.call(Method::POST, "/v1/websites", &owner.token, json!({"name": format!("Shop {n}")})).await?;
    let id = uuid(&created, "website_id")?;
    let domain = site.domain();
    let listed = client
        .call(Method::POST, &format!("/v1/websites/{id}/domains"), &owner.token, json!({"domain": domain}))
        .await?;
    site.publish(listed["token"].as_str().context("token")?);
    let check = format!("/v1/websites/{id}/domains/{domain}/check");
    let checked = client.call(Method::POST, &check, &owner.token, json!(null)).await?;
    anyhow::ensure!(
        checked["verified"] == true,
        "{domain} was not verified for website {id}: {checked} (does the API run with CHAT_VERIFY_ALLOW_LOOPBACK=true?)"
    );
    let team = format!("/v1/websites/{id}/agents");
    for agent in &agents {
        // `404 user_not_found` until the users' read model has the agent.
        let body = json!({"username": agent.username});
        eventually(|| client.call(Method::POST, &team, &owner.token, body.clone())).await?;
    }
    // The widget takes visitors once the read models know the domain is verified.
    let widget = format!("/v1/widget/{id}");
    eventually(|| client.get(&widget, "")).await?;
    Ok(Website { id, agents })
}

/// `count` visitors, visitor *v* of website *v* mod the website count, each with a conversation.
pub async fn visitors(client: &Client, websites: &[Website], count: usize) -> anyhow::Result<Vec<Visitor>> {
    futures::stream::iter(0..count)
        .map(|v| visitor(client, v % websites.len(), websites[v % websites.len()].id))
        .buffered(SETUP_CONCURRENCY)
        .try_collect()
        .await
}

async fn visitor(client: &Client, website: usize, website_id: Uuid) -> anyhow::Result<Visitor> {
    let session = client.call(Method::POST, &format!("/v1/widget/{website_id}/visitors"), "", json!({})).await?;
    let token = session["token"].as_str().context("token")?.to_owned();
    let started =
        client.call(Method::POST, &format!("/v1/widget/{website_id}/conversations"), &token, json!({})).await?;
    let room = Room { id: uuid(&started, "room_id")?, seq: started["seq"].as_u64().context("seq")? };
    Ok(Visitor { website, id: uuid(&session, "visitor_id")?, token, room })
}

fn uuid(reply: &Value, field: &str) -> anyhow::Result<Uuid> {
    reply[field].as_str().with_context(|| format!("{field} in {reply}"))?.parse().with_context(|| field.to_owned())
}

/// Retries `attempt` until it succeeds, or fails with its last error after [`PROJECTED_WITHIN`].
async fn eventually<T, Fut>(mut attempt: impl FnMut() -> Fut) -> anyhow::Result<T>
where
    Fut: Future<Output = anyhow::Result<T>>,
{
    let deadline = tokio::time::Instant::now() + PROJECTED_WITHIN;
    loop {
        match attempt().await {
            Err(_) if tokio::time::Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(50)).await,
            outcome => return outcome,
        }
    }
}
