//! The steps of spec §13 that check the write-in mix (§13.11.1–§13.11.5): the input
//! list rebuilt from the board, every shuffle, the list decryption shares, the
//! decrypted names and the write-ins the outcome counts. A poll without write-ins
//! has no mix, and each step says so and passes.

use std::collections::{BTreeMap, BTreeSet};

use hallvote_crypto::CryptoRng;
use hallvote_crypto::error::ShuffleCheck;
use hallvote_crypto::mixdecrypt::{ListShare, VerifiedListShare};
use hallvote_crypto::shuffle::Row;
use hallvote_crypto::writein::WriteInError;

use super::StepError;
use super::say::{at, no_ballots, no_basics, no_public_shares, scrutineer, t};
use super::steps::{State, fail};
use super::thousands;
use crate::record::mix::{
    MixError, TurnError, check_turns, decrypt_names, flatten, input_digest, mix_decrypt_context, mix_inputs,
    names_match, write_in_votes,
};
use crate::record::outcome::recorded_write_ins;
use crate::text::Text;
use crate::words::decode_error;

/// Contest `c` (0-based) by its title: 事项“选举镇党委委员”, contest 选举镇党委委员.
fn contest(st: &State<'_>, c: usize) -> Text {
    match st.manifest.as_ref().and_then(|m| m.poll.contests.get(c)) {
        Some(x) => t(format!("事项“{}”", x.title), format!("contest {}", x.title)),
        None => t(format!("第 {} 个事项", c + 1), format!("contest {}", c + 1)),
    }
}

/// Turn `turn` (0-based) of a contest's mix by scrutineer `j`: 第 2 轮混洗（第 3 号监票人）.
fn turn_words(place: &Text, turn: usize, j: u32) -> Text {
    let who = scrutineer(j);
    t(
        format!("{}，第 {} 轮混洗（{}）", place.zh, turn + 1, who.zh),
        format!("{}, turn {} ({})", place.en, turn + 1, who.en),
    )
}

/// The check of a proof of shuffle that failed (spec §18.5), in words.
fn shuffle_check(check: &ShuffleCheck) -> Text {
    let zh = match check {
        ShuffleCheck::RowCount => "输出名单的行数与输入名单不同（有行被删去或添加）".to_owned(),
        ShuffleCheck::RowWidth => "有一行的密文个数与其他行不同".to_owned(),
        ShuffleCheck::ProofShape => "证明的长度与名单不符".to_owned(),
        ShuffleCheck::CommitmentSum => "t1 不成立：置换承诺之和不符".to_owned(),
        ShuffleCheck::ChainEnd => "t2 不成立：承诺链的末端不符".to_owned(),
        ShuffleCheck::PermutationChallenge => "t3 不成立：置换承诺与挑战值不符".to_owned(),
        ShuffleCheck::ReEncryption { component } => {
            format!("t4 不成立：第 {component} 个分量（从 0 起数）不是输入的重新加密")
        }
        ShuffleCheck::ChainLink { index } => format!("t-hat {index} 不成立：承诺链第 {index} 环不符"),
        _ => "混洗证明不成立".to_owned(),
    };
    t(zh, format!("the proof of shuffle fails {check}"))
}

/// Why a decrypted slot is not a name (spec §17.4), in words.
fn name_error(e: &WriteInError) -> Text {
    let zh = match e {
        WriteInError::NotAnEmbedding(k) => format!("第 {k} 个元素不是姓名的嵌入（末字节不为零）"),
        WriteInError::NonMinimalCounter(k) => format!("第 {k} 个元素未用最小的计数值"),
        WriteInError::LengthOutOfRange(n) => format!("长度字节 {n} 超出范围"),
        WriteInError::NonZeroPadding => "填充字节不全为零".to_owned(),
        WriteInError::InvalidUtf8 => "姓名不是有效的 UTF-8".to_owned(),
        _ => "不是姓名的编码".to_owned(),
    };
    t(zh, e.to_string())
}

/// Why a step was not checked: the mix input was not rebuilt (§13.11.1).
fn no_inputs() -> StepError {
    StepError::Skipped(t("混洗的输入名单未能核对（13.11.1）", "the mix input lists were not checked (13.11.1)"))
}

