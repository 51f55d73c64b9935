-- 0002 (PostgreSQL): failed login attempts, for throttling password guessing across
-- every server process that shares the database.
CREATE TABLE login_failures (
    username  TEXT    NOT NULL,
    at        BIGINT  NOT NULL
);
CREATE INDEX login_failures_by_user ON login_failures (username, at);
