//! The steps of spec §13, one function per section.

use std::collections::{BTreeSet, HashMap};

use hallvote_crypto::CryptoRng;
use hallvote_crypto::credential::Credential;
use hallvote_crypto::dkg::{DealerCommitments, DealerShare, Params, ceremony_output};
use hallvote_crypto::dlog::DlogTable;
use hallvote_crypto::elgamal::{Ciphertext, PublicKey};
use hallvote_crypto::group::Element;
use hallvote_crypto::merkle::TreeHead;
use hallvote_crypto::proofs::BatchVerifier;
use hallvote_crypto::sign::{Signature, verify};
use hallvote_crypto::tags;
use hallvote_crypto::threshold::{DecryptionShare, VerifiedShare, combine, verify_batch};

use super::{Pins, StepError, thousands};
use crate::ballot::{BallotContext, TrackingCode};
use crate::ballot::{BallotShape, EncryptedBallot, Opening, check_opening};
use crate::count::PollResult;
use crate::record::builder::{board_log, head_message, outcome, poll_counts, result_digest, tally_context};
use crate::record::fingerprint::{Fingerprint, KeyFingerprint};
use crate::record::format::{BoardEntry, Record};
use crate::record::manifest::Manifest;
use crate::record::receipt::{Receipt, ReceiptKind, head_summary, parse_head};
use crate::record::shape::selections;

/// What the steps learn and pass on.
pub(crate) struct State<'a> {
    bytes: &'a [u8],
    pins: &'a Pins,
    pub(crate) fingerprint: Option<Fingerprint>,
    record: Option<Record>,
    body_len: usize,
    manifest: Option<Manifest>,
    shape: Option<BallotShape>,
    poll_id: [u8; 32],
    election: [u8; 64],
    joint_key: Option<PublicKey>,
    public_shares: Option<Vec<Element>>,
    cast: Option<Vec<EncryptedBallot>>,
    aggregates: Option<Vec<Ciphertext>>,
    shares: Option<Vec<Vec<VerifiedShare>>>,
    pub(crate) result: Option<PollResult>,
}

impl<'a> State<'a> {
    pub(crate) fn new(bytes: &'a [u8], pins: &'a Pins) -> Self {
        Self {
            bytes,
            pins,
            fingerprint: None,
            record: None,
            body_len: 0,
            manifest: None,
            shape: None,
            poll_id: [0; 32],
            election: [0; 64],
            joint_key: None,
            public_shares: None,
            cast: None,
            aggregates: None,
            shares: None,
            result: None,
        }
    }

    /// The record, manifest, shape and key: what every step after §13.2 needs.
    fn basics(&self) -> Result<(&Record, &Manifest, &BallotShape, &PublicKey), StepError> {
        match (&self.record, &self.manifest, &self.shape, &self.joint_key) {
            (Some(r), Some(m), Some(s), Some(k)) => Ok((r, m, s, k)),
            _ => Err(StepError::Skipped("the record or its manifest could not be read (13.1, 13.2)")),
        }
    }
}

fn fail<T>(s: impl Into<String>) -> Result<T, StepError> {
    Err(StepError::Fail(s.into()))
}

fn cast_entries(record: &Record) -> impl Iterator<Item = (usize, &BoardEntry)> {
    record.board.iter().enumerate().filter(|(_, e)| matches!(e, BoardEntry::Cast { .. }))
}

fn cast_count(record: &Record) -> usize {
    cast_entries(record).count()
}

/// §13.1: the file has the record structure of spec §12.1, version 1, nothing trailing.
pub(crate) fn step_13_1_format<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let (record, body_len) = Record::decode(st.bytes).map_err(|e| format!("not a record: {e}"))?;
    let detail = format!(
        "record v{}, {} bytes, {} board entries",
        crate::record::format::RECORD_VERSION,
        thousands(st.bytes.len()),
        record.board.len()
    );
    st.fingerprint =
        Some(Fingerprint::of(&record.manifest, &record.ceremony.joint_key, &record.ceremony.public_shares));
    st.record = Some(record);
    st.body_len = body_len;
    Ok(detail)
}

