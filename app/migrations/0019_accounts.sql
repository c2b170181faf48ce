-- Accounts (issue 22). `must_change_password`: the admin reset the password to a one-time
-- one, and the user must choose their own at the next sign-in before anything else.
-- `session_epoch`: every session carries the epoch it started in; raising it (deactivation,
-- a reset, a change of password) ends every session of the user at once, on every instance.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

-- The admin who issued a token: deactivating them revokes it. NULL: issued from the
-- command line or before this migration.
ALTER TABLE api_tokens ADD COLUMN user_id INTEGER REFERENCES users (id);

-- The journal of account events, read by the admin. `actor_id` NULL: the command line or
-- the user themselves before signing in; `details`: JSON (before and after of an edit).
CREATE TABLE account_events (
    id                INTEGER PRIMARY KEY,
    at                TEXT NOT NULL,
    actor_id          INTEGER REFERENCES users (id),
    user_id           INTEGER NOT NULL REFERENCES users (id),
    administration_id INTEGER REFERENCES administrations (id),
    kind              TEXT NOT NULL,
    details           TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX account_events_user ON account_events (user_id, id);
CREATE INDEX account_events_administration ON account_events (administration_id, id);
