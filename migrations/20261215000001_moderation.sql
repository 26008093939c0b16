-- Moderation of group rooms (docs/api.md §3.13): topics and descriptions, deleted rooms, bans.

-- projector "rooms": a group room's topic and description (null: none), and when its owner
-- deleted it. A deleted room keeps its row so that its id answers `room_not_found` like one
-- that never existed (every member left in the same commit as the deletion).
ALTER TABLE rooms ADD COLUMN topic text, ADD COLUMN description text, ADD COLUMN deleted_at timestamptz;

-- projector "bans": who is banned from which room, for its admins' list. Joining never reads
-- this: the room's aggregate decides.
CREATE TABLE room_bans (
    room_id   uuid        NOT NULL,
    user_id   uuid        NOT NULL,
    banned_by uuid        NOT NULL,
    reason    text,
    banned_at timestamptz NOT NULL,
    PRIMARY KEY (room_id, user_id)
);