/// §13.2: the manifest decodes canonically; the poll is valid under its ruleset; the
/// poll id and the election context hash `E` are derived from it (spec §11.3).
pub(crate) fn step_13_2_manifest<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let record = st.record.as_ref().ok_or(StepError::Skipped("the record could not be read (13.1)"))?;
    let manifest = Manifest::decode(&record.manifest).map_err(|e| format!("manifest: {e}"))?;
    let shape = manifest.shape().map_err(|e| format!("manifest: {e}"))?;
    let key = PublicKey::decode(&record.ceremony.joint_key).map_err(|e| format!("joint key: {e}"))?;
    st.poll_id = Manifest::poll_id(&record.manifest);
    st.election = Manifest::election_hash(&record.manifest, &key);
    let detail = format!(
        "{}: {} contests, {} selections a ballot, ruleset {}, {}-of-{} scrutineers, {} counters",
        manifest.poll.name,
        manifest.poll.contests.len(),
        shape.selections(),
        manifest.ruleset.name,
        manifest.threshold,
        manifest.scrutineers.len(),
        manifest.counters.len()
    );
    st.manifest = Some(manifest);
    st.shape = Some(shape);
    st.joint_key = Some(key);
    Ok(detail)
}

/// §13.3: every dealer message and complaint re-checked (spec §5.2, §5.3); the
/// qualified set, the joint key and every public share recomputed and compared.
pub(crate) fn step_13_3_ceremony<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    let n = manifest.scrutineers.len() as u32;
    let params = Params::new(manifest.threshold, n).map_err(|_| "threshold parameters".to_owned())?;
    let c = &record.ceremony;
    let mut dealers: HashMap<u32, DealerCommitments> = HashMap::new();
    let mut disqualified = BTreeSet::new();
    for (pos, bytes) in c.dealer_messages.iter().enumerate() {
        let Ok(msg) = DealerCommitments::decode(bytes) else {
            return fail(format!("dealer message {pos} is malformed"));
        };
        if msg.dealer == 0 || msg.dealer > n || dealers.contains_key(&msg.dealer) {
            return fail(format!("dealer message {pos}: dealer {} out of range or repeated", msg.dealer));
        }
        if msg.verify(&manifest.ceremony, params).is_err() {
            disqualified.insert(msg.dealer);
        }
        dealers.insert(msg.dealer, msg);
    }
    for (pos, bytes) in c.complaints.iter().enumerate() {
        let share = DealerShare::decode(bytes).map_err(|e| format!("complaint {pos}: {e}"))?;
        let Some(msg) = dealers.get(&share.dealer) else {
            return fail(format!("complaint {pos} names dealer {}, who sent no message", share.dealer));
        };
        if share.recipient == 0 || share.recipient > n {
            return fail(format!("complaint {pos}: recipient {} out of range", share.recipient));
        }
        if share.verify(msg).is_err() {
            disqualified.insert(share.dealer);
        }
    }
    if let Some(j) = c.public_shares.iter().position(|x| x == Element::identity().as_bytes()) {
        return fail(format!(
            "scrutineer {}'s public share is the identity: anyone could make that scrutineer's decryption shares",
            j + 1
        ));
    }
    let qualified: Vec<u32> = (1..=n).filter(|i| dealers.contains_key(i) && !disqualified.contains(i)).collect();
    if qualified != c.qualified {
        return fail(format!("qualified dealers are {qualified:?}, the record says {:?}", c.qualified));
    }
    let msgs: Vec<DealerCommitments> = qualified.iter().filter_map(|i| dealers.get(i).cloned()).collect();
    let out = ceremony_output(params, &msgs).map_err(|e| format!("ceremony outcome: {e}"))?;
    if out.joint_key.element().as_bytes() != &c.joint_key {
        return fail("the joint key is not the sum of the qualified dealers' constant commitments");
    }
    let stored: Vec<&[u8; 32]> = c.public_shares.iter().collect();
    let recomputed: Vec<&[u8; 32]> = out.public_shares.iter().map(Element::as_bytes).collect();
    if stored != recomputed {
        return fail("the public shares differ from those recomputed from the dealers' commitments");
    }
    let detail = format!(
        "{} dealers, {} complaints, qualified {:?}; joint key and {} public shares recomputed",
        c.dealer_messages.len(),
        c.complaints.len(),
        qualified,
        n
    );
    st.public_shares = Some(out.public_shares);
    Ok(detail)
}