/// Why a step was not checked: the shuffles did not verify (§13.11.2).
fn no_turns() -> StepError {
    StepError::Skipped(t("混洗证明未通过核验（13.11.2）", "the shuffles did not verify (13.11.2)"))
}

/// Why a step was not checked: the list shares did not verify (§13.11.3).
fn no_list_shares() -> StepError {
    StepError::Skipped(t("名单解密份额未通过核验（13.11.3）", "the list decryption shares did not verify (13.11.3)"))
}

/// Why a step was not checked: the names were not decrypted (§13.11.4).
pub(super) fn no_names() -> StepError {
    StepError::Skipped(t("另选他人的姓名未能解密核对（13.11.4）", "the write-in names were not decrypted (13.11.4)"))
}

fn nothing_to_mix() -> Text {
    t("本次投票没有可另选他人的事项，无需混洗", "no contest takes write-ins: nothing to mix")
}

/// §13.11.1: every contest that takes write-ins has one mix, in contest order, whose
/// input list is the write-in rows of the cast ballots in board order (its row
/// count and digest rebuilt from the board); no other contest has one.
pub(crate) fn step_13_11_1_mix_input<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let (record, _, shape, _) = st.basics()?;
    let ballots = st.cast.as_ref().ok_or_else(no_ballots)?;
    let inputs = mix_inputs(shape, ballots).map_err(|e| t("投出选票的另选他人行无法读取", e.to_string()))?;
    let want: Vec<usize> = inputs.iter().map(|(c, _)| *c).collect();
    let have: Vec<usize> = record.mixes.iter().map(|m| m.contest as usize).collect();
    if want != have {
        let list = |cs: &[usize]| {
            if cs.is_empty() {
                return t("无", "none");
            }
            let each: Vec<Text> = cs.iter().map(|&c| contest(st, c)).collect();
            Text::join(&each)
        };
        let (w, h) = (list(&want), list(&have));
        return fail(t(
            format!("可另选他人的事项为{}，而记录中混洗的事项为{}", w.zh, h.zh),
            format!("the contests that take write-ins are {}; the record mixes {}", w.en, h.en),
        ));
    }
    let mut rows_total = 0;
    for (m, (c, rows)) in record.mixes.iter().zip(&inputs) {
        let place = contest(st, *c);
        let (have, want) = (m.rows as usize, rows.len());
        if have != want {
            let (b, items) = (ballots.len(), shape.contests[*c].items.len());
            return fail(t(
                format!(
                    "{}：混洗名单有 {have} 行，而 {b} 张投出选票共有 {want} 行另选他人（每张 {items} 行）",
                    place.zh
                ),
                format!(
                    "{}: the mix has {have} rows; the {b} cast ballots have {want} write-in rows ({items} a ballot)",
                    place.en
                ),
            ));
        }
        if m.input_digest != input_digest(rows) {
            return fail(t(
                format!("{}：混洗的输入名单不是公告板上投出选票的另选他人行（摘要不符）", place.zh),
                format!(
                    "{}: the mix's input list is not the write-in rows of the board's cast ballots (digest differs)",
                    place.en
                ),
            ));
        }
        rows_total += want;
    }
    let n = inputs.len();
    st.mix_inputs = Some(inputs);
    if n == 0 {
        return Ok(nothing_to_mix());
    }
    let rows = thousands(rows_total);
    Ok(t(
        format!("{n} 个事项的输入名单共 {rows} 行，与公告板上的投出选票一致"),
        format!("{n} contests, {rows} input rows rebuilt from the board and equal"),
    ))
}

