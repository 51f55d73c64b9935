//! Known-answer vectors of the decryption of a mixed list (spec §19.7).
//!
//! The project's own vectors, made once from a fixed seed and committed in
//! `tests/vectors/mix-decrypt-v1.json` for other implementations (the
//! independent Python verifier) to check against: a 2-of-3 key, a list of two
//! write-in slots, the list shares of scrutineers 1 and 2 with the seed and
//! weights of §19.3, the decrypted names, and tampered shares that must be
//! rejected. `HALLVOTE_WRITE_VECTORS=1` rewrites the file instead.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use hallvote_crypto::elgamal::{CIPHERTEXT_LEN, Ciphertext, PublicKey, encrypt_point};
use hallvote_crypto::group::{Element, G, SecretScalar};
use hallvote_crypto::mixdecrypt::{ListShare, combine_list};
use hallvote_crypto::threshold::KeyShare;
use hallvote_crypto::writein::{decode_name, encode_name};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

const SEED: u64 = 0x6d69_782d_6463; // "mix-dc"
const CTX: &[u8] = b"hallvote test vectors: decryption of the mixed list";
const NAMES: [&str; 2] = ["王小明", "Li Lei"];
const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/mix-decrypt-v1.json");

fn list_hex(list: &[Ciphertext]) -> String {
    hex::encode(list.iter().flat_map(|c| c.to_bytes()).collect::<Vec<u8>>())
}

fn list_from(value: &Value) -> Vec<Ciphertext> {
    hex::decode(value.as_str().unwrap())
        .unwrap()
        .chunks(CIPHERTEXT_LEN)
        .map(|c| Ciphertext::decode(c).unwrap())
        .collect()
}

fn make() -> Value {
    let mut rng = StdRng::seed_from_u64(SEED);
    let secret = SecretScalar::random(&mut rng);
    let a = Scalar::random(&mut rng);
    let keys: Vec<KeyShare> =
        (1..=3u32).map(|j| KeyShare::new(j, SecretScalar::new(secret.expose() + a * Scalar::from(j)))).collect();
    let key = PublicKey::new(secret.public()).unwrap();
    let list: Vec<Ciphertext> =
        NAMES.iter().flat_map(|n| encode_name(n).unwrap()).map(|m| encrypt_point(&key, &m, &mut rng).0).collect();
    let shares: Vec<ListShare> = keys[..2].iter().map(|k| k.list_decryption_share(CTX, &list, &mut rng)).collect();

    let mut other_list = list.clone();
    other_list[0] = encrypt_point(&key, &RistrettoPoint::default(), &mut rng).0;
    let share_of_other_list = keys[0].list_decryption_share(CTX, &other_list, &mut rng);

    let x1 = keys[0].public();
    let mut tampered = Vec::new();
    let mut case = |what: &str, share: &ListShare| {
        tampered.push(json!({ "what": what, "index": 1, "share": hex::encode(share.to_bytes()) }));
    };
    let mut changed = shares[0].clone();
    changed.d[1] = Element::new(changed.d[1].point() + G);
    case("D2 changed (+G)", &changed);
    let mut swapped = shares[0].clone();
    swapped.d.swap(0, 2);
    case("D1 and D3 swapped", &swapped);
    let mut dropped = shares[0].clone();
    dropped.d.pop();
    case("D6 dropped", &dropped);
    case("scrutineer 1's share of another list (first ciphertext replaced)", &share_of_other_list);
    let mut other_share = shares[1].clone();
    other_share.index = 1;
    case("scrutineer 2's shares and proof presented as scrutineer 1's", &other_share);
    let mut other_proof = shares[0].clone();
    other_proof.proof = shares[1].proof.clone();
    case("scrutineer 1's shares with scrutineer 2's proof", &other_proof);

    json!({
        "format": "hallvote-mix-decrypt-vectors/v1",
        "spec": "docs/spec/19-mix-decrypt.md",
        "seed": SEED,
        "ctx": hex::encode(CTX),
        "threshold": 2,
        "secret_key": hex::encode(*secret.to_bytes()),
        "public_key": hex::encode(key.element().as_bytes()),
        "public_shares": keys.iter().map(|k| hex::encode(k.public().as_bytes())).collect::<Vec<_>>(),
        "list": list_hex(&list),
        "names": NAMES,
        "shares": shares.iter().map(|s| {
            let public = keys[s.index as usize - 1].public();
            let (seed, weights) = s.weights(CTX, &public, &list);
            json!({
                "index": s.index,
                "share": hex::encode(s.to_bytes()),
                "weight_seed": hex::encode(seed),
                "weights": weights.iter().map(|w| hex::encode(w.as_bytes())).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "tampered": tampered,
        "tampered_public_share": hex::encode(x1.as_bytes()),
    })
}

#[test]
fn mix_decrypt_known_answers() {
    let made = serde_json::to_string_pretty(&make()).unwrap() + "\n";
    if std::env::var_os("HALLVOTE_WRITE_VECTORS").is_some() {
        std::fs::write(PATH, &made).unwrap();
    }
    let committed =
        std::fs::read_to_string(PATH).expect("tests/vectors/mix-decrypt-v1.json (HALLVOTE_WRITE_VECTORS=1 makes it)");
    let v: Value = serde_json::from_str(&committed).unwrap();

    // The committed shares verify and decrypt to the names, through the public decoders only.
    let ctx = hex::decode(v["ctx"].as_str().unwrap()).unwrap();
    let list = list_from(&v["list"]);
    let publics: Vec<Element> = v["public_shares"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| Element::decode(&hex::decode(h.as_str().unwrap()).unwrap()).unwrap())
        .collect();
    let mut verified = Vec::new();
    for s in v["shares"].as_array().unwrap() {
        let share = ListShare::decode(&hex::decode(s["share"].as_str().unwrap()).unwrap()).unwrap();
        assert_eq!(share.index as u64, s["index"].as_u64().unwrap());
        let public = &publics[share.index as usize - 1];
        let (seed, weights) = share.weights(&ctx, public, &list);
        assert_eq!(hex::encode(seed), s["weight_seed"].as_str().unwrap());
        let listed: Vec<&str> = s["weights"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
        assert_eq!(weights.iter().map(|w| hex::encode(w.as_bytes())).collect::<Vec<_>>(), listed);
        // 128-bit weights: the upper 16 bytes are zero.
        assert!(weights.iter().all(|w| w.as_bytes()[16..] == [0; 16]));
        verified.push(share.verify(&ctx, public, &list).unwrap());
    }
    let points = combine_list(&list, &verified, 2).unwrap();
    let names: Vec<String> = points.chunks(points.len() / NAMES.len()).map(|row| decode_name(row).unwrap()).collect();
    assert_eq!(names, NAMES);

    let x1 = Element::decode(&hex::decode(v["tampered_public_share"].as_str().unwrap()).unwrap()).unwrap();
    let cases = v["tampered"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for case in cases {
        let share = ListShare::decode(&hex::decode(case["share"].as_str().unwrap()).unwrap()).unwrap();
        assert!(share.verify(&ctx, &x1, &list).is_err(), "{}", case["what"]);
    }

    // The prover reproduces the committed bytes from the seed.
    assert!(made == committed, "the vectors made from the seed differ from the committed file");
}
