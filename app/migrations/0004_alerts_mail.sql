-- Deadline alerts (issue 6): raised once per deadline per threshold, delivered to users,
-- optionally e-mailed through the outbox. Times: RFC 3339 TEXT in UTC (see 0001).

-- One row per deadline and threshold ever raised: the "exactly once" guarantee.
CREATE TABLE deadline_alerts (
    deadline_id INTEGER NOT NULL REFERENCES deadlines (id),
    kind        TEXT NOT NULL CHECK (kind IN ('due_soon', 'breached')),
    raised_at   TEXT NOT NULL,
    PRIMARY KEY (deadline_id, kind)
);

-- A user's alerts: the bell, the list, read or not.
CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    message_id  INTEGER NOT NULL REFERENCES messages (id),
    deadline_id INTEGER NOT NULL REFERENCES deadlines (id),
    kind        TEXT NOT NULL CHECK (kind IN ('due_soon', 'breached')),
    created_at  TEXT NOT NULL,
    read_at     TEXT,
    CONSTRAINT alerts_once UNIQUE (deadline_id, kind, user_id)
);
CREATE INDEX alerts_user ON alerts (user_id, id);

-- Per-user e-mail alerts (opt-in).
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN email_alerts INTEGER NOT NULL DEFAULT 0 CHECK (email_alerts IN (0, 1));

-- Outgoing mail with retries and a record of what was sent.
CREATE TABLE email_outbox (
    id              INTEGER PRIMARY KEY,
    alert_id        INTEGER REFERENCES alerts (id),
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX email_outbox_pending ON email_outbox (next_attempt_at) WHERE status = 'pending';
