-- Sign-in throttling (issue 15): a growing delay per login and client address and a cap
-- per address replace the 15-minute lock of a login (which let anyone lock the admin out).
-- Attempts are counted here before the password is checked.
DROP TABLE login_failures;

-- Consecutive failures of one login from one client address; the next attempt of the pair
-- is allowed from `not_before`. A success deletes the row.
CREATE TABLE signin_pairs (
    login      TEXT NOT NULL COLLATE NOCASE,
    address    TEXT NOT NULL,
    failures   INTEGER NOT NULL,
    not_before TEXT NOT NULL,
    last_at    TEXT NOT NULL,
    PRIMARY KEY (login, address)
);
CREATE INDEX signin_pairs_last_at ON signin_pairs (last_at);

-- Failures of one client address over all logins in the current window.
CREATE TABLE signin_addresses (
    address      TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    failures     INTEGER NOT NULL
);
