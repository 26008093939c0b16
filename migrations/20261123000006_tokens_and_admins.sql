-- Refresh tokens (rotated on use, stored as SHA-256 hashes, revocable by family) and global
-- administrators (for operations and analytics endpoints).

ALTER TABLE user_credentials ADD COLUMN is_admin boolean NOT NULL DEFAULT false;

CREATE TABLE refresh_tokens (
    token_hash bytea       PRIMARY KEY,
    user_id    uuid        NOT NULL,
    -- Every token rotated from one login shares its family; reusing a rotated token revokes
    -- the whole family (someone else has a copy).
    family_id  uuid        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    rotated_at timestamptz,
    revoked_at timestamptz
);

CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);
