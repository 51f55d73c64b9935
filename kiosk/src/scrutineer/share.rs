//! The passphrase-protected share file (spec §9): saving it with its paper backup, and
//! loading it back for the decryption.

use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path as FsPath, PathBuf};

use hallvote_crypto::sharefile::{self, ParamLimits, SealParams, ShareFileError, SharePayload};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization as _;
use zeroize::Zeroizing;

use hallvote_protocol::lifecycle::PollState;
use hallvote_tally::Lang;

use hallvote_protocol::wire::b64;

use super::MIN_PASSPHRASE_CHARS;
use super::{Result, Scrutineer, ScrutineerError, View, blocking, grouped_hex, io, say, share_ceremony_id};

/// A share file just written.
#[derive(Debug, Clone, Serialize)]
pub struct SavedShare {
    /// The poll.
    pub poll: i64,
    /// Where the file is.
    pub path: String,
    /// The scrutineer index in it.
    pub index: u32,
    /// `k`.
    pub threshold: u32,
    /// `n`.
    pub participants: u32,
    /// The 32-byte ceremony identifier of the file (spec §9.4), in hex groups.
    pub ceremony: String,
    /// The file, base64 (217 bytes; as secret as the file: passphrase-protected).
    pub file: String,
    /// The printable paper backup (spec §9.6) with its heading.
    pub paper: String,
    /// What happened, in the request's language.
    pub message: String,
}

/// A share file opened and checked against the poll's ceremony.
#[derive(Debug, Clone, Serialize)]
pub struct LoadedShare {
    /// The poll.
    pub poll: i64,
    /// The scrutineer index in the file.
    pub index: u32,
    /// `k`.
    pub threshold: u32,
    /// `n`.
    pub participants: u32,
    /// The joint key, in hex groups.
    pub joint_key: String,
    /// What happened, in the request's language.
    pub message: String,
}

/// Where the share file of a poll comes from when it is loaded.
pub enum ShareSource {
    /// The file the station saved in its share folder.
    Saved,
    /// The file's bytes (from a USB stick, uploaded by the page).
    File(Vec<u8>),
    /// The text of the paper backup, typed in (spec §9.6).
    Paper(String),
}

/// The passphrase as the share file's key derivation takes it: UTF-8 in Unicode
/// Normalization Form C (spec §9.1), so that "é" typed as one character or as "e"
/// and a combining accent, through whatever input method, gives the same key.
pub(super) fn normalized(passphrase: &str) -> Zeroizing<String> {
    Zeroizing::new(passphrase.nfc().collect())
}

pub(super) fn check_passphrase(passphrase: &str, again: Option<&str>) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(ScrutineerError::PassphraseTooShort);
    }
    if again.is_some_and(|a| a != passphrase) {
        return Err(ScrutineerError::PassphraseMismatch);
    }
    Ok(())
}

/// Writes `bytes` to `path` (mode 0600) through a temporary file and a rename.
pub(super) fn write_private(path: &FsPath, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut f = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(io(&tmp))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io(path))
}

/// The printable paper backup: a heading (ignored when the text is read back) and
/// the lines of spec §9.6.
pub fn paper_text(
    poll: i64,
    index: u32,
    threshold: u32,
    participants: u32,
    ceremony: &[u8; 32],
    file: &[u8],
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "hallvote 监票人密钥份额 · 纸质备份 / Scrutineer key share · paper backup");
    let _ = writeln!(s, "投票 Poll: {poll}");
    let _ = writeln!(
        s,
        "监票人 Scrutineer: {index} / {participants}（任意 {threshold} 人即可解密 / any {threshold} decrypt）"
    );
    let _ = writeln!(s, "密钥生成 Ceremony: {}", grouped_hex(ceremony));
    let _ = writeln!(
        s,
        "本备份与文件同样受口令保护，请与口令分开保管。/ Protected by the passphrase like the file; keep it apart from the passphrase."
    );
    s.push('\n');
    s.push_str(&sharefile::to_paper(file));
    s
}

/// What the station writes beside a share file: the public facts the paper backup's
/// heading shows, which the encrypted file does not reveal without the passphrase.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct ShareMeta {
    pub(super) poll: i64,
    pub(super) index: u32,
    pub(super) threshold: u32,
    pub(super) participants: u32,
    pub(super) ceremony: String,
}

impl Scrutineer {
    /// The share file of poll `poll` in the share folder.
    pub fn share_path(&self, poll: i64) -> PathBuf {
        self.share_dir.join(format!("poll-{poll}.hvshare"))
    }

    pub(super) fn meta_path(&self, poll: i64) -> PathBuf {
        self.share_dir.join(format!("poll-{poll}.hvshare.json"))
    }

