-- 0008: station nonces are now recorded in batches (group commit), and one DELETE
-- per batch forgets the expired nonces of every station: index them by time.
CREATE INDEX station_nonces_by_at ON station_nonces (at);

-- Board entries are ciphertexts and proofs, which do not compress: store them out of
-- line without trying (TOAST's default would spend CPU on every cast for nothing).
ALTER TABLE board_entries ALTER COLUMN entry SET STORAGE EXTERNAL;
ALTER TABLE polls ALTER COLUMN record SET STORAGE EXTERNAL;
