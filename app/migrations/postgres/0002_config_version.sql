-- A counter bumped in the same transaction as every change of the settings or the
-- calendar corrections: a request reads it (one row) and reuses the calendar and settings
-- it has cached for that number, on every instance.

CREATE TABLE config_version (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO config_version (id, n) VALUES (1, 0);

CREATE FUNCTION config_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE config_version SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER settings_bump AFTER INSERT OR UPDATE OR DELETE ON settings
    FOR EACH STATEMENT EXECUTE FUNCTION config_version_bump();
CREATE TRIGGER overrides_bump AFTER INSERT OR UPDATE OR DELETE ON calendar_overrides
    FOR EACH STATEMENT EXECUTE FUNCTION config_version_bump();
