-- A counter bumped in the same transaction as every change of the settings or the
-- calendar corrections: a request reads it (one row) and reuses the calendar and settings
-- it has cached for that number, on every instance.

CREATE TABLE config_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO config_version (id, n) VALUES (1, 0);

CREATE TRIGGER settings_bump_insert AFTER INSERT ON settings
BEGIN UPDATE config_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_bump_update AFTER UPDATE ON settings
BEGIN UPDATE config_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER settings_bump_delete AFTER DELETE ON settings
BEGIN UPDATE config_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER overrides_bump_insert AFTER INSERT ON calendar_overrides
BEGIN UPDATE config_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER overrides_bump_update AFTER UPDATE ON calendar_overrides
BEGIN UPDATE config_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER overrides_bump_delete AFTER DELETE ON calendar_overrides
BEGIN UPDATE config_version SET n = n + 1 WHERE id = 1; END;