/// §13.4: every credential on the board verifies under the poll's key and poll id
/// (spec §6.5); no serial occurs twice among the cast ballots.
pub(crate) fn step_13_4_credentials<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    let mut seen: HashMap<[u8; 32], usize> = HashMap::new();
    for (pos, entry) in record.board.iter().enumerate() {
        let cred = Credential::from_bytes(entry.credential()).map_err(|e| format!("entry {pos}: credential: {e}"))?;
        let (len, want) = (cred.signature().len(), manifest.credential_key.modulus_len());
        if len != want {
            return fail(format!(
                "entry {pos}: the credential's signature is {len} bytes long; the poll's {}-bit credential key \
                 makes signatures of {want} bytes",
                manifest.credential_key.modulus_bits()
            ));
        }
        if cred.verify(&manifest.credential_key, &st.poll_id).is_err() {
            return fail(format!("entry {pos}: the credential is not signed by the poll's credential key"));
        }
        if matches!(entry, BoardEntry::Cast { .. })
            && let Some(first) = seen.insert(cred.serial(), pos)
        {
            return fail(format!("entries {first} and {pos}: one credential cast twice (serial reused)"));
        }
    }
    Ok(format!("{} credentials valid, {} distinct serials cast", record.board.len(), seen.len()))
}

/// §13.5: every proof of every cast ballot (spec §10.3), in one batch (spec §4.4);
/// on failure, ballot by ballot to name the bad one.
pub(crate) fn step_13_5_ballot_proofs<R: CryptoRng + ?Sized>(
    st: &mut State<'_>,
    rng: &mut R,
) -> Result<String, StepError> {
    let (record, _, shape, key) = st.basics()?;
    let entries: Vec<(usize, &BoardEntry)> = cast_entries(record).collect();
    let per_ballot =
        shape.selections() + shape.contests.iter().map(|c| c.items.len() + usize::from(c.cap.is_some())).sum::<usize>();
    let ballots = super::ballots::verify_cast(&entries, shape, key, &st.election, rng)?;
    let n = ballots.len();
    st.cast = Some(ballots);
    Ok(format!("{} ballots, {} proofs", thousands(n), thousands(n * per_ballot)))
}

/// §13.6: every spoiled ballot's opening matches its ciphertexts and is a valid
/// ballot (spec §10.6).
pub(crate) fn step_13_6_spoiled<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let (record, _, shape, key) = st.basics()?;
    let mut n = 0;
    for (pos, entry) in record.board.iter().enumerate() {
        if let BoardEntry::Spoiled { ballot, opening, .. } = entry {
            let b = EncryptedBallot::decode(ballot, shape).map_err(|e| format!("entry {pos}: {e}"))?;
            let o = Opening::decode(opening, shape).map_err(|e| format!("entry {pos}: opening: {e}"))?;
            check_opening(shape, key, &b, &o).map_err(|e| format!("entry {pos}: {e}"))?;
            n += 1;
        }
    }
    Ok(format!("{n} spoiled ballots opened and checked"))
}

fn check_head(
    st: &State<'_>,
    manifest: &Manifest,
    head: &crate::record::format::SignedHead,
) -> Result<TreeHead, String> {
    let th = TreeHead::from_bytes(&head.head).map_err(|e| format!("tree head: {e}"))?;
    let sig = Signature::from_bytes(&head.signature).map_err(|e| format!("tree head signature: {e}"))?;
    verify(&manifest.server_key, tags::SIG_TREE_HEAD, &head_message(&head.head, &st.election), &sig)
        .map_err(|_| format!("the server's signature on the tree head of size {} does not verify", th.size))?;
    Ok(th)
}

