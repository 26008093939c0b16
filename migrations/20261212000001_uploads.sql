-- Uploads and attachments (docs/api.md §13).
--
-- Write side (the commands' own tables; an upload is not an event): each upload of a user, and
-- the blobs whose last reference went, waiting to be deleted from the object store. Blobs are
-- content-addressed (`blobs/<sha256>` in the store), so the same bytes are stored once however
-- many uploads name them; a blob is deleted only when no upload names it (as its content or its
-- thumbnail), which the deleter checks under a per-blob advisory lock that every upload also
-- takes while it makes the blob and records itself.
CREATE TABLE uploads (
    upload_id        uuid        PRIMARY KEY,
    owner_id         uuid        NOT NULL,
    sha256           text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size             bigint      NOT NULL CHECK (size >= 0),
    mime             text        NOT NULL,
    name             text        NOT NULL,
    width            integer,
    height           integer,
    thumbnail_sha256 text        CHECK (thumbnail_sha256 ~ '^[0-9a-f]{64}$'),
    thumbnail_mime   text,
    thumbnail_size   bigint,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX uploads_by_owner ON uploads (owner_id);
CREATE INDEX uploads_by_sha256 ON uploads (sha256);
CREATE INDEX uploads_by_thumbnail ON uploads (thumbnail_sha256) WHERE thumbnail_sha256 IS NOT NULL;
CREATE INDEX uploads_by_age ON uploads (created_at);

-- Blobs that may have lost their last upload (an upload collected or erased, an upload that
-- failed after making its blob): the upkeep deletes each from the store unless an upload names
-- it again by then.
CREATE TABLE blob_orphans (
    sha256 text        PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    since  timestamptz NOT NULL DEFAULT now()
);

-- projector "rooms": every message's attachments, as its `MessagePosted` (1.2) lists them.
-- Downloads check membership and that the message is not deleted through `messages`; the
-- upkeep's collector keeps every upload named here.
CREATE TABLE message_attachments (
    message_id    uuid    NOT NULL,
    position      integer NOT NULL,
    room_id       uuid    NOT NULL,
    attachment_id uuid    NOT NULL,
    author_id     uuid    NOT NULL,
    name          text,
    mime          text    NOT NULL,
    size          bigint  NOT NULL,
    sha256        text    NOT NULL,
    width         integer,
    height        integer,
    thumbnail     boolean NOT NULL,
    PRIMARY KEY (message_id, position)
);

CREATE INDEX message_attachments_by_room ON message_attachments (room_id, attachment_id);
CREATE INDEX message_attachments_by_attachment ON message_attachments (attachment_id);
CREATE INDEX message_attachments_by_author ON message_attachments (author_id);
