//! RFC 6962 / RFC 9162 Merkle tree known-answer tests (spec §7).
//!
//! Sources, copied byte for byte:
//! - [CT] google/certificate-transparency, `cpp/merkletree/merkle_tree_test.cc`:
//!   `kInputs`, `kSHA256Roots`, `kSHA256Paths`, `kSHA256Proofs` and the
//!   checks of `MerkleVerifierTest` (its leaf numbers are 1-based; here they
//!   are turned into 0-based indices).
//! - [TD] transparency-dev/merkle: `testonly/constants.go` (`LeafInputs`,
//!   `NodeHashes`, `RootHashes`), `proof/verify_test.go` (`inclusionProofs`,
//!   `consistencyProofs`, including the (6, 7) proof absent from [CT]) and
//!   `proof/proof_test.go` (`TestInclusion`, `TestConsistency`: proofs given
//!   as node ids, resolved here through `NodeHashes` for trees of ≤ 8 leaves).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hallvote_crypto::VerifyError;
use hallvote_crypto::merkle::{
    ConsistencyProof, EMPTY_ROOT, Hash32, InclusionProof, MerkleError, MerkleLog, TreeHead, leaf_hash, node_hash,
};

/// [CT] `kInputs`, [TD] `LeafInputs()`: the eight leaves of the reference tree.
const INPUTS: [&str; 8] =
    ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

