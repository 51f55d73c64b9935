//! Properties of the bulletin board log (spec §7): the log agrees with the
//! recursive definitions of RFC 9162 §2.1, every proof it makes verifies,
//! every change to a proof, leaf, size or root makes verification fail, and
//! the byte encodings of spec §7.5 round-trip and decode strictly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hallvote_crypto::merkle::{
    ConsistencyProof, EMPTY_ROOT, Hash32, InclusionProof, MAX_PATH_LEN, MerkleLog, TreeHead, leaf_hash, node_hash,
};
use hallvote_crypto::{DecodeError, VerifyError};
use proptest::prelude::*;

// --- RFC 9162 §2.1, written as the RFC writes it (recursion on slices) ---

fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 9162 §2.1.1 MTH, over leaf hashes.
fn ref_mth(d: &[Hash32]) -> Hash32 {
    match d.len() {
        0 => EMPTY_ROOT,
        1 => d[0],
        n => {
            let k = split(n);
            node_hash(&ref_mth(&d[..k]), &ref_mth(&d[k..]))
        }
    }
}

/// RFC 9162 §2.1.3.1 PATH(m, D[n]).
fn ref_path(m: usize, d: &[Hash32]) -> Vec<Hash32> {
    let n = d.len();
    if n <= 1 {
        return vec![];
    }
    let k = split(n);
    if m < k {
        [ref_path(m, &d[..k]), vec![ref_mth(&d[k..])]].concat()
    } else {
        [ref_path(m - k, &d[k..]), vec![ref_mth(&d[..k])]].concat()
    }
}

/// RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b).
fn ref_subproof(m: usize, d: &[Hash32], b: bool) -> Vec<Hash32> {
    let n = d.len();
    if m == n {
        return if b { vec![] } else { vec![ref_mth(d)] };
    }
    let k = split(n);
    if m <= k {
        [ref_subproof(m, &d[..k], b), vec![ref_mth(&d[k..])]].concat()
    } else {
        [ref_subproof(m - k, &d[k..], false), vec![ref_mth(&d[..k])]].concat()
    }
}

/// Distinct leaves: a proof for one position must not also be one for another.
fn leaves(n: usize, salt: u64) -> Vec<Hash32> {
    (0..n as u64).map(|i| leaf_hash(&[salt.to_be_bytes(), i.to_be_bytes()].concat())).collect()
}

#[test]
fn every_proof_up_to_40_leaves_matches_the_rfc_and_verifies() {
    let d = leaves(40, 0);
    let log = MerkleLog::from_leaf_hashes(d.clone());
    for n in 0..=40usize {
        let root = log.root_at(n as u64).unwrap();
        assert_eq!(root, ref_mth(&d[..n]), "MTH of {n}");
        for m in 0..n {
            let proof = log.inclusion_proof(m as u64, n as u64).unwrap();
            assert_eq!(proof.path(), ref_path(m, &d[..n]), "PATH({m}, {n})");
            proof.verify(&d[m], &root).unwrap();
            proof.verify_tree_head(&d[m], &TreeHead { size: n as u64, root }).unwrap();
        }
        for m in 0..=n {
            let proof = log.consistency_proof(m as u64, n as u64).unwrap();
            let want = if m == 0 { vec![] } else { ref_subproof(m, &d[..n], true) };
            assert_eq!(proof.path(), want, "PROOF({m}, {n})");
            let old_root = log.root_at(m as u64).unwrap();
            proof.verify(&old_root, &root).unwrap();
        }
    }
}

#[test]
fn appending_one_by_one_keeps_every_earlier_root() {
    let d = leaves(70, 1);
    let mut log = MerkleLog::new();
    let mut roots = vec![log.root()];
    for h in &d {
        log.append_leaf_hash(*h);
        roots.push(log.root());
    }
    for (size, root) in roots.iter().enumerate() {
        assert_eq!(log.root_at(size as u64).unwrap(), *root);
        assert_eq!(*root, ref_mth(&d[..size]));
    }
}

