//! The check of an .xlsx package before calamine reads it.
//!
//! calamine trusts the file: it reserves room for as many shared strings as the
//! file declares, and a sheet read as a range is a dense grid from the first used
//! cell to the last. So the package is first read here, with the same zip and XML
//! crates calamine uses (so both see the same parts), streaming and bounded: the
//! number of parts, what they unpack to (counted as it is unpacked, so a part whose
//! header lies is still stopped), the shared strings, declared and present, and
//! every cell (and row number) and declared dimension of every sheet. Only a package within
//! [`super::limits`] is handed to calamine.

use std::io::{BufRead, BufReader, Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::RosterFileError;
use super::limits::{
    Limit, MAX_FILE_BYTES, MAX_PARTS, MAX_SHARED_STRINGS, MAX_UNPACKED_BYTES, cell_name, parse_cell, parse_row, within,
};

/// Checks an .xlsx file against the roster's bounds without keeping what it unpacks.
pub(super) fn check(bytes: &[u8]) -> Result<(), RosterFileError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(RosterFileError::TooLarge(Limit::FileSize));
    }
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if zip.len() > MAX_PARTS {
        return Err(RosterFileError::TooLarge(Limit::Parts));
    }
    let mut unpacked = 0;
    for k in 0..zip.len() {
        let part = zip.by_index(k).map_err(unreadable)?;
        let xml = is_xml(&part.name().map_err(unreadable)?);
        let mut counted = Counted { inner: part, read: 0, limit: MAX_UNPACKED_BYTES - unpacked };
        // Every part is scanned, whatever its name, since calamine reads a part as
        // XML if the workbook says it is one; a part named as XML must be XML.
        let scanned = match scan(BufReader::new(&mut counted)) {
            Err(RosterFileError::Unreadable(_)) if !xml => Ok(()),
            other => other,
        };
        // What the scan left is counted too.
        let drained = std::io::copy(&mut counted, &mut std::io::sink());
        if counted.read > counted.limit {
            return Err(RosterFileError::TooLarge(Limit::Unpacked));
        }
        scanned?;
        drained.map_err(unreadable)?;
        unpacked += counted.read;
    }
    Ok(())
}

fn unreadable(e: impl std::fmt::Display) -> RosterFileError {
    RosterFileError::Unreadable(e.to_string())
}

fn is_xml(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.ends_with(".xml") || name.ends_with(".rels")
}

/// A part as it is unpacked, counted; it ends one byte past `limit`, so that a
/// part larger than the budget is known to be.
struct Counted<R> {
    inner: R,
    read: u64,
    limit: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let room = (self.limit + 1).saturating_sub(self.read);
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.read += n as u64;
        Ok(n)
    }
}

/// Where the scan of a part is, as calamine would read it.
#[derive(Default)]
struct Scan {
    /// Inside `<sheetData>`: cells are read there.
    in_sheet_data: bool,
    /// The row and column calamine gives a cell without a reference.
    row: u64,
    column: u64,
    /// Inside `<sst>`, and the `<si>` seen there.
    in_sst: bool,
    shared_strings: u64,
}

/// Reads one XML part through, checking rows, cells, dimensions and shared strings
/// wherever they are.
fn scan(input: impl BufRead) -> Result<(), RosterFileError> {
    let mut xml = Reader::from_reader(input);
    // As calamine reads: end tags need not match, empty elements are a start and an end.
    let config = xml.config_mut();
    config.check_end_names = false;
    config.expand_empty_elements = true;
    config.trim_text(false);
    let mut state = Scan::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).map_err(unreadable)? {
            Event::Start(e) => state.start(&e)?,
            Event::End(e) => match e.local_name().as_ref() {
                "sheetData" => state.in_sheet_data = false,
                "row" => {
                    state.row += 1;
                    state.column = 0;
                }
                "sst" => state.in_sst = false,
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

impl Scan {
    fn start(&mut self, e: &BytesStart<'_>) -> Result<(), RosterFileError> {
        match e.local_name().as_ref() {
            "dimension" => {
                // "A1:G121", or one cell.
                if let Some(reference) = attribute(e, "ref")? {
                    for corner in reference.split(':') {
                        let (row, column) = parse_cell(corner).ok_or_else(|| bad_reference(&reference))?;
                        if !within(row, column) {
                            return Err(RosterFileError::TooLarge(Limit::Cell(cell_name(row, column))));
                        }
                    }
                }
            }
            "sheetData" => {
                self.in_sheet_data = true;
                self.row = 0;
                self.column = 0;
            }
            "row" if self.in_sheet_data => {
                if let Some(number) = attribute(e, "r")? {
                    self.row = parse_row(&number).ok_or_else(|| bad_reference(&number))?;
                }
                // A row without cells holds nothing: only its cells are bounded.
                self.column = 0;
            }
            "c" if self.in_sheet_data => {
                let (row, column) = match attribute(e, "r")? {
                    Some(reference) => parse_cell(&reference).ok_or_else(|| bad_reference(&reference))?,
                    None => (self.row, self.column),
                };
                if !within(row, column) {
                    return Err(RosterFileError::TooLarge(Limit::Cell(cell_name(row, column))));
                }
                self.column = column + 1;
            }
            "sst" => {
                self.in_sst = true;
                self.shared_strings = 0;
                // calamine reserves room for `uniqueCount` strings before it reads one.
                if let Some(n) = attribute(e, "uniqueCount")?
                    && n.parse::<u64>().map_or(true, |n| n > MAX_SHARED_STRINGS)
                {
                    return Err(RosterFileError::TooLarge(Limit::SharedStrings));
                }
            }
            "si" if self.in_sst => {
                self.shared_strings += 1;
                if self.shared_strings > MAX_SHARED_STRINGS {
                    return Err(RosterFileError::TooLarge(Limit::SharedStrings));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// An attribute's value as written (calamine reads it so, unescaped).
fn attribute(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, RosterFileError> {
    Ok(e.try_get_attribute(name).map_err(unreadable)?.map(|a| a.value.into_owned()))
}

fn bad_reference(reference: &str) -> RosterFileError {
    RosterFileError::BadReference(reference.chars().take(24).collect())
}
