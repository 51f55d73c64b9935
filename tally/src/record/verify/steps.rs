//! The steps of spec §13 that read the record and its board (§13.1–§13.7), and
//! what every step learns and passes on; the tally's steps are in `counts`, the
//! pins' in `pins`.

use std::collections::{BTreeSet, HashMap};

use hallvote_crypto::CryptoRng;
use hallvote_crypto::credential::Credential;
use hallvote_crypto::dkg::{DealerCommitments, DealerShare, Params, ceremony_output};
use hallvote_crypto::elgamal::{Ciphertext, PublicKey};
use hallvote_crypto::group::Element;
use hallvote_crypto::merkle::TreeHead;
use hallvote_crypto::sign::{Signature, verify};
use hallvote_crypto::tags;
use hallvote_crypto::threshold::VerifiedShare;

use super::say::{at, entry, no_basics, no_record, numbers, scrutineer, selection_names, t};
use super::{Pins, StepError, thousands};
use crate::ballot::{BallotShape, EncryptedBallot, Opening, check_opening};
use crate::count::PollResult;
use crate::record::builder::{board_log, head_message};
use crate::record::fingerprint::Fingerprint;
use crate::record::format::{BoardEntry, Record, SignedHead};
use crate::record::manifest::Manifest;
use crate::text::Text;
use crate::words::{decode_error, ed25519_error, verify_error};

/// What the steps learn and pass on.
pub(crate) struct State<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) pins: &'a Pins,
    pub(crate) fingerprint: Option<Fingerprint>,
    pub(super) record: Option<Record>,
    pub(super) body_len: usize,
    pub(super) manifest: Option<Manifest>,
    pub(super) shape: Option<BallotShape>,
    /// Each selection's name (contest, item, option), for the report's words.
    pub(super) names: Vec<Text>,
    pub(super) poll_id: [u8; 32],
    pub(super) election: [u8; 64],
    pub(super) joint_key: Option<PublicKey>,
    pub(super) public_shares: Option<Vec<Element>>,
    pub(super) cast: Option<Vec<EncryptedBallot>>,
    pub(super) aggregates: Option<Vec<Ciphertext>>,
    pub(super) shares: Option<Vec<Vec<VerifiedShare>>>,
    /// Each write-in contest and its input list rebuilt from the board (§13.11.1).
    pub(super) mix_inputs: Option<Vec<(usize, Vec<hallvote_crypto::shuffle::Row>)>>,
    /// Each mix's last list, once every shuffle verified (§13.11.2).
    pub(super) mix_lasts: Option<Vec<Vec<hallvote_crypto::shuffle::Row>>>,
    /// Each mix's verified list shares (§13.11.3).
    pub(super) mix_shares: Option<Vec<Vec<hallvote_crypto::mixdecrypt::VerifiedListShare>>>,
    /// Whether every mix's names were decrypted and equal the record's (§13.11.4).
    pub(super) mix_names_checked: bool,
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
            names: Vec::new(),
            poll_id: [0; 32],
            election: [0; 64],
            joint_key: None,
            public_shares: None,
            cast: None,
            aggregates: None,
            shares: None,
            mix_inputs: None,
            mix_lasts: None,
            mix_shares: None,
            mix_names_checked: false,
            result: None,
        }
    }

    /// The record, manifest, shape and key: what every step after §13.2 needs.
    pub(super) fn basics(&self) -> Result<(&Record, &Manifest, &BallotShape, &PublicKey), StepError> {
        match (&self.record, &self.manifest, &self.shape, &self.joint_key) {
            (Some(r), Some(m), Some(s), Some(k)) => Ok((r, m, s, k)),
            _ => Err(no_basics()),
        }
    }
}

pub(super) fn fail<T>(why: Text) -> Result<T, StepError> {
    Err(StepError::Fail(why))
}

pub(super) fn cast_entries(record: &Record) -> impl Iterator<Item = (usize, &BoardEntry)> {
    record.board.iter().enumerate().filter(|(_, e)| matches!(e, BoardEntry::Cast { .. }))
}