#[test]
fn a_log_of_100_000_leaves() {
    // The size the board is built for: build it both ways, and check proofs
    // at the edges and in between; proof sizes stay at ⌈log₂ N⌉ (17 here).
    const N: u64 = 100_000;
    let mut log = MerkleLog::new();
    for i in 0..N {
        log.append_leaf(&i.to_be_bytes());
    }
    let bulk = MerkleLog::from_leaf_hashes((0..N).map(|i| leaf_hash(&i.to_be_bytes())).collect());
    assert_eq!(log.root(), bulk.root());
    let head = log.tree_head();
    for index in [0, 1, 4_095, 65_535, 65_536, 99_998, N - 1] {
        let proof = log.inclusion_proof(index, N).unwrap();
        assert!(proof.path().len() <= 17);
        proof.verify_tree_head(&leaf_hash(&index.to_be_bytes()), &head).unwrap();
    }
    for old in [1, 2, 3, 65_536, 65_537, 99_999] {
        let proof = log.consistency_proof(old, N).unwrap();
        assert!(proof.path().len() <= 18);
        proof.verify_tree_heads(&log.tree_head_at(old).unwrap(), &head).unwrap();
    }
}

fn flip(path: &[Hash32], element: usize, byte: usize, bit: u8) -> Vec<Hash32> {
    let mut path = path.to_vec();
    path[element][byte] ^= 1 << bit;
    path
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Inclusion proofs in larger trees: they verify, and flipping any bit of
    /// any path element, or changing the index, the size, the leaf or the
    /// root, makes them fail.
    #[test]
    fn inclusion_proofs_verify_and_resist_tampering(
        salt in any::<u64>(),
        n in 1usize..300,
        m_seed in any::<usize>(),
        other in any::<u64>(),
        elem_seed in any::<usize>(),
        byte in 0usize..32,
        bit in 0u8..8,
    ) {
        let d = leaves(n, salt);
        let log = MerkleLog::from_leaf_hashes(d.clone());
        let m = m_seed % n;
        let (size, index) = (n as u64, m as u64);
        let head = log.tree_head();
        let proof = log.inclusion_proof(index, size).unwrap();
        prop_assert_eq!(proof.path(), &ref_path(m, &d)[..]);
        prop_assert!(proof.verify_tree_head(&d[m], &head).is_ok());

        let fails = |p: &InclusionProof, leaf: &Hash32, root: &Hash32| {
            p.verify(leaf, root) == Err(VerifyError::MerkleProof)
        };
        if !proof.path().is_empty() {
            let e = elem_seed % proof.path().len();
            let tampered = InclusionProof::new(index, size, flip(proof.path(), e, byte, bit)).unwrap();
            prop_assert!(fails(&tampered, &d[m], &head.root));
        }
        let other_index = other % (size + 2);
        if other_index != index {
            let tampered = InclusionProof::new(other_index, size, proof.path().to_vec()).unwrap();
            prop_assert!(fails(&tampered, &d[m], &head.root));
        }
        let other_size = other % (2 * size + 2);
        if other_size != size {
            let tampered = InclusionProof::new(index, other_size, proof.path().to_vec()).unwrap();
            // Against the signed head, the size no longer matches…
            prop_assert!(tampered.verify_tree_head(&d[m], &head).is_err());
            // …and against the true root of the claimed size the path is wrong.
            if let Ok(root) = log.root_at(other_size) {
                prop_assert!(fails(&tampered, &d[m], &root));
            }
        }
        let mut wrong_leaf = d[m];
        wrong_leaf[byte] ^= 1 << bit;
        prop_assert!(fails(&proof, &wrong_leaf, &head.root));
        let mut wrong_root = head.root;
        wrong_root[byte] ^= 1 << bit;
        prop_assert!(fails(&proof, &d[m], &wrong_root));
    }

    /// Consistency proofs in larger trees: they verify, and flipping any bit
    /// of any path element, or changing either size or either root, makes
    /// them fail.
    #[test]
    fn consistency_proofs_verify_and_resist_tampering(
        salt in any::<u64>(),
        n in 1usize..300,
        m_seed in any::<usize>(),
        other in any::<u64>(),
        elem_seed in any::<usize>(),
        byte in 0usize..32,
        bit in 0u8..8,
    ) {
        let d = leaves(n, salt);
        let log = MerkleLog::from_leaf_hashes(d.clone());
        let m = 1 + m_seed % n; // 0 < m ≤ n
        let (old, new) = (m as u64, n as u64);
        let (old_head, new_head) = (log.tree_head_at(old).unwrap(), log.tree_head());
        let proof = log.consistency_proof(old, new).unwrap();
        prop_assert_eq!(proof.path(), &ref_subproof(m, &d, true)[..]);
        prop_assert!(proof.verify_tree_heads(&old_head, &new_head).is_ok());

        let fails = |p: &ConsistencyProof, a: &Hash32, b: &Hash32| {
            p.verify(a, b) == Err(VerifyError::MerkleProof)
        };
        if !proof.path().is_empty() {
            let e = elem_seed % proof.path().len();
            let tampered = ConsistencyProof::new(old, new, flip(proof.path(), e, byte, bit)).unwrap();
            prop_assert!(fails(&tampered, &old_head.root, &new_head.root));
        }
        let mut wrong = old_head.root;
        wrong[byte] ^= 1 << bit;
        prop_assert!(fails(&proof, &wrong, &new_head.root));
        let mut wrong = new_head.root;
        wrong[byte] ^= 1 << bit;
        prop_assert!(fails(&proof, &old_head.root, &wrong));

        let other_old = other % (new + 2);
        if other_old != old {
            let tampered = ConsistencyProof::new(other_old, new, proof.path().to_vec()).unwrap();
            prop_assert!(tampered.verify_tree_heads(&old_head, &new_head).is_err());
            // (Size 0 is left out: every tree extends the empty one, rightly.)
            if let (true, Ok(root)) = (other_old != 0, log.root_at(other_old)) {
                prop_assert!(fails(&tampered, &root, &new_head.root));
            }
        }
        let other_new = other % (2 * new + 2);
        if other_new != new {
            let tampered = ConsistencyProof::new(old, other_new, proof.path().to_vec()).unwrap();
            prop_assert!(tampered.verify_tree_heads(&old_head, &new_head).is_err());
            if let Ok(root) = log.root_at(other_new) {
                prop_assert!(fails(&tampered, &old_head.root, &root));
            }
        }
    }

    /// A proof decodes exactly when its count is at most 64 and exactly that
    /// many hashes follow, and what decodes re-encodes to the same bytes.
    #[test]
    fn proof_decoding_accepts_exactly_the_canonical_bytes(
        header in any::<[u8; 16]>(),
        count in 0usize..=70,
        delta in -1isize..=1,
        fill in any::<u8>(),
    ) {
        let mut bytes = header.to_vec();
        bytes.push(count as u8);
        bytes.resize(((17 + 32 * count) as isize + delta) as usize, fill);
        let valid = count <= MAX_PATH_LEN && delta == 0;
        let inclusion = InclusionProof::from_bytes(&bytes);
        let consistency = ConsistencyProof::from_bytes(&bytes);
        prop_assert_eq!(inclusion.is_ok(), valid);
        prop_assert_eq!(consistency.is_ok(), valid);
        if let Ok(p) = inclusion {
            prop_assert_eq!(&p.index().to_be_bytes()[..], &header[..8]);
            prop_assert_eq!(&p.tree_size().to_be_bytes()[..], &header[8..]);
            prop_assert_eq!(p.path().len(), count);
            prop_assert_eq!(p.to_bytes(), bytes.clone());
        }
        if let Ok(p) = consistency {
            prop_assert_eq!(&p.old_size().to_be_bytes()[..], &header[..8]);
            prop_assert_eq!(&p.new_size().to_be_bytes()[..], &header[8..]);
            prop_assert_eq!(p.to_bytes(), bytes);
        }
    }

    /// A tree head decodes exactly from 40 bytes, and re-encodes to them.
    #[test]
    fn tree_head_decoding_accepts_exactly_40_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..90)) {
        match TreeHead::from_bytes(&bytes) {
            Ok(head) => prop_assert_eq!(head.to_bytes().to_vec(), bytes),
            Err(e) => {
                prop_assert_ne!(bytes.len(), 40);
                prop_assert_eq!(e, DecodeError::Length { expected: 40, actual: bytes.len() });
            }
        }
    }
}

