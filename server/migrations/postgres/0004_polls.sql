-- 0004 (PostgreSQL): polls of a session. The definition is the tally crate's poll
-- (contests, candidates, members, items) as JSON for the console; what is hashed
-- and signed is the record's binary manifest, built from it when the poll opens.
CREATE TABLE polls (
    id          BIGSERIAL PRIMARY KEY,
    session_id  BIGINT  NOT NULL REFERENCES sessions (id),
    name        TEXT    NOT NULL,
    definition  TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'draft'
                CHECK (state IN ('draft', 'open', 'closed', 'tallied', 'published')),
    created_at  BIGINT  NOT NULL
);
CREATE INDEX polls_by_session ON polls (session_id, id);