pub(super) fn cast_count(record: &Record) -> usize {
    cast_entries(record).count()
}

/// An entry's credential that does not decode: 公告板第 4 条的凭证格式有误：…
pub(super) fn bad_credential(pos: usize, e: &hallvote_crypto::DecodeError) -> Text {
    let (place, why) = (entry(pos), decode_error(e));
    t(format!("{}的凭证格式有误：{}", place.zh, why.zh), format!("{}: credential: {}", place.en, why.en))
}

/// Dealers in Chinese: 第 1、2、3 号监票人, or 无 (none).
fn dealers_zh(list: &[u32]) -> String {
    if list.is_empty() { "无".to_owned() } else { format!("第 {} 号监票人", numbers(list).zh) }
}

/// §13.1: the file has the record structure of spec §12.1, version 2 (3 with a
/// write-in mix), nothing trailing.
pub(crate) fn step_13_1_format<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let (record, body_len) = Record::decode(st.bytes).map_err(|e| at(&t("不是选举记录", "not a record"), &e.text()))?;
    let (version, size, n) = (record.version(), thousands(st.bytes.len()), record.board.len());
    let detail = t(
        format!("选举记录第 {version} 版，{size} 字节，公告板 {n} 条"),
        format!("record v{version}, {size} bytes, {n} board entries"),
    );
    st.fingerprint =
        Some(Fingerprint::of(&record.manifest, &record.ceremony.joint_key, &record.ceremony.public_shares));
    st.record = Some(record);
    st.body_len = body_len;
    Ok(detail)
}

/// §13.2: the manifest decodes canonically; the poll is valid under its ruleset; the
/// poll id and the election context hash `E` are derived from it (spec §11.3).
pub(crate) fn step_13_2_manifest<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let record = st.record.as_ref().ok_or_else(no_record)?;
    let manifest_words = t("投票清单", "manifest");
    let manifest = Manifest::decode(&record.manifest).map_err(|e| at(&manifest_words, &e.text()))?;
    let shape = manifest.shape().map_err(|e| at(&manifest_words, &e.text()))?;
    let key = PublicKey::decode(&record.ceremony.joint_key)
        .map_err(|e| at(&t("联合公钥", "joint key"), &decode_error(&e)))?;
    st.poll_id = Manifest::poll_id(&record.manifest);
    st.election = Manifest::election_hash(&record.manifest, &key);
    let (name, contests, selections) = (&manifest.poll.name, manifest.poll.contests.len(), shape.selections());
    let (ruleset, k, n, m) =
        (&manifest.ruleset.name, manifest.threshold, manifest.scrutineers.len(), manifest.counters.len());
    let detail = t(
        format!(
            "{name}：{contests} 个事项，每张选票 {selections} 个计票项，规则集 {ruleset}，\
             {n} 名监票人中任意 {k} 名可解密，{m} 名计票人"
        ),
        format!(
            "{name}: {contests} contests, {selections} selections a ballot, ruleset {ruleset}, \
             {k}-of-{n} scrutineers, {m} counters"
        ),
    );
    st.names = selection_names(&manifest.poll);
    st.manifest = Some(manifest);
    st.shape = Some(shape);
    st.joint_key = Some(key);
    Ok(detail)
}

