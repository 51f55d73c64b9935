//! The steps of spec §13 that check the tally (§13.8–§13.13): attendance, the
//! aggregates, the decryption shares, the totals, the outcome and the signatures.

use std::collections::BTreeSet;

use hallvote_crypto::CryptoRng;
use hallvote_crypto::dlog::DlogTable;
use hallvote_crypto::elgamal::Ciphertext;
use hallvote_crypto::proofs::BatchVerifier;
use hallvote_crypto::sign::{Signature, verify};
use hallvote_crypto::tags;
use hallvote_crypto::threshold::{DecryptionShare, VerifiedShare, combine, verify_batch};

use super::say::{at, no_aggregates, no_ballots, no_public_shares, no_shares, numbers, scrutineer, selection, t};
use super::steps::{State, cast_count, fail};
use super::{StepError, thousands};
use crate::record::builder::{outcome, poll_counts, replacements, result_digest, tally_context};
use crate::record::format::BoardEntry;
use crate::record::format::Record;
use crate::record::mix::add_write_ins;
use crate::record::shape::selections;
use crate::text::Text;
use crate::words::{decode_error, ed25519_error, verify_error};

/// §13.8: present ≤ expected, issued ≤ present; ballots cast against credentials
/// issued (more cast than issued voids the poll, R6, which §13.12 then requires).
pub(crate) fn step_13_8_counts<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let (record, _, _, _) = st.basics()?;
    let a = record.attendance;
    let (expected, present, issued) = (a.expected, a.present, a.issued);
    let (replaced, lost) = replacements(&record.board);
    // A lost credential's replacement (spec §6.7) is one more in force than present.
    if present > expected || u64::from(issued) > u64::from(present) + u64::from(lost) {
        let (zh, en) = if present > expected {
            ("实到多于应到", "more present than expected")
        } else {
            ("发出多于实到", "more issued than present")
        };
        return fail(t(
            format!("应到 {expected}，实到 {present}，发出 {issued}：这些数字不可能成立（{zh}）"),
            format!("expected {expected}, present {present}, issued {issued}: impossible figures ({en})"),
        ));
    }
    let cast = cast_count(record);
    let spoiled = record.board.iter().filter(|e| matches!(e, BoardEntry::Spoiled { .. })).count();
    let (zh, en) = if cast as u64 <= u64::from(issued) {
        ("不多于发出", "≤ issued")
    } else {
        ("多于发出（本次投票无效，R6）", "> issued: the poll is void (R6)")
    };
    let (rzh, ren) = if replaced == 0 && lost == 0 {
        (String::new(), String::new())
    } else {
        (
            format!("；换发：损坏作废 {replaced} 张，遗失补发 {lost} 张（计入发出）"),
            format!("; replaced: {replaced} damaged and cancelled, {lost} lost (counted as issued)"),
        )
    };
    Ok(t(
        format!("应到 {expected}，实到 {present}，发出 {issued}，投出 {cast}，{zh}，作废 {spoiled}{rzh}"),
        format!("expected {expected}, present {present}, issued {issued}, cast {cast} {en}, spoiled {spoiled}{ren}"),
    ))
}

/// §13.9: the aggregate of every selection is the sum of that selection over the cast ballots.
pub(crate) fn step_13_9_aggregate<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let (record, _, shape, _) = st.basics()?;
    let (stored_n, want) = (record.aggregates.len(), shape.selections());
    if stored_n != want {
        return fail(t(
            format!("记录中有 {stored_n} 个密文汇总，而每张选票有 {want} 个计票项"),
            format!("{stored_n} aggregates for {want} selections"),
        ));
    }
    let mut stored = Vec::with_capacity(want);
    for (s, a) in record.aggregates.iter().enumerate() {
        let ct = Ciphertext::decode(a).map_err(|e| {
            let (sel, why) = (selection(s, &st.names), decode_error(&e));
            t(format!("{}的密文汇总：{}", sel.zh, why.zh), format!("{}: aggregate: {}", sel.en, why.en))
        })?;
        stored.push(ct);
    }
    let ballots = st.cast.as_ref().ok_or_else(no_ballots)?;
    let sums = crate::ballot::selection_sums(shape, ballots);
    let cast = ballots.len();
    st.aggregates = Some(stored.clone());
    if let Some(s) = sums.iter().zip(&stored).position(|(a, b)| a != b) {
        let sel = selection(s, &st.names);
        return fail(t(
            format!("{}：密文汇总不等于 {cast} 张投出选票之和", sel.zh),
            format!("{}: the aggregate is not the sum of the cast ballots ({cast} ballots)", sel.en),
        ));
    }
    let n = sums.len();
    Ok(t(format!("{n} 个计票项，{cast} 张选票"), format!("{n} selections over {cast} ballots")))
}

