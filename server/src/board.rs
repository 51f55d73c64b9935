//! The bulletin board's Merkle log (spec §7), kept in memory per poll and topped up
//! from the database, so a cast computes its tree head in O(log N) hashes.
//!
//! The database is the truth: the log of a poll is only ever extended inside the
//! cast transaction that holds the poll's lock, with the entries the database has
//! and this process has not seen (another server process may have appended them).
//! If a transaction fails after extending the log, the poll's log is forgotten and
//! rebuilt on the next use.
//!
//! Counting leaves is not enough to know the log is the database's: a log extended
//! by a transaction that then failed (its session ended while this process was
//! stopped, or the append was cancelled) holds leaves that are not the board's, and
//! other processes may since have committed as many different ones. So before the
//! log is used, its tree head is compared with the head the database stores with the
//! entry at the same size (spec §14.12): the writer does so inside its transaction,
//! under the poll's lock ([`BoardCache::missing`]); a reader before it proves or
//! shows anything ([`BoardCache::agrees`]). A log that differs is rebuilt.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use hallvote_crypto::merkle::{InclusionProof, MerkleLog, leaf_hash};
use hallvote_tally::record::BoardEntry;

use crate::db::StoreError;

/// Entries read from the database to bring a poll's log up to date.
#[derive(Debug)]
pub struct BoardLeaves {
    /// The position of the first entry.
    pub from: u64,
    /// The encoded entries (spec §12.4), in order.
    pub entries: Vec<Vec<u8>>,
}

/// The Merkle logs of the polls this process has served.
#[derive(Debug, Default)]
pub struct BoardCache {
    logs: Mutex<HashMap<i64, MerkleLog>>,
}

/// Whether `log`'s tree head at `size` is `stored` (no head at size 0).
fn head_is(log: &MerkleLog, size: u64, stored: Option<&[u8]>) -> bool {
    if size == 0 {
        return stored.is_none();
    }
    log.tree_head_at(size).ok().map(|h| h.to_bytes()).as_ref().map(<[u8; 40]>::as_slice) == stored
}

/// The leaf hash of an encoded board entry (spec §12.4, §7.1).
pub fn entry_leaf_hash(entry: &[u8]) -> Result<[u8; 32], StoreError> {
    let entry = BoardEntry::decode(entry).map_err(|e| StoreError::Corrupt(format!("board entry: {e}")))?;
    Ok(leaf_hash(&entry.leaf()))
}

impl BoardCache {
    fn lock(&self) -> MutexGuard<'_, HashMap<i64, MerkleLog>> {
        // A panic while holding the lock cannot leave a log half-extended in a way
        // that matters: the length check below catches any mismatch.
        self.logs.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// If the poll's log is not exactly the database's `size` entries: the position
    /// from which entries must be read (0: rebuild). `stored` is the tree head the
    /// database stores at size `at` (the head of entry `at - 1`; `None` for 0),
    /// where the caller read `at` as `min(len(poll_id), size)`: the log is kept and
    /// topped up only if it holds `at` leaves whose head is that one.
    pub fn missing(&self, poll_id: i64, size: u64, at: u64, stored: Option<&[u8]>) -> Option<u64> {
        let logs = self.lock();
        let Some(log) = logs.get(&poll_id) else {
            return (size > 0).then_some(0);
        };
        let len = log.len();
        if len > size || len != at || !head_is(log, len, stored) {
            return Some(0);
        }
        (len < size).then_some(len)
    }

    /// Whether the poll's log holds at least `size` leaves and its head at `size` is
    /// `stored`, the head the database stores at that size (`None` for 0).
    pub fn agrees(&self, poll_id: i64, size: u64, stored: Option<&[u8]>) -> bool {
        if size == 0 {
            return true;
        }
        self.lock().get(&poll_id).is_some_and(|log| log.len() >= size && head_is(log, size, stored))
    }

