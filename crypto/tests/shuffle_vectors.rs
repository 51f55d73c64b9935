//! Known-answer vectors of the write-in shuffle (spec §17, §18.7).
//!
//! No published vectors exist for this proof on ristretto255, so these are the
//! project's own, made once from a fixed seed and committed in
//! `tests/vectors/shuffle-v1.json` for other implementations (the independent
//! Python verifier) to check against. This test checks that the committed proof
//! verifies, that each tampered variant fails at the check it names, that the
//! slots decrypt to the names listed, and that the prover reproduces the same
//! bytes from the seed. `HALLVOTE_WRITE_VECTORS=1` rewrites the file instead.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use curve25519_dalek::ristretto::CompressedRistretto;
use hallvote_crypto::elgamal::{CIPHERTEXT_LEN, Ciphertext, PublicKey, decrypt_to_point};
use hallvote_crypto::group::SecretScalar;
use hallvote_crypto::shuffle::{Row, ShuffleProof, ShuffleStatement, shuffle};
use hallvote_crypto::writein::{SLOT_POINTS, decode_name, encode_name, encrypt_name};
use hallvote_crypto::{ShuffleCheck, VerifyError};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

const SEED: u64 = 0x6d69_782d_7631; // "mix-v1"
const CTX: &[u8] = b"hallvote test vectors: write-in mix, station 1";
const NAMES: [&str; 4] = ["王小明", "", "𠮷田·阿依古丽", "Li Lei"];
/// More names whose embedding (spec §17.2) the vectors pin: `·` alone and the longest names.
const EXTRA_NAMES: [&str; 3] =
    ["·", "𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷𠮷", "张张张张张张张张张张张张张张张张张张张张张张张张张张张张张"];
const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/shuffle-v1.json");

fn row_hex(row: &Row) -> String {
    hex::encode(row.iter().flat_map(|c| c.to_bytes()).collect::<Vec<u8>>())
}

fn rows_from(value: &Value) -> Vec<Row> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            hex::decode(r.as_str().unwrap())
                .unwrap()
                .chunks(CIPHERTEXT_LEN)
                .map(|c| Ciphertext::decode(c).unwrap())
                .collect()
        })
        .collect()
}

fn check_name(check: &ShuffleCheck) -> String {
    match check {
        ShuffleCheck::RowCount => "row count".into(),
        ShuffleCheck::RowWidth => "row width".into(),
        ShuffleCheck::ProofShape => "proof shape".into(),
        ShuffleCheck::CommitmentSum => "t1".into(),
        ShuffleCheck::ChainEnd => "t2".into(),
        ShuffleCheck::PermutationChallenge => "t3".into(),
        ShuffleCheck::ReEncryption { component } => format!("t4 component {component}"),
        ShuffleCheck::ChainLink { index } => format!("t-hat {index}"),
        _ => "other".into(),
    }
}

/// The vectors, made from the seed.
fn make() -> Value {
    let mut rng = StdRng::seed_from_u64(SEED);
    let secret = SecretScalar::random(&mut rng);
    let key = PublicKey::new(secret.public()).unwrap();
    let input: Vec<Row> = NAMES.iter().map(|n| encrypt_name(&key, n, &mut rng).unwrap().0.to_vec()).collect();
    let (output, proof) = shuffle(CTX, &key, &input, &mut rng).unwrap();
    let mut rows_sorted: Vec<String> = output.iter().map(|r| decrypt_names(&secret, r)).collect();
    rows_sorted.sort();

    // Tampered variants: (what, output rows, proof bytes, failed check).
    let mut tampered = Vec::new();
    let mut add = |what: &str, output: &[Row], proof: &ShuffleProof, expected: ShuffleCheck| {
        tampered.push(json!({
            "what": what,
            "output": output.iter().map(row_hex).collect::<Vec<_>>(),
            "proof": hex::encode(proof.to_bytes()),
            "check": check_name(&expected),
        }));
    };
    let one = curve25519_dalek::scalar::Scalar::ONE;
    let mut p = proof.clone();
    p.s1 += one;
    add("s1 + 1", &output, &p, ShuffleCheck::CommitmentSum);
    let mut p = proof.clone();
    p.s2 += one;
    add("s2 + 1", &output, &p, ShuffleCheck::ChainEnd);
    let mut p = proof.clone();
    p.s3 += one;
    add("s3 + 1", &output, &p, ShuffleCheck::PermutationChallenge);
    let mut p = proof.clone();
    p.s4[1] += one;
    add("s4,2 + 1", &output, &p, ShuffleCheck::ReEncryption { component: 1 });
    let mut p = proof.clone();
    p.s_hat[2] += one;
    add("s-hat 3 + 1", &output, &p, ShuffleCheck::ChainLink { index: 3 });
    let mut p = proof.clone();
    p.s_prime[0] += one;
    add("s' 1 + 1", &output, &p, ShuffleCheck::PermutationChallenge);
    let mut swapped = output.clone();
    swapped.swap(0, 3);
    add("output rows 1 and 4 swapped after the proof", &swapped, &proof, ShuffleCheck::CommitmentSum);
    let mut p = proof.clone();
    p.commitments[1] = hallvote_crypto::group::Element::generator();
    add("permutation commitment c2 replaced by G", &output, &p, ShuffleCheck::CommitmentSum);
    add("last output row dropped", &output[..3], &proof, ShuffleCheck::RowCount);

    let embeddings: Vec<Value> = NAMES
        .iter()
        .chain(&EXTRA_NAMES)
        .map(|name| {
            let points = encode_name(name).unwrap();
            json!({ "name": name, "elements": points.iter().map(|p| hex::encode(p.compress().as_bytes())).collect::<Vec<_>>() })
        })
        .collect();

    json!({
        "format": "hallvote-shuffle-vectors/v1",
        "embeddings": embeddings,
        "spec": "docs/spec/17-write-ins.md, docs/spec/18-shuffle.md",
        "seed": SEED,
        "secret_key": hex::encode(secret.to_bytes().as_slice()),
        "key": hex::encode(key.element().as_bytes()),
        "ctx": hex::encode(CTX),
        "width": SLOT_POINTS,
        "names": NAMES,
        "input": input.iter().map(row_hex).collect::<Vec<_>>(),
        "output": output.iter().map(row_hex).collect::<Vec<_>>(),
        "output_names_sorted": rows_sorted,
        "proof": hex::encode(proof.to_bytes()),
        "tampered": tampered,
    })
}

