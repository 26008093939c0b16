//! The gateway's shared state: room feeds (one NATS subscription per room, ref-counted by the
//! connections in it) and the live connections of each user (for membership changes, and to
//! close them when the user is erased).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chat_auth::Tokens;
use chat_domain::presence::PresenceStatus;
use chat_domain::user::UserEvent;
use chat_domain::{RoomId, UserId};
use chat_nats::Subjects;
use chat_nats::wire::{DeliveryAck, EventMessage, MembershipNotice, decode};
use futures::StreamExt;
use serde::Deserialize;
use sqlx::PgPool;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::backfill;
use crate::config::GatewayConfig;
use crate::connection::{ConnHandle, ConnId, Outbound};
use crate::lock::locked;
use crate::protocol::CloseReason;
use crate::room_feed::RoomFeed;
use crate::room_source::BusRooms;

/// At most this many rooms of a user are listed in `ready` and delivered to a connection.
pub const MAX_ROOMS_PER_USER: i64 = 10_000;

pub struct Hub {
    pub nats: async_nats::Client,
    pub subjects: Subjects,
    pub pool: PgPool,
    pub tokens: Arc<Tokens>,
    pub config: GatewayConfig,
    reconnects: watch::Receiver<u64>,
    /// What room feeds follow and read.
    rooms: Arc<BusRooms>,
    feeds: Mutex<HashMap<RoomId, Arc<RoomFeed>>>,
    users: Mutex<HashMap<UserId, UserConnections>>,
    /// Users seen erased while this gateway runs; locked only with `users` held, so that a
    /// connection checked a moment before its user's erasure was noticed is refused when it
    /// registers (erasures are rare and final: this holds a few ids).
    erased: Mutex<HashSet<UserId>>,
    /// This gateway's presence changes, for the presence reporter.
    presence: mpsc::Sender<(UserId, PresenceStatus)>,
    /// Clients' delivery acknowledgements, for the batcher ([`crate::acks`]).
    acks: mpsc::Sender<DeliveryAck>,
    tasks: TaskTracker,
    draining: CancellationToken,
}

/// A user's connections on this gateway and the status last reported for them.
#[derive(Default)]
pub struct UserConnections {
    conns: HashMap<ConnId, ConnHandle>,
    reported: PresenceStatus,
}

impl UserConnections {
    /// Only admitted connections count: one whose account is still being checked is not shown.
    fn status(&self) -> PresenceStatus {
        let mut admitted = self.conns.values().filter(|conn| conn.is_admitted()).peekable();
        if admitted.peek().is_none() {
            PresenceStatus::Offline
        } else if admitted.all(|conn| conn.is_away()) {
            PresenceStatus::Away
        } else {
            PresenceStatus::Online
        }
    }
}

impl Hub {
    pub fn new(
        connection: chat_nats::connect::Connection,
        subjects: Subjects,
        pool: PgPool,
        tokens: Arc<Tokens>,
        config: GatewayConfig,
        presence: mpsc::Sender<(UserId, PresenceStatus)>,
        acks: mpsc::Sender<DeliveryAck>,
    ) -> Self {
        let (nats, reconnects) = (connection.client, connection.reconnects);
        let rooms = Arc::new(BusRooms {
            nats: nats.clone(),
            subjects: subjects.clone(),
            pool: pool.clone(),
            reconnects: reconnects.clone(),
        });
        Self {
            presence,
            acks,
            rooms,
            nats,
            subjects,
            pool,
            tokens,
            config,
            reconnects,
            feeds: Mutex::default(),
            users: Mutex::default(),
            erased: Mutex::default(),
            tasks: TaskTracker::new(),
            draining: CancellationToken::new(),
        }
    }

    /// A receiver that changes whenever NATS (re)connects.
    pub fn reconnects(&self) -> watch::Receiver<u64> {
        let mut reconnects = self.reconnects.clone();
        reconnects.borrow_and_update();
        reconnects
    }

    /// Adds `conn` to `room`'s feed, subscribing the gateway to the room if it is the first.
    /// Await the returned feed's `ready` before reading the store for what came meanwhile.
    pub fn subscribe(&self, room: RoomId, conn: &ConnHandle) -> Arc<RoomFeed> {
        let mut feeds = locked(&self.feeds);
        let feed = feeds.entry(room).or_insert_with(|| {
            let feed = Arc::new(RoomFeed::new(room, self.config.typing_ttl));
            self.tasks.spawn(feed.clone().run(self.rooms.clone()));
            feed
        });
        feed.add(conn);
        feed.clone()
    }

