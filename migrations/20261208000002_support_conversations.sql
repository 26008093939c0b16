-- Support conversations (rooms of kind `support`, one visitor with a website's agents).

-- projector "rooms": a support conversation is a room like any other.
ALTER TABLE rooms DROP CONSTRAINT rooms_kind_check;
ALTER TABLE rooms ADD CONSTRAINT rooms_kind_check CHECK (kind IN ('group', 'direct', 'support'));

-- Visitors' accounts: a credentials row (the append fence of room commands locks it, and the
-- erasure deletes it, as for every user) under `visitor-<id in hex>`, with no usable password
-- (`!` is no password hash), naming the website their tokens are scoped to. A refresh of a
-- visitor's session issues a visitor's token again.
ALTER TABLE user_credentials ADD COLUMN website_id uuid;

-- projector "users": visitors have a profile without a username of their own; `username`
-- holds `visitor-<their id in hex>`, which no login name can equal (those are 3–32 characters).
ALTER TABLE users ADD COLUMN website_id uuid;

-- projector "support": what the website's inbox shows of a conversation beyond the room's own
-- read models (its last message, activity and unread counts are in `rooms`/`room_members`).
-- The context columns are the visitor's personal data (erased with them).
CREATE TABLE support_conversations (
    room_id     uuid        PRIMARY KEY,
    website_id  uuid        NOT NULL,
    visitor_id  uuid        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('open', 'resolved')),
    assignee_id uuid,
    page_url    text,
    referrer    text,
    language    text,
    user_agent  text,
    created_at  timestamptz NOT NULL
);

CREATE INDEX support_conversations_inbox ON support_conversations (website_id, status);
CREATE INDEX support_conversations_by_visitor ON support_conversations (visitor_id);
