//! The independent verifier of an election record (spec §13).
//!
//! [`verify_record`] runs every step of spec §13 in order, each in a function named
//! for its section (`step_13_5_ballot_proofs` checks §13.5), and reports each as
//! passed, failed (with the reason) or not checked (when a step it needs failed).
//! A record is accepted if and only if every step passes. Every name and reason is
//! in zh-CN and en; positions in the words count from 1 (`say`).

mod ballots;
mod counts;
mod mix;
mod pins;
mod say;
mod steps;

pub use steps::board_credentials;

use core::fmt;

use hallvote_crypto::CryptoRng;
use serde::Serialize;

use crate::count::PollResult;
use crate::text::{Lang, Text};
use steps::State;

/// What a step found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Everything the step checks holds.
    Pass,
    /// Something the step checks does not hold.
    Fail,
    /// Not checked, because a step it depends on failed.
    Skipped,
}

/// One line of the report, in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepReport {
    /// The spec section, "13.5".
    pub section: &'static str,
    /// What the step checks, in English: "ballot proofs".
    pub name: &'static str,
    /// What the step checks, in Chinese: "选票证明".
    pub name_zh: &'static str,
    /// The verdict.
    pub status: Status,
    /// On a pass, what was checked; otherwise, why not; in English. A failure names
    /// the item (entries and other positions counted from 1) and the figure found
    /// and the one expected.
    pub detail: String,
    /// The same in Chinese.
    pub detail_zh: String,
}

impl StepReport {
    /// What the step checks, in `lang`.
    pub fn name_in(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => self.name_zh,
            Lang::En => self.name,
        }
    }

    /// The detail in `lang`.
    pub fn detail_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.detail_zh,
            Lang::En => &self.detail,
        }
    }
}

/// What the hall wrote down, to pin a record to (spec §13.14, §13.15). Without
/// any, the verifier checks only that the record is consistent with itself.
#[derive(Clone, Debug, Default)]
pub struct Pins {
    /// The election fingerprint from the scrutineers' minutes (`--expect`).
    pub fingerprint: Option<String>,
    /// Officers' key fingerprints from their minutes (`--officer-key`, repeatable).
    pub officer_keys: Vec<String>,
    /// Receipt texts (`--receipt`, `--receipts FILE`).
    pub receipts: Vec<String>,
    /// Observed head texts (`--heads FILE`).
    pub heads: Vec<String>,
}

impl Pins {
    /// The entries of a receipts or heads file: one a line, blank lines and lines
    /// starting with `#` skipped.
    pub fn lines(text: &str) -> impl Iterator<Item = String> + '_ {
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned)
    }

    /// Whether anything ties the record to the hall: the fingerprint or an officer key.
    pub fn pinned(&self) -> bool {
        self.fingerprint.is_some() || !self.officer_keys.is_empty()
    }
}

/// The verdict on one record.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The election fingerprint's short form (spec §11.4), when the record decodes.
    pub fingerprint: Option<String>,
    /// The whole fingerprint in hex.
    pub fingerprint_full: Option<String>,
    /// Whether the record was pinned to a fingerprint or officer key (spec §13.14);
    /// if not, an accepted record is only consistent with itself.
    pub pinned: bool,
    /// Every step, in order.
    pub steps: Vec<StepReport>,
    /// The outcome as recomputed by the verifier (for people), when it could be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<PollResult>,
}

impl Report {
    /// Whether every step passed: the record is accepted.
    pub fn ok(&self) -> bool {
        self.steps.iter().all(|s| s.status == Status::Pass)
    }

    /// The step of section `section` ("13.4").
    pub fn step(&self, section: &str) -> Option<&StepReport> {
        self.steps.iter().find(|s| s.section == section)
    }

    /// The first step that did not pass.
    pub fn first_failure(&self) -> Option<&StepReport> {
        self.steps.iter().find(|s| s.status != Status::Pass)
    }

    /// The report as JSON (`--json`): `{"ok": …, "fingerprint": …, "pinned": …, "steps": […], "result": …}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "ok": self.ok(),
            "fingerprint": self.fingerprint,
            "fingerprint_full": self.fingerprint_full,
            "pinned": self.pinned,
            "steps": self.steps,
            "result": self.result,
        })
    }
}