    /// Removes `conn` from `room`'s feed, unsubscribing the gateway if it was the last.
    pub fn unsubscribe(&self, room: RoomId, conn: ConnId) {
        let mut feeds = locked(&self.feeds);
        if let Some(feed) = feeds.get(&room)
            && feed.remove(conn)
        {
            feed.stop();
            feeds.remove(&room);
        }
    }

    /// How many rooms this gateway is subscribed to.
    pub fn subscribed_rooms(&self) -> usize {
        locked(&self.feeds).len()
    }

    /// Adds `conn` to its user's connections, not yet counted in their presence (see
    /// [`Hub::admit`]); `false` (and not added) if this gateway saw the user erased.
    pub fn register(&self, conn: &ConnHandle) -> bool {
        let mut users = locked(&self.users);
        if locked(&self.erased).contains(&conn.user) {
            return false;
        }
        users.entry(conn.user).or_default().conns.insert(conn.id, conn.clone());
        true
    }

    /// Counts a registered `conn` in its user's presence, once its account was checked.
    pub fn admit(&self, conn: &ConnHandle) {
        conn.admit();
        if let Some(user) = locked(&self.users).get_mut(&conn.user) {
            self.update_presence(conn.user, user);
        }
    }

    pub fn unregister(&self, conn: &ConnHandle) {
        let mut users = locked(&self.users);
        if let Some(user) = users.get_mut(&conn.user) {
            user.conns.remove(&conn.id);
            self.update_presence(conn.user, user);
            if user.conns.is_empty() {
                users.remove(&conn.user);
            }
        }
    }

    /// The client of `conn` reports its user idle (`away`) or active again.
    pub fn set_away(&self, conn: &ConnHandle, away: bool) {
        conn.set_away(away);
        if let Some(user) = locked(&self.users).get_mut(&conn.user) {
            self.update_presence(conn.user, user);
        }
    }

    /// Queues a report when the user's status on this gateway changes (a full queue only
    /// delays the news to the next heartbeat).
    fn update_presence(&self, id: UserId, user: &mut UserConnections) {
        let status = user.status();
        if status != user.reported {
            user.reported = status;
            let _ = self.presence.try_send((id, status));
        }
    }

    /// Hands a client's delivery acknowledgement to the batcher, waiting while its queue is
    /// full (the connection's socket is not read meanwhile).
    pub async fn acknowledge(&self, ack: DeliveryAck) {
        // Closed only once the gateway has stopped: nothing more is sent then.
        let _ = self.acks.send(ack).await;
    }

    /// Every connected user and their status on this gateway (for heartbeats).
    pub fn presence_snapshot(&self) -> Vec<(UserId, PresenceStatus)> {
        locked(&self.users).iter().map(|(id, user)| (*id, user.reported)).collect()
    }

    /// Every room feed, for presence delivery.
    pub fn feeds(&self) -> Vec<Arc<RoomFeed>> {
        locked(&self.feeds).values().cloned().collect()
    }

    /// The users with a connection on this gateway.
    pub fn connected_users(&self) -> Vec<UserId> {
        locked(&self.users).keys().copied().collect()
    }

    pub fn connections_of(&self, user: UserId) -> Vec<ConnHandle> {
        locked(&self.users).get(&user).map(|user| user.conns.values().cloned().collect()).unwrap_or_default()
    }

    /// Closes every connection as draining, including those still identifying.
    pub fn drain(&self) {
        self.draining.cancel();
        for user in locked(&self.users).values() {
            for conn in user.conns.values() {
                conn.closer.close(CloseReason::Draining);
            }
        }
    }

    pub fn is_draining(&self) -> bool {
        self.draining.is_cancelled()
    }

    /// Resolves once the gateway is draining.
    pub async fn draining(&self) {
        self.draining.cancelled().await;
    }

    /// Follows membership notices (start or stop delivering a room to a user's connections)
    /// and, after a NATS reconnect, re-reads every connected user's rooms, since notices sent
    /// while disconnected are lost.
    pub async fn follow_memberships(self: Arc<Self>, mut notices: async_nats::Subscriber, stop: CancellationToken) {
        let mut reconnects = self.reconnects();
        loop {
            tokio::select! {
                message = notices.next() => {
                    let Some(message) = message else { break };
                    match decode::<MembershipNotice>(&message.payload) {
                        Ok(notice) => self.apply(notice),
                        Err(error) => tracing::warn!(%error, "undecodable membership notice"),
                    }
                }
                Ok(()) = reconnects.changed() => {
                    self.tasks.spawn(self.clone().resync_memberships());
                }
                _ = stop.cancelled() => break,
            }
        }
    }

