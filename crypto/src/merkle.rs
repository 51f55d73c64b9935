//! The bulletin board log: an append-only Merkle tree exactly as RFC 9162 §2.1
//! (the same tree as RFC 6962 §2.1), with SHA-256 (spec §7).
//!
//! The board is a list of leaves (byte strings, whose contents later sections
//! define). Its state at any size is summed up by one 32-byte root; a
//! [`TreeHead`] pairs that root with the size, and is signed as spec §8
//! describes. An [`InclusionProof`] shows that a leaf is at a given position
//! under a root, and a [`ConsistencyProof`] that a later root only appends to
//! an earlier one, so no published ballot is ever removed or changed.
//!
//! These hashes are RFC 9162's, not the hallvote hash `H` of spec §2, so that
//! any Certificate Transparency tool can check the board; the 0x00 / 0x01
//! prefixes keep leaves and inner nodes apart.

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::error::{DecodeError, VerifyError};

/// A SHA-256 output: a leaf hash, a node hash or a root (spec §7.1).
pub type Hash32 = [u8; 32];

/// The root of the empty tree, `SHA-256("")` (spec §7.2).
pub const EMPTY_ROOT: Hash32 = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41,
    0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// The most hashes a proof path may hold (spec §7.5); no tree below 2⁶³
/// leaves needs more.
pub const MAX_PATH_LEN: usize = 64;

/// The byte prepended to a leaf before hashing (spec §7.1).
const LEAF_PREFIX: u8 = 0x00;
/// The byte prepended to two child hashes before hashing (spec §7.1).
const NODE_PREFIX: u8 = 0x01;

/// Bytes before the path in an encoded proof: two u64 and the count (spec §7.5).
const PROOF_HEADER_LEN: usize = 8 + 8 + 1;

/// The hash of one leaf: `SHA-256(0x00 ‖ leaf)` (spec §7.1).
pub fn leaf_hash(leaf: &[u8]) -> Hash32 {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update(leaf);
    h.finalize().into()
}

