//! The scrutineer station (监票人): one scrutineer's part of the key ceremony
//! (spec §5, §5.6), the passphrase-protected share file (spec §9), the decryption
//! (spec §5.4, §12.6) and the signature on the result (spec §12.8), with the JSON
//! interface and the page the station serves on 127.0.0.1.
//!
//! A counter (计票人) uses a station of the same kind, for the result alone: it
//! reviews and signs ([`Scrutineer::review`], [`Scrutineer::sign`]) without taking
//! part in the ceremony. The station finds its office in the poll's manifest, by
//! its own key ([`Office`]).
//!
//! The ceremony runs in three steps that each scrutineer's station takes on its own,
//! in any order relative to the others, through the server's relay:
//!
//! 1. [`Scrutineer::publish_recipient_key`]: a fresh X25519 receiving key, signed by
//!    the station's key for this ceremony and index (spec §5.6.2);
//! 2. [`Scrutineer::deal`]: once every scrutineer has published, a random polynomial,
//!    its commitments with the proof of knowledge, and one share for each scrutineer,
//!    sealed to its receiving key only after checking that key's signature against the
//!    station key the manifest lists for it (spec §5.2, §5.6);
//! 3. [`Scrutineer::confirm`]: once every scrutineer has dealt, open the shares dealt
//!    to this station, check each against its dealer's commitments (spec §5.3) and
//!    complain about every one that fails, instead of stopping.
//!
//! When every scrutineer has confirmed, the server names the qualified dealers; the
//! station recomputes the joint key and its public share from the dealer messages,
//! sums its shares into its key share, and saves it in a share file under a
//! passphrase ([`Scrutineer::save_share`]). The receiving key and the opened shares
//! are kept in memory only, are zeroized when dropped, and are dropped as soon as the
//! key share is computed; the key share is dropped once the file is written and read
//! back. Before the poll opens, the scrutineer checks the saved file with the
//! passphrase ([`Scrutineer::check_key`], spec §5.7): the poll opens only when every
//! scrutineer's check has passed. Scrutineers and counters copy the election
//! fingerprint and their own key fingerprint into the minutes
//! ([`Scrutineer::fingerprints`], spec §11.4). To decrypt, the scrutineer loads the
//! file with the passphrase ([`Scrutineer::load_share`]); the station checks it belongs
//! to the poll's ceremony and joint key before it uses it, and decrypts only the
//! aggregates it recomputes from the sealed board it has checked
//! ([`Scrutineer::decrypt`], spec §15.9).
//!
//! A station that restarts in the middle of the ceremony has lost its receiving key
//! and cannot finish it ([`ScrutineerError::SecretLost`]): the secret never touches
//! the disk (spec §5.6.1).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use hallvote_crypto::hash::Hasher;
use tokio::sync::Mutex;

use crate::link::{Link, LinkError, StationIdentity};

mod board_check;
mod ceremony;
mod client;
mod decryption;
mod error;
mod fingerprints;
mod interface;
mod key_check;
mod mix;
mod page;
mod result;
mod share;
mod view;

use crate::station::Station;
pub use ceremony::CeremonyStatus;
use ceremony::PollWork;
use client::decode;
pub use decryption::Decrypted;
use error::{Result, blocking, io, refused, untrusted};
pub use error::{ScrutineerError, Step, WaitFor};
pub use fingerprints::Fingerprints;
use hallvote_tally::Lang;
use interface::App;
pub use interface::{ScrutineerApp, ScrutineerOptions, router, serve};
pub use key_check::KeyChecked;
pub use mix::{ContestProgress, MixProgress};
use page::home;
pub use result::{Office, ResultReview, Signed};
pub use share::{LoadedShare, SavedShare, ShareSource, paper_text};
use view::View;

/// The domain tag of the 32-byte ceremony identifier a share file carries (spec §9.4):
/// the server's ceremony identifiers (spec §5.1) are 64 bytes, so the file holds the
/// first 32 bytes of `H("hallvote/share-file/ceremony/v1", ceremony)` (spec §2.1).
pub const SHARE_CEREMONY_TAG: &str = hallvote_crypto::tags::SHARE_FILE_CEREMONY;

/// The shortest passphrase a share file is sealed under, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The 32-byte ceremony identifier of a share file (spec §9.4) for the ceremony
/// identifier `ceremony` of spec §5.1: the first 32 bytes of
/// `H(SHARE_CEREMONY_TAG, ceremony)`.
pub fn share_ceremony_id(ceremony: &[u8]) -> [u8; 32] {
    let mut h = Hasher::new(SHARE_CEREMONY_TAG);
    h.bytes(ceremony);
    let digest = h.finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(&digest[..32]);
    out
}

/// Lowercase hex in groups of four digits, for reading aloud and comparing by eye.
fn grouped_hex(bytes: &[u8]) -> String {
    let hex = hex::encode(bytes);
    let mut out = String::with_capacity(hex.len() + hex.len() / 4);
    for (i, c) in hex.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A scrutineer station's work: the ceremony steps, the share file, the decryption
/// and the result signature, each against the server over its signed link.
pub struct Scrutineer {
    link: Link,
    identity: Arc<StationIdentity>,
    share_dir: PathBuf,
    polls: Mutex<HashMap<i64, PollWork>>,
    /// Held through one step of the write-in mix, so that the page's calls and the
    /// station's own loop ([`Scrutineer::mix_until_done`]) never take a turn twice.
    mixing: Mutex<()>,
    /// The polls whose mix this station's own loop is taking part in.
    looping: Mutex<std::collections::HashSet<i64>>,
}

impl std::fmt::Debug for Scrutineer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrutineer")
            .field("station", &self.identity.id)
            .field("share_dir", &self.share_dir)
            .finish_non_exhaustive()
    }
}

fn say(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::ZhCn => zh,
        Lang::En => en,
    }
}

impl Scrutineer {
    /// The scrutineer work of an enrolled scrutineer station; share files are kept in
    /// `share_dir` (created, mode 0700, when the first is saved).
    pub fn new(station: &Station, share_dir: PathBuf) -> Result<Self, LinkError> {
        Ok(Self::from_parts(station.link()?, Arc::clone(&station.identity), share_dir))
    }

    /// The same from a link signed by `identity`.
    pub fn from_parts(link: Link, identity: Arc<StationIdentity>, share_dir: PathBuf) -> Self {
        Self {
            link,
            identity,
            share_dir,
            polls: Mutex::new(HashMap::new()),
            mixing: Mutex::new(()),
            looping: Mutex::new(std::collections::HashSet::new()),
        }
    }

    /// The station's id on the server.
    pub fn station_id(&self) -> u64 {
        self.identity.id
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn ceremony_id_is_32_bytes_of_the_tagged_hash() {
        let a = share_ceremony_id(b"one ceremony");
        assert_ne!(a, share_ceremony_id(b"another ceremony"));
        let full = hallvote_crypto::hash::hash(SHARE_CEREMONY_TAG, &[b"one ceremony"]);
        assert_eq!(a[..], full[..32]);
    }
}
