-- 0013: a delegate's status changes during a term (资格终止, 停止执行代表职务, restored):
-- each change is kept with its effective date, reason and document reference (文件依据),
-- append-only like the attendance log; `delegates.status` holds the latest one
-- (`active`, `terminated` or `suspended`). The old `lost:<reason>` form, which nothing
-- ever wrote, reads as `terminated`.
CREATE TABLE delegate_status_changes (
    id           BIGSERIAL PRIMARY KEY,
    delegate_id  BIGINT  NOT NULL REFERENCES delegates (id),
    previous     TEXT    NOT NULL CHECK (previous IN ('active', 'terminated', 'suspended')),
    status       TEXT    NOT NULL CHECK (status IN ('active', 'terminated', 'suspended')),
    effective    TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    document     TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    recorded_at  BIGINT  NOT NULL
);
CREATE INDEX delegate_status_changes_by_delegate ON delegate_status_changes (delegate_id, id);

CREATE TRIGGER delegate_status_changes_append_only BEFORE UPDATE OR DELETE ON delegate_status_changes
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();

UPDATE delegates SET status = 'terminated' WHERE status LIKE 'lost:%';