/// §13.10: at least `k` distinct scrutineers; each share's proof verifies against
/// the public share recomputed in §13.3 and the aggregate (spec §5.4), in one batch.
pub(crate) fn step_13_10_decryption_shares<R: CryptoRng + ?Sized>(
    st: &mut State<'_>,
    rng: &mut R,
) -> Result<Text, StepError> {
    let (record, manifest, shape, _) = st.basics()?;
    let publics = st.public_shares.as_ref().ok_or_else(no_public_shares)?;
    let aggregates = st.aggregates.as_ref().ok_or_else(no_aggregates)?;
    let n = manifest.scrutineers.len() as u32;
    let mut who = BTreeSet::new();
    for d in &record.decryptions {
        let j = d.scrutineer;
        if j == 0 || j > n {
            return fail(t(
                format!("第 {j} 号监票人超出范围：投票清单中有 {n} 名监票人"),
                format!("scrutineer {j} out of range: the manifest has {n} scrutineers"),
            ));
        }
        if !who.insert(j) {
            return fail(t(
                format!("第 {j} 号监票人的解密份额出现了两次"),
                format!("scrutineer {j} repeated: their decryption shares appear twice"),
            ));
        }
        let (have, want) = (d.shares.len(), aggregates.len());
        if have != want {
            return fail(t(
                format!("第 {j} 号监票人：{have} 个解密份额，而计票项有 {want} 个"),
                format!("scrutineer {j}: {have} shares for {want} selections"),
            ));
        }
    }
    let k = manifest.threshold;
    if (who.len() as u32) < k {
        let w = who.len();
        return fail(t(
            format!("只有 {w} 名监票人提交了解密份额，至少需要 {k} 名"),
            format!("shares from {w} scrutineers, {k} needed"),
        ));
    }
    let place = |j: u32, s: usize| {
        let (who, sel) = (scrutineer(j), selection(s, &st.names));
        t(format!("{}，{}", who.zh, sel.zh), format!("{}, {}", who.en, sel.en))
    };
    let sel = selections(shape);
    let mut decoded = Vec::with_capacity(record.decryptions.len());
    let mut batch = BatchVerifier::new();
    for d in &record.decryptions {
        let x = &publics[d.scrutineer as usize - 1];
        let mut row = Vec::with_capacity(d.shares.len());
        for (s, (bytes, &(c, i, o))) in d.shares.iter().zip(&sel).enumerate() {
            let share = DecryptionShare::decode(bytes).map_err(|e| at(&place(d.scrutineer, s), &decode_error(&e)))?;
            if share.index != d.scrutineer {
                let other = share.index;
                let p = place(d.scrutineer, s);
                return fail(t(
                    format!("{}：该份额是第 {other} 号监票人的", p.zh),
                    format!("{}: the share is scrutineer {other}'s", p.en),
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
                    let p = place(d.scrutineer, s);
                    return fail(t(
                        format!("{}：解密份额的证明不成立（与公开份额和密文汇总不符）", p.zh),
                        format!("{}: the decryption share's proof fails", p.en),
                    ));
                }
            }
        }
        return fail(t(
            format!("{proofs} 个解密份额的证明成批核验未通过，但逐个核验均通过"),
            format!("the batch of share proofs fails although each verifies alone ({proofs} proofs)"),
        ));
    };
    let mut per_selection: Vec<Vec<VerifiedShare>> = vec![Vec::new(); sel.len()];
    for row in &decoded {
        for (s, share) in row.iter().enumerate() {
            per_selection[s].push(share.assume_verified(&evidence));
        }
    }
    st.shares = Some(per_selection);
    let (list, proofs) = (numbers(&who.into_iter().collect::<Vec<_>>()), thousands(proofs));
    Ok(t(format!("第 {} 号监票人，{proofs} 个证明", list.zh), format!("scrutineers {}, {proofs} proofs", list.en)))
}

/// §13.11: the shares combine (spec §5.5) to the recorded totals, each at most the
/// number of cast ballots (spec §3.4).
pub(crate) fn step_13_11_totals<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    let shares = st.shares.as_ref().ok_or_else(no_shares)?;
    let aggregates = st.aggregates.as_ref().ok_or_else(no_aggregates)?;
    let (have, want) = (record.totals.len(), aggregates.len());
    if have != want {
        return fail(t(
            format!("记录中有 {have} 个总数，而计票项有 {want} 个"),
            format!("{have} totals for {want} selections"),
        ));
    }
    let bound = cast_count(record) as u64;
    let table = DlogTable::new(bound);
    for (s, ((ct, sh), stored)) in aggregates.iter().zip(shares).zip(&record.totals).enumerate() {
        let sel = selection(s, &st.names);
        let m = combine(ct, sh, manifest.threshold).map_err(|e| at(&sel, &verify_error(&e)))?;
        let total = table.recover(&m).map_err(|_| {
            t(
                format!("{}：解密结果不是不超过 {bound} 张选票的票数", sel.zh),
                format!("{}: the decryption is not a count of at most {bound} ballots", sel.en),
            )
        })?;
        if total != *stored {
            return fail(t(
                format!("{}：解密份额解出 {total}，记录中为 {stored}", sel.zh),
                format!("{}: the shares decrypt to {total}, the record says {stored}", sel.en),
            ));
        }
    }
    Ok(t(
        format!("{have} 个总数已解密，与记录相符，每个不超过 {bound} 张选票"),
        format!("{have} totals decrypted and equal, each ≤ {bound} ballots"),
    ))
}