/// §13.3: every dealer message and complaint re-checked (spec §5.2, §5.3); the
/// qualified set, the joint key and every public share recomputed and compared.
pub(crate) fn step_13_3_ceremony<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    let n = manifest.scrutineers.len() as u32;
    let k = manifest.threshold;
    let params = Params::new(k, n).map_err(|_| {
        t(
            format!("监票人门限不合规定：{n} 名监票人中任意 {k} 名（须 1 ≤ k ≤ n ≤ 255）"),
            format!("threshold parameters not allowed: {k} of {n} scrutineers (1 ≤ k ≤ n ≤ 255 required)"),
        )
    })?;
    let c = &record.ceremony;
    let mut dealers: HashMap<u32, (usize, DealerCommitments)> = HashMap::new();
    let mut disqualified = BTreeSet::new();
    for (pos, bytes) in c.dealer_messages.iter().enumerate() {
        let m = pos + 1;
        let msg = DealerCommitments::decode(bytes).map_err(|e| {
            let why = decode_error(&e);
            t(
                format!("第 {m} 份分发者消息格式有误：{}", why.zh),
                format!("dealer message {m} is malformed: {}", why.en),
            )
        })?;
        let d = msg.dealer;
        if d == 0 || d > n {
            return fail(t(
                format!("第 {m} 份分发者消息：分发者编号 {d} 超出范围（投票清单中有 {n} 名监票人）"),
                format!("dealer message {m}: dealer {d} out of range (the manifest has {n} scrutineers)"),
            ));
        }
        if let Some((first, _)) = dealers.get(&d) {
            let first = first + 1;
            return fail(t(
                format!("第 {m} 份分发者消息：分发者第 {d} 号监票人重复（第 {first} 份消息也是该监票人的）"),
                format!("dealer message {m}: dealer {d} repeated (dealer message {first} is also theirs)"),
            ));
        }
        if msg.verify(&manifest.ceremony, params).is_err() {
            disqualified.insert(d);
        }
        dealers.insert(d, (pos, msg));
    }
    for (pos, bytes) in c.complaints.iter().enumerate() {
        let m = pos + 1;
        let share = DealerShare::decode(bytes).map_err(|e| {
            let why = decode_error(&e);
            t(format!("第 {m} 项异议格式有误：{}", why.zh), format!("complaint {m}: {}", why.en))
        })?;
        let (d, r) = (share.dealer, share.recipient);
        let Some((_, msg)) = dealers.get(&d) else {
            return fail(t(
                format!("第 {m} 项异议针对分发者第 {d} 号监票人，但该监票人没有分发者消息"),
                format!("complaint {m} names dealer {d}, who sent no message"),
            ));
        };
        if r == 0 || r > n {
            return fail(t(
                format!("第 {m} 项异议：接收者编号 {r} 超出范围（投票清单中有 {n} 名监票人）"),
                format!("complaint {m}: recipient {r} out of range (the manifest has {n} scrutineers)"),
            ));
        }
        if share.verify(msg).is_err() {
            disqualified.insert(d);
        }
    }
    if let Some(j) = c.public_shares.iter().position(|x| x == Element::identity().as_bytes()) {
        let j = j + 1;
        return fail(t(
            format!("第 {j} 号监票人的公开份额是单位元：任何人都能伪造该监票人的解密份额"),
            format!(
                "scrutineer {j}'s public share is the identity: anyone could make that scrutineer's decryption shares"
            ),
        ));
    }
    let qualified: Vec<u32> = (1..=n).filter(|i| dealers.contains_key(i) && !disqualified.contains(i)).collect();
    if qualified != c.qualified {
        let (ours, theirs) = (numbers(&qualified), numbers(&c.qualified));
        return fail(t(
            format!("合格的分发者应为{}，记录中为{}", dealers_zh(&qualified), dealers_zh(&c.qualified)),
            format!("qualified dealers are {}, the record says {}", ours.en, theirs.en),
        ));
    }
    let msgs: Vec<DealerCommitments> =
        qualified.iter().filter_map(|i| dealers.get(i).map(|(_, m)| m.clone())).collect();
    let out =
        ceremony_output(params, &msgs).map_err(|e| at(&t("密钥生成结果", "ceremony outcome"), &verify_error(&e)))?;
    if out.joint_key.element().as_bytes() != &c.joint_key {
        return fail(t(
            "联合公钥不等于各合格分发者常数项承诺之和",
            "the joint key is not the sum of the qualified dealers' constant commitments",
        ));
    }
    if c.public_shares.len() != out.public_shares.len() {
        let (stored, want) = (c.public_shares.len(), out.public_shares.len());
        return fail(t(
            format!("记录中有 {stored} 个公开份额，而监票人有 {want} 名"),
            format!("the record has {stored} public shares for {want} scrutineers"),
        ));
    }
    let differs = c.public_shares.iter().zip(&out.public_shares).position(|(a, b)| a != b.as_bytes());
    if let Some(j) = differs {
        let j = j as u32 + 1;
        let who = scrutineer(j);
        return fail(t(
            format!("{}的公开份额与根据分发者承诺重新计算的不同", who.zh),
            format!("{}'s public share differs from the one recomputed from the dealers' commitments", who.en),
        ));
    }
    let (messages, complaints, q) = (c.dealer_messages.len(), c.complaints.len(), numbers(&qualified));
    let detail = t(
        format!(
            "分发者消息 {messages} 份，异议 {complaints} 项，合格分发者为{}；联合公钥与 {n} 个公开份额已重新计算核对",
            dealers_zh(&qualified)
        ),
        format!(
            "{messages} dealers, {complaints} complaints, qualified {}; joint key and {n} public shares recomputed",
            q.en
        ),
    );
    st.public_shares = Some(out.public_shares);
    Ok(detail)
}

