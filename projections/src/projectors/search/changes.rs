//! A page's changes to the index, folded per message and applied in at most three statements.
//!
//! Each message ends the page in one of three states, whatever happened to it within the page:
//! new (posted here, maybe edited since: one insert of its latest text), changed (posted
//! before, edited here: one update), or gone (deleted, or its text redacted: one delete). A
//! message posted and deleted within the page costs nothing. The events of one message are all
//! in one room, and the feed keeps each room's order, so folding in feed order is exact.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::kind::Indexed;

/// Where and when a post happened.
pub(super) struct PostedAt {
    pub room: Uuid,
    pub seq: i64,
    pub author: Uuid,
    pub at: DateTime<Utc>,
}

enum Change {
    New { posted: PostedAt, indexed: Indexed, edited_at: Option<DateTime<Utc>> },
    Changed { body: String, edited_at: DateTime<Utc> },
    Gone,
}

#[derive(Default)]
pub(super) struct Changes {
    changes: HashMap<Uuid, Change>,
}

impl Changes {
    /// A post; `None` when it is not searchable (then nothing is indexed, and later edits of it
    /// find no row to change).
    pub(super) fn posted(&mut self, message: Uuid, posted: PostedAt, indexed: Option<Indexed>) {
        if let Some(indexed) = indexed {
            self.changes.insert(message, Change::New { posted, indexed, edited_at: None });
        }
    }

    /// An edit: the new text, or `None` when it was redacted (the author was erased).
    pub(super) fn edited(&mut self, message: Uuid, body: Option<String>, at: DateTime<Utc>) {
        let Some(body) = body else {
            return self.gone(message);
        };
        match self.changes.entry(message) {
            Entry::Occupied(mut entry) => match entry.get_mut() {
                Change::New { indexed, edited_at, .. } => {
                    indexed.body = body;
                    *edited_at = Some(at);
                }
                Change::Changed { .. } => {
                    entry.insert(Change::Changed { body, edited_at: at });
                }
                // Deleted messages cannot be edited; a redacted one stays out.
                Change::Gone => {}
            },
            Entry::Vacant(entry) => {
                entry.insert(Change::Changed { body, edited_at: at });
            }
        }
    }

    /// A delete (or a redaction): out of the index.
    pub(super) fn gone(&mut self, message: Uuid) {
        match self.changes.entry(message) {
            Entry::Occupied(mut entry) => match entry.get() {
                Change::New { .. } => {
                    entry.remove();
                }
                Change::Changed { .. } | Change::Gone => {
                    entry.insert(Change::Gone);
                }
            },
            Entry::Vacant(entry) => {
                entry.insert(Change::Gone);
            }
        }
    }

    pub(super) async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        let mut new = New::default();
        let (mut changed, mut bodies, mut edited_at) = (Vec::new(), Vec::new(), Vec::new());
        let mut gone = Vec::new();
        for (message, change) in self.changes {
            match change {
                Change::New { posted, indexed, edited_at } => new.push(message, posted, indexed, edited_at),
                Change::Changed { body, edited_at: at } => {
                    changed.push(message);
                    bodies.push(body);
                    edited_at.push(at);
                }
                Change::Gone => gone.push(message),
            }
        }
        new.apply(conn).await?;
        if !changed.is_empty() {
            sqlx::query(
                "UPDATE search_messages s SET body = i.body, edited_at = i.edited_at
                 FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS i(message_id, body, edited_at)
                 WHERE s.message_id = i.message_id",
            )
            .bind(&changed)
            .bind(&bodies)
            .bind(&edited_at)
            .execute(&mut *conn)
            .await?;
        }
        if !gone.is_empty() {
            sqlx::query("DELETE FROM search_messages WHERE message_id = ANY($1)").bind(&gone).execute(conn).await?;
        }
        Ok(())
    }
}

/// New rows, column by column for `unnest`.
#[derive(Default)]
struct New {
    messages: Vec<Uuid>,
    rooms: Vec<Uuid>,
    seqs: Vec<i64>,
    authors: Vec<Uuid>,
    kinds: Vec<&'static str>,
    attachments: Vec<bool>,
    created_at: Vec<DateTime<Utc>>,
    edited_at: Vec<Option<DateTime<Utc>>>,
    bodies: Vec<String>,
}

impl New {
    fn push(&mut self, message: Uuid, posted: PostedAt, indexed: Indexed, edited_at: Option<DateTime<Utc>>) {
        self.messages.push(message);
        self.rooms.push(posted.room);
        self.seqs.push(posted.seq);
        self.authors.push(posted.author);
        self.kinds.push(indexed.kind.as_str());
        self.attachments.push(indexed.has_attachments);
        self.created_at.push(posted.at);
        self.edited_at.push(edited_at);
        self.bodies.push(indexed.body);
    }

    async fn apply(self, conn: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.messages.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO search_messages (message_id, room_id, seq, author_id, kind, has_attachments, created_at,
                                          edited_at, body)
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::uuid[], $5::text[], $6::bool[],
                                  $7::timestamptz[], $8::timestamptz[], $9::text[])",
        )
        .bind(&self.messages)
        .bind(&self.rooms)
        .bind(&self.seqs)
        .bind(&self.authors)
        .bind(&self.kinds)
        .bind(&self.attachments)
        .bind(&self.created_at)
        .bind(&self.edited_at)
        .bind(&self.bodies)
        .execute(conn)
        .await?;
        Ok(())
    }
}
