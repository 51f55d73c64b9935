//! Receipts and observed tree heads as text: what a delegate takes home on paper and
//! an observer writes down from the hall display, and what `hallvote-verify
//! --receipt` and `--heads` check against a record (spec §12.11).

use core::fmt;

use hallvote_crypto::merkle::TreeHead;

use super::format::{SIG_LEN, SignedHead, TREE_HEAD_LEN};
use crate::ballot::TrackingCode;
use crate::crockford;
use crate::text::Text;

/// The prefix of a receipt text.
pub const RECEIPT_PREFIX: &str = "HVRCPT1:";
/// The prefix of an observed head text.
pub const HEAD_PREFIX: &str = "HVHEAD1:";

/// `u8 kind ‖ F[0..32] ‖ u64be position ‖ tracking code (10) ‖ tree head (40) ‖ signature (64)`.
const RECEIPT_LEN: usize = 1 + 32 + 8 + 10 + TREE_HEAD_LEN + SIG_LEN;
/// `tree head (40) ‖ signature (64)`.
const HEAD_LEN: usize = TREE_HEAD_LEN + SIG_LEN;

/// Whether the receipted entry was cast or challenged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptKind {
    /// A cast ballot (counted).
    Cast,
    /// A challenged ballot (spoiled: opened, never counted).
    Spoiled,
}

/// A receipt (spec §12.11): the poll's fingerprint, the entry's tracking code and
/// position, and the signed tree head that includes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// Cast or spoiled.
    pub kind: ReceiptKind,
    /// The first 32 bytes of the election fingerprint (spec §11.4).
    pub fingerprint: [u8; 32],
    /// The entry's position on the board (0-based).
    pub position: u64,
    /// The ballot's tracking code (spec §10.5).
    pub tracking: TrackingCode,
    /// The signed tree head the server returned with the receipt (spec §12.5).
    pub head: SignedHead,
}

/// Why a text is not a receipt or an observed head.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptTextError {
    /// The text does not start with the expected prefix.
    #[error("does not start with {0}")]
    Prefix(&'static str),
    /// The text after the prefix is not Crockford base32 of the right length.
    #[error(
        "the text after {0} is not {1} bytes of base32 (0-9 A-Z without I L O U): a character is missing, extra or mistyped"
    )]
    Encoding(&'static str, usize),
    /// The kind byte is neither 0 (cast) nor 1 (spoiled).
    #[error("unknown receipt kind {0}")]
    Kind(u8),
    /// The tree head does not decode.
    #[error("the tree head does not decode")]
    Head,
    /// The position is not within the tree head the receipt carries.
    #[error("position {position} is outside the receipt's tree of size {size}")]
    Position {
        /// The position.
        position: u64,
        /// The head's size.
        size: u64,
    },
}

impl ReceiptTextError {
    /// What is wrong, in words; an entry counted from 1, as people count (entry 1
    /// is position 0).
    pub fn text(&self) -> Text {
        match self {
            Self::Prefix(p) => Text::new(format!("不是以 {p} 开头"), self.to_string()),
            Self::Encoding(p, n) => Text::new(
                format!("{p} 之后应为 {n} 字节的 base32 文本（0–9 与 A–Z，不含 I、L、O、U），有字符缺失、多余或抄错"),
                self.to_string(),
            ),
            Self::Kind(k) => {
                Text::new(format!("回执类型 {k} 未知（应为 0 投出或 1 作废）"), format!("unknown receipt kind {k}"))
            }
            Self::Head => Text::new("其中的树头无法解读", self.to_string()),
            Self::Position { position, size } => Text::new(
                format!("所载位置公告板第 {} 条不在回执树头的 {size} 条之内", position.saturating_add(1)),
                format!("entry {} is outside the receipt's tree of size {size}", position.saturating_add(1)),
            ),
        }
    }
}

