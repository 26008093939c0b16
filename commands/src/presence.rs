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
//!
//! # Taking over
//!
//! A tracker that starts or takes over knows nothing yet of which gateway has whom; it only
//! knows who is recorded online or away. So it asks every gateway for a full report at once (a
//! [`PresenceSync`] on `<prefix>.presence.sync`, answered on `<prefix>.presence.reports` like a
//! heartbeat) and records nobody offline until the answers could have come: the sync window,
//! [`SYNC_WINDOW`] (1 s), or three heartbeats if that is shorter. The grace period runs
//! meanwhile, counted from when the tracker first saw the user gone. So after a takeover:
//!
//! - a user who stays connected sees nothing happen (their gateway answers in milliseconds);
//! - a user who leaves is recorded offline one grace period after they left (with the default
//!   5 s grace, 5 to 5.5 s later, as without a takeover); only a grace shorter than the window
//!   waits for the window's end;
//! - a user who left while no tracker was active, still recorded online, is recorded offline one
//!   grace period after the takeover (at least the window), since no gateway reports them;
//! - the users of a gateway that does not answer (one of an older version during a rolling
//!   upgrade, or one cut off from NATS just then; it reports as soon as it reconnects) are
//!   confirmed by its next heartbeat. That comes within the grace period when the grace is at
//!   least the heartbeat (the defaults: both 5 s); with a shorter grace some of them may be
//!   recorded offline and, at that heartbeat, online again: one brief false offline, once.
//!   Upgrading the gateways before the command services avoids even that.
//!
//! Before the sync, a takeover held every offline transition for three heartbeats and only
//! then started the grace period: a user leaving after a restart showed online for ~20 s.

use std::collections::HashMap;
use std::time::Duration;

use chat_domain::UserId;
use chat_domain::presence::{Presence, PresenceCommand, PresenceEvent, PresenceStatus};
use chat_feed::lease;
use chat_nats::Subjects;
use chat_nats::wire::{PresenceReport, PresenceSync, decode, encode};
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

    /// How long a tracker that has just taken over records nobody offline.
    fn sync_window(&self) -> Duration {
        SYNC_WINDOW.min(self.expiry())
    }
}

/// How long after its sync request a tracker that has just taken over waits before it records
/// anyone offline: time for the request to reach every gateway and their full reports to come
/// back and be applied. That is milliseconds on a healthy bus, even for a gateway of 100,000
/// users (100 report messages); a second leaves room for a loaded machine and the 500 ms tick.
/// Gateways that do not answer in time are covered by the grace period, which runs meanwhile
/// (see the module doc).
const SYNC_WINDOW: Duration = Duration::from_secs(1);

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
        // Every gateway reports all its users at once (the subscription went out first on this
        // connection, so no answer is missed); until they could have, nobody is recorded gone.
        // Without a sync, only three heartbeats are sure to have brought every gateway's report.
        let sync = self.nats.publish(self.subjects.presence_sync(), encode(&PresenceSync::default())).await;
        let hold = match sync {
            Ok(()) => self.config.sync_window(),
            Err(error) => {
                tracing::warn!(%error, "cannot ask the gateways for their users; waiting for heartbeats");
                self.config.expiry()
            }
        };
        let mut users = self.recorded_present().await?;
        // Counted from here: answers that came during the query are still queued, unapplied.
        let hold_until = Instant::now() + hold;
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