/// §13.4: every credential on the board verifies under the poll's key and poll id
/// (spec §6.5); no serial occurs twice among the cast ballots; a cancelled credential
/// (spec §6.7) is cancelled once, never cast, and never challenged after it was
/// cancelled.
pub(crate) fn step_13_4_credentials<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    board_credentials(&record.board, &manifest.credential_key, &st.poll_id).map_err(StepError::Fail)
}

/// The check of §13.4 on a board's entries, given the poll's credential key and
/// `poll_id`: every credential is valid, no serial is cast twice, and a cancelled
/// credential (spec §6.7) is cancelled once, never cast, and never challenged after
/// its cancellation. The report's words on success, or why it fails.
pub fn board_credentials(
    board: &[BoardEntry],
    key: &hallvote_crypto::credential::CredentialPublicKey,
    poll_id: &[u8; hallvote_crypto::credential::POLL_ID_LEN],
) -> Result<Text, Text> {
    let fail = |why: Text| -> Result<Text, Text> { Err(why) };
    let mut seen: HashMap<[u8; 32], usize> = HashMap::new();
    let mut cancelled: HashMap<[u8; 32], usize> = HashMap::new();
    let mut checked = 0usize;
    for (pos, e) in board.iter().enumerate() {
        if matches!(e, BoardEntry::Replaced) {
            continue;
        }
        checked += 1;
        let cred = Credential::from_bytes(e.credential()).map_err(|err| bad_credential(pos, &err))?;
        let place = entry(pos);
        let (len, want) = (cred.signature().len(), key.modulus_len());
        if len != want {
            let bits = key.modulus_bits();
            return fail(t(
                format!(
                    "{}：凭证的签名长 {len} 字节，而本次投票的 {bits} 位凭证公钥产生的签名为 {want} 字节",
                    place.zh
                ),
                format!(
                    "{}: the credential's signature is {len} bytes long; the poll's {bits}-bit credential key \
                     makes signatures of {want} bytes",
                    place.en
                ),
            ));
        }
        if cred.verify(key, poll_id).is_err() {
            return fail(t(
                format!("{}：凭证不是本次投票的凭证密钥所签", place.zh),
                format!("{}: the credential is not signed by the poll's credential key", place.en),
            ));
        }
        let serial = cred.serial();
        match e {
            BoardEntry::Cast { .. } => {
                if let Some(first) = seen.insert(serial, pos) {
                    let (a, b) = (first + 1, pos + 1);
                    return fail(t(
                        format!("公告板第 {a} 条与第 {b} 条：同一凭证投了两次（凭证序号重复）"),
                        format!("entries {a} and {b}: one credential cast twice (serial reused)"),
                    ));
                }
                if let Some(c) = cancelled.get(&serial) {
                    return Err(cancelled_used(*c, pos, "投出了选票", "was cast"));
                }
            }
            BoardEntry::Spoiled { .. } => {
                if let Some(c) = cancelled.get(&serial) {
                    return Err(cancelled_used(*c, pos, "核验作废了选票", "was challenged"));
                }
            }
            BoardEntry::Cancelled { .. } => {
                if let Some(first) = cancelled.insert(serial, pos) {
                    let (a, b) = (first + 1, pos + 1);
                    return fail(t(
                        format!("公告板第 {a} 条与第 {b} 条：同一凭证作废了两次"),
                        format!("entries {a} and {b}: one credential cancelled twice"),
                    ));
                }
                if let Some(c) = seen.get(&serial) {
                    let (a, b) = (c + 1, pos + 1);
                    return fail(t(
                        format!("公告板第 {b} 条作废的凭证已在第 {a} 条投出了选票：已投出的凭证不能作废"),
                        format!(
                            "entry {b} cancels a credential already cast at entry {a}: a cast credential cannot be cancelled"
                        ),
                    ));
                }
            }
            BoardEntry::Replaced => {}
        }
    }
    let (serials, c) = (seen.len(), cancelled.len());
    let (zh, en) = if c == 0 {
        (String::new(), String::new())
    } else {
        (format!("；作废凭证 {c} 个，均未投出"), format!("; {c} cancelled, none cast"))
    };
    Ok(t(
        format!("{checked} 个凭证有效，投出的选票凭证序号互不相同，共 {serials} 个{zh}"),
        format!("{checked} credentials valid, {serials} distinct serials cast{en}"),
    ))
}

