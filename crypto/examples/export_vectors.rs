//! Exports test vectors for the independent verifier `tests/independent/verify.py`.
//!
//! Run: `cargo run -q -p hallvote-crypto --example export_vectors > vectors.json`.
//!
//! Every case is made with hallvote-crypto's public API from a fixed seed, so the
//! output is the same on every run. The `valid` flag of each case is the verdict
//! of this crate's own decoders and verifiers on the exported bytes, and the
//! exporter stops if that verdict is not the one the case was built to have
//! (a tampered proof that Rust accepts is a bug to look at, not a vector). The
//! Python verifier, written from docs/spec alone, must then reach the same verdict.
//! All byte strings are lower-case hex.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hallvote_crypto::dkg::{self, Dealer, DealerCommitments, DealerShare, Params};
use hallvote_crypto::dlog::DlogTable;
use hallvote_crypto::elgamal::{self, Ciphertext, Nonce, PublicKey};
use hallvote_crypto::group::{Element, SecretScalar, decode_scalar};
use hallvote_crypto::hash::hash;
use hallvote_crypto::merkle::{self, ConsistencyProof, InclusionProof, MerkleLog, TreeHead};
use hallvote_crypto::proofs::equality::EqualityStatement;
use hallvote_crypto::proofs::range::RangeStatement;
use hallvote_crypto::proofs::writein::{WriteInRowStatement, WriteInRowWitness, cap_sum, row_context};
use hallvote_crypto::proofs::{EqualityProof, RangeProof, SchnorrProof, WriteInRowProof};
use hallvote_crypto::threshold::{self, DecryptionShare, KeyShare};
use hallvote_crypto::writein::{EncryptedSlot, encode_name};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

/// The seed of every random choice below.
const SEED: u64 = 0x6861_6c6c_766f_7465; // "hallvote"

/// ℓ, the group order, 32 bytes little-endian (spec §1.3).
const ELL_LE: &str = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";

fn main() {
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut out = Cases::default();
    hash_cases(&mut out);
    schnorr_cases(&mut out, &mut rng);
    range_cases(&mut out, &mut rng);
    equality_cases(&mut out, &mut rng);
    dkg_and_decryption_cases(&mut out, &mut rng);
    opening_cases(&mut out, &mut rng);
    merkle_cases(&mut out);
    write_in_cases(&mut out, &mut rng);
    let doc = json!({
        "format": "hallvote-independent-vectors/v1",
        "seed": SEED,
        "cases": out.0,
    });
    println!("{}", serde_json::to_string_pretty(&doc).unwrap());
}

/// The list of cases, each checked against its intended verdict as it is added.
#[derive(Default)]
struct Cases(Vec<Value>);

impl Cases {
    /// Adds a case whose Rust verdict is `rust` and whose intended verdict is `intended`.
    fn push(&mut self, kind: &str, name: &str, intended: bool, rust: bool, mut fields: Value) {
        assert_eq!(rust, intended, "case {kind}/{name}: Rust says {rust}, the case was built to be {intended}");
        let obj = fields.as_object_mut().unwrap();
        obj.insert("kind".into(), kind.into());
        obj.insert("name".into(), name.into());
        obj.insert("valid".into(), intended.into());
        self.0.push(fields);
    }
}

