//! The paper backup of a share file (spec §9.6).
//!
//! A share file is printed as numbered lines of hexadecimal, 16 bytes a line
//! in 8 groups of 4 digits, each line ending in a 2-digit checksum:
//!
//! ```text
//! -----BEGIN HALLVOTE SHARE-----
//! 01: 4856 5348 4152 4501 0000 2000 0000 0001  32
//! …
//! 14: a146 d214 dd68 f12b f2                   76
//! -----END HALLVOTE SHARE-----
//! ```
//!
//! The checksum of a line is the first byte of
//! `H("hallvote/share-paper/line/v1", u64(n), [last], bytes)`, so it also
//! commits to the line's number and to whether it is the last line. Typing
//! the sheet back, a mistyped character is reported with its line number,
//! a skipped or repeated line by the number printed at its start, and a lost
//! final line because the new final line's checksum says "not last".
//! Whole-file integrity is the AEAD's job (spec §9.5); this only helps a
//! person find their typo.

use core::fmt::{self, Write as _};

use crate::hash::Hasher;
use crate::tags;

/// The line before the data.
pub const BEGIN_LINE: &str = "-----BEGIN HALLVOTE SHARE-----";
/// The line after the data.
pub const END_LINE: &str = "-----END HALLVOTE SHARE-----";

const BYTES_PER_LINE: usize = 16;
const BYTES_PER_GROUP: usize = 2;

/// Prints `file` as the text of a paper backup (spec §9.6), ending in a newline.
pub fn to_paper(file: &[u8]) -> String {
    let lines = file.len().div_ceil(BYTES_PER_LINE);
    let width = lines.to_string().len().max(2);
    let data_width = BYTES_PER_LINE / BYTES_PER_GROUP * (2 * BYTES_PER_GROUP + 1);
    let mut out = String::new();
    out.push_str(BEGIN_LINE);
    out.push('\n');
    for (i, chunk) in file.chunks(BYTES_PER_LINE).enumerate() {
        let number = i + 1;
        let mut data = String::with_capacity(data_width);
        for group in chunk.chunks(BYTES_PER_GROUP) {
            for byte in group {
                let _ = write!(data, "{byte:02x}");
            }
            data.push(' ');
        }
        let checksum = line_checksum(number, number == lines, chunk);
        let _ = writeln!(out, "{number:0width$}: {data:<data_width$} {checksum:02x}");
    }
    out.push_str(END_LINE);
    out.push('\n');
    out
}

/// Reads back the text of a paper backup (spec §9.6).
///
/// Text before the BEGIN line and after the END line is ignored, as are blank
/// lines, spaces anywhere, and the case of letters. Errors name the line of
/// data by the number printed at its start (the first line after BEGIN is 1).
pub fn from_paper(text: &str) -> Result<Vec<u8>, PaperError> {
    let mut lines = text.lines().map(normalise);
    if !lines.by_ref().any(|line| line == normalise(BEGIN_LINE)) {
        return Err(PaperError::MissingBegin);
    }
    let end = normalise(END_LINE);
    let mut rows: Vec<(Vec<u8>, u8)> = Vec::new();
    let mut ended = false;
    for line in lines {
        if line == end {
            ended = true;
            break;
        }
        if line.is_empty() {
            continue;
        }
        let number = rows.len() + 1;
        rows.push(parse_line(&line, number)?);
    }
    if !ended {
        return Err(PaperError::MissingEnd);
    }

    let count = rows.len();
    let mut file = Vec::with_capacity(count * BYTES_PER_LINE);
    for (i, (bytes, checksum)) in rows.iter().enumerate() {
        let number = i + 1;
        let last = number == count;
        if !last && bytes.len() != BYTES_PER_LINE {
            return Err(PaperError::LineLength { line: number });
        }
        if line_checksum(number, last, bytes) != *checksum {
            // A full final line whose checksum is right for a line in the
            // middle: the lines after it were not typed in.
            if last && line_checksum(number, false, bytes) == *checksum {
                return Err(PaperError::MissingLinesAfter { line: number });
            }
            return Err(PaperError::Checksum { line: number });
        }
        file.extend_from_slice(bytes);
    }
    Ok(file)
}