/// §13.12: the outcome recomputed from the totals, attendance and the manifest's
/// ruleset (the counting rules, RULES) equals the recorded outcome (spec §12.7).
pub(crate) fn step_13_12_outcome<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let (record, manifest, shape, _) = st.basics()?;
    let n = cast_count(record);
    let cast = u32::try_from(n)
        .map_err(|_| t(format!("投出选票过多（{n} 张），无法计票"), format!("too many ballots ({n}) to count")))?;
    let with_write_ins = super::mix::checked_write_ins(st)?;
    let mut counts = poll_counts(&manifest.poll, shape, record.attendance, cast, &record.totals)
        .map_err(|e| at(&t("各项总数", "totals"), &e.text()))?;
    (counts.replaced, counts.replaced_lost) = replacements(&record.board);
    if with_write_ins {
        add_write_ins(&mut counts, &manifest.poll, &record.mixes);
    }
    let (result, bytes) = outcome(&manifest.poll, &manifest.ruleset, &counts)
        .map_err(|e| at(&t("各项总数无法计票", "the totals cannot be counted"), &e.text()))?;
    let summary = if result.valid {
        let elected = if result.elected.is_empty() { "—".to_owned() } else { result.elected.join("、") };
        t(format!("投票有效；当选：{elected}"), format!("poll stands; elected: {elected}"))
    } else {
        let why = result.void_reason.clone().unwrap_or_default();
        t(format!("投票无效：{}", why.zh), format!("poll void: {}", why.en))
    };
    let verdict = if bytes == record.outcome {
        Ok(summary)
    } else {
        let what = crate::record::outcome::first_difference(&result, &record.outcome).unwrap_or_default();
        let rs = &manifest.ruleset.name;
        fail(t(
            format!("记录的计票结果不是各项总数按规则集 {rs} 得出的结果：{}；按各项总数应为：{}", what.zh, summary.zh),
            format!(
                "the recorded outcome is not the one the totals give under ruleset {rs}: {}; the totals give: {}",
                what.en, summary.en
            ),
        ))
    };
    st.result = Some(result);
    verdict
}

/// §13.13: the server's signature over the body (spec §12.9), and every scrutineer's
/// and counter's over the result digest (spec §12.8).
pub(crate) fn step_13_13_signatures<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    let body = &st.bytes[..st.body_len];
    let sig = Signature::from_bytes(&record.server_signature)
        .map_err(|e| at(&t("服务器对选举记录的签名", "server signature"), &ed25519_error(&e)))?;
    verify(&manifest.server_key, tags::SIG_RECORD, &Record::body_digest(body), &sig)
        .map_err(|_| t("服务器对选举记录的签名无效", "the server's signature on the record does not verify"))?;
    let digest =
        result_digest(&st.election, record.attendance, cast_count(record) as u64, &record.totals, &record.outcome);
    for (zh, en, signers, sigs) in [
        ("监票人", "scrutineer", &manifest.scrutineers, &record.scrutineer_signatures),
        ("计票人", "counter", &manifest.counters, &record.counter_signatures),
    ] {
        let (have, want) = (sigs.len(), signers.len());
        if have != want {
            return fail(t(
                format!("{zh}签名 {have} 个，而投票清单中有 {want} 名{zh}"),
                format!("{have} {en} signatures for {want} {en}s"),
            ));
        }
        for (j, (signer, s)) in signers.iter().zip(sigs).enumerate() {
            let ok = Signature::from_bytes(s).is_ok_and(|s| verify(&signer.key, tags::SIG_RESULT, &digest, &s).is_ok());
            if !ok {
                let (j, name) = (j + 1, &signer.name);
                return fail(t(
                    format!("第 {j} 号{zh}（{name}）对计票结果的签名无效"),
                    format!("{en} {name}'s signature on the result does not verify ({en} {j} of the manifest)"),
                ));
            }
        }
    }
    let (s, c) = (manifest.scrutineers.len(), manifest.counters.len());
    Ok(t(
        format!("服务器、{s} 名监票人和 {c} 名计票人的签名均有效"),
        format!("server, {s} scrutineers and {c} counters"),
    ))
}
