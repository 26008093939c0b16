//! The `search` projector and the search queries against a real Postgres (a fresh migrated
//! database per test), with the `rooms` and `users` projectors beside it as in the server.
//!
//! What this file proves:
//! - **Who finds what**: a search finds messages of the rooms the caller is a member of now —
//!   their whole history, none of a room they left, all again once they are back;
//! - **The index follows the messages**: an edit is found by its new text and not by the old,
//!   a delete is found no more, an erased author's messages are never found;
//! - **Set-wise pages equal a replay**: the index built event by event, in pages of three, and
//!   by a rebuild (one page, and in lanes by room) are the same rows;
//! - filters, both orders, paging without duplicates or gaps (also while messages arrive),
//!   snippets that are escaped HTML with `<mark>` only, accent- and case-insensitive matching
//!   with English stems, and the user directory's rule.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chat_domain::redaction::Redactable;
use chat_domain::room::{Role, Room, RoomEvent, RoomKind, Visibility};
use chat_domain::text::{ClientMsgId, DisplayName, MessageBody, RoomName, Username};
use chat_domain::user::{User, UserEvent};
use chat_domain::{MessageId, RoomId, UserId};
use chat_feed::{Checkpoint, FeedSink, read_batch};
use chat_projections::erasure::redact_read_models;
use chat_projections::projectors::{RoomsProjector, SearchProjector, SearchableKind, UsersProjector};
use chat_projections::queries::search::{self, Search, SearchCursor, SearchFilters, SearchOrder, SearchPage};
use chat_projections::queries::users;
use chat_projections::rebuild::{build_shadow, build_shadow_in_lanes};
use chrono::{DateTime, Utc};
use cqrs_es::{Aggregate, DomainEvent};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::time::Instant;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// A small world of users and rooms, written as events
// ---------------------------------------------------------------------------------------------

struct World {
    pool: PgPool,
    /// Each room's last sequence.
    seqs: HashMap<RoomId, i64>,
    posts: u32,
}

impl World {
    fn new(pool: &PgPool) -> Self {
        Self { pool: pool.clone(), seqs: HashMap::new(), posts: 0 }
    }

    async fn append<A: Aggregate>(&self, id: String, sequence: i64, event: &A::Event) {
        sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
             VALUES ($1, $2, $3, $4, $5, $6, '{}')",
        )
        .bind(A::TYPE)
        .bind(id)
        .bind(sequence)
        .bind(event.event_type())
        .bind(event.event_version())
        .bind(serde_json::to_value(event).unwrap())
        .execute(&self.pool)
        .await
        .unwrap();
    }

    async fn room_event(&mut self, room: RoomId, event: RoomEvent) {
        let seq = self.seqs.entry(room).or_default();
        *seq += 1;
        let seq = *seq;
        self.append::<Room>(room.to_string(), seq, &event).await;
    }

    async fn user(&mut self, username: &str, display_name: &str) -> UserId {
        let user = UserId::from_uuid(Uuid::now_v7());
        let registered = UserEvent::UserRegistered {
            username: Username::parse(username).unwrap().into(),
            display_name: DisplayName::parse(display_name).unwrap().into(),
        };
        self.append::<User>(user.to_string(), 1, &registered).await;
        user
    }

    async fn room(&mut self, name: &str, owner: UserId) -> RoomId {
        let room = RoomId::from_uuid(Uuid::now_v7());
        let kind = RoomKind::Group { name: RoomName::parse(name).unwrap(), visibility: Visibility::Public };
        self.room_event(room, RoomEvent::RoomCreated { kind, created_by: owner }).await;
        self.room_event(room, RoomEvent::MemberJoined { user_id: owner, role: Role::Owner, added_by: None }).await;
        room
    }

    async fn join(&mut self, room: RoomId, user: UserId) {
        self.room_event(room, RoomEvent::MemberJoined { user_id: user, role: Role::Member, added_by: None }).await;
    }

    async fn leave(&mut self, room: RoomId, user: UserId) {
        self.room_event(room, RoomEvent::MemberLeft { user_id: user, removed_by: None }).await;
    }

    async fn post_as(&mut self, room: RoomId, author: UserId, body: Redactable<MessageBody>) -> MessageId {
        let message_id = MessageId::from_uuid(Uuid::now_v7());
        self.posts += 1;
        let client_msg_id = ClientMsgId::parse(format!("m-{}", self.posts)).unwrap();
        let posted = RoomEvent::MessagePosted {
            message_id,
            author,
            body,
            client_msg_id,
            reply_to: None,
            mentions: vec![],
            attachments: vec![],
        };
        self.room_event(room, posted).await;
        message_id
    }

    async fn post(&mut self, room: RoomId, author: UserId, body: &str) -> MessageId {
        self.post_as(room, author, MessageBody::parse(body).unwrap().into()).await
    }

    async fn edit(&mut self, room: RoomId, message_id: MessageId, by: UserId, body: Redactable<MessageBody>) {
        self.room_event(room, RoomEvent::MessageEdited { message_id, body, edited_by: by }).await;
    }

    async fn delete(&mut self, room: RoomId, message_id: MessageId, by: UserId) {
        self.room_event(room, RoomEvent::MessageDeleted { message_id, deleted_by: by }).await;
    }
}