/// A paper backup that cannot be read back (spec §9.6).
///
/// `line` counts lines of data from 1, as printed at the start of each line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaperError {
    /// No `-----BEGIN HALLVOTE SHARE-----` line.
    MissingBegin,
    /// No `-----END HALLVOTE SHARE-----` line after the BEGIN line.
    MissingEnd,
    /// The line does not start with its own number and a colon: a line was
    /// skipped, repeated or swapped, or the number was mistyped.
    LineNumber {
        /// Which line of data.
        line: usize,
    },
    /// A character that is not a hexadecimal digit.
    BadCharacter {
        /// Which line of data.
        line: usize,
        /// The character found.
        character: char,
    },
    /// Too many or too few digits on the line.
    LineLength {
        /// Which line of data.
        line: usize,
    },
    /// The checksum does not match: a digit on this line is mistyped.
    Checksum {
        /// Which line of data.
        line: usize,
    },
    /// The last line typed in is not the last line of the backup.
    MissingLinesAfter {
        /// The last line that was typed in.
        line: usize,
    },
}

impl fmt::Display for PaperError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingBegin => write!(f, "the line {BEGIN_LINE} is missing"),
            Self::MissingEnd => write!(f, "the line {END_LINE} is missing"),
            Self::LineNumber { line } => {
                write!(f, "line {line}: expected it to start with `{line:02}:`; check for a skipped or repeated line")
            }
            Self::BadCharacter { line, character } => {
                write!(f, "line {line}: `{character}` is not one of 0-9, a-f")
            }
            Self::LineLength { line } => write!(f, "line {line}: wrong number of digits"),
            Self::Checksum { line } => {
                write!(f, "line {line}: checksum does not match; check each character of this line")
            }
            Self::MissingLinesAfter { line } => {
                write!(f, "line {line} is not the last line; the lines after it are missing")
            }
        }
    }
}

impl std::error::Error for PaperError {}

/// The checksum byte of data line `number` (from 1) holding `bytes`.
fn line_checksum(number: usize, last: bool, bytes: &[u8]) -> u8 {
    let mut h = Hasher::new(tags::SHARE_PAPER_LINE);
    h.u64(number as u64).bytes(&[u8::from(last)]).bytes(bytes);
    h.finalize()[0]
}

