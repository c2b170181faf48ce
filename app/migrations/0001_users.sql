-- Users, departments, sign-in throttling and API tokens.
-- Timestamps: TEXT RFC 3339 in UTC with whole seconds ("2026-04-06T11:05:00+00:00"),
-- always written by the application (never CURRENT_TIMESTAMP), so they sort as text.

CREATE TABLE departments (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL COLLATE NOCASE,
    full_name     TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'executor', 'authority', 'observer')),
    department_id INTEGER REFERENCES departments (id),
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    CONSTRAINT users_login_unique UNIQUE (login)
);

-- One row per failed sign-in; the throttle counts recent rows per login.
CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    login TEXT NOT NULL COLLATE NOCASE,
    at    TEXT NOT NULL
);
CREATE INDEX login_failures_login_at ON login_failures (login, at);

-- API tokens for the regional systems and scripts; only a SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'executor', 'authority', 'observer')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
