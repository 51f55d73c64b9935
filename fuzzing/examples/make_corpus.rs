//! Writes the seed corpus of every fuzz target into `fuzz/corpus/<target>/`:
//! valid encodings made by the code (from fixed seeds, so a rerun writes the same
//! bytes) and a few edge cases each. Inputs a fuzzing run found a bug with are
//! added by hand beside them (named `crash-…`) and are not touched here.
//!
//! `cargo run -p hallvote-fuzzing --example make_corpus`
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

#[path = "../../tally/tests/record_common/mod.rs"]
mod record_common;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use hallvote_crypto::credential::{CredentialSecretKey, blind, finalize, sign_blinded};
use hallvote_crypto::dkg::{Dealer, Params};
use hallvote_crypto::elgamal::{Ciphertext, PublicKey, encrypt};
use hallvote_crypto::group::{Element, SecretScalar};
use hallvote_crypto::merkle::MerkleLog;
use hallvote_crypto::sealed::RecipientSecret;
use hallvote_crypto::sharefile::{self as paper, SealParams, SharePayload};
use hallvote_crypto::sign::SigningKey;
use hallvote_crypto::threshold::KeyShare;
use hallvote_fuzzing::crypto::SHARE_FILE_PASSPHRASE;
use hallvote_fuzzing::stations::{card_key, headers_to};
use hallvote_fuzzing::tally::ballot_shapes;
use hallvote_kiosk::credential_text::CredentialText;
use hallvote_protocol::stations::{
    EnrolmentPayload, EnrolmentToken, NONCE_HEADER, SIGNATURE_HEADER, STATION_HEADER, StationKind, TIMESTAMP_HEADER,
    sign_request,
};
use hallvote_server::cards;
use hallvote_tally::ballot::{BallotContext, PlainBallot, TrackingCode, encrypt_ballot};
use hallvote_tally::record::receipt::{head_to_text, parse_head};
use hallvote_tally::record::{Fingerprint, Receipt, ReceiptKind};
use rand::SeedableRng;
use rand::rngs::StdRng;

struct Corpus(PathBuf);