    /// Whether the share folder holds this poll's share file of the ceremony
    /// `ceremony`: a file of an abandoned ceremony (spec §14.3) does not count. A file
    /// without its note of public facts is taken to be this ceremony's.
    pub(super) fn share_saved_for(&self, poll: i64, ceremony: &[u8]) -> bool {
        if !self.share_path(poll).exists() {
            return false;
        }
        let Ok(text) = std::fs::read_to_string(self.meta_path(poll)) else {
            return true;
        };
        serde_json::from_str::<ShareMeta>(&text)
            .map_or(true, |m| m.ceremony == hex::encode(share_ceremony_id(ceremony)))
    }

    /// Seals the key share under `passphrase` (spec §9, Argon2id at the default
    /// parameters), writes it to the share folder (mode 0600) beside a note of its
    /// public facts, reads it back and opens it again, and only then forgets the key
    /// share. Returns the file and its paper backup.
    pub async fn save_share(
        &self,
        poll: i64,
        passphrase: Zeroizing<String>,
        again: Option<Zeroizing<String>>,
        lang: Lang,
    ) -> Result<SavedShare> {
        let (passphrase, again) = (normalized(&passphrase), again.map(|a| normalized(&a)));
        check_passphrase(&passphrase, again.as_ref().map(|a| a.as_str()))?;
        let mut polls = self.polls.lock().await;
        let work = polls.entry(poll).or_default();
        if work.key_share.is_none() {
            let view = self.view(poll, lang).await?;
            // A file of an abandoned ceremony (spec §14.3) is replaced: its key never
            // encrypted anything, as the poll never opened under it.
            if self.share_saved_for(poll, &view.ceremony) {
                return Err(ScrutineerError::ShareAlreadySaved);
            }
            if view.state == PollState::Ceremony {
                return Err(match view.next_step() {
                    Some(step) => ScrutineerError::OutOfOrder(step),
                    None => ScrutineerError::CeremonyNotFinished,
                });
            }
            Self::finish(&view, work)?;
        }
        let payload = work.key_share.clone().ok_or(ScrutineerError::SecretLost)?;
        let (seal_payload, pass) = (payload.clone(), passphrase.clone());
        let file =
            blocking(move || sharefile::seal(&seal_payload, pass.as_bytes(), SealParams::DEFAULT, &mut rand::rng()))
                .await?
                .map_err(ScrutineerError::ShareFile)?;
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(&self.share_dir).map_err(io(&self.share_dir))?;
        let path = self.share_path(poll);
        write_private(&path, &file)?;
        let meta = ShareMeta {
            poll,
            index: payload.index(),
            threshold: payload.threshold(),
            participants: payload.participants(),
            ceremony: hex::encode(payload.ceremony_id()),
        };
        let meta_path = self.meta_path(poll);
        let meta_text = serde_json::to_vec_pretty(&meta).map_err(|e| ScrutineerError::Internal(e.to_string()))?;
        std::fs::write(&meta_path, meta_text).map_err(io(&meta_path))?;
        // Read back from the disk and opened again before the key share is forgotten.
        let back = std::fs::read(&path).map_err(io(&path))?;
        let reopened = blocking(move || sharefile::open(&back, passphrase.as_bytes(), ParamLimits::STANDARD))
            .await?
            .map_err(ScrutineerError::ShareFile)?;
        if reopened != payload {
            return Err(ScrutineerError::Internal("the share file does not read back".into()));
        }
        work.key_share = None;
        let paper = paper_text(poll, meta.index, meta.threshold, meta.participants, payload.ceremony_id(), &file);
        Ok(SavedShare {
            poll,
            path: path.display().to_string(),
            index: meta.index,
            threshold: meta.threshold,
            participants: meta.participants,
            ceremony: grouped_hex(payload.ceremony_id()),
            file: b64(&file),
            paper,
            message: say(
                lang,
                format!(
                    "密钥份额文件已保存到 {}，并已用该口令验证可以打开。请下载存入U盘，并打印纸质备份。",
                    path.display()
                ),
                format!(
                    "The key share file is saved at {} and opens with this passphrase. Download it to the USB stick and print the paper backup.",
                    path.display()
                ),
            ),
        })
    }

