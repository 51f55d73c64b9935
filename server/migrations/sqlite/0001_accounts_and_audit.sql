-- 0001 (SQLite): accounts with roles, their login sessions, and the audit log.
-- The PostgreSQL migration of the same number creates the same schema; both are
-- forward-only. Times are Unix seconds (the server's clock, passed in).

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('organiser', 'desk', 'booth', 'scrutineer', 'observer')),
    -- Argon2id in PHC string form; the password itself is never stored.
    password_hash TEXT    NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

-- A login session: the cookie holds a random token; only its SHA-256 is stored,
-- so a copy of the database does not let anyone log in.
CREATE TABLE login_sessions (
    token_hash  BLOB    PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    csrf_token  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

-- The audit log of organiser actions: append-only and hash-chained
-- (entry_hash = H("hallvote/audit/v1", prev_hash, seq, at, actor, action, detail)).
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    prev_hash   BLOB    NOT NULL,
    entry_hash  BLOB    NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
