//! `hallvote-verify RECORD...`: checks election records step by step (spec §13).
//!
//! Prints one line per step (✓ or ✗ with the reason) for each record, or with
//! `--json` one JSON document; exits 0 if and only if every record passes every step,
//! 1 if a record fails, 2 on a usage or I/O error.

use std::process::ExitCode;

use hallvote_tally::record::{render_reports, verify_record};

const USAGE: &str = "usage: hallvote-verify [--json] RECORD...\n\
    Checks each election record (a .hvrec file) step by step (docs/spec/13-verifier.md).\n\
    Exit status: 0 if every record passes every step, 1 if any fails, 2 on a usage or read error.";

fn main() -> ExitCode {
    let mut json = false;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with('-') && s != "-" => {
                eprintln!("hallvote-verify: unknown option {s}\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let mut rng = rand::rng();
    let mut reports = Vec::new();
    for file in files {
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("hallvote-verify: {file}: {e}");
                return ExitCode::from(2);
            }
        };
        let report = verify_record(&bytes, &mut rng);
        reports.push((file, report));
    }
    let (out, all_ok) = render_reports(&reports, json);
    print!("{out}");
    if all_ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