impl Receipt {
    /// The receipt as one line of text: `HVRCPT1:` and the 155 bytes in Crockford
    /// base32 (upper case, 248 characters; a QR code stores it in alphanumeric mode).
    pub fn to_text(&self) -> String {
        let mut b = Vec::with_capacity(RECEIPT_LEN);
        b.push(match self.kind {
            ReceiptKind::Cast => 0,
            ReceiptKind::Spoiled => 1,
        });
        b.extend_from_slice(&self.fingerprint);
        b.extend_from_slice(&self.position.to_be_bytes());
        b.extend_from_slice(self.tracking.as_bytes());
        b.extend_from_slice(&self.head.head);
        b.extend_from_slice(&self.head.signature);
        format!("{RECEIPT_PREFIX}{}", crockford::encode_all(&b))
    }

    /// Parses a receipt text strictly (surrounding white space, which a scanner
    /// adds, is ignored; the prefix is case-insensitive as a QR reader may lower it).
    /// The printed QR code holds the board page's address with the text as its
    /// `receipt` parameter (`https://…/board?code=…&receipt=HVRCPT1:…`); that form is
    /// read too.
    pub fn parse(text: &str) -> Result<Self, ReceiptTextError> {
        let text = text.trim();
        let lower = text.get(..8).unwrap_or_default().to_ascii_lowercase();
        let text = if lower.starts_with("http://") || lower.starts_with("https://") {
            let query = text.split_once('?').map_or("", |(_, q)| q);
            let value = query.split('&').find_map(|kv| kv.strip_prefix("receipt="));
            value.ok_or(ReceiptTextError::Prefix(RECEIPT_PREFIX))?
        } else {
            text
        };
        let b = match text.get(..RECEIPT_PREFIX.len() + 2) {
            // A QR reader or browser may have percent-encoded the colon.
            Some(p) if p.eq_ignore_ascii_case("HVRCPT1%3A") => {
                unprefixed(&format!("{RECEIPT_PREFIX}{}", &text[p.len()..]), RECEIPT_PREFIX, RECEIPT_LEN)?
            }
            _ => unprefixed(text, RECEIPT_PREFIX, RECEIPT_LEN)?,
        };
        let kind = match b[0] {
            0 => ReceiptKind::Cast,
            1 => ReceiptKind::Spoiled,
            k => return Err(ReceiptTextError::Kind(k)),
        };
        let mut fingerprint = [0; 32];
        fingerprint.copy_from_slice(&b[1..33]);
        let mut pos = [0; 8];
        pos.copy_from_slice(&b[33..41]);
        let position = u64::from_be_bytes(pos);
        let mut tracking = [0; 10];
        tracking.copy_from_slice(&b[41..51]);
        let head = signed_head(&b[51..]);
        let size = TreeHead::from_bytes(&head.head).map_err(|_| ReceiptTextError::Head)?.size;
        if position >= size {
            return Err(ReceiptTextError::Position { position, size });
        }
        Ok(Self { kind, fingerprint, position, tracking: TrackingCode::from_bytes(tracking), head })
    }

    /// The tree size and the first 8 hex digits of the root, for people.
    pub fn head_summary(&self) -> String {
        head_summary(&self.head)
    }
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// An observed signed head as one line of text: `HVHEAD1:` and the 104 bytes in
/// Crockford base32 (167 characters).
pub fn head_to_text(head: &SignedHead) -> String {
    let mut b = head.head.to_vec();
    b.extend_from_slice(&head.signature);
    format!("{HEAD_PREFIX}{}", crockford::encode_all(&b))
}

/// Parses one observed head text.
pub fn parse_head(text: &str) -> Result<SignedHead, ReceiptTextError> {
    let b = unprefixed(text, HEAD_PREFIX, HEAD_LEN)?;
    let head = signed_head(&b);
    TreeHead::from_bytes(&head.head).map_err(|_| ReceiptTextError::Head)?;
    Ok(head)
}

/// Parses a file of observed heads, one per line; blank lines and lines starting
/// with `#` are skipped. Errors name the line (1-based).
pub fn parse_heads_file(text: &str) -> Result<Vec<SignedHead>, (usize, ReceiptTextError)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        out.push(parse_head(line).map_err(|e| (n + 1, e))?);
    }
    Ok(out)
}

