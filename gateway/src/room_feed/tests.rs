//! A room feed over an in-memory source: ordered, gap-free dispatch, filling gaps and catching
//! up after a reconnect from the store, membership changes, typing, receipts. (The same feed over NATS
//! and Postgres is covered by the black-box tests in `tests/system`.)

use std::sync::Mutex;

use chat_domain::room::Role;
use chat_domain::text::{ClientMsgId, MessageBody};
use chat_domain::{MessageId, UserId};
use chat_nats::wire::MemberReceipt;
use chrono::Utc;
use futures::FutureExt;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::*;
use crate::connection::Connection;

const TYPING_TTL: Duration = Duration::from_secs(6);

fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

fn room() -> RoomId {
    RoomId::from_uuid(Uuid::from_u128(100))
}

fn message(seq: u64, event: RoomEvent) -> EventMessage {
    EventMessage {
        aggregate_type: "room".to_owned(),
        aggregate_id: room().to_string(),
        seq,
        event_type: event.name().to_owned(),
        event_version: event.version().to_owned(),
        payload: serde_json::to_value(&event).unwrap(),
        actor: None,
        recorded_at: Utc::now(),
    }
}

fn posted(seq: u64, author: UserId) -> EventMessage {
    let event = RoomEvent::MessagePosted {
        message_id: MessageId::from_uuid(Uuid::now_v7()),
        author,
        body: MessageBody::parse(format!("message {seq}")).unwrap().into(),
        client_msg_id: ClientMsgId::parse(format!("c{seq}")).unwrap(),
        reply_to: None,
        mentions: vec![],
        attachments: vec![],
    };
    message(seq, event)
}

fn joined(seq: u64, user: UserId) -> EventMessage {
    message(seq, RoomEvent::MemberJoined { user_id: user, role: Role::Member, added_by: None })
}

fn left(seq: u64, user: UserId) -> EventMessage {
    message(seq, RoomEvent::MemberLeft { user_id: user, removed_by: None })
}

/// The room's store and live stream, in memory.
struct Memory {
    stored: Mutex<Vec<EventMessage>>,
    live: Mutex<Option<mpsc::UnboundedReceiver<RoomMessage>>>,
    members: Vec<UserId>,
    reconnects: watch::Sender<u64>,
}

impl Memory {
    /// A room whose store holds `stored` and whose members are `members`; returns the sender
    /// of its live messages too.
    fn new(stored: Vec<EventMessage>, members: Vec<UserId>) -> (Arc<Self>, mpsc::UnboundedSender<RoomMessage>) {
        let (send, live) = mpsc::unbounded_channel();
        let memory = Self {
            stored: Mutex::new(stored),
            live: Mutex::new(Some(live)),
            members,
            reconnects: watch::Sender::new(0),
        };
        (Arc::new(memory), send)
    }

    /// Commits `event` to the store without publishing it (as if the bus lost it).
    fn store(&self, event: EventMessage) {
        self.stored.lock().unwrap().push(event);
    }
}

impl RoomStore for Memory {
    async fn events_after(&self, _: RoomId, after: u64) -> Result<Vec<EventMessage>, sqlx::Error> {
        let stored = self.stored.lock().unwrap();
        Ok(stored.iter().filter(|event| event.seq > after).take(crate::backfill::PAGE).cloned().collect())
    }

    async fn last_seq(&self, _: RoomId) -> Result<u64, sqlx::Error> {
        Ok(self.stored.lock().unwrap().last().map_or(0, |event| event.seq))
    }
}

impl RoomSource for Memory {
    async fn subscribe(&self, _: RoomId) -> Result<BoxStream<'static, RoomMessage>, BoxError> {
        let live = self.live.lock().unwrap().take().ok_or("subscribed twice")?;
        Ok(futures::stream::unfold(live, |mut live| async { live.recv().await.map(|message| (message, live)) }).boxed())
    }

    async fn members(&self, _: RoomId) -> Result<Vec<UserId>, sqlx::Error> {
        Ok(self.members.clone())
    }

    fn reconnects(&self) -> watch::Receiver<u64> {
        self.reconnects.subscribe()
    }
}

/// A feed over `memory` with one subscriber, live.
async fn start(memory: &Arc<Memory>) -> (Arc<RoomFeed>, ConnHandle) {
    let feed = Arc::new(RoomFeed::new(room(), TYPING_TTL));
    let conn = Connection::new(user(99), 1024);
    feed.add(&conn);
    tokio::spawn(feed.clone().run(memory.clone()));
    feed.ready().await;
    (feed, conn)
}

/// Waits for the next item queued for `conn`.
async fn next(conn: &ConnHandle) -> Outbound {
    tokio::time::timeout(Duration::from_secs(5), conn.next_outbound()).await.expect("an item for the connection")
}

/// The sequences of the next `n` events queued for `conn`.
async fn next_seqs(conn: &ConnHandle, n: usize) -> Vec<u64> {
    let mut seqs = Vec::new();
    while seqs.len() < n {
        match next(conn).await {
            Outbound::Event(dispatch) => seqs.push(dispatch.seq),
            other => panic!("expected an event, got {other:?}"),
        }
    }
    seqs
}

fn nothing_queued(conn: &ConnHandle) -> bool {
    conn.next_outbound().now_or_never().is_none()
}

