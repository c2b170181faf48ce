#!/usr/bin/env python3
"""Turns a bulk-seeded SQLite database (`otklik seed-bulk`/`--demo-bulk`: intake and
assignment only) into a year of finished work for the report benchmark of issue 18:
detection spread over 2026, and for 9 of 10 messages a final draft, its approval, a
publication the same day, the journal's way to `answered`, and every open deadline done
(`answer_by` met for 4 of 5, breached otherwise). Run it on a copy: python3
scripts/bench/report_year.py PATH/otklik.db. Needs an SQLite with FTS5 (pysqlite3-binary
from pip, or Python's own sqlite3 where it has FTS5)."""
import sys

try:
    import pysqlite3 as sqlite3
except ImportError:
    import sqlite3

db = sqlite3.connect(sys.argv[1])
c = db.cursor()
c.execute("BEGIN")
# Spread detection over 2026: day (id mod 365), the original time of day.
c.execute("""UPDATE messages SET detected_at =
    strftime('%Y-%m-%dT%H:%M:%S+00:00', '2026-01-01', '+' || (id % 365) || ' days',
             time(detected_at))""")
c.execute("""UPDATE deadlines SET
    started_at = (SELECT detected_at FROM messages m WHERE m.id = deadlines.message_id),
    due_at = strftime('%Y-%m-%dT%H:%M:%S+00:00',
                      (SELECT detected_at FROM messages m WHERE m.id = deadlines.message_id), '+9 hours')""")
first_draft = c.execute("SELECT COALESCE(MAX(id), 0) FROM drafts").fetchone()[0]
c.execute("""INSERT INTO drafts (message_id, number, kind, text, submitted_at, submitted_by,
                                 decision, decided_at)
    SELECT id, 1, 'final', 'Здравствуйте! Работы выполнены.', strftime('%Y-%m-%dT%H:%M:%S+00:00', detected_at, '+2 hours'),
           assignee_id, 'approved', strftime('%Y-%m-%dT%H:%M:%S+00:00', detected_at, '+3 hours')
    FROM messages WHERE id % 10 <> 0 AND id NOT IN (SELECT message_id FROM drafts)""")
c.execute("""INSERT INTO publications (message_id, draft_id, link, published_at, published_by, recorded_at)
    SELECT d.message_id, d.id, 'https://vk.com/wall-1_' || d.message_id,
           strftime('%Y-%m-%dT%H:%M:%S+00:00', d.decided_at, '+' || (d.message_id % 500) || ' minutes'),
           d.submitted_by, strftime('%Y-%m-%dT%H:%M:%S+00:00', d.decided_at, '+' || (d.message_id % 500) || ' minutes')
    FROM drafts d WHERE d.id > ?""", (first_draft,))
for action, frm, to in [("submit", "in_work", "on_approval"), ("approve", "on_approval", "approved"),
                        ("publish", "approved", "answered")]:
    c.execute(f"""INSERT INTO journal (message_id, at, actor_label, action, from_state, to_state)
        SELECT p.message_id, p.published_at, 'bench', '{action}', '{frm}', '{to}' FROM publications p
        WHERE p.draft_id > ?""", (first_draft,))
c.execute("""UPDATE deadlines SET done_at = due_at,
    outcome = CASE WHEN rule = 'answer_by' AND message_id % 5 = 0 THEN 'breached' ELSE 'met' END
    WHERE done_at IS NULL AND message_id % 10 <> 0""")
c.execute("UPDATE messages SET state = 'answered', overdue_after = NULL WHERE id % 10 <> 0")
db.commit()
for t in ["messages", "drafts", "publications", "journal", "deadlines"]:
    print(t, c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
