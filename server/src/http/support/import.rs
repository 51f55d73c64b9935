//! What the list imports share (the roster, the eligible list): the upload read by its
//! content type, and the report of refused rows and notes.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use hallvote_protocol::wire::{ImportNote, RefusedRow};
use hallvote_tally::Lang;

use crate::ApiError;
use crate::roster::{RosterFileError, RowError, RowNote};

/// The CSV and Excel types a roster upload may have.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An uploaded list (the roster, the eligible list) read by its content type: CSV
/// or .xlsx, else 415; a file that cannot be read as a list is 422 with the reason.
pub(crate) fn read_upload<T>(
    headers: &HeaderMap,
    body: &[u8],
    csv: fn(&[u8]) -> Result<T, RosterFileError>,
    xlsx: fn(&[u8]) -> Result<T, RosterFileError>,
) -> Result<T, ApiError> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let parsed = if content_type.starts_with(XLSX) {
        xlsx(body)
    } else if content_type.starts_with("text/csv") {
        csv(body)
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "名册须为 CSV 或 Excel（.xlsx）文件。",
            "The roster must be a CSV or Excel (.xlsx) file.",
        ));
    };
    parsed.map_err(|e| ApiError { status: StatusCode::UNPROCESSABLE_ENTITY, code: e.code(), message: e.text() })
}

/// The report of an import, in `lang`: each refused row and each note.
pub(crate) fn report(errors: &[RowError], notes: &[RowNote], lang: Lang) -> (Vec<RefusedRow>, Vec<ImportNote>) {
    let errors = errors
        .iter()
        .map(|e| RefusedRow {
            line: count(e.line),
            seq: e.seq.clone(),
            problem: e.problem.code(),
            message: e.text().get(lang).to_owned(),
        })
        .collect();
    let notes =
        notes.iter().map(|n| ImportNote { line: count(n.line), message: n.note.get(lang).to_owned() }).collect();
    (errors, notes)
}

/// A count or line number on the wire (a `usize` always fits).
pub(crate) fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}
