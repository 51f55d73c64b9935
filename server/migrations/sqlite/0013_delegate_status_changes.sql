-- 0013: a delegate's status changes during a term (资格终止, 停止执行代表职务, restored):
-- each change is kept with its effective date, reason and document reference (文件依据),
-- append-only like the attendance log; `delegates.status` holds the latest one
-- (`active`, `terminated` or `suspended`). The old `lost:<reason>` form, which nothing
-- ever wrote, reads as `terminated`.
CREATE TABLE delegate_status_changes (
    id           INTEGER PRIMARY KEY,
    delegate_id  INTEGER NOT NULL REFERENCES delegates (id),
    previous     TEXT    NOT NULL CHECK (previous IN ('active', 'terminated', 'suspended')),
    status       TEXT    NOT NULL CHECK (status IN ('active', 'terminated', 'suspended')),
    effective    TEXT    NOT NULL,         -- the date it takes effect, YYYY-MM-DD
    reason       TEXT    NOT NULL,
    document     TEXT    NOT NULL,         -- 文件依据
    actor        TEXT    NOT NULL,
    recorded_at  INTEGER NOT NULL
);
CREATE INDEX delegate_status_changes_by_delegate ON delegate_status_changes (delegate_id, id);

CREATE TRIGGER delegate_status_changes_no_update BEFORE UPDATE ON delegate_status_changes
BEGIN SELECT RAISE(ABORT, 'delegate_status_changes is append-only'); END;
CREATE TRIGGER delegate_status_changes_no_delete BEFORE DELETE ON delegate_status_changes
BEGIN SELECT RAISE(ABORT, 'delegate_status_changes is append-only'); END;

UPDATE delegates SET status = 'terminated' WHERE status LIKE 'lost:%';