/// §13.7: the Merkle tree of the board's entries (spec §7, §12.4) has the signed
/// final tree head, and every receipt tree head is a signed earlier state of it.
pub(crate) fn step_13_7_board<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    let log = board_log(&record.board);
    let head = check_head(st, manifest, &record.final_head)?;
    if head.size != log.len() || head.root != log.root() {
        return fail(format!(
            "the board's {} entries do not have the signed tree head (size {}): an entry was added, removed or changed",
            log.len(),
            head.size
        ));
    }
    let mut last = 0;
    let mut largest = 0;
    for (k, h) in record.receipt_heads.iter().enumerate() {
        let th = check_head(st, manifest, h)?;
        if th.size <= last || th.size > log.len() {
            return fail(format!("receipt tree head {k}: size {} out of order", th.size));
        }
        if log.root_at(th.size).ok() != Some(th.root) {
            return fail(format!(
                "receipt tree head {k} (size {}) is not a state of this board: an entry before it was changed or removed",
                th.size
            ));
        }
        last = th.size;
        largest = th.size;
    }
    // Every entry was receipted (its cast or challenge answered with a signed head
    // that includes it, §12.5): the largest receipt head covers the whole board.
    if largest != log.len() {
        return fail(if record.receipt_heads.is_empty() {
            format!("the record has no receipt tree heads for its {} entries: none of them was receipted", log.len())
        } else {
            format!(
                "the receipt tree heads cover only the first {largest} of the {} entries: entries from position \
                 {largest} on were never receipted",
                log.len()
            )
        });
    }
    Ok(format!(
        "{} entries, signed tree head matches, {} receipt tree heads consistent",
        log.len(),
        record.receipt_heads.len()
    ))
}

/// §13.8: present ≤ expected, issued ≤ present; ballots cast against credentials
/// issued (more cast than issued voids the poll, R6, which §13.12 then requires).
pub(crate) fn step_13_8_counts<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let (record, _, _, _) = st.basics()?;
    let a = record.attendance;
    if a.present > a.expected || a.issued > a.present {
        return fail(format!(
            "expected {}, present {}, issued {}: impossible figures",
            a.expected, a.present, a.issued
        ));
    }
    let cast = cast_count(record);
    let spoiled = record.board.len() - cast;
    let verdict = if cast as u64 <= u64::from(a.issued) { "≤ issued" } else { "> issued: the poll is void (R6)" };
    Ok(format!(
        "expected {}, present {}, issued {}, cast {cast} {verdict}, spoiled {spoiled}",
        a.expected, a.present, a.issued
    ))
}

/// §13.9: the aggregate of every selection is the sum of that selection over the cast ballots.
pub(crate) fn step_13_9_aggregate<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let (record, _, shape, _) = st.basics()?;
    if record.aggregates.len() != shape.selections() {
        return fail(format!("{} aggregates for {} selections", record.aggregates.len(), shape.selections()));
    }
    let stored: Vec<Ciphertext> = record
        .aggregates
        .iter()
        .map(|a| Ciphertext::decode(a))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("aggregate: {e}"))?;
    let ballots = st.cast.as_ref().ok_or(StepError::Skipped("the cast ballots could not be read (13.5)"))?;
    let sums = crate::ballot::selection_sums(shape, ballots);
    let cast = ballots.len();
    st.aggregates = Some(stored.clone());
    if let Some(s) = sums.iter().zip(&stored).position(|(a, b)| a != b) {
        return fail(format!("selection {s}: the aggregate is not the sum of the cast ballots"));
    }
    Ok(format!("{} selections over {} ballots", sums.len(), cast))
}

