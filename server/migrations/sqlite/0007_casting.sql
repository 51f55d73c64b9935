-- 0007 (SQLite): the casting pipeline of a poll (docs/adr/0008): officers, the
-- scrutineers' key ceremony relayed by the server, credential issuance, the
-- bulletin board, decryption shares and result signatures. The PostgreSQL
-- migration of the same number creates the same schema.

-- The poll gains the states of its lifecycle and what each step freezes. SQLite
-- cannot change a CHECK constraint in place: the table is rebuilt (nothing
-- references it yet).
CREATE TABLE polls_new (
    id                 INTEGER PRIMARY KEY,
    session_id         INTEGER NOT NULL REFERENCES sessions (id),
    name               TEXT    NOT NULL,
    definition         TEXT    NOT NULL,
    state              TEXT    NOT NULL DEFAULT 'draft'
                       CHECK (state IN ('draft', 'ceremony', 'ready', 'open', 'closed', 'tallied', 'published')),
    created_at         INTEGER NOT NULL,
    threshold          INTEGER NULL,      -- k of the scrutineers, set on appointment
    ceremony_id        BLOB    NULL,      -- spec §5.1, set when the ceremony starts
    manifest           BLOB    NULL,      -- spec §11.2, immutable once set
    credential_secret  BLOB    NULL,      -- the RSA key, sealed under the server key (spec §14.6)
    joint_key          BLOB    NULL,      -- Y, when the ceremony completes
    election_hash      BLOB    NULL,      -- E (spec §11.3)
    expected           INTEGER NULL,      -- 应到, frozen at open
    present            INTEGER NULL,      -- 实到, frozen at open
    issued             INTEGER NOT NULL DEFAULT 0,
    board_size         INTEGER NOT NULL DEFAULT 0,
    final_head         BLOB    NULL,      -- tree head ‖ signature, at close
    totals             TEXT    NULL,      -- JSON array, at tally
    outcome            BLOB    NULL,      -- spec §12.7, at tally
    result_digest      BLOB    NULL,      -- spec §12.8, at tally
    aggregates         BLOB    NULL,      -- spec §12.6, 64 bytes per selection, at close
    record             BLOB    NULL       -- spec §12, at publication
);
INSERT INTO polls_new (id, session_id, name, definition, state, created_at)
    SELECT id, session_id, name, definition, state, created_at FROM polls;
DROP TABLE polls;
ALTER TABLE polls_new RENAME TO polls;
CREATE INDEX polls_by_session ON polls (session_id, id);

-- Scrutineers (监票人) and counters (计票人) of a poll: delegates who are not
-- candidates in it, each bound to an enrolled scrutineer station whose key signs
-- for them. `position` is the scrutineer index j of the ceremony (1-based).
CREATE TABLE poll_officers (
    poll_id      INTEGER NOT NULL REFERENCES polls (id),
    role         TEXT    NOT NULL CHECK (role IN ('scrutineer', 'counter')),
    position     INTEGER NOT NULL CHECK (position >= 1),
    delegate_id  INTEGER NOT NULL REFERENCES delegates (id),
    station_id   INTEGER NOT NULL REFERENCES stations (id),
    name         TEXT    NOT NULL,
    PRIMARY KEY (poll_id, role, position),
    UNIQUE (poll_id, delegate_id),
    UNIQUE (poll_id, station_id)
);

