//! The independent verifier of an election record (spec §13).
//!
//! [`verify_record`] runs every step of spec §13 in order, each in a function named
//! for its section (`step_13_5_ballot_proofs` checks §13.5), and reports each as
//! passed, failed (with the reason) or not checked (when a step it needs failed).
//! A record is accepted if and only if every step passes.

mod ballots;
mod steps;

use core::fmt;

use hallvote_crypto::CryptoRng;
use serde::Serialize;

use crate::count::PollResult;
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

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepReport {
    /// The spec section, "13.5".
    pub section: &'static str,
    /// What the step checks, "ballot proofs".
    pub name: &'static str,
    /// The verdict.
    pub status: Status,
    /// On a pass, what was checked; otherwise, why not.
    pub detail: String,
}

/// The verdict on one record.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
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

    /// The report as JSON (`--json`): `{"ok": …, "steps": […], "result": …}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "ok": self.ok(), "steps": self.steps, "result": self.result })
    }
}

impl fmt::Display for Report {
    /// One line per step: `✓ 13.5 ballot proofs (200 ballots, 18,000 proofs)` or
    /// `✗ 13.4 credentials: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.steps {
            match s.status {
                Status::Pass => writeln!(f, "✓ {} {} ({})", s.section, s.name, s.detail)?,
                Status::Fail => writeln!(f, "✗ {} {}: {}", s.section, s.name, s.detail)?,
                Status::Skipped => writeln!(f, "✗ {} {}: not checked: {}", s.section, s.name, s.detail)?,
            }
        }
        Ok(())
    }
}

/// Why a step did not pass.
pub(crate) enum StepError {
    /// The check failed.
    Fail(String),
    /// A step this one needs did not pass.
    Skipped(&'static str),
}

impl From<String> for StepError {
    fn from(s: String) -> Self {
        Self::Fail(s)
    }
}

type StepFn<R> = fn(&mut State<'_>, &mut R) -> Result<String, StepError>;

/// Verifies a record file (spec §13). `rng` draws the batch-verification weights
/// (spec §4.4) and must be a secure generator seeded at verification time.
pub fn verify_record<R: CryptoRng + ?Sized>(bytes: &[u8], rng: &mut R) -> Report {
    let table: [(&'static str, &'static str, StepFn<R>); 13] = [
        ("13.1", "format", steps::step_13_1_format),
        ("13.2", "manifest", steps::step_13_2_manifest),
        ("13.3", "key ceremony", steps::step_13_3_ceremony),
        ("13.4", "credentials", steps::step_13_4_credentials),
        ("13.5", "ballot proofs", steps::step_13_5_ballot_proofs),
        ("13.6", "spoiled ballots", steps::step_13_6_spoiled),
        ("13.7", "bulletin board", steps::step_13_7_board),
        ("13.8", "attendance and ballots", steps::step_13_8_counts),
        ("13.9", "aggregate", steps::step_13_9_aggregate),
        ("13.10", "decryption shares", steps::step_13_10_decryption_shares),
        ("13.11", "totals", steps::step_13_11_totals),
        ("13.12", "outcome", steps::step_13_12_outcome),
        ("13.13", "signatures", steps::step_13_13_signatures),
    ];
    let mut state = State::new(bytes);
    let mut out = Vec::with_capacity(table.len());
    for (section, name, step) in table {
        let (status, detail) = match step(&mut state, rng) {
            Ok(detail) => (Status::Pass, detail),
            Err(StepError::Fail(reason)) => (Status::Fail, reason),
            Err(StepError::Skipped(why)) => (Status::Skipped, why.to_owned()),
        };
        out.push(StepReport { section, name, status, detail });
    }
    Report { steps: out, result: state.result.take() }
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
/// per record its step lines and verdict, or with `json` one JSON document.
/// Returns the text and whether every record passed.
pub fn render_reports(reports: &[(String, Report)], json: bool) -> (String, bool) {
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
        out.push_str(&r.to_string());
        out.push_str(if r.ok() { "record verified\n" } else { "RECORD REJECTED\n" });
    }
    (out, all_ok)
}