/// The hash of an inner node: `SHA-256(0x01 ‖ left ‖ right)` (spec §7.1).
pub fn node_hash(left: &Hash32, right: &Hash32) -> Hash32 {
    let mut h = Sha256::new();
    h.update([NODE_PREFIX]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// A request the log cannot answer: a size or index it does not hold.
///
/// This is misuse by the caller, kept apart from [`DecodeError`] and
/// [`VerifyError`], which concern bytes received from elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MerkleError {
    /// A tree size larger than the number of leaves in the log.
    #[error("tree size {size} is beyond the log's {len} leaves")]
    SizeBeyondLog {
        /// The size asked for.
        size: u64,
        /// The number of leaves in the log.
        len: u64,
    },
    /// A leaf index that is not below the tree size.
    #[error("leaf index {index} is not below the tree size {size}")]
    IndexBeyondSize {
        /// The index asked for.
        index: u64,
        /// The tree size it was asked for in.
        size: u64,
    },
    /// A consistency proof asked from a larger tree to a smaller one.
    #[error("old tree size {old} is larger than new tree size {new}")]
    SizesOutOfOrder {
        /// The old (first) size.
        old: u64,
        /// The new (second) size.
        new: u64,
    },
}

/// The append-only log, held in memory (spec §7.2).
///
/// It keeps the hash of every complete, aligned subtree: level `h` holds the
/// hashes of the subtrees of `2^h` leaves starting at leaf `i·2^h`, level 0
/// being the leaf hashes. That is under 2N hashes for N leaves; an append
/// costs O(1) hashes amortised, a root or a proof O(log N).
#[derive(Clone, PartialEq, Eq)]
pub struct MerkleLog {
    /// `levels[h][i]` = MTH of leaves `i·2^h .. (i+1)·2^h`. `levels[0]` always
    /// exists; each level has half (rounded down) the entries of the one below.
    levels: Vec<Vec<Hash32>>,
}

impl MerkleLog {
    /// An empty log.
    pub fn new() -> Self {
        Self { levels: vec![Vec::new()] }
    }

    /// A log holding these leaf hashes in order, built in O(N) hashes.
    pub fn from_leaf_hashes(leaf_hashes: Vec<Hash32>) -> Self {
        let mut levels = vec![leaf_hashes];
        loop {
            let next: Vec<Hash32> = match levels.last() {
                Some(below) if below.len() >= 2 => {
                    below.chunks_exact(2).map(|pair| node_hash(&pair[0], &pair[1])).collect()
                }
                _ => break,
            };
            levels.push(next);
        }
        Self { levels }
    }

    /// Appends a leaf (spec §7.1) and returns its index.
    pub fn append_leaf(&mut self, leaf: &[u8]) -> u64 {
        self.append_leaf_hash(leaf_hash(leaf))
    }

    /// Appends a leaf given by its leaf hash and returns its index.
    pub fn append_leaf_hash(&mut self, hash: Hash32) -> u64 {
        let index = self.len();
        let mut level = 0;
        let mut node = hash;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(node);
            let n = row.len();
            if n % 2 == 1 {
                break;
            }
            // The new entry completes a pair: its parent is now complete too.
            node = node_hash(&row[n - 2], &row[n - 1]);
            level += 1;
        }
        index
    }

    /// The number of leaves.
    pub fn len(&self) -> u64 {
        self.leaf_count() as u64
    }

    /// Whether the log has no leaves.
    pub fn is_empty(&self) -> bool {
        self.leaf_count() == 0
    }

    /// The leaf hash at `index`, if the log holds that many leaves.
    pub fn leaf_hash_at(&self, index: u64) -> Option<Hash32> {
        let index = usize::try_from(index).ok()?;
        self.levels.first()?.get(index).copied()
    }

    /// The root of the whole log, `MTH(D[0:len])` (spec §7.2).
    pub fn root(&self) -> Hash32 {
        self.mth(0, self.leaf_count())
    }

    /// The root the log had when it held `size` leaves (spec §7.2).
    pub fn root_at(&self, size: u64) -> Result<Hash32, MerkleError> {
        let size = self.check_size(size)?;
        Ok(self.mth(0, size))
    }

    /// The tree head of the whole log (spec §7.5).
    pub fn tree_head(&self) -> TreeHead {
        TreeHead { size: self.len(), root: self.root() }
    }

    /// The tree head the log had at `size` leaves (spec §7.5).
    pub fn tree_head_at(&self, size: u64) -> Result<TreeHead, MerkleError> {
        Ok(TreeHead { size, root: self.root_at(size)? })
    }

    /// The inclusion proof of leaf `index` in the tree of the first
    /// `tree_size` leaves: `PATH(index, D[0:tree_size])` (spec §7.3).
    pub fn inclusion_proof(&self, index: u64, tree_size: u64) -> Result<InclusionProof, MerkleError> {
        let size = self.check_size(tree_size)?;
        if index >= tree_size {
            return Err(MerkleError::IndexBeyondSize { index, size: tree_size });
        }
        // index < tree_size ≤ len, which is a usize.
        let m = index as usize;
        let (mut start, mut end) = (0, size);
        let mut path = Vec::new();
        // Walk down from the root, recording the sibling of each subtree that
        // holds leaf m; the RFC lists them from the leaf up.
        while end - start > 1 {
            let mid = start + largest_power_of_two_below(end - start);
            if m < mid {
                path.push(self.mth(mid, end));
                end = mid;
            } else {
                path.push(self.mth(start, mid));
                start = mid;
            }
        }
        path.reverse();
        Ok(InclusionProof { index, tree_size, path })
    }

    /// The consistency proof from the tree of the first `old_size` leaves to
    /// the tree of the first `new_size`: `PROOF(old_size, D[0:new_size])`,
    /// and the empty path when `old_size` is 0 or equals `new_size` (spec §7.4).
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<ConsistencyProof, MerkleError> {
        let new = self.check_size(new_size)?;
        if old_size > new_size {
            return Err(MerkleError::SizesOutOfOrder { old: old_size, new: new_size });
        }
        let mut path = Vec::new();
        if old_size != 0 && old_size != new_size {
            // old_size < new_size ≤ len, which is a usize.
            let m = old_size as usize;
            let (mut start, mut end) = (0, new);
            // SUBPROOF(m - start, D[start:end], b), unrolled; start < m ≤ end.
            let mut b = true;
            loop {
                if m == end {
                    if !b {
                        path.push(self.mth(start, end));
                    }
                    break;
                }
                let mid = start + largest_power_of_two_below(end - start);
                if m <= mid {
                    path.push(self.mth(mid, end));
                    end = mid;
                } else {
                    path.push(self.mth(start, mid));
                    start = mid;
                    b = false;
                }
            }
            path.reverse();
        }
        Ok(ConsistencyProof { old_size, new_size, path })
    }

    fn leaf_count(&self) -> usize {
        self.levels.first().map_or(0, Vec::len)
    }

    fn check_size(&self, size: u64) -> Result<usize, MerkleError> {
        let len = self.leaf_count();
        match usize::try_from(size) {
            Ok(s) if s <= len => Ok(s),
            _ => Err(MerkleError::SizeBeyondLog { size, len: len as u64 }),
        }
    }

    /// `MTH(D[start:end])` for a range the RFC's recursion produces: `start`
    /// is a multiple of the smallest power of two ≥ `end - start`, and
    /// `end ≤ len`.
    ///
    /// The range splits into complete subtrees along the binary digits of its
    /// size, largest first; MTH hashes them together from the right.
    fn mth(&self, start: usize, end: usize) -> Hash32 {
        let mut acc: Option<Hash32> = None;
        let mut right = end;
        let mut rest = end - start;
        while rest > 0 {
            let level = rest.trailing_zeros() as usize;
            let width = 1usize << level;
            right -= width;
            debug_assert_eq!(right % width, 0, "subtree not aligned");
            // In range: the subtree lies within the first `len` leaves and is
            // aligned, so its hash was stored when its last leaf was appended.
            let node = self.levels[level][right >> level];
            acc = Some(match acc {
                None => node,
                Some(r) => node_hash(&node, &r),
            });
            rest -= width;
        }
        acc.unwrap_or(EMPTY_ROOT)
    }
}

