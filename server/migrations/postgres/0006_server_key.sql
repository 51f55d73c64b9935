-- 0006 (PostgreSQL): the public key of the server's signing key (the secret stays in
-- its key file). A server process that comes with another key is refused.
CREATE TABLE server_keys (
    public_key  BYTEA   PRIMARY KEY,
    created_at  BIGINT  NOT NULL
);
