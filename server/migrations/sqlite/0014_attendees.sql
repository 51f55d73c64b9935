-- 0014: people at a session without a vote, registered per session: 列席 (attending
-- without a vote) and 旁听 (observers), each with a number the desk finds them by.
-- They are checked in apart from the delegates (attendee_arrivals, append-only) and
-- never counted in expected or present, nor issued a credential.
CREATE TABLE attendees (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES sessions (id),
    number       TEXT    NOT NULL,         -- 列席证号 / 旁听证号
    name         TEXT    NOT NULL,
    unit         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('attending', 'observing')),
    created_at   INTEGER NOT NULL,
    UNIQUE (session_id, number)
);

CREATE TABLE attendee_arrivals (
    attendee_id  INTEGER PRIMARY KEY REFERENCES attendees (id),
    at           INTEGER NOT NULL,
    actor        TEXT    NOT NULL
);

CREATE TRIGGER attendee_arrivals_no_update BEFORE UPDATE ON attendee_arrivals
BEGIN SELECT RAISE(ABORT, 'attendee_arrivals is append-only'); END;
CREATE TRIGGER attendee_arrivals_no_delete BEFORE DELETE ON attendee_arrivals
BEGIN SELECT RAISE(ABORT, 'attendee_arrivals is append-only'); END;
