//! An in-process session for the record tests: key ceremony, credential issuance,
//! voting with challenges, tally by `k` scrutineers, result and signatures (spec §11–§13).
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use hallvote_crypto::credential::{CredentialSecretKey, blind, finalize, sign_blinded};
use hallvote_crypto::dkg::{Dealer, Params, ceremony_output, key_share};
use hallvote_crypto::elgamal::{Ciphertext, PublicKey};
use hallvote_crypto::group::Element;
use hallvote_crypto::merkle::MerkleLog;
use hallvote_crypto::sign::SigningKey;
use hallvote_crypto::threshold::KeyShare;
use hallvote_tally::ballot::{BallotContext, BallotShape, PlainBallot, encrypt_ballot};
use hallvote_tally::model::{
    Candidate, ConfidenceVote, Contest, ContestKind, Election, ElectionKind, Evaluation, Motion, Poll,
};
use hallvote_tally::record::builder::{
    aggregate, board_log, combine_totals, decrypt, outcome, poll_counts, replacements, result_digest, sign_head,
    sign_record, sign_result,
};
use hallvote_tally::record::mix::{MixBuilder, add_write_ins, board_mix_inputs, list_share, shuffle_turn};
use hallvote_tally::record::{
    Attendance, BoardEntry, CeremonyTranscript, ContestMix, Manifest, Record, SignedHead, Signer,
};
use hallvote_tally::ruleset::Ruleset;
use hallvote_tally::text::Text;
use rand::SeedableRng;
use rand::rngs::StdRng;

pub const CEREMONY: &[u8] = b"test session ceremony 1";

/// What a session is made of.
#[derive(Clone)]
pub struct Spec {
    pub expected: u32,
    pub present: u32,
    pub contests: Vec<Contest>,
    pub spoiled: usize,
    pub decrypting: Vec<u32>,
    pub seed: u64,
}

/// Everything the tests need afterwards: the record and the keys an attacker might hold.
pub struct Session {
    pub record: Record,
    pub manifest: Manifest,
    pub shape: BallotShape,
    pub election: [u8; 64],
    pub server: SigningKey,
    pub scrutineers: Vec<SigningKey>,
    pub counters: Vec<SigningKey>,
    pub key_shares: Vec<KeyShare>,
    pub public_shares: Vec<Element>,
    pub cred_sk: CredentialSecretKey,
    pub truth: Vec<u64>,
    pub rng: StdRng,
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("{prefix}{i}")).collect()
}

/// The name a challenged ballot writes in where the poll takes write-ins.
pub const WRITTEN_IN: &str = "另选·𠮷田";

pub fn election(seats: u32, candidates: &[&str]) -> Contest {
    Contest {
        id: "committee".into(),
        title: "选举镇党委委员".into(),
        kind: ContestKind::Election(Election {
            write_ins: false,
            kind: ElectionKind::Competitive,
            by_election: false,
            seats,
            candidates: candidates.iter().map(|c| Candidate::new(*c)).collect(),
        }),
    }
}

/// The session: an 11-candidate election for 9 seats, a 9-member confidence
/// vote, a 7-member evaluation and 3 motions.
pub fn full_poll() -> Vec<Contest> {
    let cands = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周强", "吴刚", "徐丽"];
    vec![
        election(9, &cands),
        Contest {
            id: "confidence".into(),
            title: "信任投票".into(),
            kind: ContestKind::Confidence(ConfidenceVote { members: names("委员", 9) }),
        },
        Contest {
            id: "evaluation".into(),
            title: "民主评议".into(),
            kind: ContestKind::Evaluation(Evaluation {
                members: names("班子成员", 7),
                grades: vec![
                    Text::new("优秀", "excellent"),
                    Text::new("称职", "competent"),
                    Text::new("基本称职", "basically competent"),
                    Text::new("不称职", "incompetent"),
                ],
            }),
        },
        Contest {
            id: "motions".into(),
            title: "表决".into(),
            kind: ContestKind::Motion(Motion { items: names("决议", 3), rule: None }),
        },
    ]
}

/// A small poll for fast tests: 3 candidates for 2 seats and one motion.
pub fn small_poll() -> Vec<Contest> {
    vec![
        election(2, &["王芳", "李娜", "张伟"]),
        Contest {
            id: "motions".into(),
            title: "表决".into(),
            kind: ContestKind::Motion(Motion { items: vec!["决议".into()], rule: None }),
        },
    ]
}

/// Runs a whole session and returns its signed record.
pub fn run(spec: Spec) -> Session {
    run_with(spec, None)
}