// --- Encodings (spec §7.5) ---

#[test]
fn tree_head_encoding_is_size_then_root() {
    let head = TreeHead { size: 0x0102_0304_0506_0708, root: [0xab; 32] };
    let bytes = head.to_bytes();
    assert_eq!(bytes.len(), TreeHead::ENCODED_LEN);
    assert_eq!(bytes[..8], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(bytes[8..], [0xab; 32]);
    assert_eq!(TreeHead::from_bytes(&bytes), Ok(head));
    for len in [0, 8, 39, 41, 80] {
        let mut bytes = bytes.to_vec();
        bytes.resize(len, 0);
        assert_eq!(TreeHead::from_bytes(&bytes), Err(DecodeError::Length { expected: 40, actual: len }));
    }
}

#[test]
fn proof_encodings_round_trip() {
    let log = MerkleLog::from_leaf_hashes(leaves(21, 7));
    for n in 1..=21 {
        for m in 0..n {
            let p = log.inclusion_proof(m, n).unwrap();
            let bytes = p.to_bytes();
            assert_eq!(bytes.len(), 17 + 32 * p.path().len());
            assert_eq!(InclusionProof::from_bytes(&bytes).unwrap(), p);
        }
        for m in 0..=n {
            let p = log.consistency_proof(m, n).unwrap();
            let bytes = p.to_bytes();
            assert_eq!(bytes.len(), 17 + 32 * p.path().len());
            assert_eq!(ConsistencyProof::from_bytes(&bytes).unwrap(), p);
        }
    }
}

#[test]
fn proof_encoding_layout() {
    let path = vec![[0x11; 32], [0x22; 32]];
    let p = InclusionProof::new(0x0a0b, 0x0c0d_0e0f, path.clone()).unwrap();
    let mut want = vec![0, 0, 0, 0, 0, 0, 0x0a, 0x0b, 0, 0, 0, 0, 0x0c, 0x0d, 0x0e, 0x0f, 2];
    want.extend_from_slice(&[0x11; 32]);
    want.extend_from_slice(&[0x22; 32]);
    assert_eq!(p.to_bytes(), want);
    // The consistency proof has the same layout with (old, new) in front.
    let c = ConsistencyProof::new(0x0a0b, 0x0c0d_0e0f, path).unwrap();
    assert_eq!(c.to_bytes(), want);
    let empty = InclusionProof::new(0, 1, vec![]).unwrap();
    assert_eq!(empty.to_bytes(), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
}

#[test]
fn proof_decoding_is_strict() {
    let path: Vec<Hash32> = (0u8..3).map(|i| [i; 32]).collect();
    let good = InclusionProof::new(1, 5, path).unwrap().to_bytes();
    type Decoder = fn(&[u8]) -> Result<(), DecodeError>;
    let decoders: [Decoder; 2] =
        [|b| InclusionProof::from_bytes(b).map(drop), |b| ConsistencyProof::from_bytes(b).map(drop)];
    for decode in decoders {
        assert!(decode(&good).is_ok());
        // Every truncation, and one byte too many.
        for len in 0..good.len() {
            let expected = if len < 17 { 17 } else { good.len() };
            assert_eq!(decode(&good[..len]), Err(DecodeError::Length { expected, actual: len }), "length {len}");
        }
        let mut long = good.clone();
        long.push(0);
        assert_eq!(decode(&long), Err(DecodeError::Length { expected: good.len(), actual: long.len() }));
        // A count that disagrees with the hashes present.
        let mut bad = good.clone();
        bad[16] = 2;
        assert_eq!(decode(&bad), Err(DecodeError::Length { expected: 17 + 64, actual: good.len() }));
        // Counts above 64 are refused even when the bytes are all there.
        for count in [65usize, 100, 255] {
            let mut bytes = good[..16].to_vec();
            bytes.push(count as u8);
            bytes.resize(17 + 32 * count, 0);
            assert_eq!(
                decode(&bytes),
                Err(DecodeError::OutOfRange { what: "Merkle proof path length" }),
                "count {count}"
            );
        }
        // …and 64 is allowed.
        let mut bytes = good[..16].to_vec();
        bytes.push(64);
        bytes.resize(17 + 32 * 64, 0);
        assert!(decode(&bytes).is_ok());
    }
}

#[test]
fn constructors_refuse_overlong_paths() {
    let path = vec![[0u8; 32]; MAX_PATH_LEN + 1];
    assert!(InclusionProof::new(0, 1, path.clone()).is_err());
    assert!(ConsistencyProof::new(0, 1, path).is_err());
    assert!(InclusionProof::new(0, 1, vec![[0u8; 32]; MAX_PATH_LEN]).is_ok());
}
