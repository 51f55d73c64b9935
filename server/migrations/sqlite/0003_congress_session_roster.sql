-- 0003 (SQLite): congresses, their sessions, the delegate roll, exclusions and
-- attendance. Attendance is an append-only event log: who is present is derived
-- from it (last event per delegate), never overwritten.

CREATE TABLE congresses (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,          -- 中国共产党青山镇第十五届代表大会
    number      INTEGER NOT NULL,          -- 十五 (届)
    term_years  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    congress_id  INTEGER NOT NULL REFERENCES congresses (id),
    number       INTEGER NOT NULL,         -- 第三次会议
    place        TEXT    NOT NULL,
    date         TEXT    NOT NULL,
    ruleset      TEXT    NOT NULL,         -- built-in name, e.g. township-2020
    created_at   INTEGER NOT NULL,
    UNIQUE (congress_id, number)
);

CREATE TABLE delegates (
    id           INTEGER PRIMARY KEY,
    congress_id  INTEGER NOT NULL REFERENCES congresses (id),
    card         TEXT    NOT NULL,         -- 代表证号
    seq          TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    gender       TEXT    NOT NULL,         -- male / female / '' (not given)
    ethnicity    TEXT    NOT NULL,
    grp          TEXT    NOT NULL,         -- 代表团
    unit         TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'active', -- active, or lost:<reason>
    UNIQUE (congress_id, card)
);

CREATE TABLE exclusions (
    session_id   INTEGER NOT NULL REFERENCES sessions (id),
    delegate_id  INTEGER NOT NULL REFERENCES delegates (id),
    reason       TEXT    NOT NULL CHECK (reason IN ('illness', 'abroad', 'detained', 'other')),
    note         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (session_id, delegate_id)
);

CREATE TABLE attendance_events (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES sessions (id),
    delegate_id  INTEGER NOT NULL REFERENCES delegates (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('arrive', 'depart')),
    at           INTEGER NOT NULL,
    actor        TEXT    NOT NULL
);
CREATE INDEX attendance_by_delegate ON attendance_events (session_id, delegate_id, id);

CREATE TRIGGER attendance_no_update BEFORE UPDATE ON attendance_events
BEGIN SELECT RAISE(ABORT, 'attendance_events is append-only'); END;
CREATE TRIGGER attendance_no_delete BEFORE DELETE ON attendance_events
BEGIN SELECT RAISE(ABORT, 'attendance_events is append-only'); END;
