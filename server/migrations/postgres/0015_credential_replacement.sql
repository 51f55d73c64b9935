-- 0015: credential replacement at the desk (换发, spec §6.7). The board takes two more
-- kinds of entry: 'cancelled' (a damaged slip handed back, its credential published so
-- that it can never be cast) and 'replaced' (a lost slip replaced with a scrutineer's
-- approval). The SQLite migration of the same number makes the same schema.
ALTER TABLE board_entries DROP CONSTRAINT board_entries_kind_check;
ALTER TABLE board_entries ADD CONSTRAINT board_entries_kind_check
    CHECK (kind IN ('cast', 'spoiled', 'cancelled', 'replaced'));
CREATE UNIQUE INDEX board_one_cancellation_per_serial ON board_entries (poll_id, serial) WHERE kind = 'cancelled';

-- Every replacement credential issued: to which delegate, against which board entry
-- (the cancellation of the damaged slip, or the replacement entry of a lost one: one
-- new credential per entry), and for a lost slip the scrutineer's account that
-- approved it. A cancelled credential was never cast, so keeping whose it was links
-- no ballot to anyone.
CREATE TABLE replacements (
    poll_id      BIGINT  NOT NULL REFERENCES polls (id),
    position     BIGINT  NOT NULL,
    delegate_id  BIGINT  NOT NULL REFERENCES delegates (id),
    reason       TEXT    NOT NULL CHECK (reason IN ('damaged', 'lost')),
    approved_by  TEXT    NULL,
    at           BIGINT  NOT NULL,
    PRIMARY KEY (poll_id, position),
    CHECK ((reason = 'lost') = (approved_by IS NOT NULL))
);
CREATE TRIGGER replacements_append_only BEFORE UPDATE OR DELETE ON replacements
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();