/// §13.11.2: every turn of every mix is by a distinct scrutineer of the manifest,
/// and its proof of shuffle (spec §18.5) verifies against the list before it (the
/// input list for the first turn); a list with rows has at least one turn.
pub(crate) fn step_13_11_2_shuffles<R: CryptoRng + ?Sized>(st: &mut State<'_>, rng: &mut R) -> Result<Text, StepError> {
    let (record, manifest, _, key) = st.basics()?;
    let inputs = st.mix_inputs.as_ref().ok_or_else(no_inputs)?;
    let n = manifest.scrutineers.len() as u32;
    let mut lasts: Vec<Vec<Row>> = Vec::with_capacity(inputs.len());
    let mut turns_total = 0;
    for (m, (c, input)) in record.mixes.iter().zip(inputs) {
        let place = contest(st, *c);
        if input.is_empty() != m.turns.is_empty() {
            let (rows, turns) = (input.len(), m.turns.len());
            return fail(t(
                format!("{}：名单有 {rows} 行，混洗 {turns} 轮（有行的名单至少混洗一轮，空名单不混洗）", place.zh),
                format!(
                    "{}: {rows} rows and {turns} turns (a list with rows is shuffled at least once, an empty one never)",
                    place.en
                ),
            ));
        }
        // The first turn by a scrutineer who cannot take it; the turns before it are
        // checked first (all in one batch, spec §18.5 "Chains"), so that the first
        // problem in turn order is the one reported.
        let mut seen = BTreeSet::new();
        let bad_scrutineer = m.turns.iter().enumerate().find_map(|(k, turn)| {
            let j = turn.scrutineer;
            if j == 0 || j > n {
                Some((
                    k,
                    t(
                        format!("监票人编号超出范围（投票清单中有 {n} 名监票人）"),
                        format!("no such scrutineer (the manifest has {n})"),
                    ),
                ))
            } else if !seen.insert(j) {
                Some((k, t("该监票人已混洗过一轮", "that scrutineer already took a turn")))
            } else {
                None
            }
        });
        let checked = bad_scrutineer.as_ref().map_or(m.turns.len(), |(k, _)| *k);
        let current = check_turns(&st.election, key, *c, input, &m.turns[..checked], rng).map_err(|(k, e)| {
            let words = turn_words(&place, k, m.turns[k].scrutineer);
            match e {
                TurnError::Malformed => {
                    at(&words, &t("输出名单或混洗证明格式有误", "the output list or the proof of shuffle is malformed"))
                }
                TurnError::Shuffle(check) => at(&words, &shuffle_check(&check)),
            }
        })?;
        if let Some((k, why)) = bad_scrutineer {
            return fail(at(&turn_words(&place, k, m.turns[k].scrutineer), &why));
        }
        turns_total += m.turns.len();
        lasts.push(current);
    }
    let mixes = lasts.len();
    st.mix_lasts = Some(lasts);
    if mixes == 0 {
        return Ok(nothing_to_mix());
    }
    Ok(t(
        format!("{mixes} 个事项共 {turns_total} 轮混洗，每轮的证明均成立"),
        format!("{mixes} contests, {turns_total} turns, every proof of shuffle verifies"),
    ))
}

