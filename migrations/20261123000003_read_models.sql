-- Read models, each maintained by one projector from the durable feed (projections crate).

-- projector "users"
CREATE TABLE users (
    user_id       uuid        PRIMARY KEY,
    username      text        NOT NULL,
    display_name  text        NOT NULL,
    registered_at timestamptz NOT NULL
);

-- projector "rooms"
CREATE TABLE rooms (
    room_id          uuid        PRIMARY KEY,
    kind             text        NOT NULL CHECK (kind IN ('group', 'direct')),
    name             text,
    visibility       text        CHECK (visibility IN ('public', 'private')),
    created_by       uuid        NOT NULL,
    created_at       timestamptz NOT NULL,
    last_seq         bigint      NOT NULL,
    message_count    bigint      NOT NULL DEFAULT 0,
    member_count     integer     NOT NULL DEFAULT 0,
    last_activity_at timestamptz NOT NULL
);

CREATE TABLE room_members (
    room_id       uuid        NOT NULL REFERENCES rooms (room_id),
    user_id       uuid        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    joined_seq    bigint      NOT NULL,
    joined_at     timestamptz NOT NULL,
    last_read_seq bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (room_id, user_id)
);

CREATE INDEX room_members_by_user ON room_members (user_id);

-- projector "history"
CREATE TABLE messages (
    room_id       uuid        NOT NULL,
    seq           bigint      NOT NULL,
    message_id    uuid        NOT NULL,
    author_id     uuid        NOT NULL,
    client_msg_id text        NOT NULL,
    body          text,
    reply_to      uuid,
    created_at    timestamptz NOT NULL,
    edited_at     timestamptz,
    deleted_at    timestamptz,
    deleted_by    uuid,
    updated_seq   bigint      NOT NULL,
    PRIMARY KEY (room_id, seq)
);

CREATE UNIQUE INDEX messages_message_id_key ON messages (message_id);

CREATE TABLE message_reactions (
    message_id uuid   NOT NULL,
    reaction   text   NOT NULL,
    user_id    uuid   NOT NULL,
    seq        bigint NOT NULL,
    PRIMARY KEY (message_id, reaction, user_id)
);
