-- The event store: postgres-es's `events` and `snapshots` tables, plus the durable-feed columns.
--
-- postgres-es names every column it reads and writes, so the extra columns are invisible to it.
-- `global_position` is a cursor with gaps (rolled-back inserts burn values), never a count.
-- `tx_id` orders the feed by transaction: readers only pass transactions older than the oldest
-- one still in flight, so a late-committing transaction is never skipped (see projections::feed).
-- Never add a UNIQUE constraint to `events`: postgres-es reports every unique violation as an
-- optimistic-lock conflict.
CREATE TABLE events (
    aggregate_type  text        NOT NULL,
    aggregate_id    text        NOT NULL,
    sequence        bigint      NOT NULL CHECK (sequence >= 0),
    event_type      text        NOT NULL,
    event_version   text        NOT NULL,
    payload         jsonb       NOT NULL,
    metadata        jsonb       NOT NULL,
    global_position bigserial   NOT NULL,
    tx_id           xid8        NOT NULL DEFAULT pg_current_xact_id(),
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE INDEX events_feed_order ON events (tx_id, global_position);

CREATE TABLE snapshots (
    aggregate_type   text   NOT NULL,
    aggregate_id     text   NOT NULL,
    last_sequence    bigint NOT NULL CHECK (last_sequence >= 0),
    current_snapshot bigint NOT NULL CHECK (current_snapshot >= 0),
    payload          jsonb  NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
);

-- Wake feed readers when events commit (notifications are delivered at commit, and identical
-- ones within a transaction are folded into one). Readers also poll, so a lost notification
-- only costs latency.
CREATE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('chat_events_appended', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER events_appended
    AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended();

-- Where each named feed consumer (projector, relay) has got to; updated in the same
-- transaction as the consumer's effects.
CREATE TABLE feed_checkpoints (
    name       text        PRIMARY KEY,
    tx_id      xid8        NOT NULL DEFAULT '0',
    position   bigint      NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);
