-- 0005 (SQLite): hall stations (desk, booth and scrutineer machines), the
-- one-time tokens that enrol them, and the nonces of their signed requests
-- (spec §15). The PostgreSQL migration of the same number creates the same schema.

-- An enrolled station: it proves every request with the Ed25519 key it enrolled.
-- A revoked station stays in the table (its id is never reused) but is refused.
CREATE TABLE stations (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('desk', 'booth', 'scrutineer')),
    name         TEXT    NOT NULL,
    public_key   BLOB    NOT NULL UNIQUE,   -- 32 bytes, a valid key of spec §8.1
    enrolled_at  INTEGER NOT NULL,
    enrolled_by  TEXT    NOT NULL,          -- username of the organiser who issued the token
    revoked      INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);

-- A one-time enrolment token (spec §15.2). Only its SHA-256 is stored, so a copy
-- of the database does not let anyone enrol a station. `used_at` is set, once,
-- by the enrolment that consumes it; `station_id` names the station it made.
CREATE TABLE station_enrolments (
    token_hash   BLOB    PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('desk', 'booth', 'scrutineer')),
    name         TEXT    NOT NULL,
    created_by   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER NULL,
    station_id   INTEGER NULL REFERENCES stations (id)
);

-- Nonces of accepted station requests, for replay protection (spec §15.5). `at` is
-- the request's signed timestamp; rows older than the freshness window can no
-- longer be replayed (the timestamp check refuses them) and are pruned.
CREATE TABLE station_nonces (
    station_id   INTEGER NOT NULL REFERENCES stations (id),
    nonce        BLOB    NOT NULL,
    at           INTEGER NOT NULL,
    UNIQUE (station_id, nonce)
);
CREATE INDEX station_nonces_by_time ON station_nonces (station_id, at);
