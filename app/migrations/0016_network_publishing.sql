-- Publishing through the networks' APIs (issue 20).
--
-- `network_connections`: one per administration and network with an API (VK, Telegram,
-- MAX). The token stays on the server: pages and API answers show only its last four
-- characters. `group_id` is VK's community; `chat_map` maps a Telegram channel (its
-- username or numeric id) to the chat id of its discussion group, as JSON.
--
-- `publish_outbox`: one request per approved draft. It is written before the network is
-- called and survives failures: `pending` is retried by the leader from
-- `next_attempt_at`; `sending` is claimed by one caller until `claimed_until` (concurrent
-- clicks publish once); `unknown` is a timeout whose result a network without an
-- idempotency key cannot tell (never sent again by itself); `failed` needs a person
-- (bad token, comments closed, …); `sent` carries what the network returned.

CREATE TABLE network_connections (
    administration_id INTEGER NOT NULL REFERENCES administrations (id),
    network           TEXT NOT NULL CHECK (network IN ('vk', 'telegram', 'max')),
    token             TEXT NOT NULL,
    group_id          TEXT,
    chat_map          TEXT NOT NULL DEFAULT '{}',
    connected_at      TEXT NOT NULL,
    PRIMARY KEY (administration_id, network)
);

CREATE TABLE publish_outbox (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages (id),
    draft_id        INTEGER NOT NULL REFERENCES drafts (id),
    network         TEXT NOT NULL,
    requested_by    INTEGER REFERENCES users (id),
    requested_role  TEXT NOT NULL,
    requested_label TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'unknown', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    claimed_until   TEXT,
    last_error      TEXT,
    link            TEXT,
    published_at    TEXT,
    CONSTRAINT publish_outbox_draft_unique UNIQUE (draft_id)
);
CREATE INDEX publish_outbox_message ON publish_outbox (message_id);
CREATE INDEX publish_outbox_due ON publish_outbox (next_attempt_at) WHERE status = 'pending';