/// Runs a whole session; with `keys`, under that server key and credential key
/// (what someone who runs the server holds) and officers and a ceremony of its own.
pub fn run_with(spec: Spec, keys: Option<(SigningKey, CredentialSecretKey)>) -> Session {
    run_voting(spec, keys, &mut |_, shape, rng| PlainBallot::random(shape, rng).unwrap())
}

/// What delegate `d` (0-based, in voting order) marks and writes in, given the
/// poll's shape; the manifest's contests are in ballot order.
pub type Voter<'a> = dyn FnMut(usize, &BallotShape, &mut StdRng) -> PlainBallot + 'a;

/// The scrutineer stations that shuffle a session's write-ins, in turn order.
pub const MIXERS: [u32; 3] = [2, 4, 1];

/// Runs a whole session in which `vote` decides every cast ballot (challenged ones
/// stay random); a poll that takes write-ins is mixed by the scrutineer stations
/// [`MIXERS`] in turn and its last lists decrypted by `spec.decrypting`.
pub fn run_voting(spec: Spec, keys: Option<(SigningKey, CredentialSecretKey)>, vote: &mut Voter<'_>) -> Session {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let (server, cred_sk) = match keys {
        Some((server, cred_sk)) => (Some(server), Some(cred_sk)),
        None => (None, None),
    };
    let server = server.unwrap_or_else(|| SigningKey::generate(&mut rng));
    let scrutineers: Vec<SigningKey> = (0..5).map(|_| SigningKey::generate(&mut rng)).collect();
    let counters: Vec<SigningKey> = (0..2).map(|_| SigningKey::generate(&mut rng)).collect();
    let cred_sk = cred_sk.unwrap_or_else(|| CredentialSecretKey::generate(&mut rng, 2048).unwrap());
    let manifest = Manifest {
        congress: "中国共产党青山镇第十五届代表大会".into(),
        session: "第三次会议".into(),
        poll: Poll { name: "第一次投票".into(), contests: spec.contests, attendance: None },
        ruleset: Ruleset::builtin("township-2020").unwrap(),
        scrutineers: scrutineers
            .iter()
            .enumerate()
            .map(|(i, k)| Signer { name: format!("监票人{}", i + 1), key: k.verifying_key() })
            .collect(),
        threshold: 3,
        counters: counters
            .iter()
            .enumerate()
            .map(|(i, k)| Signer { name: format!("计票人{}", i + 1), key: k.verifying_key() })
            .collect(),
        ceremony: CEREMONY.to_vec(),
        credential_key: cred_sk.public_key().clone(),
        server_key: server.verifying_key(),
    };
    let manifest_bytes = manifest.to_bytes().unwrap();
    // Decoding gives the candidates in ballot (stroke) order; the bytes are the same.
    assert_eq!(Manifest::decode(&manifest_bytes).unwrap().to_bytes().unwrap(), manifest_bytes);
    let shape = manifest.shape().unwrap();

    // Key ceremony, 3 of 5 (spec §5).
    let params = Params::new(3, 5).unwrap();
    let dealers: Vec<Dealer> = (1..=5).map(|i| Dealer::new(params, i, &mut rng).unwrap()).collect();
    let msgs: Vec<_> = dealers.iter().map(|d| d.commitments(CEREMONY, &mut rng)).collect();
    let out = ceremony_output(params, &msgs).unwrap();
    let key_shares: Vec<KeyShare> = (1..=5)
        .map(|j| {
            let shares: Vec<_> = dealers.iter().map(|d| d.share_for(j).unwrap()).collect();
            key_share(j, &shares, &out).unwrap()
        })
        .collect();
    let ceremony = CeremonyTranscript {
        dealer_messages: msgs.iter().map(|m| m.to_bytes()).collect(),
        complaints: vec![],
        qualified: out.qualified.clone(),
        joint_key: *out.joint_key.element().as_bytes(),
        public_shares: out.public_shares.iter().map(|x| *x.as_bytes()).collect(),
    };
    let poll_id = Manifest::poll_id(&manifest_bytes);
    let election = Manifest::election_hash(&manifest_bytes, &out.joint_key);

    // Issue, vote, challenge (spec §6, §10); the board grows with a signed head per receipt.
    let mut truth = vec![0u64; shape.selections()];
    let mut board = Vec::new();
    let mut log = MerkleLog::new();
    let mut receipt_heads: Vec<SignedHead> = Vec::new();
    let mut post = |entry: BoardEntry, board: &mut Vec<BoardEntry>| {
        log.append_leaf(&entry.leaf());
        board.push(entry);
        receipt_heads.push(sign_head(&server, &election, &log));
    };
    for d in 0..spec.present as usize {
        let (req, state) = blind(&manifest.credential_key, &poll_id, &mut rng).unwrap();
        let bs = sign_blinded(&cred_sk, &req, &mut rng).unwrap();
        let cred = finalize(&manifest.credential_key, state, &bs).unwrap();
        let ctx = BallotContext { election, serial: cred.serial() };
        if d < spec.spoiled {
            let mut plain = PlainBallot::random(&shape, &mut rng).unwrap();
            // Where contest 0 takes write-ins, the challenged ballot writes one in its
            // first row (marked against; every other row abstains, so it fits the seats).
            if let Some(rule) = shape.contests[0].write_in {
                for (i, row) in plain.marks[0].iter_mut().enumerate() {
                    *row = vec![0; row.len()];
                    row[if i == 0 { usize::from(rule.against) } else { 2 }] = 1;
                }
                plain.write_ins.insert((0, 0), WRITTEN_IN.to_owned());
            }
            let (ballot, opening) = encrypt_ballot(&shape, &out.joint_key, &ctx, &plain, &mut rng).unwrap();
            let entry = BoardEntry::Spoiled {
                credential: cred.to_bytes(),
                ballot: ballot.to_bytes(),
                opening: opening.to_bytes(),
            };
            post(entry, &mut board);
        }
        let plain = vote(d, &shape, &mut rng);
        let flat = plain.marks.iter().flatten().flatten();
        for (t, m) in truth.iter_mut().zip(flat) {
            *t += u64::from(*m);
        }
        let (ballot, _) = encrypt_ballot(&shape, &out.joint_key, &ctx, &plain, &mut rng).unwrap();
        post(BoardEntry::Cast { credential: cred.to_bytes(), ballot: ballot.to_bytes() }, &mut board);
    }
    let attendance = Attendance { expected: spec.expected, present: spec.present, issued: spec.present };
    let final_head = sign_head(&server, &election, &board_log(&board));

    // Tally with only the decrypting scrutineers (spec §12.6).
    let aggregates = aggregate(&shape, &board).unwrap();
    let decryptions: Vec<_> = spec
        .decrypting
        .iter()
        .map(|&j| decrypt(&key_shares[j as usize - 1], &election, &shape, &aggregates, &mut rng))
        .collect();
    let cast = spec.present as u64;
    let totals = combine_totals(3, &out.public_shares, &election, &shape, &aggregates, &decryptions, cast).unwrap();
    let mixes =
        mix_all(&shape, &board, election, &out.joint_key, &key_shares, &out.public_shares, &spec.decrypting, &mut rng);
    let mut record = Record {
        manifest: manifest_bytes,
        ceremony,
        attendance,
        board,
        receipt_heads,
        final_head,
        aggregates: aggregates.iter().map(Ciphertext::to_bytes).collect(),
        decryptions,
        totals,
        mixes,
        outcome: vec![],
        server_signature: [0; 64],
        scrutineer_signatures: vec![],
        counter_signatures: vec![],
    };
    let mut s = Session {
        record: record.clone(),
        manifest,
        shape,
        election,
        server,
        scrutineers,
        counters,
        key_shares,
        public_shares: out.public_shares,
        cred_sk,
        truth,
        rng,
    };
    finish(&mut s, &mut record);
    s.record = record;
    s
}

