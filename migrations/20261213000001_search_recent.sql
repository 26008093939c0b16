-- projector "search": matches newest first across all of a user's rooms. A search for a common
-- word walks this index from the newest message and stops after a page (or, for relevance, the
-- newest `RANKED_MATCHES`), instead of collecting and sorting every match; the planner chooses
-- it from the word's frequency (chat_projections::queries::search).
CREATE INDEX search_messages_recent ON search_messages (created_at DESC, message_id DESC);