/// A cancelled credential (entry `c`) used again at entry `pos`.
fn cancelled_used(c: usize, pos: usize, zh: &str, en: &str) -> Text {
    let (a, b) = (c + 1, pos + 1);
    t(
        format!("公告板第 {b} 条：该凭证已在第 {a} 条作废（换发），却又{zh}"),
        format!("entry {b}: the credential was cancelled at entry {a} (replaced at the desk) and then {en}"),
    )
}

/// §13.5: every proof of every cast ballot (spec §10.3), in one batch (spec §4.4);
/// on failure, ballot by ballot to name the bad one.
pub(crate) fn step_13_5_ballot_proofs<R: CryptoRng + ?Sized>(
    st: &mut State<'_>,
    rng: &mut R,
) -> Result<Text, StepError> {
    let (record, _, shape, key) = st.basics()?;
    let entries: Vec<(usize, &BoardEntry)> = cast_entries(record).collect();
    let per_ballot =
        shape.selections() + shape.contests.iter().map(|c| c.items.len() + usize::from(c.cap.is_some())).sum::<usize>();
    let ballots = super::ballots::verify_cast(&entries, shape, key, &st.election, rng)?;
    let (n, proofs) = (thousands(ballots.len()), thousands(ballots.len() * per_ballot));
    st.cast = Some(ballots);
    Ok(t(format!("{n} 张选票，{proofs} 个证明"), format!("{n} ballots, {proofs} proofs")))
}

/// §13.6: every spoiled ballot's opening matches its ciphertexts and is a valid
/// ballot (spec §10.6).
pub(crate) fn step_13_6_spoiled<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let (record, _, shape, key) = st.basics()?;
    let mut n = 0;
    for (pos, e) in record.board.iter().enumerate() {
        if let BoardEntry::Spoiled { ballot, opening, .. } = e {
            let place = entry(pos);
            let b = EncryptedBallot::decode(ballot, shape).map_err(|err| at(&place, &err.text()))?;
            let o = Opening::decode(opening, shape).map_err(|err| {
                let why = err.text();
                t(format!("{}：所公开的内容：{}", place.zh, why.zh), format!("{}: opening: {}", place.en, why.en))
            })?;
            check_opening(shape, key, &b, &o).map_err(|err| at(&place, &err.text()))?;
            n += 1;
        }
    }
    Ok(t(format!("{n} 张作废选票已公开并核对"), format!("{n} spoiled ballots opened and checked")))
}

