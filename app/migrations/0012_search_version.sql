-- A counter bumped in the same transaction as every change of a message's searchable
-- text (author, text, topic, external id: what `messages_search` indexes): the ids a
-- broad search matched are reused while it stands (`service::db::dialect::MatchCache`).
-- SQLite only: PostgreSQL's planner reads its GIN index without a cache.

ALTER TABLE config_version ADD COLUMN search INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER messages_search_bump_insert AFTER INSERT ON messages
BEGIN UPDATE config_version SET search = search + 1 WHERE id = 1; END;
CREATE TRIGGER messages_search_bump_update AFTER UPDATE OF author, text, topic, external_id ON messages
BEGIN UPDATE config_version SET search = search + 1 WHERE id = 1; END;
CREATE TRIGGER messages_search_bump_delete AFTER DELETE ON messages
BEGIN UPDATE config_version SET search = search + 1 WHERE id = 1; END;