-- The key ceremony relayed by the server (spec §5.2–§5.3, §5.6): each scrutineer's
-- HPKE key for receiving shares, each dealer message, each sealed share (the server
-- cannot read them) and each scrutineer's confirmation with its complaints.
CREATE TABLE ceremony_recipients (
    poll_id     INTEGER NOT NULL REFERENCES polls (id),
    scrutineer  INTEGER NOT NULL,
    public_key  BLOB    NOT NULL,
    PRIMARY KEY (poll_id, scrutineer)
);
CREATE TABLE ceremony_dealings (
    poll_id  INTEGER NOT NULL REFERENCES polls (id),
    dealer   INTEGER NOT NULL,
    message  BLOB    NOT NULL,
    PRIMARY KEY (poll_id, dealer)
);
CREATE TABLE ceremony_shares (
    poll_id    INTEGER NOT NULL REFERENCES polls (id),
    dealer     INTEGER NOT NULL,
    recipient  INTEGER NOT NULL,
    sealed     BLOB    NOT NULL,
    PRIMARY KEY (poll_id, dealer, recipient)
);
CREATE TABLE ceremony_confirmations (
    poll_id     INTEGER NOT NULL REFERENCES polls (id),
    scrutineer  INTEGER NOT NULL,
    complaints  BLOB    NOT NULL,   -- 40-byte dealer shares, concatenated; empty if none
    PRIMARY KEY (poll_id, scrutineer)
);

-- One credential per delegate per poll. Which credential is never known: the
-- server signs a blinded message. No time is kept, so that issuance order cannot
-- be matched with board order by timestamps.
CREATE TABLE issuances (
    poll_id      INTEGER NOT NULL REFERENCES polls (id),
    delegate_id  INTEGER NOT NULL REFERENCES delegates (id),
    PRIMARY KEY (poll_id, delegate_id)
);

-- The bulletin board (spec §12.4): cast and spoiled ballots in order, each with the
-- signed tree head its receipt carries. A credential's serial is cast at most once.
CREATE TABLE board_entries (
    poll_id     INTEGER NOT NULL REFERENCES polls (id),
    position    INTEGER NOT NULL CHECK (position >= 0),
    kind        TEXT    NOT NULL CHECK (kind IN ('cast', 'spoiled')),
    serial      BLOB    NOT NULL,
    tracking    BLOB    NOT NULL,
    entry       BLOB    NOT NULL,
    head        BLOB    NOT NULL,
    signature   BLOB    NOT NULL,
    PRIMARY KEY (poll_id, position)
);
CREATE UNIQUE INDEX board_one_cast_per_serial ON board_entries (poll_id, serial) WHERE kind = 'cast';
CREATE INDEX board_by_tracking ON board_entries (poll_id, tracking);

-- Decryption shares of each scrutineer (spec §12.6), verified on arrival.
CREATE TABLE decryptions (
    poll_id     INTEGER NOT NULL REFERENCES polls (id),
    scrutineer  INTEGER NOT NULL,
    shares      BLOB    NOT NULL,
    PRIMARY KEY (poll_id, scrutineer)
);

-- Signatures of scrutineers and counters over the result digest (spec §12.8).
CREATE TABLE result_signatures (
    poll_id    INTEGER NOT NULL REFERENCES polls (id),
    role       TEXT    NOT NULL CHECK (role IN ('scrutineer', 'counter')),
    position   INTEGER NOT NULL,
    signature  BLOB    NOT NULL,
    PRIMARY KEY (poll_id, role, position)
);

CREATE TRIGGER issuances_no_update BEFORE UPDATE ON issuances
BEGIN SELECT RAISE(ABORT, 'issuances is append-only'); END;
CREATE TRIGGER issuances_no_delete BEFORE DELETE ON issuances
BEGIN SELECT RAISE(ABORT, 'issuances is append-only'); END;
CREATE TRIGGER board_no_update BEFORE UPDATE ON board_entries
BEGIN SELECT RAISE(ABORT, 'board_entries is append-only'); END;
CREATE TRIGGER board_no_delete BEFORE DELETE ON board_entries
BEGIN SELECT RAISE(ABORT, 'board_entries is append-only'); END;
CREATE TRIGGER decryptions_no_update BEFORE UPDATE ON decryptions
BEGIN SELECT RAISE(ABORT, 'decryptions is append-only'); END;
CREATE TRIGGER decryptions_no_delete BEFORE DELETE ON decryptions
BEGIN SELECT RAISE(ABORT, 'decryptions is append-only'); END;