#[tokio::test]
async fn live_events_go_out_once_in_order_and_a_jump_is_filled_from_the_store_first() {
    let (memory, live) = Memory::new((1..=3).map(|seq| posted(seq, user(1))).collect(), vec![user(1)]);
    let (feed, conn) = start(&memory).await;

    live.send(RoomMessage::Event(posted(3, user(1)))).unwrap();
    live.send(RoomMessage::Event(posted(4, user(1)))).unwrap();
    live.send(RoomMessage::Event(posted(4, user(1)))).unwrap();
    // 5 and 6 were committed but never reached the bus.
    for seq in 4..=7 {
        memory.store(posted(seq, user(1)));
    }
    live.send(RoomMessage::Event(posted(7, user(1)))).unwrap();
    assert_eq!(next_seqs(&conn, 4).await, [4, 5, 6, 7]);
    live.send(RoomMessage::Event(posted(5, user(1)))).unwrap();
    memory.store(posted(8, user(1)));
    live.send(RoomMessage::Event(posted(8, user(1)))).unwrap();
    assert_eq!(next_seqs(&conn, 1).await, [8]);
    assert!(nothing_queued(&conn));
    feed.stop();
}

#[tokio::test]
async fn after_a_reconnect_the_feed_reads_what_the_bus_may_have_lost() {
    let (memory, _live) = Memory::new(vec![posted(1, user(1))], vec![user(1)]);
    let (feed, conn) = start(&memory).await;
    memory.store(posted(2, user(1)));
    memory.store(posted(3, user(1)));
    memory.reconnects.send_modify(|n| *n += 1);
    assert_eq!(next_seqs(&conn, 2).await, [2, 3]);
    feed.stop();
}

#[tokio::test]
async fn membership_events_keep_the_members_and_mark_who_left() {
    let (ada, bob) = (user(1), user(2));
    let (memory, live) = Memory::new(vec![joined(1, ada)], vec![ada]);
    let (feed, conn) = start(&memory).await;
    let everyone = HashMap::from([(ada, ()), (bob, ())]);
    let concerned =
        |feed: &RoomFeed| feed.presence_recipients(&everyone, 10).unwrap().0.into_iter().collect::<HashSet<_>>();

    live.send(RoomMessage::Event(joined(2, bob))).unwrap();
    let Outbound::Event(dispatch) = next(&conn).await else { panic!("expected an event") };
    assert_eq!((dispatch.seq, dispatch.left), (2, None));
    assert_eq!(concerned(feed.as_ref()), HashSet::from([ada, bob]));

    live.send(RoomMessage::Event(left(3, ada))).unwrap();
    let Outbound::Event(dispatch) = next(&conn).await else { panic!("expected an event") };
    assert_eq!((dispatch.seq, dispatch.left), (3, Some(ada)));
    assert_eq!(concerned(feed.as_ref()), HashSet::from([bob]));
    feed.stop();
}

/// The next item for `conn`, which must be a typing frame: who, and whether typing.
async fn next_typing(conn: &ConnHandle) -> (UserId, bool) {
    match next(conn).await {
        Outbound::Typing(typing) => {
            let frame: serde_json::Value = serde_json::from_str(typing.frame.as_str()).unwrap();
            (typing.user, frame["typing"].as_bool().unwrap())
        }
        other => panic!("expected a typing frame, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn typing_shows_once_stops_with_a_post_and_expires_unless_renewed() {
    let (ada, bob) = (user(1), user(2));
    let (memory, live) = Memory::new(vec![joined(1, ada), joined(2, bob)], vec![ada, bob]);
    let (feed, conn) = start(&memory).await;
    let typing = |user, typing| RoomMessage::Typing(TypingNotice { room_id: room(), user_id: user, typing });

    live.send(typing(ada, true)).unwrap();
    live.send(typing(ada, true)).unwrap();
    assert_eq!(next_typing(&conn).await, (ada, true));
    live.send(RoomMessage::Event(posted(3, ada))).unwrap();
    assert_eq!(next_typing(&conn).await, (ada, false));
    assert_eq!(next_seqs(&conn, 1).await, [3]);

    live.send(typing(bob, true)).unwrap();
    assert_eq!(next_typing(&conn).await, (bob, true));
    tokio::time::sleep(TYPING_TTL + TYPING_TTL / 2).await;
    assert_eq!(next_typing(&conn).await, (bob, false));
    assert!(nothing_queued(&conn));
    feed.stop();
}

#[tokio::test]
async fn receipts_go_to_every_connection_one_frame_per_member_delivered_at_least_read() {
    let (ada, bob) = (user(1), user(2));
    let (memory, live) = Memory::new(vec![joined(1, ada), joined(2, bob)], vec![ada, bob]);
    let (feed, conn) = start(&memory).await;
    let receipt = |user_id, delivered_seq, read_seq| MemberReceipt { user_id, delivered_seq, read_seq };
    // (`read_seq` past `delivered_seq` happens when the read model moved on meanwhile.)
    let notice = ReceiptNotice { room_id: room(), receipts: vec![receipt(ada, 7, 2), receipt(bob, 3, 5)] };
    live.send(RoomMessage::Receipts(notice)).unwrap();
    let mut frames = Vec::new();
    for _ in 0..2 {
        match next(&conn).await {
            Outbound::Receipt(receipt) => {
                assert_eq!(receipt.room, room());
                frames.push(serde_json::from_str::<serde_json::Value>(receipt.frame.as_str()).unwrap());
            }
            other => panic!("expected a receipt, got {other:?}"),
        }
    }
    let frame = |user: UserId, delivered: u64, read: u64| serde_json::json!({"type": "receipt", "room_id": room(), "user_id": user, "delivered_seq": delivered, "read_seq": read});
    assert_eq!(frames, [frame(ada, 7, 2), frame(bob, 5, 5)]);
    assert!(nothing_queued(&conn));
    feed.stop();
}
