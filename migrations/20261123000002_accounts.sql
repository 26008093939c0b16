-- Credentials live outside the event store: password hashes must never reach an export.
-- The unique username index is what makes usernames unique across `User` aggregates.
CREATE TABLE user_credentials (
    user_id       uuid        PRIMARY KEY,
    username      text        NOT NULL,
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX user_credentials_username_key ON user_credentials (username);