/// A signed tree head's signature, under the server's key for this poll (spec §12.5).
pub(super) fn check_head(st: &State<'_>, manifest: &Manifest, h: &SignedHead) -> Result<TreeHead, Text> {
    let th = TreeHead::from_bytes(&h.head).map_err(|e| at(&t("树头", "tree head"), &decode_error(&e)))?;
    let sig = Signature::from_bytes(&h.signature)
        .map_err(|e| at(&t("树头的签名", "tree head signature"), &ed25519_error(&e)))?;
    verify(&manifest.server_key, tags::SIG_TREE_HEAD, &head_message(&h.head, &st.election), &sig).map_err(|_| {
        t(
            format!("服务器对 {} 条的树头所作的签名无效", th.size),
            format!("the server's signature on the tree head of size {} does not verify", th.size),
        )
    })?;
    Ok(th)
}

/// §13.7: the Merkle tree of the board's entries (spec §7, §12.4) has the signed
/// final tree head, and every receipt tree head is a signed earlier state of it.
pub(crate) fn step_13_7_board<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    let log = board_log(&record.board);
    let len = log.len();
    let fin = check_head(st, manifest, &record.final_head).map_err(|e| at(&t("最终树头", "final tree head"), &e))?;
    if fin.size != len || fin.root != log.root() {
        let size = fin.size;
        return fail(t(
            format!("公告板的 {len} 条与签名树头（{size} 条）不符：有条目被添加、删除或改动"),
            format!(
                "the board's {len} entries do not have the signed tree head (size {size}): an entry was added, removed or changed"
            ),
        ));
    }
    let mut last = 0;
    for (k, h) in record.receipt_heads.iter().enumerate() {
        let place = t(format!("第 {} 个回执树头", k + 1), format!("receipt tree head {}", k + 1));
        let th = check_head(st, manifest, h).map_err(|e| at(&place, &e))?;
        let size = th.size;
        if size <= last {
            return fail(t(
                format!("{}：条数 {size} 顺序不对（前一个回执树头为 {last} 条，应逐个增加）", place.zh),
                format!("{}: size {size} out of order (the one before has size {last})", place.en),
            ));
        }
        if size > len {
            return fail(t(
                format!("{}：条数 {size} 超过公告板的 {len} 条", place.zh),
                format!("{}: size {size} is more than the board's {len} entries", place.en),
            ));
        }
        if log.root_at(size).ok() != Some(th.root) {
            return fail(t(
                format!("{}（{size} 条）不是本公告板曾有的状态：前 {size} 条中有条目被改动或删除", place.zh),
                format!(
                    "{} (size {size}) is not a state of this board: an entry before it was changed or removed",
                    place.en
                ),
            ));
        }
        last = size;
    }
    // Every entry was receipted (its cast or challenge answered with a signed head
    // that includes it, §12.5): the largest receipt head covers the whole board.
    if last != len {
        return fail(if record.receipt_heads.is_empty() {
            t(
                format!("选举记录中没有回执树头：公告板的 {len} 条都没有回执"),
                format!("the record has no receipt tree heads for its {len} entries: none of them was receipted"),
            )
        } else {
            let next = last + 1;
            t(
                format!("回执树头只覆盖公告板 {len} 条中的前 {last} 条：第 {next} 至 {len} 条没有回执"),
                format!(
                    "the receipt tree heads cover only the first {last} of the {len} entries: entries {next} to {len} \
                     were never receipted"
                ),
            )
        });
    }
    let heads = record.receipt_heads.len();
    Ok(t(
        format!("公告板 {len} 条，与签名树头相符；{heads} 个回执树头均与之一致"),
        format!("{len} entries, signed tree head matches, {heads} receipt tree heads consistent"),
    ))
}
