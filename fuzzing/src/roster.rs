//! Roster files as an organiser uploads them (CSV or .xlsx), read within the
//! bounds of `server/src/roster/limits.rs`.

use std::collections::HashSet;

use hallvote_server::roster::limits::MAX_CELL_BYTES;
use hallvote_server::roster::{MAX_ROWS, RosterImport, parse_csv, parse_xlsx};
use hallvote_tally::text::name_problem;

/// A CSV roster: whatever the bytes, the import keeps the roster's bounds and
/// promises (see [`check_import`]).
pub fn roster_csv(data: &[u8]) {
    if let Ok(import) = parse_csv(data) {
        check_import(&import);
    }
}

/// An .xlsx roster: the package is checked before the sheet is read, and the
/// import keeps the same promises as a CSV one. Memory is bounded by the limits;
/// the fuzzer's own memory limit (`-rss_limit_mb`) is what catches a breach.
pub fn roster_xlsx(data: &[u8]) {
    if let Ok(import) = parse_xlsx(data) {
        check_import(&import);
    }
}

/// At most [`MAX_ROWS`] rows; every imported delegate has a name that passes the
/// name rule and is in its one form, a group and a card; cards are unique; no cell is longer than the
/// bound or starts like a formula.
fn check_import(import: &RosterImport) {
    assert!(import.rows.len() + import.errors.len() <= MAX_ROWS, "at most MAX_ROWS rows");
    let mut cards = HashSet::new();
    for row in &import.rows {
        assert!(name_problem(&row.name).is_none(), "an imported name passes the name rule: {:?}", row.name);
        assert_eq!(
            hallvote_tally::text::normalize_name(&row.name).as_deref(),
            Ok(row.name.as_str()),
            "an imported name is in its one form"
        );
        assert!(!row.group.trim().is_empty() && !row.card.trim().is_empty(), "group and card are given");
        assert!(cards.insert(row.card.clone()), "cards are unique: {:?}", row.card);
        for cell in [&row.seq, &row.name, &row.ethnicity, &row.group, &row.unit, &row.card] {
            assert!(cell.len() <= MAX_CELL_BYTES, "a cell within the bound");
            assert!(!cell.starts_with(['=', '+', '-', '@']), "no formula is imported: {cell:?}");
        }
    }
}
