//! The election fingerprint and officers' key fingerprints (spec §11.4).
//!
//! The fingerprint is what ties a record to the hall: a digest of everything fixed
//! before the poll opens, short enough to read aloud and copy into the scrutineers'
//! paper minutes (监票记录). A record fabricated by whoever runs the server — with
//! officer keys of their own, or a key ceremony of their own — has another
//! fingerprint, however consistent it is with itself.

use core::fmt;

use hallvote_crypto::hash::Hasher;
use hallvote_crypto::sign::VerifyingKey;
use hallvote_crypto::tags;

use crate::crockford;
use crate::text::Text;

/// Symbols in the short form: 20 × 5 = 100 bits, shown as 4 groups of 5.
const SHORT_SYMBOLS: usize = 20;

/// `F = H("hallvote/record/fingerprint/v1", manifest, Y, u64be(n), X₁, …, Xₙ)` (spec §11.4).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint([u8; 64]);

impl Fingerprint {
    /// The fingerprint of a poll from its manifest bytes (§11.2), joint key `Y` and
    /// public shares `X₁ … Xₙ` (§5.3), all as encoded in the record (§12.2).
    pub fn of(manifest: &[u8], joint_key: &[u8; 32], public_shares: &[[u8; 32]]) -> Self {
        let mut h = Hasher::new(tags::RECORD_FINGERPRINT);
        h.bytes(manifest).bytes(joint_key).u64(public_shares.len() as u64);
        for x in public_shares {
            h.bytes(x);
        }
        Self(h.finalize())
    }

    /// The whole 64-byte digest.
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }

    /// The first 32 bytes, as a receipt carries them (§12.11).
    pub fn prefix(&self) -> [u8; 32] {
        let mut out = [0; 32];
        out.copy_from_slice(&self.0[..32]);
        out
    }

    /// The short form people read and write: the first 100 bits in Crockford base32,
    /// `XXXXX-XXXXX-XXXXX-XXXXX`.
    pub fn short(&self) -> String {
        crockford::grouped(&crockford::encode(&self.0, SHORT_SYMBOLS), 5)
    }

    /// The whole digest in lowercase hex (128 characters).
    pub fn full_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether `text`, as a person copied it (the short form, any case, dashes and
    /// spaces as they like, O/I/L for 0/1/1; or the full hex), names this fingerprint.
    pub fn matches(&self, text: &str) -> Result<bool, PinError> {
        pin_matches(&self.0, text)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.short())
    }
}

/// The fingerprint of an officer's (scrutineer's or counter's) Ed25519 key:
/// `H("hallvote/record/officer-key/v1", key)`, shown like the election fingerprint.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyFingerprint([u8; 64]);

impl KeyFingerprint {
    /// The fingerprint of `key`.
    pub fn of(key: &VerifyingKey) -> Self {
        let mut h = Hasher::new(tags::RECORD_OFFICER_KEY);
        h.bytes(key.as_bytes());
        Self(h.finalize())
    }

    /// `XXXXX-XXXXX-XXXXX-XXXXX`.
    pub fn short(&self) -> String {
        crockford::grouped(&crockford::encode(&self.0, SHORT_SYMBOLS), 5)
    }

    /// Whether `text` names this key's fingerprint (as [`Fingerprint::matches`]).
    pub fn matches(&self, text: &str) -> Result<bool, PinError> {
        pin_matches(&self.0, text)
    }
}

impl fmt::Display for KeyFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

impl fmt::Debug for KeyFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyFingerprint({})", self.short())
    }
}

/// A pin that is not a fingerprint at all (so it cannot match anything).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a fingerprint: expected 20 characters of 0-9 A-Z without I L O U, as XXXXX-XXXXX-XXXXX-XXXXX \
     (or the full digest, 128 hex digits)"
)]
pub struct PinError(pub String);

impl PinError {
    /// What is wrong, in words.
    pub fn text(&self) -> Text {
        Text::new(
            format!(
                "「{}」不是指纹：应为 20 个字符（0–9 与 A–Z，不含 I、L、O、U），形如 XXXXX-XXXXX-XXXXX-XXXXX\
                 （或完整摘要，128 位十六进制数）",
                self.0
            ),
            self.to_string(),
        )
    }
}

fn pin_matches(digest: &[u8; 64], text: &str) -> Result<bool, PinError> {
    let trimmed = text.trim();
    if trimmed.len() == 128 && trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
        let full: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        return Ok(full.eq_ignore_ascii_case(trimmed));
    }
    match crockford::symbols(trimmed) {
        Some(syms) if syms.len() == SHORT_SYMBOLS => {
            let ours = crockford::symbols(&crockford::encode(digest, SHORT_SYMBOLS)).unwrap_or_default();
            Ok(ours == syms)
        }
        _ => Err(PinError(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_spec_example() {
        // docs/spec/11-manifest.md §11.4, also computed by tests/independent/verify.py.
        let f = Fingerprint::of(b"manifest", &[7; 32], &[[1; 32], [2; 32]]);
        assert_eq!(
            f.full_hex(),
            "9f50b710edcecad879c05c9ba97dc1d458d6ce77b4f65a6f4e7af18c41ca0da0\
             82b6895ec7c310e8dc21c33f2e8b6ef8c715d0a89da8074f2085f2cdd51c37a6"
        );
        assert_eq!(f.short(), "KX8BE-47DSV-5DGYE-0BJDT");
    }

    #[test]
    fn short_form_reads_back_as_people_copy_it() {
        let f = Fingerprint::of(b"manifest", &[7; 32], &[[1; 32], [2; 32]]);
        let short = f.short();
        assert_eq!(short.len(), 23);
        assert_eq!(short.matches('-').count(), 3);
        assert!(f.matches(&short).unwrap());
        assert!(f.matches(&short.to_lowercase().replace('-', " ")).unwrap());
        assert!(f.matches(&short.replace('0', "O").replace('1', "l")).unwrap());
        assert!(f.matches(&f.full_hex()).unwrap());
        assert!(f.matches(&f.full_hex().to_uppercase()).unwrap());
        let other = Fingerprint::of(b"manifest", &[7; 32], &[[1; 32], [3; 32]]);
        assert!(!other.matches(&short).unwrap());
        assert!(f.matches("ABCDE").is_err());
        assert!(f.matches("UUUUU-UUUUU-UUUUU-UUUUU").is_err());
        // Every input changes it: manifest, key, each share, and the count.
        assert_ne!(f, Fingerprint::of(b"manifesu", &[7; 32], &[[1; 32], [2; 32]]));
        assert_ne!(f, Fingerprint::of(b"manifest", &[8; 32], &[[1; 32], [2; 32]]));
        assert_ne!(f, Fingerprint::of(b"manifest", &[7; 32], &[[1; 32]]));
    }
}
