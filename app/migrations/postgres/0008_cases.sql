-- Cases (issue 21): posts about one problem linked to a lead message (see the SQLite
-- migration 0017_cases.sql).
ALTER TABLE messages ADD COLUMN case_lead_id BIGINT
    REFERENCES messages (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE messages ADD COLUMN case_posts BIGINT NOT NULL DEFAULT 0;
CREATE INDEX messages_case_lead ON messages (case_lead_id) WHERE case_lead_id IS NOT NULL;
