-- Several administrations in one deployment (issue 19). Every department, non-regional
-- user and token, and every message belongs to one administration; the regional roles
-- (the authority, `regional_observer`, an admin without an administration: the region's
-- admin) belong to none and read across all. A deployment starts with one, `main`.
--
-- SQLite cannot change a CHECK or UNIQUE constraint in place: `users`, `api_tokens` and
-- `departments` are rebuilt. The migration runs in one transaction with foreign keys on:
-- with them deferred to the commit, each table's rows are copied aside, the table is
-- dropped and created anew under its name (the other tables' foreign keys name it), and
-- the rows put back, which satisfies the references again before the commit checks them.

PRAGMA defer_foreign_keys = ON;

CREATE TABLE administrations (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
INSERT INTO administrations (id, code, name, created_at)
VALUES (1, 'main', 'Администрация', strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
-- The rules read the list with the settings (`service::ctx`), cached per config_version.
CREATE TRIGGER administrations_bump_insert AFTER INSERT ON administrations
BEGIN UPDATE config_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER administrations_bump_update AFTER UPDATE ON administrations
BEGIN UPDATE config_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER administrations_bump_delete AFTER DELETE ON administrations
BEGIN UPDATE config_version SET n = n + 1 WHERE id = 1; END;

CREATE TABLE departments_old AS SELECT * FROM departments;
DROP TABLE departments;
CREATE TABLE departments (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    administration_id INTEGER NOT NULL DEFAULT 1 REFERENCES administrations (id),
    CONSTRAINT departments_name_unique UNIQUE (administration_id, name)
);
INSERT INTO departments (id, name) SELECT id, name FROM departments_old;
DROP TABLE departments_old;

CREATE TABLE users_old AS SELECT * FROM users;
DROP TABLE users;
CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    login             TEXT NOT NULL COLLATE NOCASE,
    full_name         TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'executor', 'authority',
                                                    'observer', 'regional_observer')),
    department_id     INTEGER REFERENCES departments (id),
    password_hash     TEXT NOT NULL,
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at        TEXT NOT NULL,
    email             TEXT,
    email_alerts      INTEGER NOT NULL DEFAULT 0 CHECK (email_alerts IN (0, 1)),
    administration_id INTEGER REFERENCES administrations (id),
    CONSTRAINT users_login_unique UNIQUE (login),
    -- The regional roles belong to no administration; the others to one, except the
    -- region's admin (domain::administration::membership).
    CONSTRAINT users_administration_role CHECK (
        CASE WHEN role IN ('authority', 'regional_observer') THEN administration_id IS NULL
             WHEN role = 'admin' THEN 1
             ELSE administration_id IS NOT NULL END)
);
INSERT INTO users (id, login, full_name, role, department_id, password_hash, active,
                       created_at, email, email_alerts, administration_id)
SELECT id, login, full_name, role, department_id, password_hash, active, created_at, email,
       email_alerts, CASE WHEN role = 'authority' THEN NULL ELSE 1 END
  FROM users_old;
DROP TABLE users_old;
CREATE INDEX users_administration ON users (administration_id);

CREATE TABLE api_tokens_old AS SELECT * FROM api_tokens;
DROP TABLE api_tokens;
CREATE TABLE api_tokens (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'executor', 'authority',
                                                    'observer', 'regional_observer')),
    token_hash        TEXT NOT NULL UNIQUE,
    created_at        TEXT NOT NULL,
    revoked_at        TEXT,
    administration_id INTEGER REFERENCES administrations (id),
    -- The regional roles belong to no administration; the others to one, except the
    -- region's admin (domain::administration::membership).
    CONSTRAINT api_tokens_administration_role CHECK (
        CASE WHEN role IN ('authority', 'regional_observer') THEN administration_id IS NULL
             WHEN role = 'admin' THEN 1
             ELSE administration_id IS NOT NULL END)
);
INSERT INTO api_tokens (id, name, role, token_hash, created_at, revoked_at, administration_id)
SELECT id, name, role, token_hash, created_at, revoked_at,
       CASE WHEN role = 'authority' THEN NULL ELSE 1 END
  FROM api_tokens_old;
DROP TABLE api_tokens_old;

-- (SQLite adds no column with a foreign key and a default while foreign keys are on:
-- the service writes only ids of `administrations`, which are never deleted.)
ALTER TABLE messages ADD COLUMN administration_id INTEGER NOT NULL DEFAULT 1;
-- One administration's list: its range of the list's order.
CREATE INDEX messages_administration_list ON messages (administration_id, sort_key, id DESC);
