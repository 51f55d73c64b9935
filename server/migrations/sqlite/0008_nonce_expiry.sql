-- 0008: station nonces are now recorded in batches (group commit), and one DELETE
-- per batch forgets the expired nonces of every station: index them by time.
CREATE INDEX station_nonces_by_at ON station_nonces (at);