impl Corpus {
    fn put(&self, target: &str, name: &str, bytes: impl AsRef<[u8]>) {
        let dir = self.0.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let c = Corpus(root);
    let mut rng = StdRng::seed_from_u64(14);

    // group
    let secret = SecretScalar::random(&mut rng);
    let element = secret.public();
    c.put("group", "element", element.as_bytes());
    c.put("group", "generator", Element::generator().as_bytes());
    c.put("group", "identity", [0u8; 32]);
    c.put("group", "scalar", secret.to_bytes().as_ref());
    // ℓ, the group order: the smallest non-canonical scalar; and an encoding with the high bit set.
    c.put(
        "group",
        "scalar-l",
        hex::decode("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010").unwrap(),
    );
    c.put("group", "all-ff", [0xffu8; 32]);
    c.put("group", "short", &element.as_bytes()[..31]);

    // ciphertext
    let key = PublicKey::new(element).unwrap();
    let (ct, _) = encrypt(&key, 1, &mut rng);
    c.put("ciphertext", "one", ct.to_bytes());
    c.put("ciphertext", "zero", Ciphertext::zero().to_bytes());
    c.put("ciphertext", "long", [ct.to_bytes().as_slice(), &[0]].concat());

    // proofs and ceremony
    let params = Params::new(2, 3).unwrap();
    let dealer = Dealer::new(params, 1, &mut rng).unwrap();
    let commitments = dealer.commitments(b"fuzz", &mut rng);
    let commitment_bytes = commitments.to_bytes();
    let schnorr = &commitment_bytes[commitment_bytes.len() - 64..];
    c.put("proofs", "schnorr", [&[0u8][..], schnorr].concat());
    let share = KeyShare::new(1, SecretScalar::random(&mut rng));
    let decryption = share.decryption_share(b"fuzz", &ct, &mut rng);
    let decryption_bytes = decryption.to_bytes();
    c.put("proofs", "equality", [&[1u8][..], &decryption_bytes[36..]].concat());
    let shapes = ballot_shapes();
    let ctx = BallotContext { election: [3; 64], serial: [4; 32] };
    let motion = PlainBallot::marks(vec![vec![vec![1, 0, 0]]]);
    let (ballot, _) = encrypt_ballot(&shapes[0], &key, &ctx, &motion, &mut rng).unwrap();
    let ballot_bytes = ballot.to_bytes();
    // version, contests, items, options; then the first option's ciphertext and 0/1 proof.
    let first_proof = &ballot_bytes[10 + 64..10 + 64 + 256];
    c.put("proofs", "range-2", [&[5u8][..], first_proof].concat());
    let sum_proof = &ballot_bytes[10 + 3 * 320..10 + 3 * 320 + 128];
    c.put("proofs", "range-1", [&[2u8][..], sum_proof].concat());
    c.put("proofs", "range-wrong-branches", [&[8u8][..], first_proof].concat());
    c.put("ceremony", "commitments", &commitment_bytes);
    c.put("ceremony", "dealer-share", dealer.share_for(2).unwrap().to_bytes().as_ref());
    c.put("ceremony", "decryption-share", decryption_bytes);
    let mut zero_count = commitment_bytes.clone();
    zero_count[4..8].copy_from_slice(&0u32.to_be_bytes());
    c.put("ceremony", "commitments-count-0", zero_count);

    // merkle
    let mut log = MerkleLog::new();
    for i in 0..7u8 {
        log.append_leaf(&[i]);
    }
    c.put("merkle", "tree-head", log.tree_head().to_bytes());
    c.put("merkle", "inclusion", log.inclusion_proof(3, 7).unwrap().to_bytes());
    c.put("merkle", "consistency", log.consistency_proof(3, 7).unwrap().to_bytes());
    c.put("merkle", "empty", []);

    // credential
    let sk = CredentialSecretKey::generate(&mut rng, 2048).unwrap();
    let pk = sk.public_key().clone();
    let poll_id = [6u8; 32];
    let (request, state) = blind(&pk, &poll_id, &mut rng).unwrap();
    let blind_sig = sign_blinded(&sk, &request, &mut rng).unwrap();
    let credential = finalize(&pk, state, &blind_sig).unwrap();
    c.put("credential", "credential", credential.to_bytes());
    c.put("credential", "key", pk.to_spki_der());
    c.put("credential", "blind-request", request.as_bytes());
    let mut bad_version = credential.to_bytes();
    bad_version[0] = 2;
    c.put("credential", "credential-version-2", bad_version);

    // signature
    let signer = SigningKey::from_bytes(&[1; 32]);
    let sig = hallvote_crypto::sign::sign(&signer, hallvote_crypto::tags::SIG_DELEGATE_CARD, b"fuzz");
    c.put("signature", "verifying-key", signer.verifying_key().as_bytes());
    c.put("signature", "signature", sig.to_bytes());
    c.put("signature", "recipient-key", RecipientSecret::generate(&mut rng).public().as_bytes());
    let mut high_s = sig.to_bytes();
    high_s[63] |= 0xf0;
    c.put("signature", "signature-s-not-reduced", high_s);

    // share file and paper
    let payload = SharePayload::new([8; 32], 2, 2, 3, SecretScalar::random(&mut rng), element).unwrap();
    let file = paper::seal(&payload, SHARE_FILE_PASSPHRASE, SealParams::for_tests(), &mut rng).unwrap();
    c.put("share_file", "share", &file);
    let mut tampered = file.clone();
    *tampered.last_mut().unwrap() ^= 1;
    c.put("share_file", "tag-flipped", tampered);
    c.put("share_file", "magic-only", &file[..8]);
    let printed = paper::to_paper(&file);
    c.put("share_paper", "paper", &printed);
    c.put("share_paper", "paper-lowercase-no-spaces", printed.to_lowercase().replace(' ', ""));
    c.put("share_paper", "paper-last-line-missing", {
        let lines: Vec<&str> = printed.lines().collect();
        let mut cut = lines[..lines.len() - 2].join("\n");
        cut.push('\n');
        cut.push_str(lines[lines.len() - 1]);
        cut
    });

    // ballot
    let election = PlainBallot::marks(vec![vec![vec![1, 0, 0], vec![0, 1, 0], vec![1, 0, 0]]]);
    let evaluation = PlainBallot::marks(vec![vec![vec![0, 0, 0, 0], vec![0, 1, 0, 0]], vec![vec![1, 0, 0]; 2]]);
    let two = PlainBallot::marks(vec![vec![vec![0, 0, 1], vec![1, 0, 0]], vec![vec![0, 1, 0], vec![1, 0, 0]]]);
    for (i, plain) in [motion, election, evaluation, two].iter().enumerate() {
        let (b, opening) = encrypt_ballot(&shapes[i], &key, &ctx, plain, &mut rng).unwrap();
        c.put("ballot", &format!("shape-{i}"), [&[i as u8][..], &b.to_bytes()].concat());
        c.put("ballot", &format!("shape-{i}-opening"), [&[0x80 | i as u8][..], &opening.to_bytes()].concat());
    }
    c.put("ballot", "shape-0-as-shape-1", [&[1u8][..], &ballot_bytes].concat());

    // record
    let session = record_common::run(record_common::Spec {
        expected: 2,
        present: 1,
        contests: record_common::small_poll(),
        spoiled: 0,
        decrypting: vec![1, 2, 3],
        seed: 14,
    });
    let record_bytes = session.record.to_bytes();
    c.put("record", "record", &record_bytes);
    c.put("record", "board-entry", session.record.board[0].to_bytes());
    c.put("record", "manifest", &session.record.manifest);
    c.put("record", "record-truncated", &record_bytes[..record_bytes.len() - 1]);

    // receipt text, heads
    let head = session.record.receipt_heads[0];
    let receipt = Receipt {
        kind: ReceiptKind::Cast,
        fingerprint: [0x5a; 32],
        position: 0,
        tracking: TrackingCode::from_bytes([7; 10]),
        head,
    };
    let text = receipt.to_text();
    c.put("receipt_text", "receipt", &text);
    c.put(
        "receipt_text",
        "receipt-in-board-address",
        format!("https://hall.example/polls/1/board?code=X&receipt={text}"),
    );
    c.put("receipt_text", "receipt-percent-colon", text.replacen(':', "%3A", 1).to_lowercase());
    let spoiled = Receipt { kind: ReceiptKind::Spoiled, position: 1, ..receipt };
    c.put("receipt_text", "receipt-position-beyond-head", spoiled.to_text());
    let head_text = head_to_text(&head);
    assert!(parse_head(&head_text).is_ok());
    c.put("receipt_text", "head", &head_text);
    c.put(
        "receipt_text",
        "heads-file",
        format!("# heads seen on the hall display\n\n{head_text}\n{}\n", head_to_text(&session.record.final_head)),
    );

    // fingerprint and tracking-code text
    let fp = Fingerprint::of(b"fuzz manifest", &[7; 32], &[[1; 32], [2; 32]]);
    c.put("fingerprint_text", "short", fp.short());
    c.put("fingerprint_text", "full-hex", fp.full_hex().to_uppercase());
    c.put("fingerprint_text", "look-alikes", fp.short().replace('0', "o").replace('1', "l"));
    c.put("fingerprint_text", "tracking-code", TrackingCode::from_bytes([0xa5; 10]).to_string());
    c.put("fingerprint_text", "tracking-code-u", "UUUU-UUUU-UUUU-UUUU");

    // count scenario: the documented examples and the test's edge cases
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (name, path) in [
        ("session-votes", "docs/examples/session-votes.json"),
        ("by-election-write-ins", "docs/examples/by-election-write-ins.json"),
        ("bad-syntax", "tests/data/count/bad-syntax.json"),
        ("all-blank", "tests/data/count/all-blank.json"),
    ] {
        c.put("count_scenario", name, std::fs::read(repo.join(path)).unwrap());
    }

    // station headers
    let station = SigningKey::from_bytes(&[2; 32]);
    let signed = sign_request(&station, 12, &http::Method::POST, "/api/stations/cast", 1_780_000_000, &[3; 16], b"{}");
    let pairs: Vec<(&str, Vec<u8>)> = signed.iter().map(|(n, v)| (n.as_str(), v.as_bytes().to_vec())).collect();
    let refs = |pairs: &[(&str, Vec<u8>)]| -> Vec<u8> {
        headers_to(&pairs.iter().map(|(n, v)| (*n, v.as_slice())).collect::<Vec<_>>())
    };
    c.put("station_headers", "signed", refs(&pairs));
    let mut upper = pairs.clone();
    upper[3].1 = upper[3].1.to_ascii_uppercase();
    c.put("station_headers", "signature-upper-hex", refs(&upper));
    let mut leading_zero = pairs.clone();
    leading_zero[0].1 = b"012".to_vec();
    c.put("station_headers", "station-leading-zero", refs(&leading_zero));
    let mut twice = pairs.clone();
    twice.push((NONCE_HEADER, pairs[2].1.clone()));
    c.put("station_headers", "nonce-twice", refs(&twice));
    c.put("station_headers", "only-station", headers_to(&[(STATION_HEADER, b"1")]));
    let _ = (TIMESTAMP_HEADER, SIGNATURE_HEADER);

    // enrolment text
    let token = EnrolmentToken::from_bytes([0x11; 16]);
    let plain_http = EnrolmentPayload {
        server_url: "http://192.168.1.10:8080".into(),
        token: token.clone(),
        kind: StationKind::Booth,
        name: "投票站 3".into(),
        tls_fingerprint: None,
        standby_url: None,
    };
    let tls = EnrolmentPayload {
        server_url: "https://hall.example".into(),
        kind: StationKind::Scrutineer,
        tls_fingerprint: Some(format!("sha256:{}", "ab".repeat(32))),
        ..plain_http.clone()
    };
    c.put("enrolment_text", "http", plain_http.to_qr_text().unwrap());
    c.put("enrolment_text", "tls", tls.to_qr_text().unwrap());
    let standby = EnrolmentPayload { standby_url: Some("https://hall-standby.example".into()), ..tls.clone() };
    c.put("enrolment_text", "standby", standby.to_qr_text().unwrap());
    c.put("enrolment_text", "padded", format!("{}=", plain_http.to_qr_text().unwrap()));

    // credential text
    let cred_text = CredentialText::encode(42, &credential);
    c.put("credential_text", "credential", &cred_text);
    c.put("credential_text", "credential-scanner-enter", format!("{cred_text}\r\n"));
    c.put("credential_text", "poll-leading-zero", cred_text.replacen(":42:", ":042:", 1));

    // delegate card text
    let card = cards::qr_text(&card_key(), 7, "QS-001");
    c.put("card_text", "card", &card);
    c.put("card_text", "card-foreign-key", cards::qr_text(&SigningKey::from_bytes(&[8; 32]), 7, "QS-001"));
    c.put("card_text", "card-empty-number", cards::qr_text(&card_key(), 7, ""));

    // rosters
    let data = repo.join("server/tests/data");
    c.put("roster_csv", "bad-rows", std::fs::read(data.join("roster-bad-rows.csv")).unwrap());
    c.put(
        "roster_csv",
        "small",
        "序号,姓名,性别,代表团,代表证号\n1,张三,男,机关代表团,QS-1\n2,李四,女,机关代表团,QS-2\n",
    );
    c.put("roster_csv", "formula-and-quotes", "name,group,card\n\"=1+1\",g,c1\n\"a \"\"b\"\"\",g,c2\n");
    let (gbk, _, _) = encoding_rs::GBK.encode("姓名,代表团,代表证号\n王五,农业代表团,QS-9\n");
    c.put("roster_csv", "gbk", gbk);
    c.put("roster_xlsx", "bad-rows", std::fs::read(data.join("roster-bad-rows.xlsx")).unwrap());
    c.put("roster_xlsx", "small", xlsx(Some("A1:C2"), r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>代表团</t></is></c><c r="C1" t="inlineStr"><is><t>代表证号</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="B2" t="inlineStr"><is><t>机关</t></is></c><c r="C2" t="inlineStr"><is><t>QS-1</t></is></c></row>"#));
    c.put("roster_xlsx", "sparse-xfd1048576", xlsx(Some("A1:XFD1048576"), r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#));
    println!("corpus written to fuzz/corpus/");
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// A one-sheet workbook of inline-string cells, stored (not deflated) so that a
/// fuzzer's byte changes reach the XML.
fn xlsx(dimension: Option<&str>, sheet_data: &str) -> Vec<u8> {
    let dimension = dimension.map(|d| format!(r#"<dimension ref="{d}"/>"#)).unwrap_or_default();
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(body).unwrap();
    }
    zip.finish().unwrap().into_inner()
}
