-- Cases (issue 21): posts about one problem linked to a lead message.
--
-- `case_lead_id`: the lead a post is linked to (NULL: a lead or alone); a case is one
-- level deep. `case_posts`: how many posts a lead has, kept in the same transaction as
-- every link and unlink, so a list knows which rows are cases without a query per row.
-- The reference is deferred: a copy between databases (`otklik transfer`) inserts
-- messages by id, and a post may be older than its lead.
ALTER TABLE messages ADD COLUMN case_lead_id INTEGER
    REFERENCES messages (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE messages ADD COLUMN case_posts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_case_lead ON messages (case_lead_id) WHERE case_lead_id IS NOT NULL;
