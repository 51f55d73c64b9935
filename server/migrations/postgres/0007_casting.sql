-- 0007 (PostgreSQL): the casting pipeline of a poll (docs/adr/0008): officers, the
-- scrutineers' key ceremony relayed by the server, credential issuance, the
-- bulletin board, decryption shares and result signatures. The SQLite
-- migration of the same number creates the same schema.

-- The poll gains the states of its lifecycle and what each step freezes.
ALTER TABLE polls DROP CONSTRAINT polls_state_check;
ALTER TABLE polls ADD CONSTRAINT polls_state_check
    CHECK (state IN ('draft', 'ceremony', 'ready', 'open', 'closed', 'tallied', 'published'));
ALTER TABLE polls
    ADD COLUMN threshold          BIGINT  NULL,
    ADD COLUMN ceremony_id        BYTEA   NULL,
    ADD COLUMN manifest           BYTEA   NULL,
    ADD COLUMN credential_secret  BYTEA   NULL,
    ADD COLUMN joint_key          BYTEA   NULL,
    ADD COLUMN election_hash      BYTEA   NULL,
    ADD COLUMN expected           BIGINT  NULL,
    ADD COLUMN present            BIGINT  NULL,
    ADD COLUMN issued             BIGINT  NOT NULL DEFAULT 0,
    ADD COLUMN board_size         BIGINT  NOT NULL DEFAULT 0,
    ADD COLUMN final_head         BYTEA   NULL,
    ADD COLUMN totals             TEXT    NULL,
    ADD COLUMN outcome            BYTEA   NULL,
    ADD COLUMN result_digest      BYTEA   NULL,
    ADD COLUMN aggregates         BYTEA   NULL,
    ADD COLUMN record             BYTEA   NULL;

-- Scrutineers (监票人) and counters (计票人) of a poll: delegates who are not
-- candidates in it, each bound to an enrolled scrutineer station whose key signs
-- for them. `position` is the scrutineer index j of the ceremony (1-based).
CREATE TABLE poll_officers (
    poll_id      BIGINT  NOT NULL REFERENCES polls (id),
    role         TEXT    NOT NULL CHECK (role IN ('scrutineer', 'counter')),
    position     BIGINT  NOT NULL CHECK (position >= 1),
    delegate_id  BIGINT  NOT NULL REFERENCES delegates (id),
    station_id   BIGINT  NOT NULL REFERENCES stations (id),
    name         TEXT    NOT NULL,
    PRIMARY KEY (poll_id, role, position),
    UNIQUE (poll_id, delegate_id),
    UNIQUE (poll_id, station_id)
);

-- The key ceremony relayed by the server (spec §5.2–§5.3, §5.6): each scrutineer's
-- HPKE key for receiving shares, each dealer message, each sealed share (the server
-- cannot read them) and each scrutineer's confirmation with its complaints.
CREATE TABLE ceremony_recipients (
    poll_id     BIGINT  NOT NULL REFERENCES polls (id),
    scrutineer  BIGINT  NOT NULL,
    public_key  BYTEA   NOT NULL,
    PRIMARY KEY (poll_id, scrutineer)
);
CREATE TABLE ceremony_dealings (
    poll_id  BIGINT  NOT NULL REFERENCES polls (id),
    dealer   BIGINT  NOT NULL,
    message  BYTEA   NOT NULL,
    PRIMARY KEY (poll_id, dealer)
);
CREATE TABLE ceremony_shares (
    poll_id    BIGINT  NOT NULL REFERENCES polls (id),
    dealer     BIGINT  NOT NULL,
    recipient  BIGINT  NOT NULL,
    sealed     BYTEA   NOT NULL,
    PRIMARY KEY (poll_id, dealer, recipient)
);
CREATE TABLE ceremony_confirmations (
    poll_id     BIGINT  NOT NULL REFERENCES polls (id),
    scrutineer  BIGINT  NOT NULL,
    complaints  BYTEA   NOT NULL,   -- 40-byte dealer shares, concatenated; empty if none
    PRIMARY KEY (poll_id, scrutineer)
);

-- One credential per delegate per poll. Which credential is never known: the
-- server signs a blinded message. No time is kept, so that issuance order cannot
-- be matched with board order by timestamps.
CREATE TABLE issuances (
    poll_id      BIGINT  NOT NULL REFERENCES polls (id),
    delegate_id  BIGINT  NOT NULL REFERENCES delegates (id),
    PRIMARY KEY (poll_id, delegate_id)
);

-- The bulletin board (spec §12.4): cast and spoiled ballots in order, each with the
-- signed tree head its receipt carries. A credential's serial is cast at most once.
CREATE TABLE board_entries (
    poll_id     BIGINT  NOT NULL REFERENCES polls (id),
    position    BIGINT  NOT NULL CHECK (position >= 0),
    kind        TEXT    NOT NULL CHECK (kind IN ('cast', 'spoiled')),
    serial      BYTEA   NOT NULL,
    tracking    BYTEA   NOT NULL,
    entry       BYTEA   NOT NULL,
    head        BYTEA   NOT NULL,
    signature   BYTEA   NOT NULL,
    PRIMARY KEY (poll_id, position)
);
CREATE UNIQUE INDEX board_one_cast_per_serial ON board_entries (poll_id, serial) WHERE kind = 'cast';
CREATE INDEX board_by_tracking ON board_entries (poll_id, tracking);

-- Decryption shares of each scrutineer (spec §12.6), verified on arrival.
CREATE TABLE decryptions (
    poll_id     BIGINT  NOT NULL REFERENCES polls (id),
    scrutineer  BIGINT  NOT NULL,
    shares      BYTEA   NOT NULL,
    PRIMARY KEY (poll_id, scrutineer)
);

-- Signatures of scrutineers and counters over the result digest (spec §12.8).
CREATE TABLE result_signatures (
    poll_id    BIGINT  NOT NULL REFERENCES polls (id),
    role       TEXT    NOT NULL CHECK (role IN ('scrutineer', 'counter')),
    position   BIGINT  NOT NULL,
    signature  BYTEA   NOT NULL,
    PRIMARY KEY (poll_id, role, position)
);

CREATE TRIGGER issuances_append_only BEFORE UPDATE OR DELETE ON issuances
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();
CREATE TRIGGER board_append_only BEFORE UPDATE OR DELETE ON board_entries
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();
CREATE TRIGGER decryptions_append_only BEFORE UPDATE OR DELETE ON decryptions
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();
