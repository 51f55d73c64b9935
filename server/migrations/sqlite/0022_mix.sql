-- 0022: the write-in mix (issue 17, spec §12.12, §14.15). After a poll closes, each
-- of its scrutineer stations in turn shuffles every contest's list of write-in slots;
-- the server checks each turn (spec §18.5) and keeps it here, then each decrypting
-- scrutineer's list decryption share of the last list (spec §19), checked on arrival.
-- The tally keeps the decrypted names (in the last list's order), which the outcome
-- counts (R9) and the record carries. Append-only, like the decryptions.
CREATE TABLE mix_turns (
    poll_id     INTEGER NOT NULL REFERENCES polls (id),
    contest     INTEGER NOT NULL,        -- 0-based, ballot order
    turn        INTEGER NOT NULL,        -- 0-based
    scrutineer  INTEGER NOT NULL,        -- j, 1-based
    output      BLOB    NOT NULL,        -- N × slot (192 bytes)
    proof       BLOB    NOT NULL,        -- spec §18.6
    PRIMARY KEY (poll_id, contest, turn),
    UNIQUE (poll_id, contest, scrutineer)
);

CREATE TABLE mix_shares (
    poll_id     INTEGER NOT NULL REFERENCES polls (id),
    contest     INTEGER NOT NULL,
    scrutineer  INTEGER NOT NULL,
    share       BLOB    NOT NULL,        -- spec §19.5
    PRIMARY KEY (poll_id, contest, scrutineer)
);

CREATE TABLE mix_names (
    poll_id     INTEGER NOT NULL REFERENCES polls (id),
    contest     INTEGER NOT NULL,
    names       TEXT    NOT NULL,        -- JSON array of strings, the last list's order
    PRIMARY KEY (poll_id, contest)
);

CREATE TRIGGER mix_turns_no_update BEFORE UPDATE ON mix_turns
BEGIN SELECT RAISE(ABORT, 'mix_turns is append-only'); END;
CREATE TRIGGER mix_turns_no_delete BEFORE DELETE ON mix_turns
BEGIN SELECT RAISE(ABORT, 'mix_turns is append-only'); END;
CREATE TRIGGER mix_shares_no_update BEFORE UPDATE ON mix_shares
BEGIN SELECT RAISE(ABORT, 'mix_shares is append-only'); END;
CREATE TRIGGER mix_shares_no_delete BEFORE DELETE ON mix_shares
BEGIN SELECT RAISE(ABORT, 'mix_shares is append-only'); END;
CREATE TRIGGER mix_names_no_update BEFORE UPDATE ON mix_names
BEGIN SELECT RAISE(ABORT, 'mix_names is append-only'); END;
CREATE TRIGGER mix_names_no_delete BEFORE DELETE ON mix_names
BEGIN SELECT RAISE(ABORT, 'mix_names is append-only'); END;