impl Report {
    /// The election fingerprint, then one line per step, in `lang`:
    /// `✓ 13.5 ballot proofs (200 ballots, 18,000 proofs)`, `✗ 13.4 credentials: …`;
    /// `✓ 13.5 选票证明（200 张选票，18,000 个证明）`, `✗ 13.4 凭证：…`. The English
    /// fingerprint line says 选举指纹 too, the word people find in the minutes.
    pub fn render(&self, lang: Lang) -> String {
        let fp = self.fingerprint.as_deref();
        let mut out = match (lang, fp) {
            (Lang::En, Some(fp)) => format!("election fingerprint 选举指纹: {fp}\n"),
            (Lang::En, None) => "election fingerprint 选举指纹: — (the record does not decode)\n".to_owned(),
            (Lang::ZhCn, Some(fp)) => format!("选举指纹：{fp}\n"),
            (Lang::ZhCn, None) => "选举指纹：—（选举记录无法读取）\n".to_owned(),
        };
        for s in &self.steps {
            let (section, name, detail) = (s.section, s.name_in(lang), s.detail_in(lang));
            out.push_str(&match (lang, s.status) {
                (Lang::En, Status::Pass) => format!("✓ {section} {name} ({detail})\n"),
                (Lang::En, Status::Fail) => format!("✗ {section} {name}: {detail}\n"),
                (Lang::En, Status::Skipped) => format!("✗ {section} {name}: not checked: {detail}\n"),
                (Lang::ZhCn, Status::Pass) => format!("✓ {section} {name}（{detail}）\n"),
                (Lang::ZhCn, Status::Fail) => format!("✗ {section} {name}：{detail}\n"),
                (Lang::ZhCn, Status::Skipped) => format!("✗ {section} {name}：未核验，因为{detail}\n"),
            });
        }
        out
    }
}

