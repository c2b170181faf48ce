-- The board's "answered today" (issue 19): the journal's answers by time, without
-- scanning the whole journal.
CREATE INDEX journal_answered ON journal (at) WHERE to_state = 'answered';
