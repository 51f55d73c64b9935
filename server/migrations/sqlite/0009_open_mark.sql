-- 0009: the attendance log position when a poll opened: a delegate who arrives later
-- is not among its present (实到) and is not issued a ballot for it, so that issued
-- never exceeds present (RULES.md reconciliation).
ALTER TABLE polls ADD COLUMN open_mark BIGINT;