/// §13.11.3: each mix's list shares are from at least `k` distinct scrutineers of
/// the manifest, and each verifies (spec §19.4) against the mix's last list, in the
/// context of spec §12.12, and the scrutineer's public share recomputed in §13.3.
pub(crate) fn step_13_11_3_list_shares<R: CryptoRng + ?Sized>(
    st: &mut State<'_>,
    _: &mut R,
) -> Result<Text, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    let publics = st.public_shares.as_ref().ok_or_else(no_public_shares)?;
    let lasts = st.mix_lasts.as_ref().ok_or_else(no_turns)?;
    let (n, k) = (manifest.scrutineers.len() as u32, manifest.threshold);
    let mut verified_all = Vec::with_capacity(lasts.len());
    let mut count = 0;
    for (m, last) in record.mixes.iter().zip(lasts) {
        let c = m.contest as usize;
        let place = contest(st, c);
        if last.is_empty() {
            if !m.shares.is_empty() {
                return fail(at(&place, &t("空名单不应有解密份额", "an empty list has no decryption shares")));
            }
            verified_all.push(Vec::new());
            continue;
        }
        let list = flatten(last);
        let ctx = mix_decrypt_context(&st.election, c);
        let mut verified: Vec<VerifiedListShare> = Vec::with_capacity(m.shares.len());
        for (pos, bytes) in m.shares.iter().enumerate() {
            let share = ListShare::decode(bytes).map_err(|e| {
                let p = t(
                    format!("{}，第 {} 份名单解密份额", place.zh, pos + 1),
                    format!("{}, list share {}", place.en, pos + 1),
                );
                at(&p, &decode_error(&e))
            })?;
            let j = share.index;
            let who = scrutineer(j);
            let p =
                t(format!("{}，{}的名单解密份额", place.zh, who.zh), format!("{}, {}'s list share", place.en, who.en));
            if j == 0 || j > n {
                return fail(at(
                    &p,
                    &t(
                        format!("监票人编号超出范围（共 {n} 名）"),
                        format!("no such scrutineer (the manifest has {n})"),
                    ),
                ));
            }
            if verified.iter().any(|v| v.index() == j) {
                return fail(at(&p, &t("该监票人的份额出现了两次", "it appears twice")));
            }
            let v = share.verify(&ctx, &publics[j as usize - 1], &list).map_err(|_| {
                at(
                    &p,
                    &t(
                        "证明不成立（与公开份额和最后一轮混洗后的名单不符）",
                        "the proof fails (against the public share and the last shuffled list)",
                    ),
                )
            })?;
            verified.push(v);
        }
        if (verified.len() as u32) < k {
            let w = verified.len();
            return fail(at(
                &place,
                &t(
                    format!("只有 {w} 名监票人提交了名单解密份额，至少需要 {k} 名"),
                    format!("list shares from {w} scrutineers, {k} needed"),
                ),
            ));
        }
        count += verified.len();
        verified_all.push(verified);
    }
    let mixes = verified_all.len();
    st.mix_shares = Some(verified_all);
    if mixes == 0 {
        return Ok(nothing_to_mix());
    }
    Ok(t(
        format!("{mixes} 个事项共 {count} 份名单解密份额，证明均成立"),
        format!("{mixes} contests, {count} list shares, every proof verifies"),
    ))
}

/// §13.11.4: the shares combine (spec §5.5) and every slot of the last list decodes
/// to a name (spec §17.4), equal to the record's name at that position.
pub(crate) fn step_13_11_4_names<R: CryptoRng + ?Sized>(st: &mut State<'_>, rng: &mut R) -> Result<Text, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    let lasts = st.mix_lasts.as_ref().ok_or_else(no_turns)?;
    let shares = st.mix_shares.as_ref().ok_or_else(no_list_shares)?;
    let mut written = 0;
    for ((m, last), verified) in record.mixes.iter().zip(lasts).zip(shares) {
        let place = contest(st, m.contest as usize);
        // The record's names checked against the shares in one batch first (spec
        // §13.11.4); only if that fails is the list decrypted, to name the row.
        let names = if last.is_empty() {
            Vec::new()
        } else if names_match(last, verified, manifest.threshold, &m.names, rng) {
            m.names.clone()
        } else {
            decrypt_names(last, verified, manifest.threshold).map_err(|e| match e {
                MixError::Name { row, error } => {
                    let p = t(
                        format!("{}，混洗后名单第 {} 行", place.zh, row + 1),
                        format!("{}, row {} of the mixed list", place.en, row + 1),
                    );
                    at(&p, &name_error(&error))
                }
                other => at(&place, &t("名单解密份额无法合并", other.to_string())),
            })?
        };
        if names.len() != m.names.len() {
            let (have, want) = (m.names.len(), names.len());
            return fail(at(
                &place,
                &t(
                    format!("记录中有 {have} 个姓名，而名单有 {want} 行"),
                    format!("the record has {have} names for {want} rows"),
                ),
            ));
        }
        if let Some(row) = names.iter().zip(&m.names).position(|(a, b)| a != b) {
            let (ours, theirs) = (&names[row], &m.names[row]);
            let p = t(
                format!("{}，混洗后名单第 {} 行", place.zh, row + 1),
                format!("{}, row {} of the mixed list", place.en, row + 1),
            );
            return fail(at(
                &p,
                &t(
                    format!("解密为“{ours}”，记录中为“{theirs}”"),
                    format!("decrypts to “{ours}”, the record says “{theirs}”"),
                ),
            ));
        }
        written += names.iter().filter(|n| !n.is_empty()).count();
    }
    let none = record.mixes.is_empty();
    let rows: usize = record.mixes.iter().map(|m| m.names.len()).sum();
    st.mix_names_checked = true;
    if none {
        return Ok(nothing_to_mix());
    }
    let (rows, written) = (thousands(rows), thousands(written));
    Ok(t(
        format!("{rows} 行已解密，与记录相符，其中 {written} 行写有姓名"),
        format!("{rows} rows decrypted and equal to the record, {written} with a name"),
    ))
}

