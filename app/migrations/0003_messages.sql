-- Messages from open sources, their drafts, publications, attachments, deadlines and the
-- append-only journal. Times: RFC 3339 TEXT in UTC, whole seconds (see 0001).

CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    external_id   TEXT NOT NULL,
    network       TEXT NOT NULL CHECK (network IN ('vk', 'ok', 'telegram', 'max', 'instagram', 'other')),
    url           TEXT NOT NULL,
    author        TEXT NOT NULL,
    author_url    TEXT,
    text          TEXT NOT NULL,
    topic         TEXT,
    urgent        INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    detected_at   TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('new', 'in_work', 'on_approval', 'revision', 'approved',
                                                 'awaiting_final', 'awaiting_author', 'answered', 'returned', 'rejected')),
    assignee_id   INTEGER REFERENCES users (id),
    department_id INTEGER REFERENCES departments (id),
    flags         TEXT NOT NULL DEFAULT '{}',   -- JSON: §12 matches for the coordinator
    version       INTEGER NOT NULL DEFAULT 1,   -- optimistic concurrency
    CONSTRAINT messages_external_id_unique UNIQUE (external_id)
);
CREATE INDEX messages_state ON messages (state);
CREATE INDEX messages_assignee ON messages (assignee_id);
CREATE INDEX messages_department ON messages (department_id);

-- Draft versions: each resubmission is a new row; the authority's decision is recorded on it.
CREATE TABLE drafts (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER NOT NULL REFERENCES messages (id),
    number       INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('final', 'intermediate', 'clarification')),
    text         TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    submitted_by INTEGER REFERENCES users (id),
    decision     TEXT CHECK (decision IS NULL OR decision IN ('approved', 'returned')),
    remarks      TEXT,
    decided_by   INTEGER REFERENCES users (id),
    decided_at   TEXT,
    CONSTRAINT drafts_message_number_unique UNIQUE (message_id, number)
);

CREATE TABLE publications (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER NOT NULL REFERENCES messages (id),
    draft_id     INTEGER NOT NULL REFERENCES drafts (id),
    link         TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by INTEGER REFERENCES users (id),
    recorded_at  TEXT NOT NULL
);

-- Files are stored under DATA_DIR/files/ by content hash, never by a user-chosen name.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    message_id    INTEGER NOT NULL REFERENCES messages (id),
    draft_id      INTEGER REFERENCES drafts (id),
    sha256        TEXT NOT NULL,
    mime          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    original_name TEXT NOT NULL,
    uploaded_by   INTEGER REFERENCES users (id),
    uploaded_at   TEXT NOT NULL
);

-- Each deadline as recorded when it started; done_at/met when its task was done.
CREATE TABLE deadlines (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages (id),
    rule       TEXT NOT NULL CHECK (rule IN ('return_by', 'draft_by', 'answer_by', 'revision_by', 'publish_by', 'final_draft_by')),
    started_at TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    done_at    TEXT,
    met        INTEGER CHECK (met IS NULL OR met IN (0, 1))
);
CREATE INDEX deadlines_message ON deadlines (message_id, rule);
CREATE INDEX deadlines_open ON deadlines (due_at) WHERE done_at IS NULL;

-- The append-only journal: every action, who, when, before/after.
CREATE TABLE journal (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES messages (id),
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    actor_label TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    details     TEXT NOT NULL DEFAULT '{}'   -- JSON
);
CREATE INDEX journal_message ON journal (message_id, id);
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
