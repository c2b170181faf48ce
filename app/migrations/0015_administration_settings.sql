-- Settings and calendar corrections per administration (issue 19). `administration_id`
-- 0 holds the region's value (the deployment's, as before); an administration's own row
-- overrides it for that administration. No foreign key: 0 is no administration.

CREATE TABLE settings_layered (
    administration_id INTEGER NOT NULL DEFAULT 0,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,           -- JSON
    updated_at TEXT NOT NULL,
    updated_by INTEGER REFERENCES users (id),
    PRIMARY KEY (administration_id, key)
);
INSERT INTO settings_layered (administration_id, key, value, updated_at, updated_by)
    SELECT 0, key, value, updated_at, updated_by FROM settings;
DROP TABLE settings;
ALTER TABLE settings_layered RENAME TO settings;

CREATE TABLE calendar_overrides_layered (
    administration_id INTEGER NOT NULL DEFAULT 0,
    date       TEXT NOT NULL,           -- YYYY-MM-DD in the deployment's zone
    mark       TEXT CHECK (mark IS NULL OR mark IN ('non_working', 'working', 'shortened')),
    note       TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by INTEGER REFERENCES users (id),
    PRIMARY KEY (administration_id, date)
);
INSERT INTO calendar_overrides_layered
        (administration_id, date, mark, note, updated_at, updated_by)
    SELECT 0, date, mark, note, updated_at, updated_by FROM calendar_overrides;
DROP TABLE calendar_overrides;
ALTER TABLE calendar_overrides_layered RENAME TO calendar_overrides;

-- The tables' triggers went with them: every change still bumps the configuration.
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