fn decrypt_names(secret: &SecretScalar, row: &Row) -> String {
    decode_name(&row.iter().map(|c| decrypt_to_point(secret, c)).collect::<Vec<_>>()).unwrap()
}

#[test]
fn shuffle_known_answers() {
    let made = serde_json::to_string_pretty(&make()).unwrap() + "\n";
    if std::env::var_os("HALLVOTE_WRITE_VECTORS").is_some() {
        std::fs::write(PATH, &made).unwrap();
    }
    let committed =
        std::fs::read_to_string(PATH).expect("tests/vectors/shuffle-v1.json (HALLVOTE_WRITE_VECTORS=1 makes it)");
    let v: Value = serde_json::from_str(&committed).unwrap();

    // The committed vectors hold, read back through the public decoders only.
    let key = PublicKey::decode(&hex::decode(v["key"].as_str().unwrap()).unwrap()).unwrap();
    let ctx = hex::decode(v["ctx"].as_str().unwrap()).unwrap();
    let input = rows_from(&v["input"]);
    let output = rows_from(&v["output"]);
    let width = v["width"].as_u64().unwrap() as usize;
    let proof = ShuffleProof::decode(&hex::decode(v["proof"].as_str().unwrap()).unwrap(), input.len(), width).unwrap();
    let mut rng = StdRng::seed_from_u64(1);
    let statement = ShuffleStatement { ctx: &ctx, key: &key, input: &input, output: &output };
    assert_eq!(proof.verify(&statement, &mut rng), Ok(()));

    let secret = SecretScalar::decode(&hex::decode(v["secret_key"].as_str().unwrap()).unwrap()).unwrap();
    let mut names: Vec<String> = output.iter().map(|r| decrypt_names(&secret, r)).collect();
    names.sort();
    let mut expected: Vec<String> = NAMES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected);

    for e in v["embeddings"].as_array().unwrap() {
        let points: Vec<_> = e["elements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                let bytes: [u8; 32] = hex::decode(h.as_str().unwrap()).unwrap().try_into().unwrap();
                CompressedRistretto(bytes).decompress().unwrap()
            })
            .collect();
        assert_eq!(decode_name(&points).unwrap(), e["name"].as_str().unwrap());
    }

    let cases = v["tampered"].as_array().unwrap();
    assert_eq!(cases.len(), 9);
    for case in cases {
        let output = rows_from(&case["output"]);
        let proof =
            ShuffleProof::decode(&hex::decode(case["proof"].as_str().unwrap()).unwrap(), input.len(), width).unwrap();
        let statement = ShuffleStatement { ctx: &ctx, key: &key, input: &input, output: &output };
        let err = proof.verify(&statement, &mut rng).unwrap_err();
        let VerifyError::Shuffle(check) = err else { panic!("{err:?}") };
        assert_eq!(check_name(&check), case["check"].as_str().unwrap(), "{}", case["what"]);
    }

    // The prover reproduces the committed bytes from the seed.
    assert!(made == committed, "the vectors made from the seed differ from the committed file");
}
