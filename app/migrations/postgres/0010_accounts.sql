-- Accounts (issue 22); see the SQLite migration 0019_accounts.sql for the meaning.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN user_id BIGINT REFERENCES users (id);
CREATE TABLE account_events (
    id                BIGSERIAL PRIMARY KEY,
    at                TIMESTAMPTZ NOT NULL,
    actor_id          BIGINT REFERENCES users (id),
    user_id           BIGINT NOT NULL REFERENCES users (id),
    administration_id BIGINT REFERENCES administrations (id),
    kind              TEXT NOT NULL,
    details           TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX account_events_user ON account_events (user_id, id);
CREATE INDEX account_events_administration ON account_events (administration_id, id);
