//! The steps of spec §13 that tie a record to what the hall wrote down (§13.14,
//! §13.15): the election fingerprint, officers' keys, receipts and observed heads.

use hallvote_crypto::CryptoRng;
use hallvote_crypto::credential::Credential;
use hallvote_crypto::merkle::TreeHead;

use super::StepError;
use super::say::{at, head, no_record, t};
use super::steps::{State, check_head, fail};
use crate::ballot::{BallotContext, TrackingCode};
use crate::record::builder::board_log;
use crate::record::fingerprint::KeyFingerprint;
use crate::record::format::BoardEntry;
use crate::record::receipt::{Receipt, ReceiptKind, parse_head};
use crate::text::Text;
use crate::words::decode_error;

/// §13.14: the record's election fingerprint (spec §11.4) and officers' keys are the
/// ones the hall wrote down, when the verifier is given them.
pub(crate) fn step_13_14_pins<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let pins = st.pins;
    let (_, manifest, _, _) = st.basics()?;
    let fp = st.fingerprint.ok_or_else(no_record)?;
    if !pins.pinned() {
        return Ok(t(
            format!("未给出核对项：只核验了记录自身是否一致；请将选举指纹 {fp} 与监票记录中抄写的比对"),
            format!("none given: only consistency checked; compare fingerprint {fp} with the scrutineers' minutes"),
        ));
    }
    let mut said = Vec::new();
    if let Some(expect) = &pins.fingerprint {
        match fp.matches(expect) {
            Err(e) => return fail(at(&t("--expect", "--expect"), &e.text())),
            Ok(false) => {
                let expect = expect.trim();
                return fail(t(
                    format!(
                        "选举记录的选举指纹是 {fp}，不是会场抄写的 {expect}：这份记录不是那次投票\
                         （其投票清单、服务器或凭证密钥、监票人、计票人或密钥生成不同）"
                    ),
                    format!(
                        "the record's election fingerprint is {fp}, not {expect} as the hall wrote down: this record is \
                         not that poll (its manifest, server or credential key, officers or key ceremony differ)"
                    ),
                ));
            }
            Ok(true) => said.push(t(format!("选举指纹 {fp} 与所给一致"), format!("fingerprint {fp} as expected"))),
        }
    }
    let officers: Vec<(&str, &str, &crate::record::Signer)> = manifest
        .scrutineers
        .iter()
        .map(|s| ("监票人", "scrutineer", s))
        .chain(manifest.counters.iter().map(|c| ("计票人", "counter", c)))
        .collect();
    for pin in &pins.officer_keys {
        let mut found = None;
        for (zh, en, officer) in &officers {
            match KeyFingerprint::of(&officer.key).matches(pin) {
                Err(e) => return fail(at(&t("--officer-key", "--officer-key"), &e.text())),
                Ok(true) => found = Some((*zh, *en, officer.name.as_str())),
                Ok(false) => {}
            }
        }
        let pin = pin.trim();
        match found {
            Some((zh, en, name)) => {
                said.push(t(format!("{zh}{name}的密钥 {pin} 与所给一致"), format!("{en} {name}'s key {pin}")));
            }
            None => {
                let listed: Vec<String> =
                    officers.iter().map(|(_, _, o)| format!("{} {}", o.name, KeyFingerprint::of(&o.key))).collect();
                return fail(t(
                    format!(
                        "本记录中没有哪位监票人或计票人的密钥指纹是 {pin}；记录中的监票人、计票人及其密钥指纹为：{}",
                        listed.join("，")
                    ),
                    format!(
                        "no scrutineer or counter of this record has the key fingerprint {pin}; the record's officers \
                         are: {}",
                        listed.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(Text::join(&said))
}

/// §13.15: every receipt given is for an entry of this board, at its position, with
/// its tracking code, under a signed head the final board extends; every observed
/// head given is a signed earlier state of the final board.
pub(crate) fn step_13_15_receipts<R: CryptoRng + ?Sized>(st: &mut State<'_>, _: &mut R) -> Result<Text, StepError> {
    let pins = st.pins;
    if pins.receipts.is_empty() && pins.heads.is_empty() {
        return Ok(t("未给出回执或大屏幕树头", "none given"));
    }
    let (record, manifest, _, _) = st.basics()?;
    let fp = st.fingerprint.ok_or_else(no_record)?;
    let log = board_log(&record.board);
    let len = log.len();
    let extends = |th: &TreeHead| th.size <= len && log.root_at(th.size).ok() == Some(th.root);
    let (mut cast, mut spoiled) = (0, 0);
    for (k, text) in pins.receipts.iter().enumerate() {
        let n = k + 1;
        let r = Receipt::parse(text).map_err(|e| {
            let why = e.text();
            t(format!("第 {n} 张回执无法读取：{}", why.zh), format!("receipt {n}: not a receipt: {}", why.en))
        })?;
        let (code, p) = (r.tracking, r.position.saturating_add(1));
        let who = t(
            format!("第 {n} 张回执（追踪码 {code}，公告板第 {p} 条）"),
            format!("receipt {n} (tracking code {code}, entry {p})"),
        );
        if r.fingerprint != fp.prefix() {
            return fail(t(
                format!("{}：属于另一次投票，不属于选举指纹为 {fp} 的这次投票", who.zh),
                format!("{}: it belongs to another poll, not the one with fingerprint {fp}", who.en),
            ));
        }
        let th = check_head(st, manifest, &r.head).map_err(|e| at(&who, &e))?;
        if !extends(&th) {
            let (signed, size) = (head(&r.head), th.size);
            return fail(t(
                format!(
                    "{}：记录中的公告板不是回执签发时公告板（{}）的延续：前 {size} 条中有条目被删除、移动或改动",
                    who.zh, signed.zh
                ),
                format!(
                    "{}: the record's board is not a continuation of the board the receipt was signed on ({}): an \
                     entry among the first {size} was removed, moved or changed",
                    who.en, signed.en
                ),
            ));
        }
        let Some(e) = usize::try_from(r.position).ok().and_then(|pos| record.board.get(pos)) else {
            return fail(t(
                format!("{}：公告板上没有第 {p} 条（共 {len} 条）", who.zh),
                format!("{}: the board has no entry {p} (it has {len})", who.en),
            ));
        };
        let serial = Credential::from_bytes(e.credential()).map(|c| c.serial()).map_err(|err| {
            let why = decode_error(&err);
            t(
                format!("{}：该条的凭证格式有误：{}", who.zh, why.zh),
                format!("{}: the entry's credential: {}", who.en, why.en),
            )
        })?;
        let found = TrackingCode::of(&BallotContext { election: st.election, serial }, e.ballot());
        if found != r.tracking {
            return fail(t(
                format!("{}：公告板第 {p} 条的追踪码是 {found}，不是回执上的 {code}", who.zh),
                format!("{}: the entry at that position has tracking code {found}, not the receipt's", who.en),
            ));
        }
        match (r.kind, e) {
            (ReceiptKind::Cast, BoardEntry::Cast { .. }) => cast += 1,
            (ReceiptKind::Spoiled, BoardEntry::Spoiled { .. }) => spoiled += 1,
            (ReceiptKind::Cast, _) => {
                return fail(t(
                    format!("{}：回执是投出选票的回执，但记录中该条是作废选票", who.zh),
                    format!("{}: a cast ballot, but the record has it as spoiled", who.en),
                ));
            }
            (ReceiptKind::Spoiled, _) => {
                return fail(t(
                    format!("{}：回执是核验作废选票的回执，但记录中该条作为投出选票计票", who.zh),
                    format!("{}: a challenged ballot, but the record counts it as cast", who.en),
                ));
            }
        }
    }
    for (k, text) in pins.heads.iter().enumerate() {
        let n = k + 1;
        let place = t(format!("第 {n} 个大屏幕树头"), format!("observed head {n}"));
        let h = parse_head(text).map_err(|e| at(&place, &e.text()))?;
        let th = check_head(st, manifest, &h).map_err(|e| at(&place, &e))?;
        if !extends(&th) {
            let shown = head(&h);
            return fail(t(
                format!(
                    "{}（{}）：记录中的公告板不是它的延续：大屏幕显示它之后，有条目被删除、移动或改动",
                    place.zh, shown.zh
                ),
                format!(
                    "{} ({}): the record's board is not a continuation of it: an entry was removed, moved or changed \
                     after the display showed it",
                    place.en, shown.en
                ),
            ));
        }
    }
    let (receipts, heads) = (pins.receipts.len(), pins.heads.len());
    Ok(t(
        format!(
            "{receipts} 张回执（投出 {cast}，核验作废 {spoiled}）的位置与追踪码均相符；大屏幕树头 {heads} 个；\
             最终公告板是每一个的延续"
        ),
        format!(
            "{receipts} receipts ({cast} cast, {spoiled} challenged) at their positions with their tracking codes; \
             {heads} observed heads; the final board extends each"
        ),
    ))
}