/// §13.11.5: for every election, the write-ins the recorded outcome counts are
/// exactly the counted decrypted names with their number (spec §12.12): no name
/// added, dropped or given another count, and none in a contest without a mix.
pub(crate) fn step_13_11_5_counted_write_ins<R: CryptoRng + ?Sized>(
    st: &mut State<'_>,
    _: &mut R,
) -> Result<Text, StepError> {
    let (record, manifest, _, _) = st.basics()?;
    if !st.mix_names_checked {
        return Err(no_names());
    }
    let recorded =
        recorded_write_ins(&record.outcome).map_err(|e| at(&t("记录的计票结果", "the recorded outcome"), &e.text()))?;
    let mut decrypted: BTreeMap<String, (BTreeMap<String, u32>, usize)> = BTreeMap::new();
    for m in &record.mixes {
        if let Some(c) = manifest.poll.contests.get(m.contest as usize) {
            let (votes, void) = write_in_votes(&manifest.poll, m);
            decrypted.insert(c.id.clone(), (votes, void.len()));
        }
    }
    let (mut names, mut void) = (0, 0);
    for (id, list) in &recorded {
        let title = manifest.poll.contests.iter().find(|c| &c.id == id).map_or(id.as_str(), |c| c.title.as_str());
        let place = t(format!("事项“{title}”"), format!("contest {title}"));
        let empty = (BTreeMap::new(), 0);
        let (ours, voids) = decrypted.get(id).unwrap_or(&empty);
        let mut theirs: BTreeMap<&str, u32> = BTreeMap::new();
        for (name, votes) in list {
            if theirs.insert(name, *votes).is_some() {
                return fail(at(
                    &place,
                    &t(
                        format!("另选他人“{name}”在计票结果中出现了两次"),
                        format!("the write-in “{name}” appears twice in the outcome"),
                    ),
                ));
            }
        }
        for (name, votes) in &theirs {
            match ours.get(*name) {
                None => {
                    return fail(at(
                        &place,
                        &t(
                            format!("计票结果计入了另选他人“{name}”{votes} 票，但解密的名单中没有这个姓名"),
                            format!(
                                "the outcome counts the write-in “{name}” ({votes} votes), who is not in the decrypted list"
                            ),
                        ),
                    ));
                }
                Some(n) if n != votes => {
                    return fail(at(
                        &place,
                        &t(
                            format!("另选他人“{name}”：计票结果为 {votes} 票，解密的名单中为 {n} 票"),
                            format!(
                                "the write-in “{name}”: the outcome counts {votes} votes, the decrypted list gives {n}"
                            ),
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        if let Some((name, n)) = ours.iter().find(|(name, _)| !theirs.contains_key(name.as_str())) {
            return fail(at(
                &place,
                &t(
                    format!("解密的名单中有另选他人“{name}”{n} 票，但计票结果没有计入"),
                    format!(
                        "the decrypted list gives the write-in “{name}” {n} votes, which the outcome does not count"
                    ),
                ),
            ));
        }
        names += theirs.len();
        void += voids;
    }
    if record.mixes.is_empty() {
        return Ok(nothing_to_mix());
    }
    Ok(t(
        format!("计票结果中的 {names} 名另选他人及其票数与解密的名单相符；{void} 个姓名不合规，不计入任何人"),
        format!(
            "the outcome's {names} write-in persons and their votes equal the decrypted list; {void} void names counted for no one"
        ),
    ))
}

/// The write-in votes of every mix for the recount (§13.12), once the names are checked.
pub(super) fn checked_write_ins(st: &State<'_>) -> Result<bool, StepError> {
    let (record, ..) = st.basics().map_err(|_| no_basics())?;
    if record.mixes.is_empty() || st.mix_names_checked { Ok(!record.mixes.is_empty()) } else { Err(no_names()) }
}
