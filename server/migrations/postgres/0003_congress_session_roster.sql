-- 0003 (PostgreSQL): congresses, their sessions, the delegate roll, exclusions and
-- attendance. Attendance is an append-only event log: who is present is derived
-- from it (last event per delegate), never overwritten.

CREATE TABLE congresses (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT    NOT NULL,
    number      BIGINT  NOT NULL,
    term_years  BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE sessions (
    id           BIGSERIAL PRIMARY KEY,
    congress_id  BIGINT  NOT NULL REFERENCES congresses (id),
    number       BIGINT  NOT NULL,
    place        TEXT    NOT NULL,
    date         TEXT    NOT NULL,
    ruleset      TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    UNIQUE (congress_id, number)
);

CREATE TABLE delegates (
    id           BIGSERIAL PRIMARY KEY,
    congress_id  BIGINT  NOT NULL REFERENCES congresses (id),
    card         TEXT    NOT NULL,
    seq          TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    gender       TEXT    NOT NULL,
    ethnicity    TEXT    NOT NULL,
    grp          TEXT    NOT NULL,
    unit         TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'active',
    UNIQUE (congress_id, card)
);

CREATE TABLE exclusions (
    session_id   BIGINT  NOT NULL REFERENCES sessions (id),
    delegate_id  BIGINT  NOT NULL REFERENCES delegates (id),
    reason       TEXT    NOT NULL CHECK (reason IN ('illness', 'abroad', 'detained', 'other')),
    note         TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (session_id, delegate_id)
);

CREATE TABLE attendance_events (
    id           BIGSERIAL PRIMARY KEY,
    session_id   BIGINT  NOT NULL REFERENCES sessions (id),
    delegate_id  BIGINT  NOT NULL REFERENCES delegates (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('arrive', 'depart')),
    at           BIGINT  NOT NULL,
    actor        TEXT    NOT NULL
);
CREATE INDEX attendance_by_delegate ON attendance_events (session_id, delegate_id, id);

CREATE TRIGGER attendance_append_only BEFORE UPDATE OR DELETE ON attendance_events
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();