/// The write-in mix of every contest that takes write-ins (spec §12.12): each of
/// [`MIXERS`] shuffles in turn, then `decrypting` give their list shares.
#[allow(clippy::too_many_arguments)]
pub fn mix_all(
    shape: &BallotShape,
    board: &[BoardEntry],
    election: [u8; 64],
    key: &PublicKey,
    key_shares: &[KeyShare],
    public_shares: &[Element],
    decrypting: &[u32],
    rng: &mut StdRng,
) -> Vec<ContestMix> {
    let mut out = Vec::new();
    for (c, input) in board_mix_inputs(shape, board).unwrap() {
        let mut mix = MixBuilder::new(election, key.clone(), c, input);
        if !mix.current().is_empty() {
            for (turn, &j) in MIXERS.iter().enumerate() {
                let (_, t) = shuffle_turn(&election, key, c, turn, j, mix.current(), rng).unwrap();
                mix.add_turn(t, rng).unwrap();
            }
            for &j in decrypting {
                let share = list_share(&key_shares[j as usize - 1], &election, c, mix.current(), rng);
                mix.add_share(share, public_shares).unwrap();
            }
        }
        out.push(mix.finish(3).unwrap());
    }
    out
}

/// Recounts from the record's totals, and re-signs the result and the body: what an
/// attacker holding every key would do after changing something.
pub fn finish(s: &mut Session, record: &mut Record) {
    let cast = record.board.iter().filter(|e| matches!(e, BoardEntry::Cast { .. })).count() as u32;
    let mut counts = poll_counts(&s.manifest.poll, &s.shape, record.attendance, cast, &record.totals).unwrap();
    (counts.replaced, counts.replaced_lost) = replacements(&record.board);
    add_write_ins(&mut counts, &s.manifest.poll, &record.mixes);
    let (_, bytes) = outcome(&s.manifest.poll, &s.manifest.ruleset, &counts).unwrap();
    record.outcome = bytes;
    resign_result(s, record);
}

