-- 0022: the write-in mix (issue 17, spec §12.12, §14.15). After a poll closes, each
-- of its scrutineer stations in turn shuffles every contest's list of write-in slots;
-- the server checks each turn (spec §18.5) and keeps it here, then each decrypting
-- scrutineer's list decryption share of the last list (spec §19), checked on arrival.
-- The tally keeps the decrypted names (in the last list's order), which the outcome
-- counts (R9) and the record carries. Append-only, like the decryptions.
CREATE TABLE mix_turns (
    poll_id     BIGINT  NOT NULL REFERENCES polls (id),
    contest     BIGINT  NOT NULL,
    turn        BIGINT  NOT NULL,
    scrutineer  BIGINT  NOT NULL,
    output      BYTEA   NOT NULL,
    proof       BYTEA   NOT NULL,
    PRIMARY KEY (poll_id, contest, turn),
    UNIQUE (poll_id, contest, scrutineer)
);

CREATE TABLE mix_shares (
    poll_id     BIGINT  NOT NULL REFERENCES polls (id),
    contest     BIGINT  NOT NULL,
    scrutineer  BIGINT  NOT NULL,
    share       BYTEA   NOT NULL,
    PRIMARY KEY (poll_id, contest, scrutineer)
);

CREATE TABLE mix_names (
    poll_id     BIGINT  NOT NULL REFERENCES polls (id),
    contest     BIGINT  NOT NULL,
    names       TEXT    NOT NULL,
    PRIMARY KEY (poll_id, contest)
);

CREATE TRIGGER mix_turns_append_only BEFORE UPDATE OR DELETE ON mix_turns
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();
CREATE TRIGGER mix_shares_append_only BEFORE UPDATE OR DELETE ON mix_shares
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();
CREATE TRIGGER mix_names_append_only BEFORE UPDATE OR DELETE ON mix_names
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();
