-- 0014: people at a session without a vote, registered per session: 列席 (attending
-- without a vote) and 旁听 (observers), each with a number the desk finds them by.
-- They are checked in apart from the delegates (attendee_arrivals, append-only) and
-- never counted in expected or present, nor issued a credential.
CREATE TABLE attendees (
    id           BIGSERIAL PRIMARY KEY,
    session_id   BIGINT  NOT NULL REFERENCES sessions (id),
    number       TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    unit         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('attending', 'observing')),
    created_at   BIGINT  NOT NULL,
    UNIQUE (session_id, number)
);

CREATE TABLE attendee_arrivals (
    attendee_id  BIGINT  PRIMARY KEY REFERENCES attendees (id),
    at           BIGINT  NOT NULL,
    actor        TEXT    NOT NULL
);

CREATE TRIGGER attendee_arrivals_append_only BEFORE UPDATE OR DELETE ON attendee_arrivals
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();