/// The transitions due now. `may_expire` is false while gateways may not have reported yet:
/// then nobody is recorded offline, but the grace period of those who are gone already runs.
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
        } else if tracked.recorded != PresenceStatus::Offline {
            let gone_since = *tracked.gone_since.get_or_insert(now);
            if may_expire && now.duration_since(gone_since) >= config.grace {
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

    /// A tracker that has just taken over, with `online` recorded online (loaded from the
    /// presence table), holding offline transitions for its sync window.
    struct TakenOver {
        users: HashMap<UserId, Tracked>,
        at: Instant,
        config: PresenceConfig,
    }

    impl TakenOver {
        fn new(online: &[UserId], config: PresenceConfig) -> Self {
            let users = online
                .iter()
                .map(|user| (*user, Tracked { recorded: PresenceStatus::Online, ..Tracked::default() }))
                .collect();
            Self { users, at: Instant::now(), config }
        }

        /// One tick of the tracker now: the transitions it records.
        fn tick(&mut self) -> Vec<(UserId, PresenceStatus)> {
            let now = Instant::now();
            let may_expire = now >= self.at + self.config.sync_window();
            let mut changes = evaluate(&mut self.users, now, may_expire, &self.config);
            for (user, status) in &changes {
                self.users.get_mut(user).unwrap().recorded = *status;
            }
            changes.sort_by_key(|(user, _)| *user);
            changes
        }

        /// Runs the paused clock to `until` after the takeover, ticking every [`TICK`] from the
        /// takeover as the tracker does; answers what was recorded, and when.
        async fn run_until(&mut self, until: Duration) -> Vec<(Duration, UserId, PresenceStatus)> {
            let mut recorded = Vec::new();
            let mut next = TICK * (self.at.elapsed().as_millis() / TICK.as_millis() + 1) as u32;
            while next <= until {
                tokio::time::sleep_until(self.at + next).await;
                recorded.extend(self.tick().into_iter().map(|(user, status)| (next, user, status)));
                next += TICK;
            }
            tokio::time::sleep_until(self.at + until).await;
            recorded
        }
    }

    #[test]
    fn the_sync_window_is_a_second_and_never_longer_than_three_heartbeats() {
        assert_eq!(config().sync_window(), Duration::from_secs(1));
        let fast = PresenceConfig { heartbeat: Duration::from_millis(300), grace: Duration::from_millis(400) };
        assert_eq!(fast.sync_window(), Duration::from_millis(900));
    }

    #[tokio::test(start_paused = true)]
    async fn after_a_takeover_a_user_who_leaves_is_offline_one_grace_period_later() {
        let (ada, bob) = (UserId::from_uuid(Uuid::from_u128(1)), UserId::from_uuid(Uuid::from_u128(2)));
        let mut tracker = TakenOver::new(&[ada, bob], config());
        // g1 answers the sync at once: Ada is there; Bob, recorded online, left while no tracker
        // was active and is on no gateway.
        apply(&mut tracker.users, report("g1", &[(ada, PresenceStatus::Online)]));
        assert!(tracker.tick().is_empty());
        tokio::time::advance(Duration::from_millis(100)).await;
        apply(&mut tracker.users, report("g1", &[(ada, PresenceStatus::Offline)]));

        // Both are recorded offline one grace period (5 s) after the tracker saw them gone — not
        // after three heartbeats (15 s) plus the grace, as before the sync.
        let recorded = tracker.run_until(Duration::from_secs(30)).await;
        let five = Duration::from_secs(5);
        assert_eq!(
            recorded,
            [(five, bob, PresenceStatus::Offline), (five + TICK, ada, PresenceStatus::Offline)],
            "Bob gone since the takeover, Ada since 100 ms later (seen at the next tick)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_grace_period_shorter_than_the_sync_window_waits_for_the_window() {
        let ada = UserId::from_uuid(Uuid::from_u128(1));
        let short = PresenceConfig { heartbeat: Duration::from_secs(5), grace: Duration::from_millis(200) };
        let mut tracker = TakenOver::new(&[ada], short);
        assert!(tracker.tick().is_empty());
        // No gateway has Ada; her grace is over at 200 ms, but gateways may still be answering.
        let recorded = tracker.run_until(Duration::from_secs(3)).await;
        assert_eq!(recorded, [(Duration::from_secs(1), ada, PresenceStatus::Offline)]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_gateway_that_misses_the_sync_is_heard_by_its_heartbeat_within_the_grace_period() {
        let ada = UserId::from_uuid(Uuid::from_u128(1));
        let mut tracker = TakenOver::new(&[ada], config());
        assert!(tracker.tick().is_empty());
        // An older gateway ignores the sync; its next heartbeat comes within one heartbeat (5 s),
        // before the grace period (5 s from the takeover) is over.
        assert!(tracker.run_until(Duration::from_millis(4900)).await.is_empty());
        apply(&mut tracker.users, report("old", &[(ada, PresenceStatus::Online)]));
        assert!(tracker.run_until(Duration::from_secs(10)).await.is_empty(), "no false offline");
        assert_eq!(tracker.users[&ada].recorded, PresenceStatus::Online);
    }
}
