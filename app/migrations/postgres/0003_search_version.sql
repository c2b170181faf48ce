-- The counter of searchable-text changes, as on SQLite (the schemas stay alike). It stays
-- 0 here: PostgreSQL's searches read their GIN index directly, without the process's
-- cache of a broad search's ids, so nothing bumps it.

ALTER TABLE config_version ADD COLUMN search BIGINT NOT NULL DEFAULT 0;
