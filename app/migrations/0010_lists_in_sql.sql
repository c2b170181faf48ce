-- Lists in SQL (issue 16): each message keeps what the list sorts and filters by, written
-- in the same transaction as every change that moves it (domain::listing::list_keys).
-- Instants here are INTEGER unix seconds: compared as numbers on every backend.
-- Rows written before this migration get their keys at the next start (service::db).

ALTER TABLE messages ADD COLUMN next_due_at INTEGER;
ALTER TABLE messages ADD COLUMN stage_rule TEXT;
ALTER TABLE messages ADD COLUMN due_soon_at INTEGER;
ALTER TABLE messages ADD COLUMN overdue_after INTEGER;
ALTER TABLE messages ADD COLUMN sort_key INTEGER;
ALTER TABLE messages ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1));

UPDATE messages SET flagged = 1
 WHERE json_array_length(json_extract(flags, '$.obscene')) > 0
    OR json_array_length(json_extract(flags, '$.threat')) > 0
    OR json_array_length(COALESCE(json_extract(flags, '$.insult'), '[]')) > 0;

-- The list's order (sort key ascending, the newest first on ties) and its keyset cursor.
CREATE INDEX messages_list ON messages (sort_key, id DESC);
CREATE INDEX messages_overdue ON messages (overdue_after) WHERE overdue_after IS NOT NULL;
CREATE INDEX messages_due_soon ON messages (due_soon_at) WHERE due_soon_at IS NOT NULL;
CREATE INDEX messages_flagged ON messages (sort_key, id DESC) WHERE flagged = 1;

-- Search: author, text, topic and external id in an FTS5 index (rowid = message id),
-- kept by triggers. The unicode61 tokenizer folds case in every script (SQLite's lower()
-- and LIKE fold ASCII only); ё is written as е on both sides (the query in
-- domain::listing::search_words), so «елка» finds «ёлка». Queries match word prefixes.
CREATE VIRTUAL TABLE messages_search USING fts5 (
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_search (rowid, body) VALUES (new.id, replace(replace(
        new.author || ' ' || new.text || ' ' || COALESCE(new.topic, '') || ' ' || new.external_id,
        'ё', 'е'), 'Ё', 'Е'));
END;

CREATE TRIGGER messages_search_update AFTER UPDATE OF author, text, topic, external_id ON messages BEGIN
    DELETE FROM messages_search WHERE rowid = old.id;
    INSERT INTO messages_search (rowid, body) VALUES (new.id, replace(replace(
        new.author || ' ' || new.text || ' ' || COALESCE(new.topic, '') || ' ' || new.external_id,
        'ё', 'е'), 'Ё', 'Е'));
END;

INSERT INTO messages_search (rowid, body)
SELECT id, replace(replace(
           author || ' ' || text || ' ' || COALESCE(topic, '') || ' ' || external_id,
           'ё', 'е'), 'Ё', 'Е')
  FROM messages;