    fn apply(&self, notice: MembershipNotice) {
        let item = || match notice.joined {
            true => Outbound::Attach { room: notice.room_id, after: notice.seq.saturating_sub(1), report: false },
            false => Outbound::Detach { room: notice.room_id, through: Some(notice.seq) },
        };
        for conn in self.connections_of(notice.user_id) {
            conn.deliver(item());
        }
    }

    async fn resync_memberships(self: Arc<Self>) {
        let users: Vec<UserId> = locked(&self.users).keys().copied().collect();
        for user in users {
            match backfill::memberships(&self.pool, user, MAX_ROOMS_PER_USER).await {
                Ok(memberships) => {
                    for conn in self.connections_of(user) {
                        conn.deliver(Outbound::Sync(memberships.clone()));
                    }
                }
                Err(error) => tracing::warn!(%error, %user, "cannot re-read a user's rooms after reconnecting"),
            }
        }
    }

    /// Follows user events and closes the connections of a user who is erased (`UserErased`)
    /// with 4001, as their token no longer stands for an account; after a NATS reconnect,
    /// re-checks every connected user in the event store, since events sent meanwhile are lost.
    pub async fn follow_erasures(self: Arc<Self>, mut events: async_nats::Subscriber, stop: CancellationToken) {
        let mut reconnects = self.reconnects();
        loop {
            tokio::select! {
                message = events.next() => {
                    let Some(message) = message else { break };
                    match decode::<EventMessage>(&message.payload).map(|event| erased_user(&event)) {
                        Ok(Some(user)) => self.close_erased(user),
                        Ok(None) => {}
                        Err(error) => tracing::warn!(%error, "undecodable user event"),
                    }
                }
                Ok(()) = reconnects.changed() => {
                    self.tasks.spawn(self.clone().recheck_accounts());
                }
                _ = stop.cancelled() => break,
            }
        }
    }

    /// Closes `user`'s connections (4001) and refuses their registrations from now on.
    pub fn close_erased(&self, user: UserId) {
        let users = locked(&self.users);
        locked(&self.erased).insert(user);
        let Some(connections) = users.get(&user) else { return };
        tracing::info!(%user, connections = connections.conns.len(), "closing an erased user's connections");
        for conn in connections.conns.values() {
            conn.closer.close(CloseReason::AuthenticationFailed);
        }
    }

    async fn recheck_accounts(self: Arc<Self>) {
        let users: Vec<UserId> = locked(&self.users).keys().copied().collect();
        match chat_feed::users::erased(&self.pool, &users).await {
            Ok(erased) => erased.into_iter().for_each(|user| self.close_erased(user)),
            Err(error) => tracing::warn!(%error, "cannot re-check connected users' accounts after reconnecting"),
        }
    }

    /// Waits for room feeds and background tasks after everything was told to stop.
    pub async fn wait(&self) {
        self.tasks.close();
        self.tasks.wait().await;
    }
}

/// The user a user event says was erased, if it is `UserErased`.
fn erased_user(event: &EventMessage) -> Option<UserId> {
    match UserEvent::deserialize(&event.payload) {
        Ok(UserEvent::UserErased {}) => event.aggregate_id.parse().ok(),
        Ok(
            UserEvent::UserRegistered { .. }
            | UserEvent::VisitorRegistered { .. }
            | UserEvent::VisitorIdentified { .. }
            | UserEvent::ProfileUpdated { .. },
        ) => None,
        Err(error) => {
            tracing::warn!(%error, "undecodable user event payload");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::connection::Connection;

    #[test]
    fn only_admitted_connections_count_in_presence() {
        let user = UserId::from_uuid(Uuid::now_v7());
        let mut connections = UserConnections::default();
        let [first, second] = [0, 1].map(|_| Connection::new(user, 8));
        for conn in [&first, &second] {
            connections.conns.insert(conn.id, conn.clone());
        }
        assert_eq!(connections.status(), PresenceStatus::Offline, "none admitted yet");
        first.admit();
        first.set_away(true);
        assert_eq!(connections.status(), PresenceStatus::Away, "the unadmitted one does not make them online");
        second.admit();
        assert_eq!(connections.status(), PresenceStatus::Online);
    }
}