/// [CT] `kSHA256EmptyTreeHash`, [TD] `EmptyRootHash()`.
const EMPTY_TREE_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// [CT] `kSHA256Roots`, [TD] `RootHashes()[1..]`: the root of the first
/// 1, 2, …, 8 leaves.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// [TD] `NodeHashes()`: the hash of every complete subtree of the 8-leaf tree;
/// `NODE_HASHES[level][i]` covers leaves `i·2^level .. (i+1)·2^level`.
const NODE_HASHES: [&[&str]; 4] = [
    &[
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    &[
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    &[
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    &["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
];

/// An inclusion proof vector: 0-based leaf index, tree size, path.
struct PathVector {
    index: u64,
    size: u64,
    path: &'static [&'static str],
}

/// [CT] `kSHA256Paths` (entries 1–5; entry 0, leaf 0 of tree 0, is the
/// "no proof" case tested below) = [TD] `inclusionProofs[1..]`.
/// [CT] numbers leaves from 1, so `{1, 8, …}` is index 0 here.
const PATHS: [PathVector; 5] = [
    PathVector { index: 0, size: 1, path: &[] },
    PathVector {
        index: 0,
        size: 8,
        path: &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    },
    PathVector {
        index: 5,
        size: 8,
        path: &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    },
    PathVector { index: 2, size: 3, path: &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
    PathVector {
        index: 1,
        size: 5,
        path: &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    },
];

/// A consistency proof vector: old size, new size, path.
struct ProofVector {
    old: u64,
    new: u64,
    path: &'static [&'static str],
}

/// [CT] `kSHA256Proofs` = [TD] `consistencyProofs[..4]`, then [TD]
/// `consistencyProofs[4]` (6 → 7).
const PROOFS: [ProofVector; 5] = [
    ProofVector { old: 1, new: 1, path: &[] },
    ProofVector {
        old: 1,
        new: 8,
        path: &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    },
    ProofVector {
        old: 6,
        new: 8,
        path: &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    },
    ProofVector {
        old: 2,
        new: 5,
        path: &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    },
    ProofVector {
        old: 6,
        new: 7,
        path: &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    },
];

/// [TD] `verify_test.go`'s `sha256SomeHash`, an arbitrary non-tree hash.
const SOME_HASH: &str = "abacaba000000000000000000000000000000000000000000060061e00123456";

fn h32(s: &str) -> Hash32 {
    hex::decode(s).unwrap().try_into().unwrap()
}

fn hashes(list: &[&str]) -> Vec<Hash32> {
    list.iter().map(|s| h32(s)).collect()
}

fn inputs() -> Vec<Vec<u8>> {
    INPUTS.iter().map(|s| hex::decode(s).unwrap()).collect()
}

fn reference_log() -> MerkleLog {
    let mut log = MerkleLog::new();
    for leaf in inputs() {
        log.append_leaf(&leaf);
    }
    log
}

/// `NODE_HASHES[level][index]`, the [TD] `id(level, index)`.
fn nh(level: usize, index: usize) -> Hash32 {
    h32(NODE_HASHES[level][index])
}

fn root(size: u64) -> Hash32 {
    if size == 0 { h32(EMPTY_TREE_HASH) } else { h32(ROOTS[size as usize - 1]) }
}

#[test]
fn empty_tree_hash() {
    assert_eq!(EMPTY_ROOT, h32(EMPTY_TREE_HASH));
    assert_eq!(MerkleLog::new().root(), h32(EMPTY_TREE_HASH));
}

#[test]
fn leaf_hashes_are_the_level_zero_node_hashes() {
    for (i, leaf) in inputs().iter().enumerate() {
        assert_eq!(leaf_hash(leaf), nh(0, i), "leaf {i}");
    }
}

#[test]
fn node_hashes_of_complete_subtrees() {
    for (level, row) in NODE_HASHES.iter().enumerate().skip(1) {
        assert_eq!(row.len(), 8 >> level);
        for i in 0..row.len() {
            assert_eq!(node_hash(&nh(level - 1, 2 * i), &nh(level - 1, 2 * i + 1)), nh(level, i));
        }
    }
}

#[test]
fn roots_leaf_by_leaf() {
    // [CT] RootTestVectors, first tree: every snapshot after every append.
    let mut log = MerkleLog::new();
    for (i, leaf) in inputs().iter().enumerate() {
        assert_eq!(log.append_leaf(leaf), i as u64);
        let size = i as u64 + 1;
        assert_eq!(log.len(), size);
        assert_eq!(log.root(), root(size), "root of {size}");
        for s in 0..=size {
            assert_eq!(log.root_at(s).unwrap(), root(s), "root_at({s}) of {size}");
        }
        assert!(log.root_at(size + 1).is_err());
    }
}

#[test]
fn roots_in_chunks_and_from_leaf_hashes() {
    // [CT] RootTestVectors, second and third trees.
    let leaves = inputs();
    let mut log = MerkleLog::new();
    for leaf in &leaves[..3] {
        log.append_leaf(leaf);
    }
    assert_eq!(log.root(), root(3));
    for leaf in &leaves[3..] {
        log.append_leaf(leaf);
    }
    assert_eq!(log.root(), root(8));
    for size in 0..=8 {
        let bulk = MerkleLog::from_leaf_hashes(leaves[..size].iter().map(|l| leaf_hash(l)).collect());
        assert_eq!(bulk.root(), root(size as u64), "from_leaf_hashes({size})");
    }
}

#[test]
fn inclusion_paths_generated() {
    // [CT] PathTestVectors.
    let log = reference_log();
    for v in &PATHS {
        let proof = log.inclusion_proof(v.index, v.size).unwrap();
        assert_eq!(proof.index(), v.index);
        assert_eq!(proof.tree_size(), v.size);
        assert_eq!(proof.path(), hashes(v.path), "path ({}, {})", v.index, v.size);
    }
    // [CT] entry 0 (leaf 0 of tree 0) and `PathToCurrentRoot(9)`: no proof.
    assert!(log.inclusion_proof(0, 0).is_err());
    assert!(log.inclusion_proof(8, 8).is_err());
}

#[test]
fn inclusion_paths_by_node_id() {
    // [TD] proof_test.go TestInclusion, the cases with trees of ≤ 8 leaves.
    // l = hash(i, j) is the [TD] "rehash" of the right border of tree 7.
    let (a, b, c, d, e, f, j) = (nh(0, 0), nh(0, 1), nh(0, 2), nh(0, 3), nh(0, 4), nh(0, 5), nh(0, 6));
    let (g, h, i, k) = (nh(1, 0), nh(1, 1), nh(1, 2), nh(2, 0));
    let l = node_hash(&i, &j);
    let cases: Vec<(u64, u64, Vec<Hash32>)> = vec![
        (1, 0, vec![]),
        (2, 0, vec![b]),
        (2, 1, vec![a]),
        (3, 1, vec![a, c]),
        (7, 0, vec![b, h, l]),
        (7, 1, vec![a, h, l]),
        (7, 2, vec![d, g, l]),
        (7, 3, vec![c, g, l]),
        (7, 4, vec![f, j, k]),
        (7, 5, vec![e, j, k]),
        (7, 6, vec![i, k]),
        (4, 2, vec![d, g]),
        (5, 3, vec![c, g, e]),
        (6, 3, vec![c, g, i]),
        (6, 4, vec![f, k]),
    ];
    let log = reference_log();
    for (size, index, want) in cases {
        let proof = log.inclusion_proof(index, size).unwrap();
        assert_eq!(proof.path(), want, "inclusion ({index}, {size})");
        proof.verify(&nh(0, index as usize), &root(size)).unwrap();
    }
    // [TD] error cases.
    for (size, index) in [(0, 0), (0, 1), (1, 2), (0, 3), (7, 8)] {
        assert!(matches!(log.inclusion_proof(index, size), Err(MerkleError::IndexBeyondSize { .. })));
    }
}

#[test]
fn consistency_proofs_generated() {
    // [CT] ConsistencyTestVectors, plus [TD] (6, 7).
    let log = reference_log();
    for v in &PROOFS {
        let proof = log.consistency_proof(v.old, v.new).unwrap();
        assert_eq!(proof.old_size(), v.old);
        assert_eq!(proof.new_size(), v.new);
        assert_eq!(proof.path(), hashes(v.path), "proof ({}, {})", v.old, v.new);
    }
}

#[test]
fn consistency_proofs_by_node_id() {
    // [TD] proof_test.go TestConsistency, the cases with trees of ≤ 8 leaves.
    let (b, c, d, e, f, j, leaf7) = (nh(0, 1), nh(0, 2), nh(0, 3), nh(0, 4), nh(0, 5), nh(0, 6), nh(0, 7));
    let (g, h, i, k, l8) = (nh(1, 0), nh(1, 1), nh(1, 2), nh(2, 0), nh(2, 1));
    let l7 = node_hash(&i, &j);
    let cases: Vec<(u64, u64, Vec<Hash32>)> = vec![
        (1, 2, vec![b]),
        (1, 4, vec![b, h]),
        (1, 6, vec![b, h, i]),
        (2, 3, vec![c]),
        (2, 8, vec![h, l8]),
        (3, 7, vec![c, d, g, l7]),
        (4, 7, vec![l7]),
        (5, 7, vec![e, f, j, k]),
        (6, 7, vec![i, j, k]),
        (7, 8, vec![j, leaf7, i, k]),
        (1, 1, vec![]),
        (2, 2, vec![]),
        (3, 3, vec![]),
        (4, 4, vec![]),
        (5, 5, vec![]),
        (7, 7, vec![]),
        (8, 8, vec![]),
        (2, 4, vec![h]),
        (3, 5, vec![c, d, g, e]),
        (3, 6, vec![c, d, g, i]),
        (4, 6, vec![i]),
        (1, 7, vec![b, h, l7]),
    ];
    let log = reference_log();
    for (old, new, want) in cases {
        let proof = log.consistency_proof(old, new).unwrap();
        assert_eq!(proof.path(), want, "consistency ({old}, {new})");
        proof.verify(&root(old), &root(new)).unwrap();
    }
    // [TD] error cases.
    assert!(matches!(log.consistency_proof(5, 0), Err(MerkleError::SizesOutOfOrder { .. })));
    assert!(matches!(log.consistency_proof(9, 8), Err(MerkleError::SizesOutOfOrder { .. })));
}

/// [CT] `VerifierCheck` / [TD] `corruptInclusionProof`: the proof verifies,
/// and every corruption of it fails.
fn verifier_check(index: u64, size: u64, path: &[Hash32], root: &Hash32, leaf: &Hash32) {
    let proof = |index: u64, size: u64, path: Vec<Hash32>| InclusionProof::new(index, size, path).unwrap();
    proof(index, size, path.to_vec()).verify(leaf, root).unwrap();

    let p = path.to_vec();
    let mut probes: Vec<(&str, InclusionProof, Hash32, Hash32)> = vec![
        ("index - 1", proof(index.wrapping_sub(1), size, p.clone()), *leaf, *root),
        ("index + 1", proof(index + 1, size, p.clone()), *leaf, *root),
        ("index ^ 2", proof(index ^ 2, size, p.clone()), *leaf, *root),
        ("size * 2", proof(index, size * 2, p.clone()), *leaf, *root),
        ("size / 2", proof(index, size / 2, p.clone()), *leaf, *root),
        ("wrong leaf", proof(index, size, p.clone()), leaf_hash(b"WrongLeaf"), *root),
        ("empty root", proof(index, size, p.clone()), *leaf, EMPTY_ROOT),
        ("random root", proof(index, size, p.clone()), *leaf, h32(SOME_HASH)),
        ("trailing root", proof(index, size, [p.clone(), vec![*root]].concat()), *leaf, *root),
        ("preceding root", proof(index, size, [vec![*root], p.clone()].concat()), *leaf, *root),
        ("trailing zeros", proof(index, size, [p.clone(), vec![[0; 32]]].concat()), *leaf, *root),
        ("preceding zeros", proof(index, size, [vec![[0; 32]], p.clone()].concat()), *leaf, *root),
    ];
    for pos in 0..p.len() {
        let mut wrong = p.clone();
        wrong[pos][0] ^= 8;
        probes.push(("modified element", proof(index, size, wrong), *leaf, *root));
        let mut wrong = p.clone();
        wrong[pos] = EMPTY_ROOT;
        probes.push(("replaced element", proof(index, size, wrong), *leaf, *root));
    }
    if !p.is_empty() {
        probes.push(("removed component", proof(index, size, p[..p.len() - 1].to_vec()), *leaf, *root));
    }
    if p.len() > 1 {
        let inserted = [vec![p[0], h32(SOME_HASH)], p[1..].to_vec()].concat();
        probes.push(("inserted component", proof(index, size, inserted), *leaf, *root));
    }
    for (what, proof, leaf, root) in probes {
        assert_eq!(
            proof.verify(&leaf, &root),
            Err(VerifyError::MerkleProof),
            "{what} verified: index {index}, size {size}"
        );
    }
}

#[test]
fn verify_inclusion_known_paths() {
    // [CT] VerifyPath "Known good paths".
    let leaves = inputs();
    for v in &PATHS {
        verifier_check(v.index, v.size, &hashes(v.path), &root(v.size), &leaf_hash(&leaves[v.index as usize]));
    }
}

#[test]
fn verify_inclusion_invalid_sizes() {
    // [CT] VerifyPath "Various invalid paths", [TD] TestVerifyInclusion probes:
    // index ≥ size never verifies, whatever the root.
    for (index, size) in [(0, 0), (1, 0), (2, 1), (1, 1), (5, 3)] {
        let proof = InclusionProof::new(index, size, vec![]).unwrap();
        for (leaf, root) in [(h32(SOME_HASH), EMPTY_ROOT), (EMPTY_ROOT, EMPTY_ROOT), (h32(SOME_HASH), h32(SOME_HASH))] {
            assert_eq!(proof.verify(&leaf, &root), Err(VerifyError::MerkleProof), "({index}, {size})");
        }
    }
}

#[test]
fn verify_inclusion_single_entry() {
    // [TD] TestVerifyInclusionSingleEntry: in a tree of one leaf the root is the
    // leaf hash and the proof is empty.
    let hash = leaf_hash(b"data");
    let proof = InclusionProof::new(0, 1, vec![]).unwrap();
    proof.verify(&hash, &hash).unwrap();
    assert!(proof.verify(&hash, &EMPTY_ROOT).is_err());
    assert!(proof.verify(&EMPTY_ROOT, &hash).is_err());
}

/// [CT] `VerifierConsistencyCheck` / [TD] `corruptConsistencyProof`.
fn verifier_consistency_check(old: u64, new: u64, root1: &Hash32, root2: &Hash32, path: &[Hash32]) {
    let proof = |old: u64, new: u64, path: Vec<Hash32>| ConsistencyProof::new(old, new, path).unwrap();
    proof(old, new, path.to_vec()).verify(root1, root2).unwrap();
    if path.is_empty() {
        // As in [CT]: only non-trivial proofs are corrupted.
        return;
    }
    let p = path.to_vec();
    let wrong_root = leaf_hash(b"WrongRoot");
    let mut probes: Vec<(&str, ConsistencyProof, Hash32, Hash32)> = vec![
        ("old - 1", proof(old - 1, new, p.clone()), *root1, *root2),
        ("old + 1", proof(old + 1, new, p.clone()), *root1, *root2),
        ("old ^ 2", proof(old ^ 2, new, p.clone()), *root1, *root2),
        ("new * 2", proof(old, new * 2, p.clone()), *root1, *root2),
        ("new / 2", proof(old, new / 2, p.clone()), *root1, *root2),
        ("wrong root1", proof(old, new, p.clone()), wrong_root, *root2),
        ("wrong root2", proof(old, new, p.clone()), *root1, wrong_root),
        ("swapped roots", proof(old, new, p.clone()), *root2, *root1),
        ("empty proof", proof(old, new, vec![]), *root1, *root2),
        ("trailing zeros", proof(old, new, [p.clone(), vec![[0; 32]]].concat()), *root1, *root2),
        ("trailing root1", proof(old, new, [p.clone(), vec![*root1]].concat()), *root1, *root2),
        ("trailing root2", proof(old, new, [p.clone(), vec![*root2]].concat()), *root1, *root2),
        ("trailing last", proof(old, new, [p.clone(), vec![p[p.len() - 1]]].concat()), *root1, *root2),
        ("preceding zeros", proof(old, new, [vec![[0; 32]], p.clone()].concat()), *root1, *root2),
        ("preceding root1", proof(old, new, [vec![*root1], p.clone()].concat()), *root1, *root2),
        ("preceding root2", proof(old, new, [vec![*root2], p.clone()].concat()), *root1, *root2),
        ("preceding proof[0]", proof(old, new, [vec![p[0]], p.clone()].concat()), *root1, *root2),
        ("truncated", proof(old, new, p[..p.len() - 1].to_vec()), *root1, *root2),
    ];
    for pos in 0..p.len() {
        let mut wrong = p.clone();
        wrong[pos][0] ^= 16;
        probes.push(("modified element", proof(old, new, wrong), *root1, *root2));
        let mut wrong = p.clone();
        wrong[pos] = EMPTY_ROOT;
        probes.push(("replaced element", proof(old, new, wrong), *root1, *root2));
    }
    for (what, proof, r1, r2) in probes {
        assert_eq!(proof.verify(&r1, &r2), Err(VerifyError::MerkleProof), "{what} verified: {old} -> {new}");
    }
}

#[test]
fn verify_consistency_known_proofs() {
    // [CT] VerifyConsistencyProof "Known good proofs", [TD] consistencyProofs.
    for v in &PROOFS {
        verifier_consistency_check(v.old, v.new, &root(v.old), &root(v.new), &hashes(v.path));
    }
}

#[test]
fn verify_consistency_edge_cases() {
    // [CT] VerifyConsistencyProof / [TD] TestVerifyConsistency, with the roots
    // they leave as "don't care" set as spec §7.4 requires: the old root of an
    // empty tree must be the empty root.
    let empty = h32(EMPTY_TREE_HASH);
    let (r1, r2) = (leaf_hash(b"don't care 1"), leaf_hash(b"don't care 2"));
    let ok = |old, new, a: &Hash32, b: &Hash32, path: Vec<Hash32>| {
        ConsistencyProof::new(old, new, path).unwrap().verify(a, b).is_ok()
    };
    // Sizes that are always consistent.
    assert!(ok(0, 0, &empty, &empty, vec![]));
    assert!(ok(0, 1, &empty, &r2, vec![]));
    assert!(ok(1, 1, &r2, &r2, vec![]));
    // Time travel to the past.
    assert!(!ok(1, 0, &r1, &r2, vec![]));
    assert!(!ok(2, 1, &r1, &r2, vec![]));
    assert!(!ok(1, 0, &r1, &r1, vec![]));
    // Empty proof.
    assert!(!ok(1, 2, &r1, &r2, vec![]));
    // Roots don't match.
    assert!(!ok(0, 0, &empty, &r2, vec![]));
    assert!(!ok(1, 1, &empty, &r2, vec![]));
    assert!(!ok(1, 1, &r1, &r2, vec![]));
    // Roots match but the proof is not empty.
    assert!(!ok(0, 0, &empty, &empty, vec![empty]));
    assert!(!ok(0, 1, &empty, &empty, vec![empty]));
    assert!(!ok(1, 1, &empty, &empty, vec![empty]));
    // hallvote's stricter rule (spec §7.4): an empty old tree has the empty root.
    assert!(!ok(0, 1, &r1, &r2, vec![]));
    assert!(!ok(0, 0, &r1, &r1, vec![]));
}

#[test]
fn tree_heads_bind_size_and_root() {
    let log = reference_log();
    for size in 0..=8 {
        let head = log.tree_head_at(size).unwrap();
        assert_eq!(head, TreeHead { size, root: root(size) });
        let bytes = head.to_bytes();
        assert_eq!(&bytes[..8], &size.to_be_bytes());
        assert_eq!(&bytes[8..], &root(size));
    }
    assert_eq!(log.tree_head(), TreeHead { size: 8, root: root(8) });
    let proof = log.inclusion_proof(5, 8).unwrap();
    let leaf = leaf_hash(&inputs()[5]);
    proof.verify_tree_head(&leaf, &log.tree_head()).unwrap();
    // The right root under the wrong size is refused.
    let wrong = TreeHead { size: 7, root: root(8) };
    assert_eq!(proof.verify_tree_head(&leaf, &wrong), Err(VerifyError::MerkleProof));

    let proof = log.consistency_proof(6, 8).unwrap();
    let (old, new) = (log.tree_head_at(6).unwrap(), log.tree_head_at(8).unwrap());
    proof.verify_tree_heads(&old, &new).unwrap();
    assert!(proof.verify_tree_heads(&TreeHead { size: 5, ..old }, &new).is_err());
    assert!(proof.verify_tree_heads(&old, &TreeHead { size: 9, ..new }).is_err());
}