/// §13.10: at least `k` distinct scrutineers; each share's proof verifies against
/// the public share recomputed in §13.3 and the aggregate (spec §5.4), in one batch.
pub(crate) fn step_13_10_decryption_shares<R: CryptoRng + ?Sized>(
    st: &mut State<'_>,
    rng: &mut R,
) -> Result<String, StepError> {
    let (record, manifest, shape, _) = st.basics()?;
    let publics =
        st.public_shares.as_ref().ok_or(StepError::Skipped("the public shares were not recomputed (13.3)"))?;
    let aggregates = st.aggregates.as_ref().ok_or(StepError::Skipped("the aggregates could not be read (13.9)"))?;
    let n = manifest.scrutineers.len() as u32;
    let mut who = BTreeSet::new();
    for d in &record.decryptions {
        if d.scrutineer == 0 || d.scrutineer > n || !who.insert(d.scrutineer) {
            return fail(format!("scrutineer {} out of range or repeated", d.scrutineer));
        }
        if d.shares.len() != aggregates.len() {
            return fail(format!(
                "scrutineer {}: {} shares for {} selections",
                d.scrutineer,
                d.shares.len(),
                aggregates.len()
            ));
        }
    }
    if (who.len() as u32) < manifest.threshold {
        return fail(format!("shares from {} scrutineers, {} needed", who.len(), manifest.threshold));
    }
    let sel = selections(shape);
    let mut decoded = Vec::with_capacity(record.decryptions.len());
    let mut batch = BatchVerifier::new();
    for d in &record.decryptions {
        let x = &publics[d.scrutineer as usize - 1];
        let mut row = Vec::with_capacity(d.shares.len());
        for (s, (bytes, &(c, i, o))) in d.shares.iter().zip(&sel).enumerate() {
            let share = DecryptionShare::decode(bytes)
                .map_err(|e| format!("scrutineer {}, selection {s}: {e}", d.scrutineer))?;
            if share.index != d.scrutineer {
                return fail(format!(
                    "scrutineer {}, selection {s}: the share is scrutineer {}'s",
                    d.scrutineer, share.index
                ));
            }
            share.queue(&tally_context(&st.election, c, i, o), x, &aggregates[s], &mut batch, rng);
            row.push(share);
        }
        decoded.push(row);
    }
    let proofs = decoded.iter().map(Vec::len).sum::<usize>();
    let Ok(evidence) = verify_batch(batch) else {
        for (d, row) in record.decryptions.iter().zip(&decoded) {
            let x = &publics[d.scrutineer as usize - 1];
            for (s, (share, &(c, i, o))) in row.iter().zip(&sel).enumerate() {
                if share.verify(&tally_context(&st.election, c, i, o), x, &aggregates[s]).is_err() {
                    return fail(format!(
                        "scrutineer {}, selection {s}: the decryption share's proof fails",
                        d.scrutineer
                    ));
                }
            }
        }
        return fail("the batch of share proofs fails although each verifies alone");
    };
    let mut per_selection: Vec<Vec<VerifiedShare>> = vec![Vec::new(); sel.len()];
    for row in &decoded {
        for (s, share) in row.iter().enumerate() {
            per_selection[s].push(share.assume_verified(&evidence));
        }
    }
    st.shares = Some(per_selection);
    Ok(format!("scrutineers {who:?}, {} proofs", thousands(proofs)))
}

/// §13.11: the shares combine (spec §5.5) to the recorded totals, each at most the
/// number of cast ballots (spec §3.4).
pub(crate) fn step_13_11_totals<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    let shares = st.shares.as_ref().ok_or(StepError::Skipped("the decryption shares did not verify (13.10)"))?;
    let aggregates = st.aggregates.as_ref().ok_or(StepError::Skipped("the aggregates could not be read (13.9)"))?;
    if record.totals.len() != aggregates.len() {
        return fail(format!("{} totals for {} selections", record.totals.len(), aggregates.len()));
    }
    let bound = cast_count(record) as u64;
    let table = DlogTable::new(bound);
    for (s, ((ct, sh), stored)) in aggregates.iter().zip(shares).zip(&record.totals).enumerate() {
        let m = combine(ct, sh, manifest.threshold).map_err(|e| format!("selection {s}: {e}"))?;
        let total = table
            .recover(&m)
            .map_err(|_| format!("selection {s}: the decryption is not a count of at most {bound} ballots"))?;
        if total != *stored {
            return fail(format!("selection {s}: the shares decrypt to {total}, the record says {stored}"));
        }
    }
    Ok(format!("{} totals decrypted and equal, each ≤ {bound} ballots", record.totals.len()))
}