/// A fresh credential under the session's key, issued to no one on the board.
pub fn fresh_credential(s: &mut Session) -> hallvote_crypto::credential::Credential {
    let poll_id = Manifest::poll_id(&s.record.manifest);
    let (req, state) = blind(&s.manifest.credential_key, &poll_id, &mut s.rng).unwrap();
    let bs = sign_blinded(&s.cred_sk, &req, &mut s.rng).unwrap();
    finalize(&s.manifest.credential_key, state, &bs).unwrap()
}

/// Re-signs the result (all scrutineers and counters) and the body (server).
pub fn resign_result(s: &Session, record: &mut Record) {
    let cast = record.board.iter().filter(|e| matches!(e, BoardEntry::Cast { .. })).count() as u64;
    let digest = result_digest(&s.election, record.attendance, cast, &record.totals, &record.outcome);
    record.scrutineer_signatures = s.scrutineers.iter().map(|k| sign_result(k, &digest)).collect();
    record.counter_signatures = s.counters.iter().map(|k| sign_result(k, &digest)).collect();
    sign_record(&s.server, record);
}

/// With the server key only: re-seals the board (final head) and re-signs the body.
pub fn reseal(s: &Session, record: &mut Record) {
    record.final_head = sign_head(&s.server, &s.election, &board_log(&record.board));
    sign_record(&s.server, record);
}

/// With the server key only: also rewrites every receipt tree head to match the board.
pub fn rewrite_history(s: &Session, record: &mut Record) {
    let mut log = MerkleLog::new();
    record.receipt_heads.clear();
    for e in &record.board {
        log.append_leaf(&e.leaf());
        record.receipt_heads.push(sign_head(&s.server, &s.election, &log));
    }
    reseal(s, record);
}

/// A copy of a session with every key (keys are not `Clone`, on purpose).
pub fn clone_session(s: &Session) -> Session {
    let k = |key: &SigningKey| SigningKey::from_bytes(&key.to_bytes());
    Session {
        record: s.record.clone(),
        manifest: s.manifest.clone(),
        shape: s.shape.clone(),
        election: s.election,
        server: k(&s.server),
        scrutineers: s.scrutineers.iter().map(k).collect(),
        counters: s.counters.iter().map(k).collect(),
        key_shares: s.key_shares.clone(),
        public_shares: s.public_shares.clone(),
        cred_sk: CredentialSecretKey::from_pkcs8_der(&s.cred_sk.to_pkcs8_der().unwrap()).unwrap(),
        truth: s.truth.clone(),
        rng: StdRng::seed_from_u64(77),
    }
}

/// Words an English sentence has and a Chinese one does not.
const ENGLISH: [&str; 16] = [
    "the ",
    " is ",
    "does not",
    " not ",
    " of ",
    "entry ",
    "selection ",
    "scrutineer ",
    "receipt ",
    "ballot",
    "proof",
    "signature",
    "malformed",
    "invalid",
    "unknown",
    "truncated",
];

/// Every step of `report` is named and explained in Chinese (issue 13, item 8): the
/// Chinese detail is not empty, has a Chinese character and no English sentence.
/// Returns how many steps did not pass (whose reasons were so checked).
pub fn said_in_chinese(report: &hallvote_tally::record::Report) -> usize {
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    for s in &report.steps {
        assert!(s.name_zh.chars().any(cjk), "{}: {:?}", s.section, s.name_zh);
        let zh = &s.detail_zh;
        assert!(zh.chars().any(cjk), "{} {:?}: no Chinese in {zh:?} (en: {:?})", s.section, s.status, s.detail);
        let lower = zh.to_lowercase();
        for w in ENGLISH {
            assert!(!lower.contains(w), "{} {:?}: English {w:?} in {zh:?} (en: {:?})", s.section, s.status, s.detail);
        }
    }
    report.steps.iter().filter(|s| s.status != hallvote_tally::record::Status::Pass).count()
}