impl Default for MerkleLog {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for MerkleLog {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The hashes themselves would be 10⁵ lines; the size says enough.
        f.debug_struct("MerkleLog").field("len", &self.len()).finish_non_exhaustive()
    }
}

/// A tree head: the size of the log and its root at that size (spec §7.5).
///
/// Its encoding is what the server signs, as spec §8 describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TreeHead {
    /// The number of leaves.
    pub size: u64,
    /// `MTH` of those leaves.
    pub root: Hash32,
}

impl TreeHead {
    /// The length of the encoding: 8 + 32 bytes.
    pub const ENCODED_LEN: usize = 40;

    /// The canonical encoding `u64be(size) ‖ root` (spec §7.5).
    pub fn to_bytes(&self) -> [u8; Self::ENCODED_LEN] {
        let mut out = [0u8; Self::ENCODED_LEN];
        out[..8].copy_from_slice(&self.size.to_be_bytes());
        out[8..].copy_from_slice(&self.root);
        out
    }

    /// Decodes exactly [`Self::ENCODED_LEN`] bytes (spec §7.5).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let bytes: &[u8; Self::ENCODED_LEN] =
            bytes.try_into().map_err(|_| DecodeError::Length { expected: Self::ENCODED_LEN, actual: bytes.len() })?;
        let (size, root) = bytes.split_at(8);
        Ok(Self { size: u64::from_be_bytes(to_array(size)), root: to_array(root) })
    }
}

/// A proof that a leaf is at `index` in the tree of `tree_size` leaves
/// (spec §7.3). The path lists sibling hashes from the leaf up to the root.
///
/// The fields are private so that a proof in memory always has a path of at
/// most [`MAX_PATH_LEN`] hashes and therefore an encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    index: u64,
    tree_size: u64,
    path: Vec<Hash32>,
}

