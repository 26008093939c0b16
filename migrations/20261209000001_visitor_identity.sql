-- Identity verification for support chat: a website's server signs its users' ids with the
-- website's identity secret (HMAC-SHA256), and a signed id makes the visitor that user's one
-- contact across devices.
--
-- Write side (the commands' own tables, like user_credentials; never in the event store,
-- which analysts export): the secret, and which visitor each signed id is. A visitor is one
-- website user at most; erasing the visitor (deleting their credentials) drops the link.
CREATE TABLE website_identity_secrets (
    website_id uuid        PRIMARY KEY,
    secret     text        NOT NULL,
    rotated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE visitor_identities (
    website_id  uuid        NOT NULL,
    external_id text        NOT NULL,
    user_id     uuid        NOT NULL UNIQUE REFERENCES user_credentials (user_id) ON DELETE CASCADE,
    linked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (website_id, external_id)
);

-- projector "users": a visitor's contact details for the website's agents (`VisitorRegistered`
-- email, `VisitorIdentified`); null for members.
ALTER TABLE users ADD COLUMN email text, ADD COLUMN external_id text;
