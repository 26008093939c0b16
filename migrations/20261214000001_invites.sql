-- Invites to group rooms (docs/api.md §3.12).

-- projector "invites": each room's invites, by id; never their codes (the event store has
-- none either, see chat_domain::room::InviteCode). Accepting never reads this: the room's
-- aggregate decides; admins' lists and the preview of a code do.
CREATE TABLE room_invites (
    invite_id  uuid        PRIMARY KEY,
    room_id    uuid        NOT NULL,
    created_by uuid        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    max_uses   integer,
    uses       integer     NOT NULL DEFAULT 0,
    revoked    boolean     NOT NULL DEFAULT false
);

CREATE INDEX room_invites_by_room ON room_invites (room_id, created_at);
