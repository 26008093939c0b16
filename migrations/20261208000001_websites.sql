-- projector "support": websites with support chat, their domains and their teams of agents
-- (the `website` aggregate). Settings are one JSON document, replaced as a whole, as the
-- `WidgetChanged` event records them. No foreign keys: read models are rebuilt into fresh
-- tables and swapped in, and the projector guarantees what they would check.
CREATE TABLE websites (
    website_id uuid        PRIMARY KEY,
    name       text        NOT NULL,
    owner_id   uuid        NOT NULL,
    settings   jsonb       NOT NULL,
    created_at timestamptz NOT NULL
);

-- `status` follows the checks that changed it: `pending` until the first, then `verified`
-- (with `method`) or `failed` (with `failure`). Only verified domains get the widget.
CREATE TABLE website_domains (
    website_id uuid        NOT NULL,
    domain     text        NOT NULL,
    token      text        NOT NULL,
    status     text        NOT NULL CHECK (status IN ('pending', 'verified', 'failed')),
    method     text,
    failure    text,
    checked_at timestamptz,
    added_at   timestamptz NOT NULL,
    PRIMARY KEY (website_id, domain)
);

CREATE TABLE website_agents (
    website_id uuid        NOT NULL,
    user_id    uuid        NOT NULL,
    role       text        NOT NULL CHECK (role IN ('owner', 'agent')),
    added_at   timestamptz NOT NULL,
    PRIMARY KEY (website_id, user_id)
);

-- "My websites": every website a user is on the team of.
CREATE INDEX website_agents_by_user ON website_agents (user_id);
