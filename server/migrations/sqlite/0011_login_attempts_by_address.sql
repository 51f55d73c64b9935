-- 0011 (SQLite): login attempts by account and client address, recorded before the
-- password is checked (so concurrent guesses count against each other) and removed
-- when the password was right. Replaces login_failures, whose count per account let
-- anyone lock an organiser out from another address.
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    username  TEXT    NOT NULL,
    address   TEXT    NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX login_attempts_by_address ON login_attempts (username, address, at);
CREATE INDEX login_attempts_by_user ON login_attempts (username, at);
