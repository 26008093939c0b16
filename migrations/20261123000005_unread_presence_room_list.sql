-- Read models for unread counts, receipts, the room list and presence (issue 4).
--
-- The room read models (rooms, members, messages, reactions) are now maintained by one
-- projector, "rooms", so that unread counts, previews and history always agree; they are
-- emptied here and rebuilt from the event store by that projector from the start of the feed.

TRUNCATE rooms, room_members, messages, message_reactions;
DELETE FROM feed_checkpoints WHERE name IN ('rooms', 'history');

-- Read models are rebuilt into fresh tables and swapped in; cross-table constraints would not
-- survive that, and the projector guarantees what they checked.
ALTER TABLE room_members DROP CONSTRAINT room_members_room_id_fkey;

-- Unread counts without touching every member on every message:
--   unread = rooms.posted_total - read_ordinal - own_since_read - deleted_since_read
-- where a message's `ordinal` is the room's post count when it was posted, `read_ordinal` the
-- ordinal of the last message at or before the member's read marker, and the two corrections
-- count the member's own messages and others' deleted messages after the marker. A post
-- touches only its author's row (and mentioned members'); a delete touches the members who
-- had not read it; moving a marker recounts only the messages after it.
ALTER TABLE room_members
    ADD COLUMN read_ordinal       bigint  NOT NULL DEFAULT 0,
    ADD COLUMN own_since_read     integer NOT NULL DEFAULT 0,
    ADD COLUMN deleted_since_read integer NOT NULL DEFAULT 0,
    ADD COLUMN unread_mentions    integer NOT NULL DEFAULT 0;

ALTER TABLE messages
    ADD COLUMN mentions uuid[] NOT NULL DEFAULT '{}',
    ADD COLUMN ordinal  bigint NOT NULL DEFAULT 0;

ALTER TABLE rooms
    ADD COLUMN posted_total         bigint NOT NULL DEFAULT 0,
    ADD COLUMN last_message_id      uuid,
    ADD COLUMN last_message_seq     bigint,
    ADD COLUMN last_message_author  uuid,
    ADD COLUMN last_message_preview text,
    ADD COLUMN last_message_at      timestamptz;

-- projector "users" (presence events)
CREATE TABLE presence (
    user_id      uuid        PRIMARY KEY,
    status       text        NOT NULL CHECK (status IN ('online', 'away', 'offline')),
    since        timestamptz NOT NULL
);
