//! The text of a ballot credential's QR code (spec §15.7): what the desk prints
//! and the booth's scanner types.
//!
//! `HVCRED1:` ‖ the poll's number on the server (decimal) ‖ `:` ‖ base64url
//! without padding of the credential (spec §6.4). The poll number only tells the
//! booth which ballot to fetch; the credential itself is bound to the poll by its
//! signature over `poll_id` (spec §6.5), which the booth checks before it shows
//! anything.
//!
//! The text is as long as the credential needs (a 2048-bit blind signature makes it
//! about 440 characters; base64url is already the densest form a keyboard types), so
//! the printed slip sets it in groups of [`GROUP`] characters ([`grouped`]) and the
//! booth ignores whitespace anywhere in what is typed.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hallvote_crypto::credential::Credential;
use thiserror::Error;

/// The first characters of a credential's QR text; the `1` is the format version.
pub const PREFIX: &str = "HVCRED1:";
/// The longest credential text accepted (a 4096-bit key's credential, with room),
/// not counting whitespace.
pub const MAX_LEN: usize = 800;
/// Characters per group in the printed text.
pub const GROUP: usize = 4;

/// Why a scanned text is not a ballot credential.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CredentialTextError {
    /// Nothing was scanned.
    #[error("empty")]
    Empty,
    /// Longer than [`MAX_LEN`].
    #[error("too long")]
    TooLong,
    /// A delegate card, an enrolment code or something else, not a credential.
    #[error("not a ballot credential")]
    NotACredential,
    /// The prefix is right but the rest is not.
    #[error("damaged: {0}")]
    Damaged(&'static str),
}

/// A scanned credential: the poll it is for and the credential.
#[derive(Debug, Clone)]
pub struct CredentialText {
    /// The poll's number on the server.
    pub poll: i64,
    /// The credential (its signature is not yet checked).
    pub credential: Credential,
}

impl CredentialText {
    /// The QR text of `credential` for poll `poll`.
    pub fn encode(poll: i64, credential: &Credential) -> String {
        format!("{PREFIX}{poll}:{}", URL_SAFE_NO_PAD.encode(credential.to_bytes()))
    }

    /// Decodes a scanned or typed text strictly: whitespace anywhere (a scanner's
    /// Enter, the spaces between the printed groups) is ignored, nothing else. No
    /// character of the text's alphabet is whitespace.
    pub fn decode(text: &str) -> Result<Self, CredentialTextError> {
        // Bounds the work before the whitespace is dropped.
        if text.len() > 4 * MAX_LEN {
            return Err(CredentialTextError::TooLong);
        }
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if text.is_empty() {
            return Err(CredentialTextError::Empty);
        }
        if text.len() > MAX_LEN {
            return Err(CredentialTextError::TooLong);
        }
        let rest = text.strip_prefix(PREFIX).ok_or(CredentialTextError::NotACredential)?;
        let (poll, b64) = rest.split_once(':').ok_or(CredentialTextError::Damaged("no poll number"))?;
        if poll.is_empty() || poll.len() > 18 || !poll.bytes().all(|b| b.is_ascii_digit()) || poll.starts_with('0') {
            return Err(CredentialTextError::Damaged("poll number"));
        }
        let poll: i64 = poll.parse().map_err(|_| CredentialTextError::Damaged("poll number"))?;
        let bytes = URL_SAFE_NO_PAD.decode(b64).map_err(|_| CredentialTextError::Damaged("base64url"))?;
        let credential = Credential::from_bytes(&bytes).map_err(|_| CredentialTextError::Damaged("credential"))?;
        Ok(Self { poll, credential })
    }
}

/// The text as printed for typing: the prefix and poll number (`HVCRED1:42:`) as
/// one group, then groups of [`GROUP`] characters, separated by spaces, so that a
/// person typing it keeps their place. [`CredentialText::decode`] takes it back as
/// it is, spaces and all.
pub fn grouped(text: &str) -> String {
    let (head, rest) = match text.strip_prefix(PREFIX).and_then(|r| r.split_once(':')) {
        Some((poll, b64)) => (&text[..PREFIX.len() + poll.len() + 1], b64),
        None => ("", text),
    };
    let chars: Vec<char> = rest.chars().collect();
    let groups = chars.chunks(GROUP).map(|g| g.iter().collect::<String>());
    std::iter::once(head.to_owned()).filter(|h| !h.is_empty()).chain(groups).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn credential() -> Credential {
        let mut bytes = vec![1u8];
        bytes.extend([7u8; 64]);
        bytes.extend(256u16.to_be_bytes());
        bytes.extend([9u8; 256]);
        Credential::from_bytes(&bytes).unwrap()
    }

    #[test]
    fn round_trip_and_a_scanners_enter() {
        let text = CredentialText::encode(42, &credential());
        assert!(text.starts_with("HVCRED1:42:"));
        let back = CredentialText::decode(&format!("{text}\n")).unwrap();
        assert_eq!(back.poll, 42);
        assert_eq!(back.credential.to_bytes(), credential().to_bytes());
    }

    #[test]
    fn the_printed_groups_read_back_as_the_same_credential() {
        let text = CredentialText::encode(42, &credential());
        let printed = grouped(&text);
        let mut words = printed.split(' ');
        assert_eq!(words.next(), Some("HVCRED1:42:"));
        let groups: Vec<&str> = words.collect();
        assert!(groups[..groups.len() - 1].iter().all(|g| g.len() == GROUP), "{printed}");
        assert_eq!(groups.concat(), text["HVCRED1:42:".len()..]);
        // Typed as printed, or with a line break where the slip wrapped it.
        for typed in [printed.clone(), printed.replacen(' ', "\n", 5), format!("  {printed}\r\n")] {
            let back = CredentialText::decode(&typed).unwrap();
            assert_eq!((back.poll, back.credential.to_bytes()), (42, credential().to_bytes()));
        }
        // A changed group is still refused.
        let damaged = printed.replacen(groups[3], "!!!!", 1);
        assert_eq!(CredentialText::decode(&damaged).unwrap_err(), CredentialTextError::Damaged("base64url"));
    }

    #[test]
    fn each_kind_of_bad_text_has_its_error() {
        let good = CredentialText::encode(42, &credential());
        assert_eq!(CredentialText::decode("  ").unwrap_err(), CredentialTextError::Empty);
        assert_eq!(CredentialText::decode("HVCARD1:abc").unwrap_err(), CredentialTextError::NotACredential);
        assert_eq!(CredentialText::decode(&"x".repeat(900)).unwrap_err(), CredentialTextError::TooLong);
        assert_eq!(CredentialText::decode(&" ".repeat(4000)).unwrap_err(), CredentialTextError::TooLong);
        assert_eq!(CredentialText::decode("HVCRED1:42").unwrap_err(), CredentialTextError::Damaged("no poll number"));
        for poll in ["", "042", "-1", "4a"] {
            let t = good.replacen("HVCRED1:42", &format!("HVCRED1:{poll}"), 1);
            assert_eq!(CredentialText::decode(&t).unwrap_err(), CredentialTextError::Damaged("poll number"), "{poll}");
        }
        assert_eq!(CredentialText::decode(&format!("{good}=")).unwrap_err(), CredentialTextError::Damaged("base64url"));
        let short = &good[..good.len() - 8];
        assert_eq!(CredentialText::decode(short).unwrap_err(), CredentialTextError::Damaged("credential"));
    }
}
