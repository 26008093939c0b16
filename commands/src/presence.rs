//! The presence tracker: turns what the gateways report into recorded presence transitions.
//!
//! Gateways report each user's status on their side (a change as it happens, and everyone
//! periodically as a heartbeat). A user is online while any gateway reports them online, away
//! while every reporting gateway says away, and offline once no gateway has reported them for a
//! grace period — so a quick reconnect shows no flicker, and the users of a gateway that died
//! without a word expire after three missed heartbeats. Only transitions are recorded, as
//! `PresenceChanged` events (the relay then delivers them like any other event).
//!
//! One tracker is active across all command instances (a lease); the others stand by.

use std::collections::HashMap;
use std::time::Duration;

use chat_domain::UserId;
use chat_domain::presence::{Presence, PresenceCommand, PresenceEvent, PresenceStatus};
use chat_feed::lease;
use chat_nats::Subjects;
use chat_nats::wire::{PresenceReport, decode};
use cqrs_es::Aggregate;
use futures::StreamExt;
use sqlx::PgPool;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::store::{CommandMeta, EventStore, NewEvent, StoreError};

#[derive(Clone, Debug)]
pub struct PresenceConfig {
    /// How often gateways report all their users; three missed heartbeats expire a gateway.
    pub heartbeat: Duration,
    /// How long a user must be gone from every gateway before they are recorded offline.
    pub grace: Duration,
}

impl PresenceConfig {
    fn expiry(&self) -> Duration {
        self.heartbeat * 3
    }
}

/// The lease name; one tracker is active.
const LEASE: &str = "presence";
/// How often statuses are evaluated and transitions recorded.
const TICK: Duration = Duration::from_millis(500);

pub struct PresenceTracker {
    pub pool: PgPool,
    pub store: EventStore,
    pub nats: async_nats::Client,
    pub subjects: Subjects,
    pub config: PresenceConfig,
}

#[derive(Default)]
struct Tracked {
    /// What each gateway last said, and when.
    gateways: HashMap<String, (PresenceStatus, Instant)>,
    /// The status last recorded for this user.
    recorded: PresenceStatus,
    /// Since when no gateway has had the user (for the grace period).
    gone_since: Option<Instant>,
}

#[derive(Debug, thiserror::Error)]
enum TrackerError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot subscribe to presence reports: {0}")]
    Subscribe(#[from] async_nats::SubscribeError),
}

impl PresenceTracker {
    /// Runs until `shutdown`: waits for the lease, then tracks until the lease is lost.
    pub async fn run(self, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            if let Err(error) = self.lead(&shutdown).await {
                tracing::error!(%error, "presence tracker failed; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = shutdown.cancelled() => return,
                }
            }
        }
    }

    async fn lead(&self, shutdown: &CancellationToken) -> Result<(), TrackerError> {
        let Some(mut held) = lease::acquire(&self.pool, LEASE, Duration::from_secs(1), shutdown).await? else {
            return Ok(());
        };
        let mut reports = self.nats.subscribe(self.subjects.presence_reports()).await?;
        let mut users = self.recorded_present().await?;
        // Until every gateway has had a chance to report, nobody is declared gone.
        let hold_until = Instant::now() + self.config.expiry();
        let mut tick = tokio::time::interval(TICK);
        loop {
            tokio::select! {
                report = reports.next() => {
                    let Some(report) = report else { return Ok(()) };
                    match decode::<PresenceReport>(&report.payload) {
                        Ok(report) => apply(&mut users, report),
                        Err(error) => tracing::warn!(%error, "undecodable presence report"),
                    }
                }
                _ = tick.tick() => {
                    if !lease::still_held(&mut held).await {
                        tracing::warn!("presence lease lost");
                        return Ok(());
                    }
                    let now = Instant::now();
                    let changes = evaluate(&mut users, now, now >= hold_until, &self.config);
                    if !changes.is_empty() {
                        self.record(&changes).await?;
                        for (user, status) in changes {
                            if let Some(tracked) = users.get_mut(&user) {
                                tracked.recorded = status;
                            }
                        }
                        users.retain(|_, tracked| tracked.recorded != PresenceStatus::Offline || !tracked.gateways.is_empty());
                    }
                }
                _ = shutdown.cancelled() => return Ok(()),
            }
        }
    }

    /// Users recorded as present (online or away), to be confirmed by the gateways.
    async fn recorded_present(&self) -> Result<HashMap<UserId, Tracked>, sqlx::Error> {
        let rows: Vec<(Uuid, String)> =
            sqlx::query_as("SELECT user_id, status FROM presence WHERE status <> 'offline'")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(user, status)| {
                let recorded = status.parse().unwrap_or(PresenceStatus::Online);
                (UserId::from_uuid(user), Tracked { recorded, ..Tracked::default() })
            })
            .collect())
    }

    /// Records `changes` in one transaction, each against its user's latest recorded status.
    async fn record(&self, changes: &[(UserId, PresenceStatus)]) -> Result<(), TrackerError> {
        let ids: Vec<String> = changes.iter().map(|(user, _)| user.to_string()).collect();
        let latest: Vec<(String, i64, Option<String>)> = sqlx::query_as(
            "SELECT DISTINCT ON (aggregate_id) aggregate_id, sequence, payload ->> 'status'
             FROM events WHERE aggregate_type = $1 AND aggregate_id = ANY($2)
             ORDER BY aggregate_id, sequence DESC",
        )
        .bind(Presence::TYPE)
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?;
        let latest: HashMap<String, (u64, Option<String>)> =
            latest.into_iter().map(|(id, seq, status)| (id, (seq.max(0) as u64, status))).collect();
        let mut streams = Vec::with_capacity(changes.len());
        for ((user, status), id) in changes.iter().zip(ids) {
            let (version, last) = latest.get(&id).cloned().unwrap_or((0, None));
            let mut presence = Presence::default();
            if let Some(last) = last.and_then(|status| status.parse().ok()) {
                presence.apply(PresenceEvent::PresenceChanged { status: last });
            }
            let meta = CommandMeta { actor: *user, request_id: Uuid::now_v7().to_string(), via: "presence".to_owned() };
            let events: Vec<NewEvent<PresenceEvent>> = presence
                .decide(PresenceCommand::Set { status: *status })
                .into_iter()
                .map(|event| NewEvent { event, meta: meta.clone() })
                .collect();
            if !events.is_empty() {
                streams.push((id, version, events));
            }
        }
        if !streams.is_empty() {
            self.store.append_many::<Presence>(&streams).await?;
        }
        Ok(())
    }
}