    /// Tops the log up with `leaves` (if given), checks it holds `before` leaves,
    /// appends `leaf`, and returns the encoded tree head at the new size.
    pub fn append(
        &self,
        poll_id: i64,
        before: u64,
        leaves: Option<BoardLeaves>,
        leaf: [u8; 32],
    ) -> Result<[u8; 40], StoreError> {
        let mut logs = self.lock();
        let log = logs.entry(poll_id).or_default();
        if let Some(leaves) = leaves {
            if leaves.from == 0 {
                *log = MerkleLog::new();
            }
            if log.len() != leaves.from {
                logs.remove(&poll_id);
                return Err(StoreError::Corrupt("board log out of step".into()));
            }
            for e in &leaves.entries {
                log.append_leaf_hash(entry_leaf_hash(e)?);
            }
        }
        if log.len() != before {
            logs.remove(&poll_id);
            return Err(StoreError::Corrupt("board log out of step with the database".into()));
        }
        log.append_leaf_hash(leaf);
        Ok(log.tree_head().to_bytes())
    }

    /// Replaces the poll's log with one built from `entries` (the whole board).
    pub fn load(&self, poll_id: i64, entries: &[Vec<u8>]) -> Result<(), StoreError> {
        let hashes = entries.iter().map(|e| entry_leaf_hash(e)).collect::<Result<Vec<_>, _>>()?;
        self.lock().insert(poll_id, MerkleLog::from_leaf_hashes(hashes));
        Ok(())
    }

    /// The inclusion proof of entry `index` in the tree of `size` entries, if the
    /// log holds that many.
    pub fn inclusion(&self, poll_id: i64, index: u64, size: u64) -> Option<InclusionProof> {
        self.lock().get(&poll_id)?.inclusion_proof(index, size).ok()
    }

    /// The encoded tree head at `size`, if the log holds that many entries.
    pub fn head_at(&self, poll_id: i64, size: u64) -> Option<[u8; 40]> {
        self.lock().get(&poll_id)?.tree_head_at(size).ok().map(|h| h.to_bytes())
    }

    /// The number of entries the poll's log holds.
    pub fn len(&self, poll_id: i64) -> u64 {
        self.lock().get(&poll_id).map_or(0, MerkleLog::len)
    }

    /// Forgets the poll's log (it is rebuilt from the database when next needed).
    pub fn forget(&self, poll_id: i64) {
        self.lock().remove(&poll_id);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn leaf(n: u8) -> [u8; 32] {
        [n; 32]
    }

    fn head(leaves: &[[u8; 32]]) -> [u8; 40] {
        MerkleLog::from_leaf_hashes(leaves.to_vec()).tree_head().to_bytes()
    }

    /// A log as long as the board but with another leaf is rebuilt, not topped up or
    /// kept; one that is a prefix of the board is topped up; one that is the board is kept.
    #[test]
    fn a_log_is_kept_only_if_its_head_is_the_stored_one() {
        let cache = BoardCache::default();
        assert_eq!(cache.missing(1, 0, 0, None), None);
        assert_eq!(cache.missing(1, 2, 0, None), Some(0));
        cache.append(1, 0, None, leaf(1)).unwrap();
        cache.append(1, 1, None, leaf(9)).unwrap();
        let board = [leaf(1), leaf(2)];
        // Two leaves each, the second not the board's.
        assert_eq!(cache.missing(1, 2, 2, Some(&head(&board))), Some(0));
        assert!(!cache.agrees(1, 2, Some(&head(&board))));
        assert!(cache.agrees(1, 1, Some(&head(&board[..1]))));
        // The board's first two of three: top up from 2.
        cache.load(1, &[]).unwrap();
        cache.append(1, 0, None, leaf(1)).unwrap();
        cache.append(1, 1, None, leaf(2)).unwrap();
        assert_eq!(cache.missing(1, 3, 2, Some(&head(&board))), Some(2));
        assert_eq!(cache.missing(1, 2, 2, Some(&head(&board))), None);
        assert!(cache.agrees(1, 2, Some(&head(&board))));
        // The caller read another length than the log has now: rebuild.
        assert_eq!(cache.missing(1, 3, 1, Some(&head(&board[..1]))), Some(0));
        // Longer than the board: rebuild.
        assert_eq!(cache.missing(1, 1, 1, Some(&head(&board[..1]))), Some(0));
    }
}