impl InclusionProof {
    /// A proof with these fields; fails only if the path is longer than
    /// [`MAX_PATH_LEN`]. Whether it proves anything is for [`Self::verify`].
    pub fn new(index: u64, tree_size: u64, path: Vec<Hash32>) -> Result<Self, DecodeError> {
        check_path_len(path.len())?;
        Ok(Self { index, tree_size, path })
    }

    /// The position of the leaf, counted from 0.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// The size of the tree the proof is for.
    pub fn tree_size(&self) -> u64 {
        self.tree_size
    }

    /// The sibling hashes, from the leaf up.
    pub fn path(&self) -> &[Hash32] {
        &self.path
    }

    /// Checks that the leaf with hash `leaf_hash` is at [`Self::index`] in the
    /// tree of [`Self::tree_size`] leaves whose root is `root`, by the
    /// algorithm of RFC 9162 §2.1.3.2 (spec §7.3).
    pub fn verify(&self, leaf_hash: &Hash32, root: &Hash32) -> Result<(), VerifyError> {
        if self.root_from_leaf_hash(leaf_hash)? == *root { Ok(()) } else { Err(VerifyError::MerkleProof) }
    }

    /// [`Self::verify`] against a tree head, whose size must be the proof's.
    pub fn verify_tree_head(&self, leaf_hash: &Hash32, head: &TreeHead) -> Result<(), VerifyError> {
        if head.size != self.tree_size {
            return Err(VerifyError::MerkleProof);
        }
        self.verify(leaf_hash, &head.root)
    }

    /// Steps 1–5 of RFC 9162 §2.1.3.2 up to the final comparison with the root.
    fn root_from_leaf_hash(&self, leaf_hash: &Hash32) -> Result<Hash32, VerifyError> {
        // 1.
        if self.index >= self.tree_size {
            return Err(VerifyError::MerkleProof);
        }
        // 2., 3.
        let mut fn_ = self.index;
        let mut sn = self.tree_size - 1;
        let mut r = *leaf_hash;
        // 4.
        for p in &self.path {
            if sn == 0 {
                return Err(VerifyError::MerkleProof);
            }
            if fn_ & 1 == 1 || fn_ == sn {
                r = node_hash(p, &r);
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            } else {
                r = node_hash(&r, p);
            }
            fn_ >>= 1;
            sn >>= 1;
        }
        // 5. (the comparison of r with the root is the caller's)
        if sn != 0 {
            return Err(VerifyError::MerkleProof);
        }
        Ok(r)
    }

    /// The encoding `u64be(index) ‖ u64be(tree_size) ‖ u8(count) ‖ path`
    /// (spec §7.5).
    pub fn to_bytes(&self) -> Vec<u8> {
        encode_proof(self.index, self.tree_size, &self.path)
    }

    /// Decodes the encoding of [`Self::to_bytes`], strictly (spec §7.5).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let (index, tree_size, path) = decode_proof(bytes)?;
        Ok(Self { index, tree_size, path })
    }
}

/// A proof that the tree of `new_size` leaves extends the tree of `old_size`
/// leaves (spec §7.4).
///
/// The fields are private for the same reason as [`InclusionProof`]'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyProof {
    old_size: u64,
    new_size: u64,
    path: Vec<Hash32>,
}

impl ConsistencyProof {
    /// A proof with these fields; fails only if the path is longer than
    /// [`MAX_PATH_LEN`]. Whether it proves anything is for [`Self::verify`].
    pub fn new(old_size: u64, new_size: u64, path: Vec<Hash32>) -> Result<Self, DecodeError> {
        check_path_len(path.len())?;
        Ok(Self { old_size, new_size, path })
    }

    /// The size of the earlier tree.
    pub fn old_size(&self) -> u64 {
        self.old_size
    }

    /// The size of the later tree.
    pub fn new_size(&self) -> u64 {
        self.new_size
    }

    /// The proof hashes, in the order of RFC 9162 §2.1.4.1.
    pub fn path(&self) -> &[Hash32] {
        &self.path
    }