/// §13.12: the outcome recomputed from the totals, attendance and the manifest's
/// ruleset (the counting rules, RULES) equals the recorded outcome (spec §12.7).
pub(crate) fn step_13_12_outcome<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let (record, manifest, shape, _) = st.basics()?;
    let cast = u32::try_from(cast_count(record)).map_err(|_| "too many ballots".to_owned())?;
    let counts = poll_counts(&manifest.poll, shape, record.attendance, cast, &record.totals)
        .map_err(|e| format!("totals: {e}"))?;
    let (result, bytes) = outcome(&manifest.poll, &manifest.ruleset, &counts)
        .map_err(|e| format!("the totals cannot be counted: {}", e.text().en))?;
    let summary = if result.valid {
        format!(
            "poll stands; elected: {}",
            if result.elected.is_empty() { "—".to_owned() } else { result.elected.join("、") }
        )
    } else {
        format!("poll void: {}", result.void_reason.as_ref().map_or("", |t| t.en.as_str()))
    };
    let verdict = if bytes == record.outcome {
        Ok(summary)
    } else {
        let what = crate::record::outcome::first_difference(&result, &record.outcome).unwrap_or_default();
        fail(format!(
            "the recorded outcome is not the one the totals give under ruleset {}: {what}; the totals give: {summary}",
            manifest.ruleset.name
        ))
    };
    st.result = Some(result);
    verdict
}

/// §13.13: the server's signature over the body (spec §12.9), and every scrutineer's
/// and counter's over the result digest (spec §12.8).
pub(crate) fn step_13_13_signatures<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    let body = &st.bytes[..st.body_len];
    let sig = Signature::from_bytes(&record.server_signature).map_err(|e| format!("server signature: {e}"))?;
    verify(&manifest.server_key, tags::SIG_RECORD, &Record::body_digest(body), &sig)
        .map_err(|_| "the server's signature on the record does not verify".to_owned())?;
    let digest =
        result_digest(&st.election, record.attendance, cast_count(record) as u64, &record.totals, &record.outcome);
    for (role, signers, sigs) in [
        ("scrutineer", &manifest.scrutineers, &record.scrutineer_signatures),
        ("counter", &manifest.counters, &record.counter_signatures),
    ] {
        if signers.len() != sigs.len() {
            return fail(format!("{} {role} signatures for {} {role}s", sigs.len(), signers.len()));
        }
        for (signer, s) in signers.iter().zip(sigs) {
            let ok = Signature::from_bytes(s).is_ok_and(|s| verify(&signer.key, tags::SIG_RESULT, &digest, &s).is_ok());
            if !ok {
                return fail(format!("{role} {}'s signature on the result does not verify", signer.name));
            }
        }
    }
    Ok(format!("server, {} scrutineers and {} counters", manifest.scrutineers.len(), manifest.counters.len()))
}

/// §13.14: the record's election fingerprint (spec §11.4) and officers' keys are the
/// ones the hall wrote down, when the verifier is given them.
pub(crate) fn step_13_14_pins<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let pins = st.pins;
    let (_, manifest, _, _) = st.basics()?;
    let fp = st.fingerprint.ok_or(StepError::Skipped("the record could not be read (13.1)"))?;
    if !pins.pinned() {
        return Ok(format!(
            "none given: only consistency checked; compare fingerprint {fp} with the scrutineers' minutes"
        ));
    }
    let mut said = Vec::new();
    if let Some(expect) = &pins.fingerprint {
        match fp.matches(expect) {
            Err(e) => return fail(format!("--expect: {e}")),
            Ok(false) => {
                return fail(format!(
                    "the record's election fingerprint is {fp}, not {} as the hall wrote down: this record is not \
                     that poll (its manifest, server or credential key, officers or key ceremony differ)",
                    expect.trim()
                ));
            }
            Ok(true) => said.push(format!("fingerprint {fp} as expected")),
        }
    }
    let officers: Vec<(&str, &crate::record::Signer)> = manifest
        .scrutineers
        .iter()
        .map(|s| ("scrutineer", s))
        .chain(manifest.counters.iter().map(|c| ("counter", c)))
        .collect();
    for pin in &pins.officer_keys {
        let mut found = None;
        for (role, officer) in &officers {
            match KeyFingerprint::of(&officer.key).matches(pin) {
                Err(e) => return fail(format!("--officer-key: {e}")),
                Ok(true) => found = Some((*role, officer.name.as_str())),
                Ok(false) => {}
            }
        }
        match found {
            Some((role, name)) => said.push(format!("{role} {name}'s key {}", pin.trim())),
            None => {
                let listed: Vec<String> =
                    officers.iter().map(|(_, o)| format!("{} {}", o.name, KeyFingerprint::of(&o.key))).collect();
                return fail(format!(
                    "no scrutineer or counter of this record has the key fingerprint {}; the record's officers are: {}",
                    pin.trim(),
                    listed.join(", ")
                ));
            }
        }
    }
    Ok(said.join("; "))
}