/// `size 12, root 3fa0c2d1…`, for people.
pub fn head_summary(head: &SignedHead) -> String {
    let size = u64::from_be_bytes(head.head[..8].try_into().unwrap_or([0; 8]));
    let root: String = head.head[8..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("size {size}, root {root}…")
}

fn unprefixed(text: &str, prefix: &'static str, len: usize) -> Result<Vec<u8>, ReceiptTextError> {
    let text = text.trim();
    let head = text.get(..prefix.len()).ok_or(ReceiptTextError::Prefix(prefix))?;
    if !head.eq_ignore_ascii_case(prefix) {
        return Err(ReceiptTextError::Prefix(prefix));
    }
    crockford::decode_exact(&text[prefix.len()..], len).ok_or(ReceiptTextError::Encoding(prefix, len))
}

fn signed_head(b: &[u8]) -> SignedHead {
    let mut head = [0; TREE_HEAD_LEN];
    head.copy_from_slice(&b[..TREE_HEAD_LEN]);
    let mut signature = [0; SIG_LEN];
    signature.copy_from_slice(&b[TREE_HEAD_LEN..TREE_HEAD_LEN + SIG_LEN]);
    SignedHead { head, signature }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sample() -> Receipt {
        let mut head = [0u8; 40];
        head[7] = 12;
        head[8..].copy_from_slice(&[0xab; 32]);
        Receipt {
            kind: ReceiptKind::Spoiled,
            fingerprint: [5; 32],
            position: 11,
            tracking: TrackingCode::from_bytes([9; 10]),
            head: SignedHead { head, signature: [3; 64] },
        }
    }

    #[test]
    fn receipt_text_round_trips_strictly() {
        let r = sample();
        let text = r.to_text();
        assert_eq!(text.len(), RECEIPT_PREFIX.len() + 248);
        assert_eq!(Receipt::parse(&text).unwrap(), r);
        assert_eq!(Receipt::parse(&format!("  {}\n", text.to_lowercase())).unwrap(), r);
        let url =
            format!("https://10.0.0.2:8443/polls/3/board?code=ABCD&{}", text.replace("HVRCPT1:", "receipt=HVRCPT1:"));
        assert_eq!(Receipt::parse(&url).unwrap(), r);
        assert_eq!(Receipt::parse(&url.replace("HVRCPT1:", "HVRCPT1%3A")).unwrap(), r);
        assert_eq!(Receipt::parse("https://x/board?code=ABCD"), Err(ReceiptTextError::Prefix(RECEIPT_PREFIX)));
        assert_eq!(Receipt::parse(&text[1..]), Err(ReceiptTextError::Prefix(RECEIPT_PREFIX)));
        assert!(matches!(Receipt::parse(&text[..text.len() - 1]), Err(ReceiptTextError::Encoding(..))));
        let beyond = Receipt { position: 12, ..r };
        assert_eq!(Receipt::parse(&beyond.to_text()), Err(ReceiptTextError::Position { position: 12, size: 12 }));
        assert_eq!(r.head_summary(), "size 12, root abababab…");
    }

    #[test]
    fn heads_file_names_the_bad_line() {
        let h = sample().head;
        let text = format!("# heads seen on the display\n{}\n\n{}\n", head_to_text(&h), head_to_text(&h));
        assert_eq!(parse_heads_file(&text).unwrap(), vec![h, h]);
        let bad = format!("{}\nHVHEAD1:ZZZ\n", head_to_text(&h));
        assert_eq!(parse_heads_file(&bad).unwrap_err().0, 2);
    }
}