    /// The saved share file of poll `poll`.
    pub fn share_file(&self, poll: i64) -> Result<Vec<u8>> {
        let path = self.share_path(poll);
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ScrutineerError::NoShareFile(poll),
            _ => ScrutineerError::Io { path, source: e },
        })
    }

    /// The paper backup of the saved share file of poll `poll`.
    pub fn share_paper(&self, poll: i64) -> Result<String> {
        let file = self.share_file(poll)?;
        let meta_path = self.meta_path(poll);
        let text = std::fs::read_to_string(&meta_path).map_err(io(&meta_path))?;
        let meta: ShareMeta = serde_json::from_str(&text)
            .map_err(|e| ScrutineerError::Internal(format!("{}: {e}", meta_path.display())))?;
        let ceremony: [u8; 32] = hex::decode(&meta.ceremony)
            .ok()
            .and_then(|c| c.try_into().ok())
            .ok_or_else(|| ScrutineerError::Internal(format!("{}: ceremony", meta_path.display())))?;
        Ok(paper_text(poll, meta.index, meta.threshold, meta.participants, &ceremony, &file))
    }

    /// Checks a share against the poll's ceremony: the ceremony, this station's
    /// index and the counts, the joint key and the public share.
    pub(super) fn check_share(payload: &SharePayload, view: &View) -> Result<()> {
        let finished = view.finished()?;
        if payload.ceremony_id() != &share_ceremony_id(&view.ceremony) {
            return Err(ScrutineerError::OtherCeremony);
        }
        if payload.index() != view.index {
            return Err(ScrutineerError::OtherScrutineer { found: payload.index(), station: view.index });
        }
        if payload.threshold() != view.params.threshold() || payload.participants() != view.n() {
            return Err(ScrutineerError::OtherCeremony);
        }
        let public = finished.public_shares.get(view.index as usize - 1);
        if payload.joint_key().as_bytes() != &finished.joint_key || public != Some(payload.public_share().as_bytes()) {
            return Err(ScrutineerError::JointKeyMismatch);
        }
        Ok(())
    }

    /// Opens a share file of poll `poll` with `passphrase` (spec §9.5): the saved one,
    /// the bytes given, or the paper backup typed in. Not yet checked against the poll.
    pub(super) async fn open_share_file(
        &self,
        poll: i64,
        passphrase: &str,
        source: ShareSource,
    ) -> Result<SharePayload> {
        let file = match source {
            ShareSource::Saved => self.share_file(poll)?,
            ShareSource::File(bytes) => bytes,
            ShareSource::Paper(text) => sharefile::from_paper(&text).map_err(ScrutineerError::Paper)?,
        };
        let passphrase = normalized(passphrase);
        blocking(move || sharefile::open(&file, passphrase.as_bytes(), ParamLimits::STANDARD)).await?.map_err(|e| {
            match e {
                ShareFileError::WrongPassphraseOrCorrupt => ScrutineerError::WrongPassphrase,
                other => ScrutineerError::ShareFile(other),
            }
        })
    }

    /// Opens the share file of poll `poll` with `passphrase` (spec §9.5) and checks it
    /// belongs to the poll's ceremony, this scrutineer and the poll's joint key; the
    /// share is then held in memory for [`Scrutineer::decrypt`].
    pub async fn load_share(
        &self,
        poll: i64,
        passphrase: Zeroizing<String>,
        source: ShareSource,
        lang: Lang,
    ) -> Result<LoadedShare> {
        let payload = self.open_share_file(poll, &passphrase, source).await?;
        let mut polls = self.polls.lock().await;
        let work = polls.entry(poll).or_default();
        let view = self.view(poll, lang).await?;
        Self::check_share(&payload, &view)?;
        let loaded = LoadedShare {
            poll,
            index: payload.index(),
            threshold: payload.threshold(),
            participants: payload.participants(),
            joint_key: grouped_hex(payload.joint_key().as_bytes()),
            message: say(
                lang,
                format!("已载入第 {} 号监票人的密钥份额，与本次投票的联合公钥一致。可以解密。", payload.index()),
                format!(
                    "Scrutineer {}'s key share is loaded and matches this poll's joint key. Ready to decrypt.",
                    payload.index()
                ),
            ),
        };
        work.loaded = Some(payload);
        Ok(loaded)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn paper_backup_reads_back_and_names_the_ceremony() {
        let file: Vec<u8> = (0..217u32).map(|i| i as u8).collect();
        let text = paper_text(7, 2, 3, 5, &[0xab; 32], &file);
        assert!(text.contains("abab abab"), "{text}");
        assert!(text.contains("2 / 5"), "{text}");
        assert_eq!(sharefile::from_paper(&text).unwrap(), file);
    }

    #[test]
    fn passphrases_are_checked() {
        assert!(matches!(check_passphrase("short", None), Err(ScrutineerError::PassphraseTooShort)));
        assert!(matches!(
            check_passphrase("长一点的口令口令", Some("other")),
            Err(ScrutineerError::PassphraseMismatch)
        ));
        assert!(check_passphrase("long enough", Some("long enough")).is_ok());
    }
}
