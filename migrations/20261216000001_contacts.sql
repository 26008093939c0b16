-- Contacts and blocking (docs/api.md §14).

-- projector "contacts": each user's side of their relations, from their `contacts` stream:
-- `contact`, or a pending request they sent (`outgoing`) or received (`incoming`).
CREATE TABLE contacts (
    user_id  uuid        NOT NULL,
    other_id uuid        NOT NULL,
    state    text        NOT NULL CHECK (state IN ('contact', 'outgoing', 'incoming')),
    since    timestamptz NOT NULL,
    PRIMARY KEY (user_id, other_id)
);

-- An erased user's rows on the other side.
CREATE INDEX contacts_by_other ON contacts (other_id);

-- projector "contacts": whom each user blocks. Read by the command service (no direct room or
-- direct message between the two) and by gateways (no presence or typing for the blocked).
CREATE TABLE user_blocks (
    user_id    uuid        NOT NULL,
    blocked_id uuid        NOT NULL,
    since      timestamptz NOT NULL,
    PRIMARY KEY (user_id, blocked_id)
);

-- Who blocks a given user (the gateway filters what that user's connections receive).
CREATE INDEX user_blocks_by_blocked ON user_blocks (blocked_id);