impl fmt::Display for Report {
    /// [`Report::render`] in English (logs and test messages).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// Why a step did not pass.
pub(crate) enum StepError {
    /// The check failed.
    Fail(Text),
    /// A step this one needs did not pass.
    Skipped(Text),
}

impl From<Text> for StepError {
    fn from(t: Text) -> Self {
        Self::Fail(t)
    }
}

type StepFn<R> = fn(&mut State<'_>, &mut R) -> Result<Text, StepError>;

/// Verifies a record file (spec §13) with no pins: only its consistency with
/// itself. `rng` draws the batch-verification weights (spec §4.4) and must be a
/// secure generator seeded at verification time.
pub fn verify_record<R: CryptoRng + ?Sized>(bytes: &[u8], rng: &mut R) -> Report {
    verify_record_pinned(bytes, &Pins::default(), rng)
}

/// Verifies a record file (spec §13) and checks it against what the hall wrote
/// down: the election fingerprint, officers' keys, receipts and observed heads.
pub fn verify_record_pinned<R: CryptoRng + ?Sized>(bytes: &[u8], pins: &Pins, rng: &mut R) -> Report {
    let table: [(&'static str, &'static str, &'static str, StepFn<R>); 20] = [
        ("13.1", "格式", "format", steps::step_13_1_format),
        ("13.2", "投票清单", "manifest", steps::step_13_2_manifest),
        ("13.3", "密钥生成", "key ceremony", steps::step_13_3_ceremony),
        ("13.4", "凭证", "credentials", steps::step_13_4_credentials),
        ("13.5", "选票证明", "ballot proofs", steps::step_13_5_ballot_proofs),
        ("13.6", "作废选票", "spoiled ballots", steps::step_13_6_spoiled),
        ("13.7", "公告板", "bulletin board", steps::step_13_7_board),
        ("13.8", "到会人数与选票", "attendance and ballots", counts::step_13_8_counts),
        ("13.9", "密文汇总", "aggregate", counts::step_13_9_aggregate),
        ("13.10", "解密份额", "decryption shares", counts::step_13_10_decryption_shares),
        ("13.11", "各项总数", "totals", counts::step_13_11_totals),
        ("13.11.1", "另选他人混洗的输入名单", "write-in mix input", mix::step_13_11_1_mix_input),
        ("13.11.2", "混洗证明", "shuffles", mix::step_13_11_2_shuffles),
        ("13.11.3", "名单解密份额", "list decryption shares", mix::step_13_11_3_list_shares),
        ("13.11.4", "另选他人姓名", "write-in names", mix::step_13_11_4_names),
        ("13.11.5", "另选他人计票", "counted write-ins", mix::step_13_11_5_counted_write_ins),
        ("13.12", "计票结果", "outcome", counts::step_13_12_outcome),
        ("13.13", "签名", "signatures", counts::step_13_13_signatures),
        ("13.14", "选举指纹与密钥指纹", "fingerprint and officer keys", pins::step_13_14_pins),
        ("13.15", "回执与大屏幕树头", "receipts and observed heads", pins::step_13_15_receipts),
    ];
    let mut state = State::new(bytes, pins);
    let mut out = Vec::with_capacity(table.len());
    for (section, name_zh, name, step) in table {
        let (status, detail) = match step(&mut state, rng) {
            Ok(detail) => (Status::Pass, detail),
            Err(StepError::Fail(reason)) => (Status::Fail, reason),
            Err(StepError::Skipped(why)) => (Status::Skipped, why),
        };
        out.push(StepReport { section, name, name_zh, status, detail: detail.en, detail_zh: detail.zh });
    }
    Report {
        fingerprint: state.fingerprint.map(|f| f.short()),
        fingerprint_full: state.fingerprint.map(|f| f.full_hex()),
        pinned: pins.pinned(),
        steps: out,
        result: state.result.take(),
    }
}

/// `18000` → `18,000`.
pub(crate) fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The output of `hallvote-verify` (and `hallvote verify`) for checked records:
/// per record its step lines and verdict in `lang`, or with `json` one JSON
/// document (both languages, whatever `lang`). Returns the text and whether every
/// record passed.
pub fn render_reports(reports: &[(String, Report)], json: bool, lang: Lang) -> (String, bool) {
    let all_ok = reports.iter().all(|(_, r)| r.ok());
    if json {
        let records: Vec<serde_json::Value> = reports
            .iter()
            .map(|(file, r)| {
                let mut v = r.to_json();
                v["file"] = serde_json::Value::from(file.as_str());
                v
            })
            .collect();
        let doc = serde_json::json!({ "ok": all_ok, "records": records });
        return (format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default()), all_ok);
    }
    let mut out = String::new();
    for (file, r) in reports {
        if reports.len() > 1 {
            out.push_str(&format!("{file}:\n"));
        }
        out.push_str(&r.render(lang));
        let fp = r.fingerprint.as_deref().unwrap_or("—");
        out.push_str(&match (lang, r.ok(), r.pinned) {
            (Lang::En, true, true) => {
                "record verified: it is the poll whose fingerprint the hall wrote down\n".to_owned()
            }
            (Lang::En, true, false) => format!(
                "record consistent, NOT pinned: only its consistency with itself was checked.\n\
                 Compare its election fingerprint {fp} with the one in the scrutineers' minutes, or run again with \
                 --expect FINGERPRINT.\n"
            ),
            (Lang::En, false, _) => "RECORD REJECTED\n".to_owned(),
            (Lang::ZhCn, true, true) => "记录核验通过：这正是会场抄写了选举指纹的那次投票\n".to_owned(),
            (Lang::ZhCn, true, false) => format!(
                "记录自身一致，但未与会场核对：只核验了记录自身是否一致。\n\
                 请将选举指纹 {fp} 与监票记录中抄写的指纹比对，或加 --expect 指纹 重新核验。\n"
            ),
            (Lang::ZhCn, false, _) => "记录未通过核验\n".to_owned(),
        });
    }
    (out, all_ok)
}

/// The report's language when none is asked for, from the locale's variables
/// (`LC_ALL`, else `LANG`; empty counts as unset): zh-CN if it starts with `zh`
/// (`zh_CN.UTF-8`), else en. The environment is read by the binaries and passed in.
pub fn lang_from_locale(lc_all: Option<&str>, lang: Option<&str>) -> Lang {
    let locale = [lc_all, lang].into_iter().flatten().find(|v| !v.is_empty()).unwrap_or("");
    if locale.starts_with("zh") { Lang::ZhCn } else { Lang::En }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_follows_the_locale() {
        assert_eq!(lang_from_locale(None, Some("zh_CN.UTF-8")), Lang::ZhCn);
        assert_eq!(lang_from_locale(Some("en_US.UTF-8"), Some("zh_CN.UTF-8")), Lang::En);
        assert_eq!(lang_from_locale(Some(""), Some("zh_TW.UTF-8")), Lang::ZhCn);
        assert_eq!(lang_from_locale(None, Some("C.UTF-8")), Lang::En);
        assert_eq!(lang_from_locale(None, None), Lang::En);
    }

    #[test]
    fn a_record_that_does_not_decode_is_reported_in_either_language() {
        let report = verify_record(b"not a record", &mut rand::rng());
        let (zh, ok) = render_reports(&[("x.hvrec".into(), report.clone())], false, Lang::ZhCn);
        assert!(!ok);
        assert!(zh.starts_with("选举指纹：—（选举记录无法读取）\n✗ 13.1 格式：不是选举记录："), "{zh}");
        assert!(zh.contains("✗ 13.2 投票清单：未核验，因为选举记录无法读取（13.1）\n"), "{zh}");
        assert!(zh.ends_with("记录未通过核验\n") && !zh.contains("not"), "{zh}");
        let (en, _) = render_reports(&[("x.hvrec".into(), report)], false, Lang::En);
        assert!(en.starts_with(
            "election fingerprint 选举指纹: — (the record does not decode)\n✗ 13.1 format: not a record: "
        ));
        assert!(en.contains("✗ 13.2 manifest: not checked: the record could not be read (13.1)\n"), "{en}");
        assert!(en.ends_with("RECORD REJECTED\n") && !en.contains("未"), "{en}");
    }
}
