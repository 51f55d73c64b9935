-- 0012: login attempts are counted in the server's memory (server/src/auth/throttle.rs),
-- not in the database: a flood of wrong logins must not queue durable writes in front of
-- the hall's casts. An attempt only ever counted for a minute, so nothing is lost.
DROP TABLE login_attempts;
