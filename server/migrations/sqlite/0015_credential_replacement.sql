-- 0015: credential replacement at the desk (换发, spec §6.7). The board takes two more
-- kinds of entry: 'cancelled' (a damaged slip handed back, its credential published so
-- that it can never be cast) and 'replaced' (a lost slip replaced with a scrutineer's
-- approval). The PostgreSQL migration of the same number makes the same schema.
--
-- SQLite cannot change a CHECK constraint in place: board_entries is rebuilt with its
-- indexes and triggers (nothing references it).
CREATE TABLE board_entries_new (
    poll_id     INTEGER NOT NULL REFERENCES polls (id),
    position    INTEGER NOT NULL CHECK (position >= 0),
    kind        TEXT    NOT NULL CHECK (kind IN ('cast', 'spoiled', 'cancelled', 'replaced')),
    serial      BLOB    NOT NULL,
    tracking    BLOB    NOT NULL,
    entry       BLOB    NOT NULL,
    head        BLOB    NOT NULL,
    signature   BLOB    NOT NULL,
    PRIMARY KEY (poll_id, position)
);
INSERT INTO board_entries_new SELECT poll_id, position, kind, serial, tracking, entry, head, signature
    FROM board_entries;
DROP TABLE board_entries;
ALTER TABLE board_entries_new RENAME TO board_entries;
CREATE UNIQUE INDEX board_one_cast_per_serial ON board_entries (poll_id, serial) WHERE kind = 'cast';
CREATE UNIQUE INDEX board_one_cancellation_per_serial ON board_entries (poll_id, serial) WHERE kind = 'cancelled';
CREATE INDEX board_by_tracking ON board_entries (poll_id, tracking);
CREATE TRIGGER board_no_update BEFORE UPDATE ON board_entries
BEGIN SELECT RAISE(ABORT, 'board_entries is append-only'); END;
CREATE TRIGGER board_no_delete BEFORE DELETE ON board_entries
BEGIN SELECT RAISE(ABORT, 'board_entries is append-only'); END;

-- Every replacement credential issued: to which delegate, against which board entry
-- (the cancellation of the damaged slip, or the replacement entry of a lost one: one
-- new credential per entry), and for a lost slip the scrutineer's account that
-- approved it. A cancelled credential was never cast, so keeping whose it was links
-- no ballot to anyone.
CREATE TABLE replacements (
    poll_id      INTEGER NOT NULL REFERENCES polls (id),
    position     INTEGER NOT NULL,
    delegate_id  INTEGER NOT NULL REFERENCES delegates (id),
    reason       TEXT    NOT NULL CHECK (reason IN ('damaged', 'lost')),
    approved_by  TEXT    NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (poll_id, position),
    CHECK ((reason = 'lost') = (approved_by IS NOT NULL))
);
CREATE TRIGGER replacements_no_update BEFORE UPDATE ON replacements
BEGIN SELECT RAISE(ABORT, 'replacements is append-only'); END;
CREATE TRIGGER replacements_no_delete BEFORE DELETE ON replacements
BEGIN SELECT RAISE(ABORT, 'replacements is append-only'); END;