/// §13.15: every receipt given is for an entry of this board, at its position, with
/// its tracking code, under a signed head the final board extends; every observed
/// head given is a signed earlier state of the final board.
pub(crate) fn step_13_15_receipts<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<String, StepError> {
    let pins = st.pins;
    if pins.receipts.is_empty() && pins.heads.is_empty() {
        return Ok("none given".into());
    }
    let (record, manifest, _, _) = st.basics()?;
    let fp = st.fingerprint.ok_or(StepError::Skipped("the record could not be read (13.1)"))?;
    let log = board_log(&record.board);
    let extends = |th: &TreeHead| th.size <= log.len() && log.root_at(th.size).ok() == Some(th.root);
    let (mut cast, mut spoiled) = (0, 0);
    for (k, text) in pins.receipts.iter().enumerate() {
        let n = k + 1;
        let r = Receipt::parse(text).map_err(|e| format!("receipt {n}: not a receipt: {e}"))?;
        let who = format!("receipt {n} (tracking code {}, position {})", r.tracking, r.position);
        if r.fingerprint != fp.prefix() {
            return fail(format!("{who}: it belongs to another poll, not the one with fingerprint {fp}"));
        }
        let th = check_head(st, manifest, &r.head).map_err(|e| format!("{who}: {e}"))?;
        if !extends(&th) {
            return fail(format!(
                "{who}: the record's board is not a continuation of the board the receipt was signed on ({}): \
                 an entry up to position {} was removed, moved or changed",
                head_summary(&r.head),
                th.size.saturating_sub(1)
            ));
        }
        let entry = usize::try_from(r.position).ok().and_then(|p| record.board.get(p));
        let Some(entry) = entry else {
            return fail(format!("{who}: the board has no entry at that position"));
        };
        let serial = Credential::from_bytes(entry.credential())
            .map(|c| c.serial())
            .map_err(|e| format!("{who}: the entry's credential: {e}"))?;
        let code = TrackingCode::of(&BallotContext { election: st.election, serial }, entry.ballot());
        if code != r.tracking {
            return fail(format!("{who}: the entry at that position has tracking code {code}, not the receipt's"));
        }
        match (r.kind, entry) {
            (ReceiptKind::Cast, BoardEntry::Cast { .. }) => cast += 1,
            (ReceiptKind::Spoiled, BoardEntry::Spoiled { .. }) => spoiled += 1,
            (ReceiptKind::Cast, _) => return fail(format!("{who}: a cast ballot, but the record has it as spoiled")),
            (ReceiptKind::Spoiled, _) => {
                return fail(format!("{who}: a challenged ballot, but the record counts it as cast"));
            }
        }
    }
    for (k, text) in pins.heads.iter().enumerate() {
        let n = k + 1;
        let head = parse_head(text).map_err(|e| format!("observed head {n}: {e}"))?;
        let th = check_head(st, manifest, &head).map_err(|e| format!("observed head {n}: {e}"))?;
        if !extends(&th) {
            return fail(format!(
                "observed head {n} ({}): the record's board is not a continuation of it: an entry was removed, moved \
                 or changed after the display showed it",
                head_summary(&head)
            ));
        }
    }
    Ok(format!(
        "{} receipts ({cast} cast, {spoiled} challenged) at their positions with their tracking codes; {} observed \
         heads; the final board extends each",
        pins.receipts.len(),
        pins.heads.len()
    ))
}