/// Without whitespace, in lower case, for comparison and parsing.
fn normalise(line: &str) -> String {
    line.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// Parses a normalised data line `NN:hex…cc` into its bytes and checksum.
fn parse_line(line: &str, number: usize) -> Result<(Vec<u8>, u8), PaperError> {
    let (label, digits) = line.split_once(':').ok_or(PaperError::LineNumber { line: number })?;
    if label.is_empty() || !label.bytes().all(|b| b.is_ascii_digit()) || label.parse::<usize>().ok() != Some(number) {
        return Err(PaperError::LineNumber { line: number });
    }
    let mut nibbles = Vec::with_capacity(digits.len());
    for character in digits.chars() {
        let value = character.to_digit(16).ok_or(PaperError::BadCharacter { line: number, character })?;
        nibbles.push(value as u8);
    }
    // At least the checksum, at most a full line, whole bytes only.
    if nibbles.len() < 2 || nibbles.len() > 2 * BYTES_PER_LINE + 2 || nibbles.len() % 2 != 0 {
        return Err(PaperError::LineLength { line: number });
    }
    let mut bytes: Vec<u8> = nibbles.chunks(2).map(|pair| pair[0] << 4 | pair[1]).collect();
    let checksum = bytes.pop().ok_or(PaperError::LineLength { line: number })?;
    Ok((bytes, checksum))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn sample(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 37 + 11) as u8).collect()
    }

    fn data_lines(paper: &str) -> Vec<String> {
        paper.lines().skip(1).take_while(|l| *l != END_LINE).map(str::to_owned).collect()
    }

    fn with_line(paper: &str, index: usize, new: &str) -> String {
        let mut lines: Vec<String> = paper.lines().map(str::to_owned).collect();
        lines[index] = new.to_owned();
        lines.join("\n")
    }

    #[test]
    fn round_trip_for_every_length_around_line_boundaries() {
        for len in [0, 1, 2, 15, 16, 17, 31, 32, 33, 217] {
            let file = sample(len);
            let paper = to_paper(&file);
            assert_eq!(from_paper(&paper).unwrap(), file, "len {len}");
            assert_eq!(data_lines(&paper).len(), len.div_ceil(16));
        }
    }

    #[test]
    fn layout_is_numbered_grouped_and_aligned() {
        let paper = to_paper(&sample(217));
        let lines: Vec<&str> = paper.lines().collect();
        assert_eq!(lines[0], BEGIN_LINE);
        assert_eq!(*lines.last().unwrap(), END_LINE);
        assert_eq!(lines.len(), 14 + 2);
        // `01: ` then 8 groups of 4 digits, then the 2-digit checksum.
        let first = lines[1];
        assert!(first.starts_with("01: 0b30 557a 9fc4 e90e 3358 7da2 c7ec 1136 "), "{first}");
        let groups: Vec<&str> = first[4..].split_whitespace().collect();
        assert_eq!(groups.len(), 9);
        assert!(groups[..8].iter().all(|g| g.len() == 4));
        assert_eq!(groups[8].len(), 2);
        // The short last line keeps its checksum in the same column.
        assert_eq!(lines[14].len(), lines[1].len());
        assert!(lines[14].starts_with("14: "));
    }

    #[test]
    fn tolerates_spaces_case_blank_lines_and_surrounding_text() {
        let file = sample(40);
        let paper = to_paper(&file);
        let retyped: String =
            paper.lines().map(|l| format!("  {}\n\n", l.to_uppercase().replace(' ', "").replace(':', " : "))).collect();
        let framed = format!("Scrutineer 3, share backup\n{retyped}printed 2025-03-01\n");
        assert_eq!(from_paper(&framed).unwrap(), file);
    }

    #[test]
    fn a_typo_is_reported_with_its_line_number() {
        let file = sample(217);
        let paper = to_paper(&file);
        for index in 1..=14 {
            let line = paper.lines().nth(index).unwrap();
            // Change one data digit (position 4 is the first digit after "NN: ").
            let mut chars: Vec<char> = line.chars().collect();
            chars[4] = if chars[4] == '0' { '1' } else { '0' };
            let typo: String = chars.into_iter().collect();
            let result = from_paper(&with_line(&paper, index, &typo));
            // One checksum byte misses a typo with probability 1/256; this
            // sample is fixed, and every line's typo is caught.
            assert_eq!(result, Err(PaperError::Checksum { line: index }), "line {index}");
        }
    }

    #[test]
    fn bad_characters_lengths_and_numbers_are_reported_by_line() {
        let paper = to_paper(&sample(64));
        let line3 = paper.lines().nth(3).unwrap();
        // The first data digit replaced by a letter that is not hexadecimal.
        let bad = format!("03: g{}", &line3[5..]);
        assert_eq!(from_paper(&with_line(&paper, 3, &bad)), Err(PaperError::BadCharacter { line: 3, character: 'g' }));
        // A digit dropped.
        let short = format!("{}{}", &line3[..4], &line3[5..]);
        assert_eq!(from_paper(&with_line(&paper, 3, &short)), Err(PaperError::LineLength { line: 3 }));
        // Line number mistyped, or missing.
        let renumbered = format!("05{}", &line3[2..]);
        assert_eq!(from_paper(&with_line(&paper, 3, &renumbered)), Err(PaperError::LineNumber { line: 3 }));
        assert_eq!(from_paper(&with_line(&paper, 3, &line3[4..])), Err(PaperError::LineNumber { line: 3 }));
    }

    #[test]
    fn skipped_swapped_and_missing_lines_are_caught() {
        let paper = to_paper(&sample(64));
        let lines: Vec<&str> = paper.lines().collect();
        // Line 2 skipped: the next line announces itself as 3.
        let mut skipped = lines.clone();
        skipped.remove(2);
        assert_eq!(from_paper(&skipped.join("\n")), Err(PaperError::LineNumber { line: 2 }));
        // Lines 2 and 3 swapped.
        let mut swapped = lines.clone();
        swapped.swap(2, 3);
        assert_eq!(from_paper(&swapped.join("\n")), Err(PaperError::LineNumber { line: 2 }));
        // The last line (4) left out: line 3 is full, and its checksum says "not last".
        let mut truncated = lines.clone();
        truncated.remove(4);
        assert_eq!(from_paper(&truncated.join("\n")), Err(PaperError::MissingLinesAfter { line: 3 }));
        // No frame.
        assert_eq!(from_paper(&lines[1..].join("\n")), Err(PaperError::MissingBegin));
        assert_eq!(from_paper(&lines[..5].join("\n")), Err(PaperError::MissingEnd));
    }

    #[test]
    fn errors_read_well() {
        let message = PaperError::Checksum { line: 7 }.to_string();
        assert!(message.starts_with("line 7:"), "{message}");
        let message = PaperError::LineNumber { line: 2 }.to_string();
        assert!(message.contains("`02:`"), "{message}");
    }
}
