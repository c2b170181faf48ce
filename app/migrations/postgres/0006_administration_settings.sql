-- Settings and calendar corrections per administration (issue 19). `administration_id`
-- 0 holds the region's value (the deployment's, as before); an administration's own row
-- overrides it for that administration. No foreign key: 0 is no administration.

ALTER TABLE settings ADD COLUMN administration_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settings DROP CONSTRAINT settings_pkey;
ALTER TABLE settings ADD PRIMARY KEY (administration_id, key);

ALTER TABLE calendar_overrides ADD COLUMN administration_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE calendar_overrides DROP CONSTRAINT calendar_overrides_pkey;
ALTER TABLE calendar_overrides ADD PRIMARY KEY (administration_id, date);
