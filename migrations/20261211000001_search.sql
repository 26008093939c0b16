-- Search (issue 16): full-text search over messages (GET /v1/search) and the user directory
-- search (GET /v1/users/search). Why these choices: `projections/src/projectors/search.rs`.
--
-- Extensions: both ship with PostgreSQL (contrib) and are "trusted" since PostgreSQL 13, so a
-- database owner with CREATE on the database may create them without being a superuser. In
-- production, have them created once by whoever owns the database if the application's role
-- may not (the statements below then do nothing).
--   unaccent: accents do not matter to search (`creme` finds `crème`, `jose` finds `José`);
--   pg_trgm:  the user directory's word-prefix match on display names, indexed.
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- Two text-search configurations, both unaccented:
--   chat_simple:  every word as written, lower-cased, no stemming, no stop words: exact words of
--                 any language that separates its words with spaces;
--   chat_english: English stemming (`running` finds `runs`), English stop words dropped.
-- Rebuilds and replays run with `search_path` set to a shadow schema: everything here is named
-- with its schema.
CREATE TEXT SEARCH CONFIGURATION public.chat_simple (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION public.chat_simple
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, simple;
CREATE TEXT SEARCH CONFIGURATION public.chat_english (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION public.chat_english
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, english_stem;

-- What the text-search parser reads of a message: its text HTML-escaped. Messages are plain
-- text, but the parser takes `<b>` for an HTML tag, leaves it out of the index and blanks it in
-- headlines; escaped, it is text like any other (`&lt;` is an entity, `b` a word), and a headline
-- of it is escaped HTML whose only markup is what the query adds.
CREATE FUNCTION public.chat_search_markup(body text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN replace(replace(replace(replace(replace(body, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'),
                   '''', '&#39;');

-- A name folded for prefix matching: lower case, without accents. Immutable for indexing,
-- which holds as long as unaccent's rules file does not change (reindex if it does).
CREATE FUNCTION public.chat_fold(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, name));

-- projector "search": one row per searchable message (posted, not deleted, author not
-- erased), with its current text. `kind` and `has_attachments` come from the post (see the
-- projector); `system` lines are never searchable. Membership is not copied here: a search
-- joins the `rooms` projector's `room_members`, so that leaving a room takes its messages out
-- of the caller's results at once.
CREATE TABLE search_messages (
    message_id      uuid        PRIMARY KEY,
    room_id         uuid        NOT NULL,
    seq             bigint      NOT NULL,
    author_id       uuid        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('text', 'image', 'file')),
    has_attachments boolean     NOT NULL,
    created_at      timestamptz NOT NULL,
    edited_at       timestamptz,
    body            text        NOT NULL,
    -- Exact words weigh more than stemmed ones: `A` for chat_simple's lexemes, `B` for
    -- chat_english's, so that `running` ranks a message saying "running" above one saying "runs".
    document        tsvector    NOT NULL GENERATED ALWAYS AS (
        setweight(to_tsvector('public.chat_simple'::regconfig, public.chat_search_markup(body)), 'A')
        || setweight(to_tsvector('public.chat_english'::regconfig, public.chat_search_markup(body)), 'B')
    ) STORED
);

CREATE INDEX search_messages_document ON search_messages USING gin (document);
-- Erasure takes an author's rows out; the author filter uses it too.
CREATE INDEX search_messages_by_author ON search_messages (author_id);
-- Recent-first search within a room, and a room's rows (`room_id` filter).
CREATE INDEX search_messages_by_room ON search_messages (room_id, created_at DESC, message_id DESC);

-- projector "users": the directory search's prefix match (usernames, and any word of a display
-- name, folded) as trigram indexes.
CREATE INDEX users_directory ON users USING gin (username gin_trgm_ops, public.chat_fold(display_name) gin_trgm_ops);
