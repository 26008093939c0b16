-- Delivery markers: how far each member's devices have received each room (the "delivered"
-- of sending → sent → delivered → read; docs/api.md §3.10, docs/protocol.md `received`).
--
-- Device state written by the commands role (like refresh tokens), not a projection and not in
-- the event store: an event per acknowledgement would put an event, and its fan-out to every
-- member, behind almost every message. One row per (room, member), moved only forward
-- (`GREATEST`), never past the room's last sequence. No projector owns it, so rebuilds and
-- replays leave it alone. A row outlives a membership harmlessly: read implies delivered, and
-- readers report `GREATEST(delivered_seq, last_read_seq)`, which a rejoin's read marker (its
-- join) already exceeds. Erasing the user (deleting their credentials) deletes their rows.
CREATE TABLE delivery_markers (
    room_id       uuid        NOT NULL,
    user_id       uuid        NOT NULL REFERENCES user_credentials (user_id) ON DELETE CASCADE,
    delivered_seq bigint      NOT NULL CHECK (delivered_seq > 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room_id, user_id)
);

-- For the cascade when a user is erased.
CREATE INDEX delivery_markers_by_user ON delivery_markers (user_id);