fn hx(bytes: impl AsRef<[u8]>) -> String {
    hex::encode(bytes)
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// `a ‖ b`.
fn cat(a: &[u8], b: &[u8]) -> Vec<u8> {
    [a, b].concat()
}

/// A copy of `bytes` with byte `at` xored with `mask`.
fn flip(bytes: &[u8], at: usize, mask: u8) -> Vec<u8> {
    let mut v = bytes.to_vec();
    v[at] ^= mask;
    v
}

/// The 32-byte little-endian scalar at `at` replaced by itself plus ℓ: the same
/// value modulo ℓ, but a non-canonical encoding (spec §1.4).
fn add_ell(bytes: &[u8], at: usize) -> Vec<u8> {
    let ell = unhex(ELL_LE);
    let mut v = bytes.to_vec();
    let mut carry = 0u16;
    for i in 0..32 {
        let s = u16::from(v[at + i]) + u16::from(ell[i]) + carry;
        v[at + i] = s as u8;
        carry = s >> 8;
    }
    assert_eq!(carry, 0, "a scalar below ℓ plus ℓ fits in 256 bits");
    v
}

/// The 32-byte element encoding at `at` (field element `s`) replaced by `p − s`,
/// the other square root: odd, hence "negative" and rejected (RFC 9496 §4.3.1).
fn negate_field(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    let mut v = bytes.to_vec();
    let mut borrow = 0i16;
    for i in 0..32 {
        let d = i16::from(p[i]) - i16::from(v[at + i]) - borrow;
        v[at + i] = d.rem_euclid(256) as u8;
        borrow = i16::from(d < 0);
    }
    v
}

// ---------------------------------------------------------------------------
// §2 H
// ---------------------------------------------------------------------------

fn hash_cases(out: &mut Cases) {
    let long: Vec<u8> = (0..=255u8).collect();
    let inputs: Vec<(&str, &str, Vec<Vec<u8>>)> = vec![
        ("spec-2.1-example", "hallvote/test/v1", vec![b"".to_vec(), b"abc".to_vec()]),
        ("spec-2.1-u64", "hallvote/proof/range/v1", vec![1u64.to_be_bytes().to_vec()]),
        ("tag-only", "hallvote/test/v1", vec![]),
        ("one-empty-part", "hallvote/test/v1", vec![b"".to_vec()]),
        ("long-part", "hallvote/ballot/tracking/v1", vec![long.clone(), b"x".to_vec(), long]),
    ];
    for (name, tag, parts) in &inputs {
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let output = hash(tag, &refs);
        let parts_hex: Vec<String> = parts.iter().map(hx).collect();
        out.push("hash", name, true, true, json!({ "tag": tag, "parts": parts_hex, "output": hx(output) }));
    }
    // A moved boundary must change the hash: claim H(t, "ab", "c") equals H(t, "a", "bc").
    let claimed = hash("hallvote/test/v1", &[b"a", b"bc"]);
    let actual = hash("hallvote/test/v1", &[b"ab", b"c"]);
    out.push(
        "hash",
        "boundary-moved",
        false,
        actual == claimed,
        json!({ "tag": "hallvote/test/v1", "parts": [hx(b"ab"), hx(b"c")], "output": hx(claimed) }),
    );
    // No parts versus one empty part.
    let claimed = hash("hallvote/test/v1", &[]);
    let actual = hash("hallvote/test/v1", &[b""]);
    out.push(
        "hash",
        "empty-part-is-not-no-part",
        false,
        actual == claimed,
        json!({ "tag": "hallvote/test/v1", "parts": [""], "output": hx(claimed) }),
    );
}

// ---------------------------------------------------------------------------
// §4.1 Schnorr
// ---------------------------------------------------------------------------

fn schnorr_verdict(ctx: &[u8], x: &[u8], proof: &[u8]) -> bool {
    let (Ok(x), Ok(proof)) = (Element::decode(x), SchnorrProof::decode(proof)) else { return false };
    proof.verify(ctx, &x).is_ok()
}

fn schnorr_cases(out: &mut Cases, rng: &mut StdRng) {
    for (n, ctx) in [&b""[..], &b"schnorr test context"[..], &[0u8; 64][..]].into_iter().enumerate() {
        let secret = SecretScalar::random(rng);
        let x = secret.public();
        let proof = SchnorrProof::prove(ctx, &secret, &x, rng).to_bytes();
        let mut case = |name: &str, intended: bool, ctx: &[u8], x: &[u8], proof: &[u8]| {
            let v = schnorr_verdict(ctx, x, proof);
            out.push(
                "schnorr",
                &format!("{n}-{name}"),
                intended,
                v,
                json!({ "ctx": hx(ctx), "x": hx(x), "proof": hx(proof) }),
            );
        };
        let xb = x.to_bytes();
        case("ok", true, ctx, &xb, &proof);
        if n == 0 {
            case("flip-T", false, ctx, &xb, &flip(&proof, 5, 0x10));
            case("flip-z", false, ctx, &xb, &flip(&proof, 40, 0x01));
            case("wrong-ctx", false, b"another context", &xb, &proof);
            case("wrong-X", false, ctx, &SecretScalar::random(rng).public().to_bytes(), &proof);
            case("z-plus-ell", false, ctx, &xb, &add_ell(&proof, 32));
            case("T-negated-encoding", false, ctx, &xb, &negate_field(&proof, 0));
            case("T-high-bit", false, ctx, &xb, &flip(&proof, 31, 0x80));
            case("short", false, ctx, &xb, &proof[..63]);
            case("trailing-byte", false, ctx, &xb, &cat(&proof, &[0]));
        } else {
            case("flip-z-last", false, ctx, &xb, &flip(&proof, 63, 0x01));
            case("ctx-extended", false, &cat(ctx, &[0]), &xb, &proof);
        }
    }
}

// ---------------------------------------------------------------------------
// §4.2 range proofs
// ---------------------------------------------------------------------------

fn range_verdict(ctx: &[u8], y: &[u8], ct: &[u8], lo: u64, hi: u64, proof: &[u8]) -> bool {
    let (Ok(key), Ok(ct)) = (PublicKey::decode(y), Ciphertext::decode(ct)) else { return false };
    if lo > hi || hi - lo >= 1024 {
        return false;
    }
    let Ok(proof) = RangeProof::decode(proof, (hi - lo + 1) as usize) else { return false };
    proof.verify(&RangeStatement { ctx, key: &key, ciphertext: &ct, lo, hi }).is_ok()
}

fn range_cases(out: &mut Cases, rng: &mut StdRng) {
    let key = PublicKey::new(SecretScalar::random(rng).public()).unwrap();
    let other_key = PublicKey::new(SecretScalar::random(rng).public()).unwrap();
    let yb = key.element().to_bytes();
    let setups: [(&str, u64, u64, u64); 6] = [
        ("01-m0", 0, 1, 0),
        ("01-m1", 0, 1, 1),
        ("03-m2", 0, 3, 2),
        ("25-m5", 2, 5, 5),
        ("25-m2", 2, 5, 2),
        ("11-m1", 1, 1, 1),
    ];
    for (name, lo, hi, m) in setups {
        let ctx = hash("hallvote/ballot/selection/v1", &[b"election context", name.as_bytes()]);
        let (ct, nonce) = elgamal::encrypt(&key, m, rng);
        let st = RangeStatement { ctx: &ctx, key: &key, ciphertext: &ct, lo, hi };
        let proof = RangeProof::prove(&st, m, &nonce, rng).unwrap().to_bytes();
        let ctb = ct.to_bytes();
        let mut case = |sub: &str, intended: bool, ctx: &[u8], y: &[u8], ct: &[u8], lo: u64, hi: u64, proof: &[u8]| {
            let v = range_verdict(ctx, y, ct, lo, hi, proof);
            out.push(
                "range",
                &format!("{name}-{sub}"),
                intended,
                v,
                json!({ "ctx": hx(ctx), "y": hx(y), "ciphertext": hx(ct), "lo": lo, "hi": hi, "proof": hx(proof) }),
            );
        };
        case("ok", true, &ctx, &yb, &ctb, lo, hi, &proof);
        case("flip-a-lo", false, &ctx, &yb, &ctb, lo, hi, &flip(&proof, 3, 0x04));
        case("flip-last-z", false, &ctx, &yb, &ctb, lo, hi, &flip(&proof, proof.len() - 20, 0x01));
        case("wrong-ctx", false, b"another place on the ballot", &yb, &ctb, lo, hi, &proof);
        if lo == 0 && hi == 1 {
            // Flip inside c₀: the challenges no longer add up.
            case("flip-c0", false, &ctx, &yb, &ctb, lo, hi, &flip(&proof, 70, 0x01));
            case("c0-plus-ell", false, &ctx, &yb, &ctb, lo, hi, &add_ell(&proof, 64));
            case("wrong-key", false, &ctx, &other_key.element().to_bytes(), &ctb, lo, hi, &proof);
            case("identity-key", false, &ctx, &[0; 32], &ctb, lo, hi, &proof);
            case("flip-ciphertext-B", false, &ctx, &yb, &flip(&ctb, 40, 0x02), lo, hi, &proof);
            case("missing-branch", false, &ctx, &yb, &ctb, lo, hi, &proof[..128]);
            case("branches-swapped", false, &ctx, &yb, &ctb, lo, hi, &[&proof[128..], &proof[..128]].concat());
        }
        if hi > lo + 1 {
            // The same number of branches, shifted to another range.
            case("shifted-range", false, &ctx, &yb, &ctb, lo + 1, hi + 1, &proof);
        }
    }
    // A range wider than 1024 values is no statement at all.
    let (ct, _) = elgamal::encrypt(&key, 0, rng);
    let v = range_verdict(b"", &yb, &ct.to_bytes(), 0, 1024, &[]);
    out.push(
        "range",
        "too-many-branches",
        false,
        v,
        json!({ "ctx": "", "y": hx(yb), "ciphertext": hx(ct.to_bytes()), "lo": 0, "hi": 1024, "proof": "" }),
    );
}

// ---------------------------------------------------------------------------
// §4.3 equality proofs
// ---------------------------------------------------------------------------

fn equality_verdict(ctx: &[u8], x: &[u8], a: &[u8], d: &[u8], proof: &[u8]) -> bool {
    let (Ok(x), Ok(a), Ok(d), Ok(proof)) =
        (Element::decode(x), Element::decode(a), Element::decode(d), EqualityProof::decode(proof))
    else {
        return false;
    };
    proof.verify(&EqualityStatement { ctx, x: &x, base: &a, d: &d }).is_ok()
}

fn equality_cases(out: &mut Cases, rng: &mut StdRng) {
    for n in 0..2 {
        let secret = SecretScalar::random(rng);
        let x = secret.public();
        let a = SecretScalar::random(rng).public();
        let d = Element::new(secret.expose() * a.point());
        let ctx = format!("equality test {n}").into_bytes();
        let proof =
            EqualityProof::prove(&EqualityStatement { ctx: &ctx, x: &x, base: &a, d: &d }, &secret, rng).to_bytes();
        let (xb, ab, db) = (x.to_bytes(), a.to_bytes(), d.to_bytes());
        let mut case = |sub: &str, intended: bool, ctx: &[u8], x: &[u8], a: &[u8], d: &[u8], proof: &[u8]| {
            let v = equality_verdict(ctx, x, a, d, proof);
            out.push(
                "equality",
                &format!("{n}-{sub}"),
                intended,
                v,
                json!({ "ctx": hx(ctx), "x": hx(x), "a": hx(a), "d": hx(d), "proof": hx(proof) }),
            );
        };
        case("ok", true, &ctx, &xb, &ab, &db, &proof);
        case("flip-T1", false, &ctx, &xb, &ab, &db, &flip(&proof, 2, 0x08));
        case("flip-T2", false, &ctx, &xb, &ab, &db, &flip(&proof, 33, 0x08));
        case("flip-z", false, &ctx, &xb, &ab, &db, &flip(&proof, 64, 0x01));
        case("wrong-ctx", false, b"equality test 9", &xb, &ab, &db, &proof);
        if n == 0 {
            case("X-and-D-swapped", false, &ctx, &db, &ab, &xb, &proof);
            case("z-plus-ell", false, &ctx, &xb, &ab, &db, &add_ell(&proof, 64));
            case("D-is-G", false, &ctx, &xb, &ab, &Element::generator().to_bytes(), &proof);
        }
    }
}

// ---------------------------------------------------------------------------
// §5 DKG, decryption shares, combination
// ---------------------------------------------------------------------------

const CEREMONY: &[u8] = b"hallvote export_vectors ceremony: session 1, polls 1-3";

fn dealer_verdict(ceremony: &[u8], n: u32, k: u32, message: &[u8]) -> bool {
    let (Ok(params), Ok(msg)) = (Params::new(k, n), DealerCommitments::decode(message)) else { return false };
    msg.verify(ceremony, params).is_ok()
}

/// The Rust verdict on a whole ceremony: every message valid, every share matching
/// its dealer's commitments, and the claimed joint key and public shares equal to
/// what the messages give.
fn ceremony_verdict(
    ceremony: &[u8],
    n: u32,
    k: u32,
    messages: &[Vec<u8>],
    shares: &[Vec<u8>],
    joint_key: &[u8],
    public_shares: &[Vec<u8>],
) -> bool {
    let Ok(params) = Params::new(k, n) else { return false };
    let mut msgs = Vec::new();
    for m in messages {
        match DealerCommitments::decode(m) {
            Ok(msg) if msg.verify(ceremony, params).is_ok() => msgs.push(msg),
            _ => return false,
        }
    }
    let Ok(output) = dkg::ceremony_output(params, &msgs) else { return false };
    let mut received: Vec<Vec<DealerShare>> = (0..n).map(|_| Vec::new()).collect();
    for s in shares {
        let Ok(share) = DealerShare::decode(s) else { return false };
        let Some(msg) = msgs.iter().find(|m| m.dealer == share.dealer) else { return false };
        if share.verify(msg).is_err() || share.recipient == 0 || share.recipient > n {
            return false;
        }
        received[share.recipient as usize - 1].push(share);
    }
    for (j, got) in received.iter().enumerate() {
        if dkg::key_share(j as u32 + 1, got, &output).is_err() {
            return false;
        }
    }
    output.joint_key.element().as_bytes()[..] == *joint_key
        && output.public_shares.len() == public_shares.len()
        && output.public_shares.iter().zip(public_shares).all(|(a, b)| a.as_bytes()[..] == b[..])
}

fn share_verdict(ctx: &[u8], ct: &[u8], public_shares: &[Vec<u8>], share: &[u8]) -> bool {
    let (Ok(ct), Ok(share)) = (Ciphertext::decode(ct), DecryptionShare::decode(share)) else { return false };
    let Some(x) = (share.index as usize).checked_sub(1).and_then(|i| public_shares.get(i)) else { return false };
    let Ok(x) = Element::decode(x) else { return false };
    share.verify(ctx, &x, &ct).is_ok()
}

#[allow(clippy::too_many_arguments)]
fn combine_verdict(
    ctx: &[u8],
    k: u32,
    public_shares: &[Vec<u8>],
    ciphertexts: &[Vec<u8>],
    ciphertext: &[u8],
    shares: &[Vec<u8>],
    bound: u64,
    plaintext: u64,
) -> bool {
    let Ok(cts) = ciphertexts.iter().map(|c| Ciphertext::decode(c)).collect::<Result<Vec<_>, _>>() else {
        return false;
    };
    let Ok(ct) = Ciphertext::decode(ciphertext) else { return false };
    if Ciphertext::sum(&cts) != ct {
        return false;
    }
    let mut verified = Vec::new();
    for s in shares {
        let Ok(share) = DecryptionShare::decode(s) else { return false };
        let Some(x) = (share.index as usize).checked_sub(1).and_then(|i| public_shares.get(i)) else { return false };
        let Ok(x) = Element::decode(x) else { return false };
        match share.verify(ctx, &x, &ct) {
            Ok(v) => verified.push(v),
            Err(_) => return false,
        }
    }
    let Ok(point) = threshold::combine(&ct, &verified, k) else { return false };
    DlogTable::new(bound).recover(&point) == Ok(plaintext)
}

fn dkg_and_decryption_cases(out: &mut Cases, rng: &mut StdRng) {
    let (n, k) = (5u32, 3u32);
    let params = Params::new(k, n).unwrap();
    let dealers: Vec<Dealer> = (1..=n).map(|i| Dealer::new(params, i, rng).unwrap()).collect();
    let msgs: Vec<DealerCommitments> = dealers.iter().map(|d| d.commitments(CEREMONY, rng)).collect();
    let messages: Vec<Vec<u8>> = msgs.iter().map(DealerCommitments::to_bytes).collect();
    let mut shares = Vec::new();
    let mut per_recipient: Vec<Vec<DealerShare>> = (0..n).map(|_| Vec::new()).collect();
    for d in &dealers {
        for j in 1..=n {
            let s = d.share_for(j).unwrap();
            shares.push(s.to_bytes().to_vec());
            per_recipient[j as usize - 1].push(s);
        }
    }
    let output = dkg::ceremony_output(params, &msgs).unwrap();
    let key_shares: Vec<KeyShare> =
        (1..=n).map(|j| dkg::key_share(j, &per_recipient[j as usize - 1], &output).unwrap()).collect();
    let joint_key = output.joint_key.element().to_bytes().to_vec();
    let public_shares: Vec<Vec<u8>> = output.public_shares.iter().map(|e| e.to_bytes().to_vec()).collect();

    // Single dealer messages (§5.2).
    let mut dealer_case = |name: &str, intended: bool, ceremony: &[u8], n: u32, k: u32, message: &[u8]| {
        let v = dealer_verdict(ceremony, n, k, message);
        out.push(
            "dkg-dealer",
            name,
            intended,
            v,
            json!({ "ceremony": hx(ceremony), "n": n, "k": k, "message": hx(message) }),
        );
    };
    for (i, m) in messages.iter().enumerate() {
        dealer_case(&format!("dealer{}-ok", i + 1), true, CEREMONY, n, k, m);
    }
    let m0 = &messages[0];
    dealer_case("flip-C1", false, CEREMONY, n, k, &flip(m0, 8 + 32 + 4, 0x20));
    dealer_case("flip-C2", false, CEREMONY, n, k, &flip(m0, 8 + 64 + 1, 0x01));
    dealer_case("flip-z", false, CEREMONY, n, k, &flip(m0, m0.len() - 10, 0x01));
    dealer_case("wrong-ceremony", false, b"another ceremony", n, k, m0);
    dealer_case("wrong-n", false, CEREMONY, 6, k, m0);
    dealer_case("index-relabelled", false, CEREMONY, n, k, &flip(m0, 3, 0x03));
    dealer_case("index-beyond-n", false, CEREMONY, 4, k, &messages[4]);
    dealer_case("trailing-byte", false, CEREMONY, n, k, &cat(m0, &[0]));
    let mut c0_identity = m0.clone();
    c0_identity[8..40].fill(0);
    dealer_case("C0-identity", false, CEREMONY, n, k, &c0_identity);
    // A valid 2-of-5 message is not a message of the 3-of-5 ceremony.
    let p2 = Params::new(2, n).unwrap();
    let m2 = Dealer::new(p2, 1, rng).unwrap().commitments(CEREMONY, rng).to_bytes();
    dealer_case("k2-message-ok", true, CEREMONY, n, 2, &m2);
    dealer_case("k2-message-in-k3-ceremony", false, CEREMONY, n, k, &m2);
    // Claimed count says 3, but only two commitments follow (the bytes are a 2-of-5 message relabelled).
    dealer_case("count-mismatch", false, CEREMONY, n, k, &flip(&m2, 7, 0x01));

    // The whole ceremony (§5.2–§5.3).
    let mut ceremony_case = |name: &str,
                             intended: bool,
                             ceremony: &[u8],
                             messages: &[Vec<u8>],
                             shares: &[Vec<u8>],
                             jk: &[u8],
                             ps: &[Vec<u8>]| {
        let v = ceremony_verdict(ceremony, n, k, messages, shares, jk, ps);
        out.push(
            "dkg-ceremony",
            name,
            intended,
            v,
            json!({
                "ceremony": hx(ceremony), "n": n, "k": k,
                "messages": messages.iter().map(hx).collect::<Vec<_>>(),
                "shares": shares.iter().map(hx).collect::<Vec<_>>(),
                "joint_key": hx(jk),
                "public_shares": ps.iter().map(hx).collect::<Vec<_>>(),
            }),
        );
    };
    ceremony_case("3-of-5-ok", true, CEREMONY, &messages, &shares, &joint_key, &public_shares);
    ceremony_case("wrong-ceremony-id", false, b"another ceremony", &messages, &shares, &joint_key, &public_shares);
    let mut bad = messages.clone();
    bad[2] = flip(&bad[2], 8 + 32 * 2 + 7, 0x01);
    ceremony_case("dealer3-commitment-flipped", false, CEREMONY, &bad, &shares, &joint_key, &public_shares);
    let mut bad = shares.clone();
    bad[n as usize + 1] = flip(&bad[n as usize + 1], 20, 0x01); // dealer 2 → scrutineer 2
    ceremony_case("share-2-to-2-flipped", false, CEREMONY, &messages, &bad, &joint_key, &public_shares);
    let mut bad = public_shares.clone();
    bad.swap(0, 1);
    ceremony_case("public-shares-swapped", false, CEREMONY, &messages, &shares, &joint_key, &bad);
    ceremony_case("joint-key-is-X1", false, CEREMONY, &messages, &shares, &public_shares[0], &public_shares);

    // Decryption shares (§5.4) of a homomorphic sum of ballots (§3.3).
    let marks = [1u64, 0, 1, 1, 0, 1, 1];
    let plaintext: u64 = marks.iter().sum();
    let cts: Vec<Ciphertext> = marks.iter().map(|m| elgamal::encrypt(&output.joint_key, *m, rng).0).collect();
    let total = Ciphertext::sum(&cts);
    let ctb = total.to_bytes();
    let ctx = hash("hallvote/test/v1", &[b"tally of poll 1, item 3, option for"]);
    let dshares: Vec<Vec<u8>> =
        key_shares.iter().map(|ks| ks.decryption_share(&ctx, &total, rng).to_bytes().to_vec()).collect();
    let mut share_case = |name: &str, intended: bool, ctx: &[u8], ct: &[u8], share: &[u8]| {
        let v = share_verdict(ctx, ct, &public_shares, share);
        out.push(
            "decryption-share",
            name,
            intended,
            v,
            json!({
                "ctx": hx(ctx), "ciphertext": hx(ct), "share": hx(share),
                "public_shares": public_shares.iter().map(hx).collect::<Vec<_>>(),
            }),
        );
    };
    for (j, s) in dshares.iter().enumerate() {
        share_case(&format!("share{}-ok", j + 1), true, &ctx, &ctb, s);
    }
    let s0 = &dshares[0];
    share_case("flip-D", false, &ctx, &ctb, &flip(s0, 4 + 3, 0x40));
    share_case("flip-T1", false, &ctx, &ctb, &flip(s0, 36 + 9, 0x02));
    share_case("flip-T2", false, &ctx, &ctb, &flip(s0, 68 + 9, 0x02));
    share_case("flip-z", false, &ctx, &ctb, &flip(s0, 100 + 9, 0x02));
    share_case("wrong-ctx", false, b"tally of poll 1, item 3, option against", &ctb, s0);
    share_case("other-ciphertext", false, &ctx, &cts[0].to_bytes(), s0);
    share_case("relabelled-as-2", false, &ctx, &ctb, &flip(s0, 3, 0x03));
    share_case("index-0", false, &ctx, &ctb, &flip(s0, 3, 0x01));
    share_case("index-6", false, &ctx, &ctb, &flip(s0, 3, 0x07));
    share_case("z-plus-ell", false, &ctx, &ctb, &add_ell(s0, 100));
    // §5.4 v2 binds B as well: a ballot with nonce 0 added to the sum leaves A (the
    // proof's base) unchanged and moves B; the share is no longer a share of the sum.
    let zero = Nonce::from_revealed(curve25519_dalek::scalar::Scalar::ZERO);
    let moved_b = total.add(&elgamal::encrypt_with_nonce(&output.joint_key, 1, &zero));
    share_case("nonce-0-ballot-added", false, &ctx, &moved_b.to_bytes(), s0);
    // A public share that is the identity (xⱼ = 0): anyone can prove Dⱼ = identity.
    let null = KeyShare::new(1, SecretScalar::new(curve25519_dalek::scalar::Scalar::ZERO));
    let null_share = null.decryption_share(&ctx, &total, rng).to_bytes().to_vec();
    let mut with_identity = public_shares.clone();
    with_identity[0] = Element::identity().as_bytes().to_vec();
    let v = {
        let share = DecryptionShare::decode(&null_share).unwrap();
        share.verify(&ctx, &Element::identity(), &total).is_ok()
    };
    out.push(
        "decryption-share",
        "identity-public-share",
        false,
        v,
        json!({
            "ctx": hx(ctx), "ciphertext": hx(ctb), "share": hx(&null_share),
            "public_shares": with_identity.iter().map(hx).collect::<Vec<_>>(),
        }),
    );

    // Combination (§5.5) and recovery of the total (§3.4).
    let cts_b: Vec<Vec<u8>> = cts.iter().map(|c| c.to_bytes().to_vec()).collect();
    let bound = marks.len() as u64;
    let mut combine_case = |name: &str, intended: bool, shares: &[Vec<u8>], bound: u64, m: u64| {
        let v = combine_verdict(&ctx, k, &public_shares, &cts_b, &ctb, shares, bound, m);
        out.push(
            "decryption-combine",
            name,
            intended,
            v,
            json!({
                "ctx": hx(ctx), "k": k, "n": n,
                "public_shares": public_shares.iter().map(hx).collect::<Vec<_>>(),
                "ciphertexts": cts_b.iter().map(hx).collect::<Vec<_>>(),
                "ciphertext": hx(ctb),
                "shares": shares.iter().map(hx).collect::<Vec<_>>(),
                "bound": bound,
                "plaintext": m,
            }),
        );
    };
    combine_case("all-five", true, &dshares, bound, plaintext);
    combine_case("2-4-5", true, &[dshares[1].clone(), dshares[3].clone(), dshares[4].clone()], bound, plaintext);
    combine_case(
        "5-1-3-unordered",
        true,
        &[dshares[4].clone(), dshares[0].clone(), dshares[2].clone()],
        bound,
        plaintext,
    );
    combine_case("wrong-total", false, &dshares, bound, plaintext - 1);
    combine_case("only-two", false, &dshares[..2], bound, plaintext);
    combine_case(
        "repeated-index",
        false,
        &[dshares[0].clone(), dshares[0].clone(), dshares[1].clone()],
        bound,
        plaintext,
    );
    combine_case("bound-too-small", false, &dshares, plaintext - 1, plaintext);
    // A listed ballot whose B has bit 255 set: a lax decoder sums the same points.
    let mut lax = cts_b.clone();
    lax[0] = flip(&lax[0], 63, 0x80);
    let v = combine_verdict(&ctx, k, &public_shares, &lax, &ctb, &dshares, bound, plaintext);
    out.push(
        "decryption-combine",
        "ballot-bit-255-set",
        false,
        v,
        json!({
            "ctx": hx(ctx), "k": k, "n": n,
            "public_shares": public_shares.iter().map(hx).collect::<Vec<_>>(),
            "ciphertexts": lax.iter().map(hx).collect::<Vec<_>>(),
            "ciphertext": hx(ctb),
            "shares": dshares.iter().map(hx).collect::<Vec<_>>(),
            "bound": bound,
            "plaintext": plaintext,
        }),
    );
}

// ---------------------------------------------------------------------------
// §3.5 opening a ciphertext
// ---------------------------------------------------------------------------

fn opening_verdict(y: &[u8], ct: &[u8], m: u64, nonce: &[u8]) -> bool {
    let (Ok(key), Ok(ct), Ok(r)) = (PublicKey::decode(y), Ciphertext::decode(ct), decode_scalar(nonce)) else {
        return false;
    };
    ct.is_opened_by(&key, m, &r)
}

fn opening_cases(out: &mut Cases, rng: &mut StdRng) {
    let key = PublicKey::new(SecretScalar::random(rng).public()).unwrap();
    let yb = key.element().to_bytes();
    let mut case = |name: &str, intended: bool, y: &[u8], ct: &[u8], m: u64, nonce: &[u8]| {
        let v = opening_verdict(y, ct, m, nonce);
        out.push("opening", name, intended, v, json!({ "y": hx(y), "ciphertext": hx(ct), "m": m, "nonce": hx(nonce) }));
    };
    let mut opened = Vec::new();
    for m in [0u64, 1] {
        let (ct, nonce) = elgamal::encrypt(&key, m, rng);
        let (ctb, rb) = (ct.to_bytes(), nonce.reveal().to_bytes());
        case(&format!("m{m}-ok"), true, &yb, &ctb, m, &rb);
        case(&format!("m{m}-wrong-m"), false, &yb, &ctb, 1 - m, &rb);
        case(&format!("m{m}-flip-nonce"), false, &yb, &ctb, m, &flip(&rb, 0, 0x01));
        case(&format!("m{m}-nonce-plus-ell"), false, &yb, &ctb, m, &add_ell(&rb, 0));
        case(&format!("m{m}-flip-B"), false, &yb, &flip(&ctb, 33, 0x10), m, &rb);
        // Bit 255 set: the same point to a lax decoder that masks the bit, but not a
        // canonical encoding (spec §1.3), so the opening must fail.
        case(&format!("m{m}-A-bit-255-set"), false, &yb, &flip(&ctb, 31, 0x80), m, &rb);
        case(&format!("m{m}-Y-bit-255-set"), false, &flip(&yb, 31, 0x80), &ctb, m, &rb);
        opened.push((ct, nonce, m));
    }
    // The sum of ciphertexts is opened by the sum of nonces (§3.3).
    let more: Vec<(Ciphertext, Nonce, u64)> = [1u64, 1, 0, 1]
        .iter()
        .map(|m| {
            let (c, r) = elgamal::encrypt(&key, *m, rng);
            (c, r, *m)
        })
        .collect();
    opened.extend(more);
    let total = Ciphertext::sum(opened.iter().map(|(c, _, _)| c));
    let r = Nonce::sum(opened.iter().map(|(_, r, _)| r));
    let m: u64 = opened.iter().map(|(_, _, m)| m).sum();
    case("sum-ok", true, &yb, &total.to_bytes(), m, &r.reveal().to_bytes());
    case("sum-wrong-m", false, &yb, &total.to_bytes(), m + 1, &r.reveal().to_bytes());
    let other = PublicKey::new(SecretScalar::random(rng).public()).unwrap();
    case("sum-wrong-key", false, &other.element().to_bytes(), &total.to_bytes(), m, &r.reveal().to_bytes());
}

// ---------------------------------------------------------------------------
// §7 Merkle log
// ---------------------------------------------------------------------------

fn inclusion_verdict(leaf: &[u8], proof: &[u8], head: &[u8]) -> bool {
    let (Ok(proof), Ok(head)) = (InclusionProof::from_bytes(proof), TreeHead::from_bytes(head)) else { return false };
    proof.verify_tree_head(&merkle::leaf_hash(leaf), &head).is_ok()
}

fn consistency_verdict(proof: &[u8], old: &[u8], new: &[u8]) -> bool {
    let (Ok(proof), Ok(old), Ok(new)) =
        (ConsistencyProof::from_bytes(proof), TreeHead::from_bytes(old), TreeHead::from_bytes(new))
    else {
        return false;
    };
    proof.verify_tree_heads(&old, &new).is_ok()
}

fn merkle_cases(out: &mut Cases) {
    let leaves: Vec<Vec<u8>> =
        (0..13).map(|i| if i == 0 { Vec::new() } else { format!("hallvote board leaf {i}").into_bytes() }).collect();
    let mut log = MerkleLog::new();
    for l in &leaves {
        log.append_leaf(l);
    }
    let head = |size: u64| log.tree_head_at(size).unwrap().to_bytes().to_vec();

    // Tree heads (§7.2, §7.5.1): the root of the first `size` leaves.
    for size in [0u64, 1, 2, 3, 7, 8, 13] {
        let h = head(size);
        out.push(
            "merkle-tree-head",
            &format!("size{size}"),
            true,
            true,
            json!({ "leaves": leaves[..size as usize].iter().map(hx).collect::<Vec<_>>(), "tree_head": hx(&h) }),
        );
    }
    let wrong = head(12);
    out.push(
        "merkle-tree-head",
        "size13-with-root-of-12",
        false,
        log.root_at(13).unwrap()[..] == wrong[8..],
        json!({ "leaves": leaves.iter().map(hx).collect::<Vec<_>>(), "tree_head": hx([&13u64.to_be_bytes()[..], &wrong[8..]].concat()) }),
    );

    let mut incl = |name: &str, intended: bool, leaf: &[u8], proof: &[u8], head: &[u8]| {
        let v = inclusion_verdict(leaf, proof, head);
        out.push(
            "merkle-inclusion",
            name,
            intended,
            v,
            json!({ "leaf": hx(leaf), "proof": hx(proof), "tree_head": hx(head) }),
        );
    };
    for (index, size) in [(0u64, 1u64), (0, 13), (5, 13), (12, 13), (6, 7), (3, 8), (10, 11)] {
        let p = log.inclusion_proof(index, size).unwrap().to_bytes();
        let leaf = &leaves[index as usize];
        let h = head(size);
        incl(&format!("{index}-of-{size}-ok"), true, leaf, &p, &h);
        if size > 1 {
            incl(&format!("{index}-of-{size}-flip-path"), false, leaf, &flip(&p, 17 + 5, 0x01), &h);
            incl(&format!("{index}-of-{size}-wrong-leaf"), false, &leaves[(index as usize + 1) % 13], &p, &h);
            incl(&format!("{index}-of-{size}-wrong-root"), false, leaf, &p, &[&h[..8], &head(size - 1)[8..]].concat());
        }
        if index == 5 {
            incl("5-of-13-index-4", false, leaf, &flip(&p, 7, 0x01), &h);
            incl("5-of-13-head-size-12", false, leaf, &p, &head(12));
            let mut truncated = p[..p.len() - 32].to_vec();
            truncated[16] -= 1;
            incl("5-of-13-path-truncated", false, leaf, &truncated, &h);
            incl("5-of-13-count-says-more", false, leaf, &flip(&p, 16, 0x08), &h);
            incl("5-of-13-trailing-byte", false, leaf, &cat(&p, &[0]), &h);
        }
    }
    // An index beyond the size, with an otherwise empty path.
    let p = InclusionProof::new(1, 1, Vec::new()).unwrap().to_bytes();
    incl("index-equals-size", false, &leaves[1], &p, &head(1));

    let mut cons = |name: &str, intended: bool, proof: &[u8], old: &[u8], new: &[u8]| {
        let v = consistency_verdict(proof, old, new);
        out.push(
            "merkle-consistency",
            name,
            intended,
            v,
            json!({ "proof": hx(proof), "old_tree_head": hx(old), "new_tree_head": hx(new) }),
        );
    };
    for (m, n) in [(1u64, 13u64), (4, 13), (7, 13), (8, 13), (12, 13), (3, 7), (13, 13), (0, 13), (0, 0), (1, 2)] {
        let p = log.consistency_proof(m, n).unwrap().to_bytes();
        let (ho, hn) = (head(m), head(n));
        cons(&format!("{m}-to-{n}-ok"), true, &p, &ho, &hn);
        if p.len() > 17 {
            cons(&format!("{m}-to-{n}-flip-path"), false, &flip(&p, p.len() - 1, 0x80), &ho, &hn);
        }
        if m > 0 && m < n {
            cons(
                &format!("{m}-to-{n}-roots-swapped"),
                false,
                &p,
                &[&ho[..8], &hn[8..]].concat(),
                &[&hn[..8], &ho[8..]].concat(),
            );
        }
    }
    let p = log.consistency_proof(4, 13).unwrap().to_bytes();
    cons("4-to-13-claims-4-to-12", false, &flip(&p, 15, 13 ^ 12), &head(4), &head(12));
    cons(
        "0-to-13-old-root-not-empty",
        false,
        &log.consistency_proof(0, 13).unwrap().to_bytes(),
        &[&0u64.to_be_bytes()[..], &head(4)[8..]].concat(),
        &head(13),
    );
    let p = ConsistencyProof::new(13, 12, Vec::new()).unwrap().to_bytes();
    cons("shrinking", false, &p, &head(13), &head(12));
}

// ---------------------------------------------------------------------------
// §10.7 write-in rows and the cap that counts them
// ---------------------------------------------------------------------------

/// One row of a ballot as a booth makes it (§10.3, §10.7), with its nonces.
struct Row {
    against: Ciphertext,
    indicator: Ciphertext,
    indicator_nonce: Nonce,
    slot: EncryptedSlot,
    proof: WriteInRowProof,
}

const WI_ELECTION: [u8; 64] = [0x45; 64];
const WI_SERIAL: [u8; 32] = [0x53; 32];

fn write_in_row(key: &PublicKey, contest: u64, item: u64, against: u64, name: &str, rng: &mut StdRng) -> Row {
    let ctx = row_context(&WI_ELECTION, &WI_SERIAL, contest, item);
    let written = u64::from(!name.is_empty());
    let (a, a_nonce) = elgamal::encrypt(key, against, rng);
    let (w, w_nonce) = elgamal::encrypt(key, written, rng);
    let points = encode_name(name).unwrap();
    let [(c0, n0), (c1, n1), (c2, n2)] = points.map(|p| elgamal::encrypt_point(key, &p, rng));
    let slot = [c0, c1, c2];
    let statement = WriteInRowStatement { ctx: &ctx, key, against: &a, indicator: &w, slot: &slot };
    let witness = WriteInRowWitness {
        against,
        against_nonce: &a_nonce,
        written,
        indicator_nonce: &w_nonce,
        name: &points,
        slot_nonces: &[n0, n1, n2],
    };
    let proof = WriteInRowProof::prove(&statement, &witness, rng).unwrap();
    Row { against: a, indicator: w, indicator_nonce: w_nonce, slot, proof }
}

fn slot_bytes(slot: &EncryptedSlot) -> Vec<u8> {
    slot.iter().flat_map(|c| c.to_bytes()).collect()
}

fn write_in_verdict(contest: u64, item: u64, y: &[u8], a: &[u8], w: &[u8], slot: &[u8], proof: &[u8]) -> bool {
    let (Ok(key), Ok(a), Ok(w), Ok(proof)) =
        (PublicKey::decode(y), Ciphertext::decode(a), Ciphertext::decode(w), WriteInRowProof::decode(proof))
    else {
        return false;
    };
    if slot.len() != 192 {
        return false;
    }
    let Ok(cts) = slot.chunks(64).map(Ciphertext::decode).collect::<Result<Vec<_>, _>>() else { return false };
    let slot = [cts[0], cts[1], cts[2]];
    let ctx = row_context(&WI_ELECTION, &WI_SERIAL, contest, item);
    proof.verify(&WriteInRowStatement { ctx: &ctx, key: &key, against: &a, indicator: &w, slot: &slot }).is_ok()
}

fn cap_verdict(contest: u64, y: &[u8], fors: &[Vec<u8>], indicators: &[Vec<u8>], seats: u64, proof: &[u8]) -> bool {
    let Ok(key) = PublicKey::decode(y) else { return false };
    let decode = |v: &[Vec<u8>]| v.iter().map(|c| Ciphertext::decode(c)).collect::<Result<Vec<_>, _>>();
    let (Ok(fors), Ok(indicators)) = (decode(fors), decode(indicators)) else { return false };
    let Ok(proof) = RangeProof::decode(proof, seats as usize + 1) else { return false };
    let ctx = cap_context(contest);
    let sum = cap_sum(&fors, &indicators);
    proof.verify(&RangeStatement { ctx: &ctx, key: &key, ciphertext: &sum, lo: 0, hi: seats }).is_ok()
}

/// `ctx_cap(c)` of §10.2 for the vectors' election and serial.
fn cap_context(contest: u64) -> [u8; 64] {
    hash("hallvote/ballot/cap/v1", &[&WI_ELECTION, &WI_SERIAL, &contest.to_be_bytes()])
}

fn write_in_cases(out: &mut Cases, rng: &mut StdRng) {
    let key = PublicKey::new(SecretScalar::random(rng).public()).unwrap();
    let yb = key.element().to_bytes();
    // Rows of contest 2: a name from a list, a free name outside the BMP with a
    // middle dot, an empty row marked against, a row marked for.
    let rows = [
        write_in_row(&key, 2, 0, 1, "王小明", rng),
        write_in_row(&key, 2, 1, 1, "𠮷田·阿依古丽", rng),
        write_in_row(&key, 2, 2, 1, "", rng),
        write_in_row(&key, 2, 3, 0, "", rng),
    ];
    let mut case = |name: &str, intended: bool, item: u64, a: &[u8], w: &[u8], slot: &[u8], proof: &[u8]| {
        let v = write_in_verdict(2, item, &yb, a, w, slot, proof);
        out.push(
            "writein-row",
            name,
            intended,
            v,
            json!({ "election": hx(WI_ELECTION), "serial": hx(WI_SERIAL), "contest": 2, "item": item, "y": hx(yb),
                    "against": hx(a), "indicator": hx(w), "slot": hx(slot), "proof": hx(proof) }),
        );
    };
    for (i, (label, row)) in ["list-name", "free-name", "empty-against", "empty-for"].iter().zip(&rows).enumerate() {
        let (a, w, s, p) =
            (row.against.to_bytes(), row.indicator.to_bytes(), slot_bytes(&row.slot), row.proof.to_bytes());
        let i = i as u64;
        case(&format!("{label}-ok"), true, i, &a, &w, &s, &p);
        if i == 0 || i == 2 {
            // Every 32-byte field of the row proof, and each slot ciphertext and the indicator.
            for field in 0..p.len() / 32 {
                case(&format!("{label}-proof-field-{field}"), false, i, &a, &w, &s, &flip(&p, field * 32 + 1, 0x02));
            }
            for k in 0..6 {
                case(&format!("{label}-slot-{k}"), false, i, &a, &w, &flip(&s, k * 32 + 1, 0x02), &p);
            }
            case(&format!("{label}-indicator-B"), false, i, &a, &flip(&w, 33, 0x02), &s, &p);
            case(&format!("{label}-against-B"), false, i, &flip(&a, 33, 0x02), &w, &s, &p);
            case(&format!("{label}-other-row"), false, i + 1, &a, &w, &s, &p);
            case(&format!("{label}-short"), false, i, &a, &w, &s, &p[..p.len() - 32]);
            case(&format!("{label}-z-plus-ell"), false, i, &a, &w, &s, &add_ell(&p, p.len() - 32));
        }
    }
    // The slot of the written row put in the empty row: the proof does not cover it.
    let (r0, r2) = (&rows[0], &rows[2]);
    case(
        "empty-against-with-a-name",
        false,
        2,
        &r2.against.to_bytes(),
        &r2.indicator.to_bytes(),
        &slot_bytes(&r0.slot),
        &r2.proof.to_bytes(),
    );
    // A name beside a mark for: the booth lies about the against mark (a = Enc(0)).
    let ctx = row_context(&WI_ELECTION, &WI_SERIAL, 2, 3);
    let (a, a_nonce) = elgamal::encrypt(&key, 0, rng);
    let (w, w_nonce) = elgamal::encrypt(&key, 1, rng);
    let points = encode_name("张三").unwrap();
    let [(c0, n0), (c1, n1), (c2, n2)] = points.map(|p| elgamal::encrypt_point(&key, &p, rng));
    let slot = [c0, c1, c2];
    let statement = WriteInRowStatement { ctx: &ctx, key: &key, against: &a, indicator: &w, slot: &slot };
    let witness = WriteInRowWitness {
        against: 1,
        against_nonce: &a_nonce,
        written: 1,
        indicator_nonce: &w_nonce,
        name: &points,
        slot_nonces: &[n0, n1, n2],
    };
    let forged = WriteInRowProof::prove(&statement, &witness, rng).unwrap();
    case("name-beside-for", false, 3, &a.to_bytes(), &w.to_bytes(), &slot_bytes(&slot), &forged.to_bytes());

    // The cap (§10.7 item 4): 1 for-vote and 2 written rows against 3 seats, then 2.
    let for_nonces: Vec<Nonce> = (0..4).map(|_| Nonce::random(rng)).collect();
    let fors: Vec<Ciphertext> =
        for_nonces.iter().enumerate().map(|(i, n)| elgamal::encrypt_with_nonce(&key, u64::from(i == 0), n)).collect();
    let indicators: Vec<Ciphertext> = rows.iter().map(|r| r.indicator).collect();
    let mut nonces: Vec<&Nonce> = for_nonces.iter().collect();
    nonces.extend(rows.iter().map(|r| &r.indicator_nonce));
    let nonce = Nonce::sum(nonces);
    let sum = cap_sum(&fors, &indicators);
    let hex_list = |v: &[Ciphertext]| v.iter().map(|c| hx(c.to_bytes())).collect::<Vec<_>>();
    let mut cap_case = |name: &str, intended: bool, seats: u64, fors: &[Ciphertext], proof: &[u8]| {
        let fb: Vec<Vec<u8>> = fors.iter().map(|c| c.to_bytes().to_vec()).collect();
        let ib: Vec<Vec<u8>> = indicators.iter().map(|c| c.to_bytes().to_vec()).collect();
        let v = cap_verdict(2, &yb, &fb, &ib, seats, proof);
        out.push(
            "writein-cap",
            name,
            intended,
            v,
            json!({ "election": hx(WI_ELECTION), "serial": hx(WI_SERIAL), "contest": 2, "y": hx(yb),
                    "fors": hex_list(fors), "indicators": hex_list(&indicators), "seats": seats, "proof": hx(proof) }),
        );
    };
    let cap_ctx = cap_context(2);
    let st = RangeStatement { ctx: &cap_ctx, key: &key, ciphertext: &sum, lo: 0, hi: 3 };
    let proof = RangeProof::prove(&st, 3, &nonce, rng).unwrap().to_bytes();
    cap_case("three-of-three-ok", true, 3, &fors, &proof);
    cap_case("three-of-three-flip", false, 3, &fors, &flip(&proof, 200, 0x01));
    // A cap proof on the for-votes alone (the form without write-ins) claims 1 ≤ 2,
    // but the sum with the indicators is 3 > 2 seats.
    let for_sum = Ciphertext::sum(&fors);
    let st = RangeStatement { ctx: &cap_ctx, key: &key, ciphertext: &for_sum, lo: 0, hi: 2 };
    let proof = RangeProof::prove(&st, 1, &Nonce::sum(&for_nonces), rng).unwrap().to_bytes();
    cap_case("for-votes-only-over-seats", false, 2, &fors, &proof);
}
