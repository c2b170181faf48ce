-- Deadline truth (issue 14): every deadline records its outcome once (met, breached with
-- its lateness in working seconds, cancelled, superseded) and who was responsible when it
-- started and when it ended (§13). Times: RFC 3339 TEXT in UTC (see 0001).

ALTER TABLE deadlines ADD COLUMN outcome TEXT
    CHECK (outcome IS NULL OR outcome IN ('met', 'breached', 'cancelled', 'superseded'));
-- Working seconds after due when the task was done (0 when met); NULL otherwise. Rows
-- breached before this migration get theirs at the next start (service::db), computed once.
ALTER TABLE deadlines ADD COLUMN late_by_seconds INTEGER;
-- 'executor' (with the user) or 'coordinators'; NULL: recorded before this was kept.
ALTER TABLE deadlines ADD COLUMN responsible_start TEXT
    CHECK (responsible_start IS NULL OR responsible_start IN ('executor', 'coordinators'));
ALTER TABLE deadlines ADD COLUMN responsible_start_id INTEGER REFERENCES users (id);
ALTER TABLE deadlines ADD COLUMN responsible_end TEXT
    CHECK (responsible_end IS NULL OR responsible_end IN ('executor', 'coordinators'));
ALTER TABLE deadlines ADD COLUMN responsible_end_id INTEGER REFERENCES users (id);

UPDATE deadlines SET outcome = CASE met WHEN 1 THEN 'met' ELSE 'breached' END,
                     late_by_seconds = CASE met WHEN 1 THEN 0 END
 WHERE done_at IS NOT NULL;

-- Earlier versions left deadlines running that no task was pending for any more.
-- `return_by` of a message taken into work: accepted at the first assignment after it
-- started (its due when no assignment was journaled).
UPDATE deadlines
   SET done_at = COALESCE(
           (SELECT MIN(j.at) FROM journal j
             WHERE j.message_id = deadlines.message_id AND j.action = 'assign'
               AND j.at >= deadlines.started_at),
           deadlines.due_at),
       outcome = 'met', late_by_seconds = 0
 WHERE rule = 'return_by' AND done_at IS NULL
   AND (SELECT state FROM messages m WHERE m.id = deadlines.message_id) <> 'new';

-- Deadlines of returned, rejected or answered messages: cancelled when the message
-- closed (its last journal event).
UPDATE deadlines
   SET done_at = (SELECT MAX(j.at) FROM journal j WHERE j.message_id = deadlines.message_id),
       outcome = 'cancelled'
 WHERE done_at IS NULL
   AND (SELECT state FROM messages m WHERE m.id = deadlines.message_id)
       IN ('returned', 'rejected', 'answered');

-- The outcome replaces the 0/1 `met` (the API's `met` is derived from it).
ALTER TABLE deadlines DROP COLUMN met;
