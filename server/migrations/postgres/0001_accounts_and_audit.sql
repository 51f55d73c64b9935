-- 0001 (PostgreSQL): accounts with roles, their login sessions, and the audit log.
-- The SQLite migration of the same number creates the same schema; both are
-- forward-only. Times are Unix seconds (the server's clock, passed in).

CREATE TABLE accounts (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('organiser', 'desk', 'booth', 'scrutineer', 'observer')),
    -- Argon2id in PHC string form; the password itself is never stored.
    password_hash TEXT    NOT NULL,
    must_change_password BIGINT NOT NULL DEFAULT 0,
    disabled      BIGINT  NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL
);

-- A login session: the cookie holds a random token; only its SHA-256 is stored,
-- so a copy of the database does not let anyone log in.
CREATE TABLE login_sessions (
    token_hash  BYTEA   PRIMARY KEY,
    account_id  BIGINT  NOT NULL REFERENCES accounts (id),
    csrf_token  TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);

-- The audit log of organiser actions: append-only and hash-chained
-- (entry_hash = H("hallvote/audit/v1", prev_hash, seq, at, actor, action, detail)).
CREATE TABLE audit_log (
    seq         BIGINT  PRIMARY KEY,
    at          BIGINT  NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    prev_hash   BYTEA   NOT NULL,
    entry_hash  BYTEA   NOT NULL
);

CREATE FUNCTION hallvote_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();
