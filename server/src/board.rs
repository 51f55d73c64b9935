//! The bulletin board's Merkle log (spec §7), kept in memory per poll and topped up
//! from the database, so a cast computes its tree head in O(log N) hashes.
//!
//! The database is the truth: the log of a poll is only ever extended inside the
//! cast transaction that holds the poll's lock, with the entries the database has
//! and this process has not seen (another server process may have appended them).
//! If a transaction fails after extending the log, the poll's log is forgotten and
//! rebuilt on the next use.

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

    /// If the poll's log does not hold exactly `size` leaves: the position from
    /// which entries must be read (0: rebuild).
    pub fn missing(&self, poll_id: i64, size: u64) -> Option<u64> {
        let len = self.lock().get(&poll_id).map_or(0, MerkleLog::len);
        match len.cmp(&size) {
            std::cmp::Ordering::Equal => None,
            std::cmp::Ordering::Less => Some(len),
            std::cmp::Ordering::Greater => Some(0),
        }
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