    /// Checks that the tree of [`Self::new_size`] leaves with root `new_root`
    /// extends the tree of [`Self::old_size`] leaves with root `old_root`
    /// (spec §7.4): by the algorithm of RFC 9162 §2.1.4.2 when
    /// `0 < old_size < new_size`, and otherwise by the rules of spec §7.4 for
    /// an empty old tree and for equal sizes.
    pub fn verify(&self, old_root: &Hash32, new_root: &Hash32) -> Result<(), VerifyError> {
        let (first, second) = (self.old_size, self.new_size);
        let ok = if first > second {
            false
        } else if first == 0 {
            // Every tree extends the empty one; there is nothing to prove, but
            // the old root must be the empty root (and so must the new one if
            // the new tree is empty too).
            self.path.is_empty() && *old_root == EMPTY_ROOT && (second != 0 || *new_root == EMPTY_ROOT)
        } else if first == second {
            self.path.is_empty() && old_root == new_root
        } else {
            self.rfc9162_verify(old_root, new_root)
        };
        if ok { Ok(()) } else { Err(VerifyError::MerkleProof) }
    }

    /// [`Self::verify`] against two tree heads, whose sizes must be the proof's.
    pub fn verify_tree_heads(&self, old: &TreeHead, new: &TreeHead) -> Result<(), VerifyError> {
        if old.size != self.old_size || new.size != self.new_size {
            return Err(VerifyError::MerkleProof);
        }
        self.verify(&old.root, &new.root)
    }

    /// RFC 9162 §2.1.4.2, steps 1–7, for `0 < first < second`.
    fn rfc9162_verify(&self, first_hash: &Hash32, second_hash: &Hash32) -> bool {
        let (first, second) = (self.old_size, self.new_size);
        // 1.
        if self.path.is_empty() {
            return false;
        }
        // 2. (a tree of 2^k leaves is a complete subtree of the new tree, so
        // the proof leaves out its hash, which the verifier already has)
        let seed = first.is_power_of_two().then_some(first_hash);
        let mut consistency_path = seed.into_iter().chain(&self.path);
        // 3.
        let mut fn_ = first - 1;
        let mut sn = second - 1;
        // 4.
        while fn_ & 1 == 1 {
            fn_ >>= 1;
            sn >>= 1;
        }
        // 5.
        let Some(start) = consistency_path.next() else {
            return false;
        };
        let mut fr = *start;
        let mut sr = *start;
        // 6.
        for c in consistency_path {
            if sn == 0 {
                return false;
            }
            if fn_ & 1 == 1 || fn_ == sn {
                fr = node_hash(c, &fr);
                sr = node_hash(c, &sr);
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = node_hash(&sr, c);
            }
            fn_ >>= 1;
            sn >>= 1;
        }
        // 7.
        fr == *first_hash && sr == *second_hash && sn == 0
    }

    /// The encoding `u64be(old_size) ‖ u64be(new_size) ‖ u8(count) ‖ path`
    /// (spec §7.5).
    pub fn to_bytes(&self) -> Vec<u8> {
        encode_proof(self.old_size, self.new_size, &self.path)
    }

    /// Decodes the encoding of [`Self::to_bytes`], strictly (spec §7.5).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let (old_size, new_size, path) = decode_proof(bytes)?;
        Ok(Self { old_size, new_size, path })
    }
}