fn text(body: &str) -> Redactable<MessageBody> {
    MessageBody::parse(body).unwrap().into()
}

/// How long events may stay held back by other tests' transactions (the feed's horizon is the
/// cluster's) before a test fails.
const DEADLINE: Duration = Duration::from_secs(60);

/// Runs `sink` over everything committed so far on `conn`, `page` events per transaction;
/// with `name`, each page is committed with that feed's checkpoint, as the runner does.
async fn apply_feed<S: FeedSink>(conn: &mut PgConnection, name: Option<&str>, sink: &mut S, page: i64) {
    let mut checkpoint = match name {
        Some(name) => Checkpoint::load(conn, name).await.unwrap(),
        None => Checkpoint::default(),
    };
    let deadline = Instant::now() + DEADLINE;
    loop {
        let mut tx = conn.begin().await.unwrap();
        let batch = read_batch(&mut tx, checkpoint, page).await.unwrap();
        if let Some(last) = batch.events.last() {
            let next = last.checkpoint();
            sink.handle(&mut tx, &batch.events).await.unwrap();
            if let Some(name) = name {
                next.advance(&mut tx, name, checkpoint).await.unwrap();
            }
            tx.commit().await.unwrap();
            checkpoint = next;
            continue;
        }
        tx.rollback().await.unwrap();
        if !batch.held_back {
            return;
        }
        assert!(Instant::now() < deadline, "events stayed held back");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn project_with<S: FeedSink>(pool: &PgPool, name: &str, sink: &mut S, page: i64) {
    apply_feed(&mut pool.acquire().await.unwrap(), Some(name), sink, page).await;
}

/// The three projectors a search reads, caught up; the search index in pages of `page`.
async fn project_pages(pool: &PgPool, page: i64) {
    project_with(pool, UsersProjector::NAME, &mut UsersProjector, 100).await;
    project_with(pool, RoomsProjector::NAME, &mut RoomsProjector, 100).await;
    project_with(pool, SearchProjector::NAME, &mut SearchProjector, page).await;
}

async fn project(pool: &PgPool) {
    project_pages(pool, 3).await;
}

fn search_for(viewer: UserId, text: &str) -> Search<'_> {
    Search { viewer, text, filters: SearchFilters::default(), order: SearchOrder::Relevance, cursor: None, limit: 50 }
}

async fn run(pool: &PgPool, search: &Search<'_>) -> SearchPage {
    search::search(pool, search).await.unwrap()
}

/// The ids found by `viewer` for `text` (one page of at most 50).
async fn found(pool: &PgPool, viewer: UserId, text: &str) -> HashSet<MessageId> {
    run(pool, &search_for(viewer, text)).await.hits.iter().map(|hit| MessageId::from_uuid(hit.message_id)).collect()
}

fn ids(messages: &[MessageId]) -> HashSet<MessageId> {
    messages.iter().copied().collect()
}

// ---------------------------------------------------------------------------------------------
// Who finds what
// ---------------------------------------------------------------------------------------------

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn a_search_finds_messages_of_the_rooms_the_caller_is_in_now_and_only_those(pool: PgPool) {
    let mut world = World::new(&pool);
    let (alice, bob, carol) =
        (world.user("alice", "Alice").await, world.user("bob", "Bob").await, world.user("carol", "Carol").await);
    let (garden, kitchen) = (world.room("garden", alice).await, world.room("kitchen", alice).await);
    let early = world.post(kitchen, alice, "apples before bob joined").await;
    world.join(kitchen, bob).await;
    let in_garden = world.post(garden, alice, "apples in the garden").await;
    let in_kitchen = world.post(kitchen, bob, "apples in the kitchen").await;
    project(&pool).await;

    assert_eq!(found(&pool, alice, "apples").await, ids(&[early, in_garden, in_kitchen]));
    assert_eq!(found(&pool, bob, "apples").await, ids(&[early, in_kitchen]), "the whole history of his room only");
    assert!(found(&pool, carol, "apples").await.is_empty(), "a user in no room finds nothing");

    // Leaving loses the room's messages, his own included; coming back finds them all again,
    // with what was posted meanwhile.
    world.leave(kitchen, bob).await;
    let while_away = world.post(kitchen, alice, "apples while bob was away").await;
    project(&pool).await;
    assert!(found(&pool, bob, "apples").await.is_empty(), "a former member finds nothing of the room");
    world.join(kitchen, bob).await;
    project(&pool).await;
    assert_eq!(found(&pool, bob, "apples").await, ids(&[early, in_kitchen, while_away]));

    // A room filter for a room one is not in finds nothing either.
    let mut search = search_for(bob, "apples");
    search.filters.room = Some(garden);
    assert!(run(&pool, &search).await.hits.is_empty());
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn an_edit_is_found_by_its_new_text_only_and_a_delete_is_found_no_more(pool: PgPool) {
    let mut world = World::new(&pool);
    let alice = world.user("alice", "Alice").await;
    let room = world.room("notes", alice).await;
    let message = world.post(room, alice, "the meeting is on tuesday").await;
    project(&pool).await;
    assert_eq!(found(&pool, alice, "tuesday").await, ids(&[message]));

    world.edit(room, message, alice, text("the meeting moved to thursday")).await;
    project(&pool).await;
    assert!(found(&pool, alice, "tuesday").await.is_empty(), "the old text is not found");
    let hits = run(&pool, &search_for(alice, "thursday")).await.hits;
    assert_eq!(hits.iter().map(|hit| MessageId::from_uuid(hit.message_id)).collect::<Vec<_>>(), [message]);
    assert!(hits[0].edited_at.is_some(), "the hit says it was edited");
    assert_eq!(hits[0].room_name.as_deref(), Some("notes"));

    world.delete(room, message, alice).await;
    project(&pool).await;
    assert!(found(&pool, alice, "thursday").await.is_empty(), "a deleted message is not found");
    assert!(found(&pool, alice, "meeting").await.is_empty());
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn an_erased_authors_messages_are_never_found(pool: PgPool) {
    let mut world = World::new(&pool);
    let (alice, mallory) = (world.user("alice", "Alice").await, world.user("mallory", "Mallory").await);
    let room = world.room("lobby", alice).await;
    world.join(room, mallory).await;
    let kept = world.post(room, alice, "secret handshake of alice").await;
    world.post(room, mallory, "secret handshake of mallory").await;
    project(&pool).await;
    assert_eq!(found(&pool, alice, "secret").await.len(), 2);

    // What the erasure does to the read models (its transaction also redacts the events).
    let mut conn = pool.acquire().await.unwrap();
    let redacted = redact_read_models(&mut conn, mallory).await.unwrap();
    assert_eq!(redacted.search_entries, 1);
    assert_eq!(found(&pool, alice, "secret").await, ids(&[kept]));

    // Redacted posts and edits, as the store holds them after an erasure, index nothing.
    let redacted_post = world.post_as(room, mallory, Redactable::Redacted).await;
    let edited = world.post(room, mallory, "secret again").await;
    world.edit(room, edited, mallory, Redactable::Redacted).await;
    project(&pool).await;
    let found_now = found(&pool, alice, "secret").await;
    assert_eq!(found_now, ids(&[kept]), "neither {redacted_post} nor {edited} is searchable");
}

// ---------------------------------------------------------------------------------------------
// Replay equality
// ---------------------------------------------------------------------------------------------

/// How the search tables of schemas `left` and `right` differ (empty if they are equal).
async fn differences(pool: &PgPool, left: &str, right: &str) -> Vec<String> {
    let mut differences = Vec::new();
    for table in SearchProjector::TABLES {
        for (from, to) in [(left, right), (right, left)] {
            let only = format!("TABLE {from}.{table} EXCEPT ALL TABLE {to}.{table}");
            let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT to_jsonb(d)::text FROM ({only}) d LIMIT 3"))
                .fetch_all(pool)
                .await
                .unwrap();
            if !rows.is_empty() {
                differences.push(format!("{table}: rows only in {from}, e.g. {rows:#?}"));
            }
        }
    }
    differences
}

/// A history with every case of the fold: posts, edits (one and several), deletes of new and
/// of edited messages, posts deleted right away, redacted posts and edits, in three rooms.
async fn mixed_history(world: &mut World) {
    let (alice, bob) = (world.user("alice", "Alice").await, world.user("bob", "Bob").await);
    let rooms = [world.room("one", alice).await, world.room("two", alice).await, world.room("three", bob).await];
    world.join(rooms[0], bob).await;
    for round in 0..12 {
        let room = rooms[round % 3];
        let author = if round % 2 == 0 { alice } else { bob };
        let author = if room == rooms[2] { bob } else { author };
        let a = world.post(room, author, &format!("round {round} apples and pears")).await;
        let b = world.post(room, author, &format!("round {round} cherries")).await;
        world.edit(room, a, author, text(&format!("round {round} edited once"))).await;
        if round % 2 == 0 {
            world.edit(room, a, author, text(&format!("round {round} edited twice <b>bold</b>"))).await;
        }
        if round % 3 == 0 {
            world.delete(room, b, author).await;
        }
        if round % 4 == 0 {
            world.delete(room, a, author).await;
        }
        if round % 5 == 0 {
            world.post_as(room, author, Redactable::Redacted).await;
            world.edit(room, b, author, Redactable::Redacted).await;
        }
    }
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn the_index_is_the_same_event_by_event_in_pages_and_rebuilt(pool: PgPool) {
    let mut world = World::new(&pool);
    mixed_history(&mut world).await;
    project_pages(&pool, 1).await;
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM search_messages").fetch_one(&pool).await.unwrap();
    assert!(count > 10, "the history leaves messages to find ({count})");

    // In pages of three, into a copy of the table.
    sqlx::query("CREATE SCHEMA paged").execute(&pool).await.unwrap();
    sqlx::query("CREATE TABLE paged.search_messages (LIKE public.search_messages INCLUDING ALL)")
        .execute(&pool)
        .await
        .unwrap();
    {
        let mut conn = pool.acquire().await.unwrap();
        sqlx::query("SET search_path TO paged").execute(&mut *conn).await.unwrap();
        apply_feed(&mut conn, None, &mut SearchProjector, 3).await;
        sqlx::query("RESET search_path").execute(&mut *conn).await.unwrap();
    }
    let paged = differences(&pool, "public", "paged").await;
    assert!(paged.is_empty(), "event by event and in pages of three differ:\n{}", paged.join("\n"));

    // A rebuild: the whole history as one page.
    let shadow = build_shadow(&pool, SearchProjector::NAME, SearchProjector::TABLES, &mut SearchProjector, |_| {})
        .await
        .unwrap();
    let rebuilt = differences(&pool, "public", &shadow.schema).await;
    shadow.discard().await.unwrap();
    assert!(rebuilt.is_empty(), "the live index and a rebuild differ:\n{}", rebuilt.join("\n"));

    // A rebuild in three lanes, the rooms shared out among them (as `chat projections rebuild
    // search` does with one lane per core).
    let shadow =
        build_shadow_in_lanes(&pool, SearchProjector::NAME, SearchProjector::TABLES, &SearchProjector, 3, |_| {})
            .await
            .unwrap();
    let rebuilt = differences(&pool, "public", &shadow.schema).await;
    shadow.discard().await.unwrap();
    assert!(rebuilt.is_empty(), "the live index and a rebuild in lanes differ:\n{}", rebuilt.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Filters, orders, paging
// ---------------------------------------------------------------------------------------------

/// Every hit of `search` (from its cursor on), page after page of `limit`, checking that each page's cursor leads to
/// the next.
async fn all_pages(pool: &PgPool, search: &Search<'_>, limit: i64) -> Vec<MessageId> {
    let mut search = Search { limit, ..search.clone() };
    let mut seen = Vec::new();
    for _ in 0..100 {
        let page = run(pool, &search).await;
        assert!(page.hits.len() as i64 <= limit);
        seen.extend(page.hits.iter().map(|hit| MessageId::from_uuid(hit.message_id)));
        match page.next {
            Some(next) => {
                assert_eq!(page.hits.len() as i64, limit, "only a full page has a next one");
                assert_eq!(next.to_string().parse::<SearchCursor>(), Ok(next));
                search.cursor = Some(next);
            }
            None => return seen,
        }
    }
    panic!("paging did not end");
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn filters_narrow_orders_sort_and_pages_neither_repeat_nor_skip(pool: PgPool) {
    let mut world = World::new(&pool);
    let (alice, bob) = (world.user("alice", "Alice").await, world.user("bob", "Bob").await);
    let (red, blue) = (world.room("red", alice).await, world.room("blue", alice).await);
    world.join(red, bob).await;
    let mut posted = Vec::new();
    for n in 0..23 {
        let (room, author) = if n % 3 == 0 { (blue, alice) } else { (red, if n % 2 == 0 { alice } else { bob }) };
        // Every message says "kiwi"; some say it three times (more relevant).
        let body = if n % 5 == 0 { format!("kiwi kiwi kiwi number {n}") } else { format!("a kiwi, number {n}") };
        posted.push((world.post(room, author, &body).await, room, author));
    }
    project(&pool).await;
    let created: HashMap<Uuid, DateTime<Utc>> = sqlx::query_as("SELECT message_id, created_at FROM search_messages")
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect();

    let base = search_for(alice, "kiwi");
    let everything = all_pages(&pool, &base, 50).await;
    assert_eq!(ids(&everything), posted.iter().map(|(id, ..)| *id).collect(), "one page holds every match");

    // Relevance: the thrice-kiwi messages first; pages of 4 give the same list, without repeats.
    let paged = all_pages(&pool, &base, 4).await;
    assert_eq!(paged, everything, "pages of 4 are the one big page, in order");
    let triple: HashSet<MessageId> =
        posted.iter().enumerate().filter(|(n, _)| n % 5 == 0).map(|(_, (id, ..))| *id).collect();
    assert_eq!(everything[..triple.len()].iter().copied().collect::<HashSet<_>>(), triple, "best matches first");

    // Recent: newest first, by (created_at, message_id); pages of 5 again the same.
    let recent = Search { order: SearchOrder::Recent, ..base.clone() };
    let newest_first = all_pages(&pool, &recent, 50).await;
    let mut expected: Vec<MessageId> = posted.iter().map(|(id, ..)| *id).collect();
    expected.sort_by_key(|id| std::cmp::Reverse((created[&id.as_uuid()], *id)));
    assert_eq!(newest_first, expected);
    assert_eq!(all_pages(&pool, &recent, 5).await, newest_first);

    // New messages arriving between pages: they are newer than the cursor, so the rest of the
    // pages are exactly the older ones.
    let first = run(&pool, &Search { limit: 5, ..recent.clone() }).await;
    posted.push((world.post(red, bob, "a late kiwi").await, red, bob));
    project(&pool).await;
    let rest = all_pages(&pool, &Search { cursor: first.next, ..recent.clone() }, 5).await;
    let mut resumed: Vec<MessageId> = first.hits.iter().map(|hit| MessageId::from_uuid(hit.message_id)).collect();
    resumed.extend(rest);
    assert_eq!(resumed, newest_first, "no duplicate, no gap across a concurrent insert");

    // Filters.
    let mut in_blue = base.clone();
    in_blue.filters.room = Some(blue);
    let want: HashSet<MessageId> = posted.iter().filter(|(_, room, _)| *room == blue).map(|(id, ..)| *id).collect();
    assert_eq!(ids(&all_pages(&pool, &in_blue, 50).await), want, "room filter");
    let mut by_bob = base.clone();
    by_bob.filters.author = Some(bob);
    let want: HashSet<MessageId> = posted.iter().filter(|(_, _, author)| *author == bob).map(|(id, ..)| *id).collect();
    assert_eq!(ids(&all_pages(&pool, &by_bob, 50).await), want, "author filter");
    let (middle, end) = (created[&posted[10].0.as_uuid()], created[&posted[15].0.as_uuid()]);
    let mut window = base.clone();
    window.filters.after = Some(middle);
    window.filters.before = Some(end);
    let want: HashSet<MessageId> = posted
        .iter()
        .filter(|(id, ..)| created.get(&id.as_uuid()).is_some_and(|at| (middle..end).contains(at)))
        .map(|(id, ..)| *id)
        .collect();
    assert!(want.contains(&posted[10].0) && !want.contains(&posted[15].0), "after is inclusive, before exclusive");
    assert_eq!(ids(&all_pages(&pool, &window, 50).await), want, "time window");
    let mut with_attachments = base.clone();
    with_attachments.filters.has_attachments = Some(true);
    assert!(all_pages(&pool, &with_attachments, 50).await.is_empty(), "no message has attachments yet");
    let mut without = base.clone();
    without.filters.has_attachments = Some(false);
    without.filters.kind = Some(SearchableKind::Text);
    assert_eq!(all_pages(&pool, &without, 50).await.len(), posted.len());
    let mut images = base.clone();
    images.filters.kind = Some(SearchableKind::Image);
    assert!(all_pages(&pool, &images, 50).await.is_empty(), "every message is text yet");
}

// ---------------------------------------------------------------------------------------------
// Matching and snippets
// ---------------------------------------------------------------------------------------------

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn snippets_are_escaped_html_whose_only_markup_is_mark(pool: PgPool) {
    let mut world = World::new(&pool);
    let alice = world.user("alice", "Alice").await;
    let room = world.room("html", alice).await;
    world.post(room, alice, "<script>alert(\"x\")</script> & 'quoted' <b>bold</b> text").await;
    project(&pool).await;

    let hits = run(&pool, &search_for(alice, "bold")).await.hits;
    assert_eq!(hits.len(), 1);
    let snippet = &hits[0].snippet;
    assert!(snippet.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), "{snippet}");
    assert!(snippet.contains("&amp; &#39;quoted&#39;"), "{snippet}");
    assert!(snippet.contains("&lt;b&gt;<mark>bold</mark>&lt;/b&gt;"), "{snippet}");
    let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!without_marks.contains(['<', '>', '"', '\'']), "only <mark> is markup: {snippet}");
    // What looked like a tag is text: its words are found.
    assert_eq!(run(&pool, &search_for(alice, "script")).await.hits.len(), 1);

    // A long message is cut to the fragments around its matches.
    let filler = |word: &str| vec![word; 120].join(" ");
    world.post(room, alice, &format!("{} the needle & <thread> {}", filler("hay"), filler("straw"))).await;
    project(&pool).await;
    let hits = run(&pool, &search_for(alice, "needle")).await.hits;
    let snippet = &hits[0].snippet;
    assert!(snippet.contains("<mark>needle</mark> &amp; &lt;thread&gt;"), "{snippet}");
    assert!(snippet.len() < 400, "a fragment, not the whole message: {snippet}");
}

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn accents_and_case_do_not_matter_and_english_words_match_their_forms(pool: PgPool) {
    let mut world = World::new(&pool);
    let alice = world.user("alice", "Alice").await;
    let room = world.room("words", alice).await;
    let dessert = world.post(room, alice, "Crème BRÛLÉE in der Straße").await;
    let runs = world.post(room, alice, "she runs every morning").await;
    let running = world.post(room, alice, "running late, sorry").await;
    let chinese = world.post(room, alice, "东京 天气").await;
    project(&pool).await;

    assert_eq!(found(&pool, alice, "creme brulee").await, ids(&[dessert]));
    assert_eq!(found(&pool, alice, "STRASSE").await, ids(&[dessert]));
    assert_eq!(found(&pool, alice, "\"der straße\"").await, ids(&[dessert]), "phrases");
    assert_eq!(found(&pool, alice, "running").await, ids(&[runs, running]), "English stems");
    assert_eq!(found(&pool, alice, "running -late").await, ids(&[runs]), "exclusion");
    let ranked = run(&pool, &search_for(alice, "running")).await.hits;
    assert_eq!(MessageId::from_uuid(ranked[0].message_id), running, "the exact word ranks first");
    assert_eq!(found(&pool, alice, "东京").await, ids(&[chinese]), "a whole run between spaces");
}

// ---------------------------------------------------------------------------------------------
// The user directory
// ---------------------------------------------------------------------------------------------

#[sqlx::test(migrator = "chat_migrations::MIGRATOR")]
async fn the_directory_finds_people_who_share_a_room_by_the_start_of_a_name(pool: PgPool) {
    let mut world = World::new(&pool);
    let alice = world.user("alice", "Alice").await;
    let bob = world.user("bobby", "Bob Marley").await;
    let jose = world.user("jmartin", "José Martín").await;
    let percent = world.user("pct", "100% Sure").await;
    let stranger = world.user("bobcat", "Bob Stranger").await;
    let room = world.room("band", alice).await;
    for user in [bob, jose, percent] {
        world.join(room, user).await;
    }
    world.room("alone", stranger).await;
    project(&pool).await;

    let names = |found: Vec<users::UserIdentity>| found.into_iter().map(|user| user.username).collect::<Vec<_>>();
    assert_eq!(names(users::directory(&pool, alice, "bob", 10).await.unwrap()), ["bobby"], "not a stranger");
    assert_eq!(names(users::directory(&pool, alice, "marl", 10).await.unwrap()), ["bobby"], "a later word");
    assert_eq!(names(users::directory(&pool, alice, "MART", 10).await.unwrap()), ["jmartin"], "any case, a word");
    assert_eq!(names(users::directory(&pool, alice, "josé", 10).await.unwrap()), ["jmartin"]);
    assert_eq!(names(users::directory(&pool, alice, "jose", 10).await.unwrap()), ["jmartin"], "accents ignored");
    assert_eq!(names(users::directory(&pool, alice, "ar", 10).await.unwrap()), Vec::<String>::new(), "prefixes only");
    assert_eq!(names(users::directory(&pool, alice, "100%", 10).await.unwrap()), ["pct"]);
    assert_eq!(names(users::directory(&pool, alice, "1_0", 10).await.unwrap()), Vec::<String>::new(), "_ is plain");
    assert_eq!(names(users::directory(&pool, alice, "ali", 10).await.unwrap()), Vec::<String>::new(), "not oneself");
    assert_eq!(names(users::directory(&pool, bob, "ali", 10).await.unwrap()), ["alice"]);
    assert_eq!(names(users::directory(&pool, stranger, "bob", 10).await.unwrap()), Vec::<String>::new());
    assert_eq!(users::directory(&pool, alice, "", 2).await.unwrap().len(), 2, "the limit holds");

    // Leaving the room ends it.
    world.leave(room, bob).await;
    project(&pool).await;
    assert_eq!(names(users::directory(&pool, alice, "bob", 10).await.unwrap()), Vec::<String>::new());
}
