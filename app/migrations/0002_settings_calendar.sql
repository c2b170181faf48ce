-- Deployment settings (JSON values) and corrections of the production calendar.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,           -- JSON
    updated_at TEXT NOT NULL,
    updated_by INTEGER REFERENCES users (id)
);

-- One row per corrected date; mark NULL means "back to the ordinary weekday rule".
CREATE TABLE calendar_overrides (
    date       TEXT PRIMARY KEY,        -- YYYY-MM-DD in the deployment's zone
    mark       TEXT CHECK (mark IS NULL OR mark IN ('non_working', 'working', 'shortened')),
    note       TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by INTEGER REFERENCES users (id)
);