fn apply(users: &mut HashMap<UserId, Tracked>, report: PresenceReport) {
    let now = Instant::now();
    for (user, status) in report.users {
        let tracked = users.entry(user).or_default();
        match status {
            PresenceStatus::Offline => {
                tracked.gateways.remove(&report.gateway_id);
            }
            status => {
                tracked.gateways.insert(report.gateway_id.clone(), (status, now));
            }
        }
    }
}

/// The transitions due now. `may_expire` is false while gateways may not have reported yet.
fn evaluate(
    users: &mut HashMap<UserId, Tracked>,
    now: Instant,
    may_expire: bool,
    config: &PresenceConfig,
) -> Vec<(UserId, PresenceStatus)> {
    let mut changes = Vec::new();
    for (user, tracked) in users.iter_mut() {
        tracked.gateways.retain(|_, (_, seen)| now.duration_since(*seen) < config.expiry());
        let statuses = tracked.gateways.values().map(|(status, _)| *status);
        let effective = statuses.fold(PresenceStatus::Offline, |best, status| match (best, status) {
            (PresenceStatus::Online, _) | (_, PresenceStatus::Online) => PresenceStatus::Online,
            _ => PresenceStatus::Away,
        });
        if effective != PresenceStatus::Offline {
            tracked.gone_since = None;
            if effective != tracked.recorded {
                changes.push((*user, effective));
            }
        } else if tracked.recorded != PresenceStatus::Offline && may_expire {
            let gone_since = *tracked.gone_since.get_or_insert(now);
            if now.duration_since(gone_since) >= config.grace {
                changes.push((*user, PresenceStatus::Offline));
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> PresenceConfig {
        PresenceConfig { heartbeat: Duration::from_secs(5), grace: Duration::from_secs(5) }
    }

    fn report(gateway: &str, users: &[(UserId, PresenceStatus)]) -> PresenceReport {
        PresenceReport { gateway_id: gateway.to_owned(), users: users.to_vec() }
    }

    #[tokio::test(start_paused = true)]
    async fn online_anywhere_wins_and_offline_waits_for_the_grace_period() {
        let ada = UserId::from_uuid(Uuid::from_u128(1));
        let mut users = HashMap::new();
        apply(&mut users, report("g1", &[(ada, PresenceStatus::Online)]));
        apply(&mut users, report("g2", &[(ada, PresenceStatus::Away)]));
        assert_eq!(evaluate(&mut users, Instant::now(), true, &config()), vec![(ada, PresenceStatus::Online)]);
        users.get_mut(&ada).unwrap().recorded = PresenceStatus::Online;

        apply(&mut users, report("g1", &[(ada, PresenceStatus::Offline)]));
        assert_eq!(evaluate(&mut users, Instant::now(), true, &config()), vec![(ada, PresenceStatus::Away)]);
        users.get_mut(&ada).unwrap().recorded = PresenceStatus::Away;

        apply(&mut users, report("g2", &[(ada, PresenceStatus::Offline)]));
        assert!(evaluate(&mut users, Instant::now(), true, &config()).is_empty(), "grace period");
        tokio::time::advance(Duration::from_secs(2)).await;
        apply(&mut users, report("g2", &[(ada, PresenceStatus::Online)]));
        assert_eq!(evaluate(&mut users, Instant::now(), true, &config()), vec![(ada, PresenceStatus::Online)]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_gateways_users_expire_after_three_heartbeats_plus_grace() {
        let ada = UserId::from_uuid(Uuid::from_u128(1));
        let mut users = HashMap::new();
        apply(&mut users, report("g1", &[(ada, PresenceStatus::Online)]));
        users.get_mut(&ada).unwrap().recorded = PresenceStatus::Online;
        tokio::time::advance(Duration::from_secs(14)).await;
        assert!(evaluate(&mut users, Instant::now(), true, &config()).is_empty());
        tokio::time::advance(Duration::from_secs(2)).await;
        assert!(evaluate(&mut users, Instant::now(), true, &config()).is_empty(), "expired, now in grace");
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(evaluate(&mut users, Instant::now(), true, &config()), vec![(ada, PresenceStatus::Offline)]);
    }

    #[tokio::test(start_paused = true)]
    async fn nobody_is_declared_gone_before_the_gateways_could_report() {
        let ada = UserId::from_uuid(Uuid::from_u128(1));
        let mut users = HashMap::from([(ada, Tracked { recorded: PresenceStatus::Online, ..Tracked::default() })]);
        assert!(evaluate(&mut users, Instant::now(), false, &config()).is_empty());
    }
}