/// The largest power of two strictly below `n`, for `n ≥ 2` (RFC 9162 §2.1.1's `k`).
fn largest_power_of_two_below(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

fn check_path_len(len: usize) -> Result<(), DecodeError> {
    if len > MAX_PATH_LEN {
        return Err(DecodeError::OutOfRange { what: "Merkle proof path length" });
    }
    Ok(())
}

/// `u64be(a) ‖ u64be(b) ‖ u8(count) ‖ path` (spec §7.5).
fn encode_proof(a: u64, b: u64, path: &[Hash32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(PROOF_HEADER_LEN + 32 * path.len());
    out.extend_from_slice(&a.to_be_bytes());
    out.extend_from_slice(&b.to_be_bytes());
    // The constructors and the decoder keep every path within MAX_PATH_LEN (64).
    out.push(path.len() as u8);
    for hash in path {
        out.extend_from_slice(hash);
    }
    out
}

/// The strict inverse of [`encode_proof`]: the count at most
/// [`MAX_PATH_LEN`], and exactly `17 + 32·count` bytes.
fn decode_proof(bytes: &[u8]) -> Result<(u64, u64, Vec<Hash32>), DecodeError> {
    if bytes.len() < PROOF_HEADER_LEN {
        return Err(DecodeError::Length { expected: PROOF_HEADER_LEN, actual: bytes.len() });
    }
    let (header, body) = bytes.split_at(PROOF_HEADER_LEN);
    let count = usize::from(header[16]);
    check_path_len(count)?;
    let expected = PROOF_HEADER_LEN + 32 * count;
    if bytes.len() != expected {
        return Err(DecodeError::Length { expected, actual: bytes.len() });
    }
    let path = body.chunks_exact(32).map(to_array).collect();
    Ok((u64::from_be_bytes(to_array(&header[..8])), u64::from_be_bytes(to_array(&header[8..16])), path))
}

/// Copies a slice whose length the caller has already checked into an array.
fn to_array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(bytes);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        let digest: Hash32 = Sha256::digest(b"").into();
        assert_eq!(EMPTY_ROOT, digest);
        assert_eq!(MerkleLog::new().root(), EMPTY_ROOT);
        assert_eq!(MerkleLog::new().root_at(0), Ok(EMPTY_ROOT));
    }

    #[test]
    fn prefixes_separate_leaves_from_nodes() {
        let (a, b) = ([1u8; 32], [2u8; 32]);
        let mut concat = a.to_vec();
        concat.extend_from_slice(&b);
        // The same 64 bytes as a leaf and as a node must hash differently.
        assert_ne!(leaf_hash(&concat), node_hash(&a, &b));
        let manual: Hash32 = Sha256::digest([&[0x01][..], &a, &b].concat()).into();
        assert_eq!(node_hash(&a, &b), manual);
        let manual: Hash32 = Sha256::digest([&[0x00][..], &concat].concat()).into();
        assert_eq!(leaf_hash(&concat), manual);
    }

    #[test]
    fn largest_power_of_two_below_matches_definition() {
        for n in 2usize..600 {
            let k = largest_power_of_two_below(n);
            assert!(k.is_power_of_two() && k < n && n <= 2 * k, "n = {n}, k = {k}");
        }
    }

    #[test]
    fn append_and_bulk_build_agree() {
        let hashes: Vec<Hash32> = (0u32..77).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut log = MerkleLog::new();
        for (i, h) in hashes.iter().enumerate() {
            assert_eq!(log.append_leaf_hash(*h), i as u64);
        }
        assert_eq!(log, MerkleLog::from_leaf_hashes(hashes.clone()));
        assert_eq!(log.len(), 77);
        assert_eq!(log.leaf_hash_at(5), Some(hashes[5]));
        assert_eq!(log.leaf_hash_at(77), None);
    }

    #[test]
    fn requests_beyond_the_log_are_refused() {
        let mut log = MerkleLog::new();
        for i in 0u8..5 {
            log.append_leaf(&[i]);
        }
        assert_eq!(log.root_at(6), Err(MerkleError::SizeBeyondLog { size: 6, len: 5 }));
        assert_eq!(log.inclusion_proof(5, 5), Err(MerkleError::IndexBeyondSize { index: 5, size: 5 }));
        assert_eq!(log.inclusion_proof(0, 0), Err(MerkleError::IndexBeyondSize { index: 0, size: 0 }));
        assert!(matches!(log.inclusion_proof(0, 6), Err(MerkleError::SizeBeyondLog { .. })));
        assert_eq!(log.consistency_proof(4, 3), Err(MerkleError::SizesOutOfOrder { old: 4, new: 3 }));
        assert!(matches!(log.consistency_proof(2, 9), Err(MerkleError::SizeBeyondLog { .. })));
        assert!(matches!(log.root_at(u64::MAX), Err(MerkleError::SizeBeyondLog { .. })));
    }
}
