-- Topics (issue 21): each administration's catalogue of topics, edited by its admin: a
-- name, active or not, and the department that usually handles it. `key` is the name as
-- compared (`domain::topic::normalized`: trimmed, lowercase, «ё» as «е»), unique per
-- administration. `position` keeps the default list's order. `keywords`: the word stems that
-- suggest it, comma-separated (NULL: the built-in ones for its name, `domain::topic`).
--
-- `messages.topic` stays what intake received (idempotent re-sends compare it);
-- `messages.topic_id` is the catalogue's entry: set at intake when the name is a known
-- active topic, by the coordinator otherwise. A received topic without an entry is
-- flagged for the coordinator.
CREATE TABLE topics (
    id                INTEGER PRIMARY KEY,
    administration_id INTEGER NOT NULL REFERENCES administrations (id),
    name              TEXT NOT NULL,
    key               TEXT NOT NULL,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    department_id     INTEGER REFERENCES departments (id),
    position          INTEGER NOT NULL DEFAULT 1000,
    keywords          TEXT,
    UNIQUE (administration_id, key)
);

-- The default catalogue of every administration.
INSERT INTO topics (administration_id, name, key, position)
SELECT a.id, v.column1, v.column2, v.column3 FROM administrations a CROSS JOIN (VALUES
    ('ЖКХ', 'жкх', 1),
    ('дороги', 'дороги', 2),
    ('благоустройство', 'благоустройство', 3),
    ('транспорт', 'транспорт', 4),
    ('вывоз мусора (ТКО)', 'вывоз мусора (тко)', 5),
    ('образование', 'образование', 6),
    ('здравоохранение', 'здравоохранение', 7),
    ('социальная поддержка', 'социальная поддержка', 8),
    ('безопасность', 'безопасность', 9),
    ('другое', 'другое', 10)
) v;

-- The free-text topics received so far: an unknown one becomes an inactive entry (one per
-- spelling as SQLite's `lower` folds it: ASCII only), and every message points to its entry.
INSERT INTO topics (administration_id, name, key, active)
SELECT m.administration_id, MIN(trim(m.topic)), lower(trim(m.topic)), FALSE
FROM messages m
WHERE m.topic IS NOT NULL AND trim(m.topic) <> ''
  AND NOT EXISTS (SELECT 1 FROM topics t WHERE t.administration_id = m.administration_id
                  AND (t.key = lower(trim(m.topic)) OR t.name = trim(m.topic)))
GROUP BY m.administration_id, lower(trim(m.topic));

ALTER TABLE messages ADD COLUMN topic_id INTEGER REFERENCES topics (id);
UPDATE messages SET topic_id = (
    SELECT t.id FROM topics t WHERE t.administration_id = messages.administration_id
      AND (t.key = lower(trim(messages.topic)) OR t.name = trim(messages.topic))
    ORDER BY t.id LIMIT 1)
WHERE topic IS NOT NULL AND trim(topic) <> '';
CREATE INDEX messages_topic ON messages (topic_id, sort_key, id) WHERE topic_id IS NOT NULL;
