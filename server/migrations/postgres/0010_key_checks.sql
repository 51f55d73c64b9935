-- 0010 (PostgreSQL): the key check before a poll opens (spec §5.7, §14.3). For each
-- scrutineer j of a poll in the ready state: the test ciphertext the server made for
-- j's latest check (a fresh one each time, so an answer cannot be replayed), and,
-- once j's station has answered with a decryption share whose proof verifies against
-- Xⱼ, that share and when it passed. The poll opens only when every scrutineer has
-- passed. A ceremony restart deletes the rows. The SQLite migration of the same
-- number creates the same table.
CREATE TABLE key_checks (
    poll_id      BIGINT  NOT NULL REFERENCES polls (id),
    scrutineer   BIGINT  NOT NULL CHECK (scrutineer >= 1),
    ciphertext   BYTEA   NOT NULL,   -- the latest test ciphertext (A, B), 64 bytes (spec §3.2)
    passed_test  BYTEA   NULL,       -- the test ciphertext that was answered, once passed
    share        BYTEA   NULL,       -- the verified answer to it, 132 bytes (spec §5.4)
    passed_at    BIGINT  NULL,       -- Unix seconds
    PRIMARY KEY (poll_id, scrutineer)
);
