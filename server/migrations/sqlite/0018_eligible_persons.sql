-- 0018: the eligible list (候选人资格名单, issue 17): per congress, the persons a
-- delegate may write in (另选他人) by picking a name at the booth. Imported from a
-- file like the roster; an import replaces the congress's list. A write-in need not
-- be on the list (R9): the list only helps the delegate find and spell a name.
CREATE TABLE eligible_persons (
    id           INTEGER PRIMARY KEY,
    congress_id  INTEGER NOT NULL REFERENCES congresses (id),
    seq          TEXT    NOT NULL,         -- 序号, as written
    name         TEXT    NOT NULL,         -- in its one form (normalize_name)
    gender       TEXT    NOT NULL,         -- male / female / '' (not given)
    unit         TEXT    NOT NULL          -- 工作单位及职务
);

CREATE INDEX eligible_persons_by_congress ON eligible_persons (congress_id, id);
