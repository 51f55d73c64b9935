//! `hallvote-verify RECORD...`: checks election records step by step (spec §13).
//!
//! Prints one line per step (✓ or ✗ with the reason) for each record, in Chinese or
//! English (`--lang`), or with `--json` one JSON document carrying both; exits 0 if
//! and only if every record passes every step,
//! 1 if a record fails, 2 on a usage or I/O error. `--dump RECORD` prints the record
//! itself as JSON for people (spec §12.10) without verifying it.

use std::process::ExitCode;

use hallvote_tally::Lang;
use hallvote_tally::record::{Pins, dump_record, lang_from_locale, render_reports, verify_record_pinned};

const USAGE: &str = "usage: hallvote-verify [--lang zh-CN|en] [--json] [PINS] RECORD...\n       hallvote-verify --dump RECORD\n\
    Checks each election record (a .hvrec file) step by step (docs/spec/13-verifier.md).\n\
      --lang zh-CN|en          the language of the report (default: zh-CN if LC_ALL, or else LANG, starts with zh;\n\
                               otherwise en); --json gives both languages whatever --lang says\n\
    PINS tie the record to what the hall wrote down (without them only its consistency is checked):\n\
      --expect FINGERPRINT     the election fingerprint from the scrutineers' minutes (XXXXX-XXXXX-XXXXX-XXXXX)\n\
      --officer-key FP         a scrutineer's or counter's key fingerprint from the minutes (repeatable)\n\
      --receipt TEXT           a delegate's receipt (HVRCPT1:…, the text of the receipt's QR code; repeatable)\n\
      --receipts FILE          receipts, one per line\n\
      --heads FILE             tree heads observed on the hall display (HVHEAD1:…, one per line)\n\
    Exit status: 0 if every record passes every step, 1 if any fails, 2 on a usage or read error.\n\
    --dump prints the record's contents as JSON for people (docs/spec/12-record.md §12.10). It does NOT\n\
    verify the record: exit status 0 if the file decodes as a record, 2 if it does not.";

fn main() -> ExitCode {
    let (mut json, mut dump) = (false, false);
    let mut files = Vec::new();
    let mut pins = Pins::default();
    let mut lang = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--expect" | "--officer-key" | "--receipt" | "--receipts" | "--heads" => {
                let Some(value) = args.next() else {
                    eprintln!("hallvote-verify: {arg} needs a value\n{USAGE}");
                    return ExitCode::from(2);
                };
                match arg.as_str() {
                    "--expect" if pins.fingerprint.is_some() => {
                        eprintln!("hallvote-verify: --expect given twice");
                        return ExitCode::from(2);
                    }
                    "--expect" => pins.fingerprint = Some(value),
                    "--officer-key" => pins.officer_keys.push(value),
                    "--receipt" => pins.receipts.push(value),
                    _ => match std::fs::read_to_string(&value) {
                        Ok(text) => {
                            let into = if arg == "--heads" { &mut pins.heads } else { &mut pins.receipts };
                            into.extend(Pins::lines(&text));
                        }
                        Err(e) => {
                            eprintln!("hallvote-verify: {value}: {e}");
                            return ExitCode::from(2);
                        }
                    },
                }
            }
            "--lang" => match args.next().as_deref().and_then(Lang::parse) {
                Some(l) => lang = Some(l),
                None => {
                    eprintln!("hallvote-verify: --lang takes zh-CN or en\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--json" => json = true,
            "--dump" => dump = true,
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
    if dump {
        return match files.as_slice() {
            [file] if !json => dump_file(file),
            _ => {
                eprintln!("hallvote-verify: --dump takes exactly one RECORD and no --json\n{USAGE}");
                ExitCode::from(2)
            }
        };
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
        let report = verify_record_pinned(&bytes, &pins, &mut rng);
        reports.push((file, report));
    }
    let lang = lang.unwrap_or_else(|| {
        let var = |name| std::env::var(name).ok();
        lang_from_locale(var("LC_ALL").as_deref(), var("LANG").as_deref())
    });
    let (out, all_ok) = render_reports(&reports, json, lang);
    print!("{out}");
    if all_ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// `--dump`: the record as JSON (spec §12.10), not verified.
fn dump_file(file: &str) -> ExitCode {
    let dumped =
        std::fs::read(file).map_err(|e| e.to_string()).and_then(|b| dump_record(&b).map_err(|e| e.to_string()));
    match dumped {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hallvote-verify: {file}: {e}");
            ExitCode::from(2)
        }
    }
}
