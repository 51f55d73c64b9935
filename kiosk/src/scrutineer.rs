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
use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::Write as _;
use std::net::SocketAddr;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hallvote_crypto::dkg::{Dealer, DealerCommitments, DealerShare, Params, ceremony_output, key_share};
use hallvote_crypto::hash::Hasher;
use hallvote_crypto::sealed::{RecipientKey, RecipientSecret, open_share, seal_share};
use hallvote_crypto::sharefile::{self, PaperError, ParamLimits, SealParams, ShareFileError, SharePayload};
use hallvote_crypto::sign::VerifyingKey;
use hallvote_crypto::threshold::KeyShare;
use hallvote_protocol::stations::StationKind;
use hallvote_protocol::web::data_block;
use hallvote_tally::record::builder::{decrypt, joint_key, outcome, poll_counts, result_digest, sign_result};
use hallvote_tally::record::{Attendance, KeyFingerprint, Manifest, Signer};
use hallvote_tally::sheet::{Heading, render};
use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use thiserror::Error;
use tokio::sync::Mutex;
use unicode_normalization::UnicodeNormalization as _;
use zeroize::Zeroizing;

use crate::link::{Answer, Link, LinkError, StationIdentity};
use hallvote_protocol::lifecycle::PollState;

mod board_check;
mod fingerprints;
mod key_check;

use crate::station::Station;
use crate::ui::{Lang, assets, page, secure};
pub use fingerprints::Fingerprints;
pub use key_check::KeyChecked;

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

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
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

// ---------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------

/// What the station is waiting for from the other scrutineers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitFor {
    /// Receiving keys (step 1).
    Recipients,
    /// Dealings (step 2).
    Dealings,
    /// Confirmations (step 3).
    Confirmations,
}

/// A step of this station's own ceremony.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Publish the receiving key.
    Publish,
    /// Deal.
    Deal,
    /// Open, check and confirm.
    Confirm,
    /// Save the key share in a share file.
    SaveShare,
}

impl Step {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Self::Publish => ("发布接收密钥", "publish the receiving key"),
            Self::Deal => ("分发份额", "deal the shares"),
            Self::Confirm => ("核验并确认收到的份额", "check and confirm the shares received"),
            Self::SaveShare => ("保存密钥份额文件", "save the key share file"),
        }
    }
}

/// The office a station of this kind holds in a poll, as the poll's manifest lists
/// its key: the office it reviews and signs the result in (spec §12.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Office {
    /// 监票人: takes part in the key ceremony and the decryption, and signs.
    Scrutineer,
    /// 计票人: reviews the result and signs.
    Counter,
}

impl Office {
    /// The role the server takes with a signature: `scrutineer` or `counter`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scrutineer => "scrutineer",
            Self::Counter => "counter",
        }
    }

    /// The office's name: (zh-CN, en).
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Self::Scrutineer => ("监票人", "scrutineer"),
            Self::Counter => ("计票人", "counter"),
        }
    }

    /// The office and the position (1-based) under which `manifest` lists `key`:
    /// among the scrutineers first, then the counters. A station holds at most one
    /// office in a poll (the server refuses to appoint it twice).
    pub fn of(manifest: &Manifest, key: &VerifyingKey) -> Option<(Self, u32)> {
        let find = |list: &[Signer]| list.iter().position(|s| &s.key == key).and_then(|i| u32::try_from(i + 1).ok());
        find(&manifest.scrutineers)
            .map(|j| (Self::Scrutineer, j))
            .or_else(|| find(&manifest.counters).map(|j| (Self::Counter, j)))
    }
}

/// Why a step of the scrutineer station cannot be done. Each has a message for the
/// scrutineer in zh-CN and en ([`ScrutineerError::words`]).
#[derive(Debug, Error)]
pub enum ScrutineerError {
    /// The server cannot be reached.
    #[error("the server cannot be reached: {0}")]
    Unreachable(LinkError),
    /// The server refused: its status, stable code and message (in the request's language).
    #[error("the server refused: {code}: {message}")]
    Refused {
        /// The HTTP status.
        status: StatusCode,
        /// The server's stable code.
        code: String,
        /// The server's message.
        message: String,
    },
    /// The server's answer does not check out.
    #[error("the server's answer does not check out: {0}")]
    Untrusted(String),
    /// The other scrutineers have not all done the previous step yet.
    #[error("waiting for the other scrutineers ({have} of {need})")]
    Waiting {
        /// What is awaited.
        what: WaitFor,
        /// How many have done it.
        have: usize,
        /// How many must.
        need: usize,
    },
    /// This station must first do an earlier step.
    #[error("do this first: {0:?}")]
    OutOfOrder(Step),
    /// The organiser has not started the key ceremony.
    #[error("the key ceremony has not started")]
    NotStarted,
    /// The key ceremony is over: its steps can no longer be taken.
    #[error("the key ceremony is over")]
    CeremonyOver,
    /// The key ceremony has not finished yet.
    #[error("the key ceremony has not finished")]
    CeremonyNotFinished,
    /// The station's receiving key or received shares are gone (the station was
    /// restarted during the ceremony): it cannot finish this ceremony.
    #[error("the receiving key of this ceremony is no longer in the station")]
    SecretLost,
    /// A scrutineer's receiving key is not signed by the station the manifest names.
    #[error("scrutineer {0}'s receiving key is not signed by its station")]
    BadRecipientKey(u32),
    /// The manifest does not list this station's key as the scrutineer the server says it is.
    #[error("this station is not scrutineer {0} of the manifest")]
    NotInManifest(u32),
    /// The manifest lists this station's key neither as a scrutineer nor as a counter.
    #[error("this station is neither a scrutineer nor a counter in the manifest")]
    NotAnOfficer,
    /// The summed key share does not match this scrutineer's public share.
    #[error("the key share does not match the public share")]
    KeyShareMismatch,
    /// The key share was already saved in a share file.
    #[error("the key share was already saved")]
    ShareAlreadySaved,
    /// The passphrase is too short.
    #[error("the passphrase is shorter than {MIN_PASSPHRASE_CHARS} characters")]
    PassphraseTooShort,
    /// The passphrase and its repetition differ.
    #[error("the two passphrases differ")]
    PassphraseMismatch,
    /// The share file does not open with this passphrase (or is damaged: the two
    /// cannot be told apart, spec §9.5).
    #[error("wrong passphrase, or the share file is damaged")]
    WrongPassphrase,
    /// The share file cannot be used for another reason (spec §9.5).
    #[error("share file: {0}")]
    ShareFile(ShareFileError),
    /// The paper backup cannot be read back (spec §9.6).
    #[error("paper backup: {0}")]
    Paper(PaperError),
    /// There is no share file for this poll in the station's folder.
    #[error("no share file for poll {0}")]
    NoShareFile(i64),
    /// The share file is from another key ceremony.
    #[error("the share file is from another key ceremony")]
    OtherCeremony,
    /// The share file is another scrutineer's.
    #[error("the share file is scrutineer {found}'s; this station is scrutineer {station}")]
    OtherScrutineer {
        /// The index in the file.
        found: u32,
        /// This station's index.
        station: u32,
    },
    /// The joint key (or public share) in the share file is not the poll's.
    #[error("the share file's joint key is not the poll's")]
    JointKeyMismatch,
    /// No key share is loaded for decryption.
    #[error("no key share is loaded")]
    ShareNotLoaded,
    /// The server's result does not agree with what the station recomputes.
    #[error("the result does not check out: {0}")]
    ResultMismatch(String),
    /// The board the server serves does not pass the station's check against the
    /// final signed tree head (spec §14.8): the station decrypts nothing.
    #[error("the board does not check out: {0}")]
    BoardInvalid(String),
    /// The ciphertexts the server hands over to decrypt are not the totals of the
    /// board's cast ballots as the station recomputes them (Helios issue #170: a
    /// "total" of a chosen few ballots would reveal them): the station decrypts nothing.
    #[error("the aggregates to decrypt are not the board's totals (selection {0} differs)")]
    NotTheBoardTotal(usize),
    /// The result digest is not the one the scrutineer reviewed.
    #[error("the result changed since it was reviewed")]
    ResultChanged,
    /// The request to the station is malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A request from another site's page.
    #[error("cross-site request")]
    CrossSite,
    /// A file of the station cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A computation failed unexpectedly.
    #[error("internal error: {0}")]
    Internal(String),
}

type Result<T, E = ScrutineerError> = std::result::Result<T, E>;

impl ScrutineerError {
    /// The HTTP status the station's interface answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unreachable(_)
            | Self::Untrusted(_)
            | Self::BadRecipientKey(_)
            | Self::NotInManifest(_)
            | Self::NotAnOfficer
            | Self::KeyShareMismatch
            | Self::ResultMismatch(_)
            | Self::BoardInvalid(_)
            | Self::NotTheBoardTotal(_) => StatusCode::BAD_GATEWAY,
            Self::Refused { status, .. } => *status,
            Self::Waiting { .. }
            | Self::OutOfOrder(_)
            | Self::NotStarted
            | Self::CeremonyOver
            | Self::CeremonyNotFinished
            | Self::SecretLost
            | Self::ShareAlreadySaved
            | Self::ShareNotLoaded
            | Self::ResultChanged => StatusCode::CONFLICT,
            Self::PassphraseTooShort
            | Self::PassphraseMismatch
            | Self::WrongPassphrase
            | Self::ShareFile(_)
            | Self::Paper(_)
            | Self::OtherCeremony
            | Self::OtherScrutineer { .. }
            | Self::JointKeyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NoShareFile(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::CrossSite => StatusCode::FORBIDDEN,
            Self::Io { .. } | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable error code.
    pub fn code(&self) -> &str {
        match self {
            Self::Unreachable(_) => "server_unreachable",
            Self::Refused { code, .. } => code,
            Self::Untrusted(_) => "server_untrusted",
            Self::Waiting { .. } => "waiting_for_others",
            Self::OutOfOrder(_) => "step_out_of_order",
            Self::NotStarted => "ceremony_not_started",
            Self::CeremonyOver => "ceremony_over",
            Self::CeremonyNotFinished => "ceremony_not_finished",
            Self::SecretLost => "receiving_key_lost",
            Self::BadRecipientKey(_) => "recipient_key_unsigned",
            Self::NotInManifest(_) => "station_not_in_manifest",
            Self::NotAnOfficer => "station_not_an_officer",
            Self::KeyShareMismatch => "key_share_mismatch",
            Self::ShareAlreadySaved => "share_already_saved",
            Self::PassphraseTooShort => "passphrase_too_short",
            Self::PassphraseMismatch => "passphrase_mismatch",
            Self::WrongPassphrase => "wrong_passphrase",
            Self::ShareFile(_) => "share_file_invalid",
            Self::Paper(_) => "paper_backup_invalid",
            Self::NoShareFile(_) => "share_file_missing",
            Self::OtherCeremony => "share_file_other_ceremony",
            Self::OtherScrutineer { .. } => "share_file_other_scrutineer",
            Self::JointKeyMismatch => "joint_key_mismatch",
            Self::ShareNotLoaded => "share_not_loaded",
            Self::ResultMismatch(_) => "result_mismatch",
            Self::BoardInvalid(_) => "board_invalid",
            Self::NotTheBoardTotal(_) => "aggregate_not_board_total",
            Self::ResultChanged => "result_changed",
            Self::BadRequest(_) => "malformed_request",
            Self::CrossSite => "cross_site_request",
            Self::Io { .. } => "station_file_error",
            Self::Internal(_) => "internal",
        }
    }

    /// What the scrutineer reads: (zh-CN, en).
    pub fn words(&self) -> (String, String) {
        let s = |zh: &str, en: &str| (zh.to_owned(), en.to_owned());
        match self {
            Self::Unreachable(_) => s(
                "暂时连接不上服务器，请稍后再试；如仍不行请联系工作人员。",
                "The server cannot be reached. Try again in a moment; if it still fails, call staff.",
            ),
            Self::Refused { code, message, .. } => (message.clone(), format!("{message} ({code})")),
            Self::Untrusted(what) => (
                format!("服务器的答复未通过本终端的核验（{what}），已停止。请联系组织者。"),
                format!("The server's answer did not pass this station's check ({what}); stopped. Call the organiser."),
            ),
            Self::Waiting { what, have, need } => {
                let (zh, en) = match what {
                    WaitFor::Recipients => ("发布接收密钥", "published their receiving keys"),
                    WaitFor::Dealings => ("分发份额", "dealt their shares"),
                    WaitFor::Confirmations => ("确认", "confirmed"),
                };
                (
                    format!("请稍候：{need} 名监票人中已有 {have} 名完成{zh}，其余监票人完成后再进行这一步。"),
                    format!("Please wait: {have} of {need} scrutineers have {en}; take this step when all have."),
                )
            }
            Self::OutOfOrder(step) => {
                let (zh, en) = step.words();
                (format!("请先{zh}。"), format!("First {en}."))
            }
            Self::NotStarted => s(
                "密钥生成尚未开始，请等待组织者启动。",
                "The key ceremony has not started; wait for the organiser to start it.",
            ),
            Self::CeremonyOver => {
                s("密钥生成已经结束，这一步不能再做。", "The key ceremony is over; this step can no longer be taken.")
            }
            Self::CeremonyNotFinished => s(
                "密钥生成尚未全部完成，请等待所有监票人确认。",
                "The key ceremony has not finished; wait until every scrutineer has confirmed.",
            ),
            Self::SecretLost => s(
                "本终端已不再保存本次密钥生成的接收密钥（终端可能重启过），无法完成本次密钥生成。请联系组织者重新组织密钥生成。",
                "This station no longer holds the receiving key of this ceremony (it may have restarted) and cannot finish it. Ask the organiser to run the ceremony again.",
            ),
            Self::BadRecipientKey(j) => (
                format!("第 {j} 号监票人的接收密钥没有该监票终端的有效签名，本终端拒绝向其分发份额。请联系组织者。"),
                format!(
                    "Scrutineer {j}'s receiving key is not signed by that scrutineer's station; this station will not deal to it. Call the organiser."
                ),
            ),
            Self::NotInManifest(j) => (
                format!("投票清单中第 {j} 号监票人的终端密钥不是本终端的密钥，已停止。请联系组织者。"),
                format!(
                    "The manifest does not list this station's key as scrutineer {j}; stopped. Call the organiser."
                ),
            ),
            Self::NotAnOfficer => s(
                "投票清单中没有把本终端的密钥列为本次投票的监票人或计票人，已停止。请联系组织者。",
                "The manifest lists this station's key neither as a scrutineer nor as a counter of this poll; stopped. Call the organiser.",
            ),
            Self::KeyShareMismatch => s(
                "由收到的份额算出的密钥份额与公开的份额不符，未保存。请联系组织者。",
                "The key share computed from the shares received does not match the published public share; it was not saved. Call the organiser.",
            ),
            Self::ShareAlreadySaved => s(
                "密钥份额文件已经保存过。需要再存一份时，请下载该文件或打印纸质备份。",
                "The key share file is already saved. For another copy, download the file or print the paper backup.",
            ),
            Self::PassphraseTooShort => (
                format!("口令太短，至少需要 {MIN_PASSPHRASE_CHARS} 个字符。"),
                format!("The passphrase is too short: at least {MIN_PASSPHRASE_CHARS} characters."),
            ),
            Self::PassphraseMismatch => {
                s("两次输入的口令不一致，请重新输入。", "The two passphrases differ; type them again.")
            }
            Self::WrongPassphrase => s(
                "口令不正确，无法打开密钥份额文件。",
                "The passphrase is not correct: the key share file cannot be opened. (If you are sure of the passphrase, the file is damaged: use the paper backup.)",
            ),
            Self::ShareFile(e) => (
                format!("密钥份额文件无法使用（{e}）。请改用纸质备份。"),
                format!("The key share file cannot be used ({e}). Use the paper backup."),
            ),
            Self::Paper(e) => (
                format!("纸质备份无法读入：{}。请核对后重新输入。", paper_zh(e)),
                format!("The paper backup cannot be read: {e}."),
            ),
            Self::NoShareFile(poll) => (
                format!("本终端没有第 {poll} 号投票的密钥份额文件。请插入存有该文件的U盘并上传，或输入纸质备份。"),
                format!(
                    "This station has no key share file for poll {poll}. Upload it from the USB stick, or type in the paper backup."
                ),
            ),
            Self::OtherCeremony => s(
                "这个密钥份额文件不属于本次投票的密钥生成，不能用于解密。",
                "This key share file is from another key ceremony and cannot decrypt this poll.",
            ),
            Self::OtherScrutineer { found, station } => (
                format!("这是第 {found} 号监票人的密钥份额文件，本终端是第 {station} 号监票人的终端。"),
                format!("This is scrutineer {found}'s key share file; this station is scrutineer {station}'s."),
            ),
            Self::JointKeyMismatch => s(
                "密钥份额文件中的联合公钥与本次投票的联合公钥不一致，不能用于解密。请联系组织者。",
                "The joint key in the key share file is not this poll's joint key; it cannot decrypt. Call the organiser.",
            ),
            Self::ShareNotLoaded => s(
                "请先输入口令载入密钥份额文件，再解密。",
                "Load the key share file with its passphrase first, then decrypt.",
            ),
            Self::ResultMismatch(what) => (
                format!("服务器给出的计票结果与本终端的复核不一致（{what}），请勿签名，并立即联系组织者。"),
                format!(
                    "The server's result does not agree with this station's recomputation ({what}). Do not sign; call the organiser at once."
                ),
            ),
            Self::BoardInvalid(what) => (
                format!("服务器提供的公告板未通过本终端的核验（{what}），本终端拒绝解密。请立即联系组织者。"),
                format!(
                    "The board the server serves does not pass this station's check ({what}); this station will not decrypt. Call the organiser at once."
                ),
            ),
            Self::NotTheBoardTotal(s) => (
                format!(
                    "服务器交给本终端解密的密文不是公告板上全部有效选票的合计（第 {} 项不同），本终端拒绝解密：解密部分选票的“合计”会泄露这些选票的内容。请勿解密，并立即联系组织者。",
                    s + 1
                ),
                format!(
                    "The server handed this station a ciphertext that is not the board's total (selection {} differs): decrypting a \"total\" of a chosen few ballots would reveal them. This station will not decrypt; call the organiser at once.",
                    s + 1
                ),
            ),
            Self::ResultChanged => s(
                "计票结果与您核对时显示的不一致，请重新核对后再签名。",
                "The result is not the one you reviewed; review it again before signing.",
            ),
            Self::BadRequest(what) => (format!("请求格式不正确：{what}"), format!("Malformed request: {what}")),
            Self::CrossSite => s("拒绝跨站请求。", "Cross-site request refused."),
            Self::Io { path, source } => (
                format!("本终端无法读写文件 {}：{source}", path.display()),
                format!("This station cannot read or write {}: {source}", path.display()),
            ),
            Self::Internal(_) => s("本终端内部错误，请联系工作人员。", "Internal error of this station; call staff."),
        }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let (zh, en) = self.words();
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The JSON answer `{"error": {"code", "message"}}` in `lang`.
    pub fn response(&self, lang: Lang) -> Response {
        if matches!(
            self,
            Self::Io { .. }
                | Self::Internal(_)
                | Self::Untrusted(_)
                | Self::ResultMismatch(_)
                | Self::BoardInvalid(_)
                | Self::NotTheBoardTotal(_)
        ) {
            tracing::warn!(code = self.code(), "{self}");
        }
        let body = json!({"error": {"code": self.code(), "message": self.message(lang)}});
        (self.status(), axum::Json(body)).into_response()
    }
}

fn paper_zh(e: &PaperError) -> String {
    match e {
        PaperError::MissingBegin => "缺少开始行 -----BEGIN HALLVOTE SHARE-----".into(),
        PaperError::MissingEnd => "缺少结束行 -----END HALLVOTE SHARE-----".into(),
        PaperError::LineNumber { line } => format!("第 {line} 行应以 {line:02}: 开头，可能漏输或重复输入了一行"),
        PaperError::BadCharacter { line, character } => {
            format!("第 {line} 行有非法字符「{character}」（只能是 0-9、a-f）")
        }
        PaperError::LineLength { line } => format!("第 {line} 行的位数不对"),
        PaperError::Checksum { line } => format!("第 {line} 行校验码不符，请逐字核对这一行"),
        PaperError::MissingLinesAfter { line } => format!("第 {line} 行不是最后一行，后面的行没有输入"),
        _ => e.to_string(),
    }
}

fn refused(a: &Answer) -> ScrutineerError {
    ScrutineerError::Refused {
        status: a.status,
        code: a.error_code().unwrap_or("unknown").to_owned(),
        message: a.error_message().unwrap_or_default().to_owned(),
    }
}

fn untrusted(what: impl Into<String>) -> ScrutineerError {
    ScrutineerError::Untrusted(what.into())
}

fn io(path: &FsPath) -> impl FnOnce(std::io::Error) -> ScrutineerError + '_ {
    move |source| ScrutineerError::Io { path: path.to_owned(), source }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ScrutineerError::Internal(e.to_string()))
}

// ---------------------------------------------------------------------------------
// The server's view of the ceremony
// ---------------------------------------------------------------------------------

fn unb64(v: &Value, name: &str) -> Result<Vec<u8>> {
    let s = v[name].as_str().ok_or_else(|| untrusted(format!("no {name}")))?;
    STANDARD.decode(s).map_err(|_| untrusted(format!("bad {name}")))
}

fn unb64_array<const N: usize>(v: &Value, name: &str) -> Result<[u8; N]> {
    unb64(v, name)?.try_into().map_err(|_| untrusted(format!("bad {name}")))
}

fn u32_of(v: &Value, name: &str) -> Result<u32> {
    v[name].as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| untrusted(format!("no {name}")))
}

fn indexed(v: &Value, name: &str) -> Result<Vec<(u32, Vec<u8>)>> {
    v[name]
        .as_array()
        .ok_or_else(|| untrusted(format!("no {name}")))?
        .iter()
        .map(|e| Ok((u32_of(e, "index")?, unb64(e, "data")?)))
        .collect()
}

/// The ceremony's public outcome, as the server states it.
#[derive(Debug, Clone)]
struct Finished {
    qualified: Vec<u32>,
    joint_key: [u8; 32],
    public_shares: Vec<[u8; 32]>,
}

/// What `GET /api/station/polls/{id}/ceremony` says, checked against the manifest.
#[derive(Debug)]
struct View {
    state: PollState,
    index: u32,
    params: Params,
    ceremony: Vec<u8>,
    manifest_bytes: Vec<u8>,
    manifest: Manifest,
    recipients: Vec<(u32, Vec<u8>)>,
    dealings: Vec<(u32, Vec<u8>)>,
    shares: Vec<(u32, Vec<u8>)>,
    confirmed: Vec<u32>,
    /// Scrutineers whose key check has passed (spec §5.7).
    key_checked: Vec<u32>,
    finished: Option<Finished>,
}

impl View {
    fn parse(v: &Value, me: &VerifyingKey) -> Result<Self> {
        let state = v["state"].as_str().and_then(PollState::parse).ok_or_else(|| untrusted("no state"))?;
        let index = u32_of(v, "index")?;
        let n = u32_of(v, "participants")?;
        let k = u32_of(v, "threshold")?;
        let params = Params::new(k, n).map_err(|_| untrusted("threshold"))?;
        if index == 0 || index > n {
            return Err(untrusted("scrutineer index"));
        }
        let ceremony = unb64(v, "ceremony_id")?;
        let manifest_bytes = unb64(v, "manifest")?;
        let manifest = Manifest::decode(&manifest_bytes).map_err(|e| untrusted(format!("manifest: {e}")))?;
        if manifest.ceremony != ceremony || manifest.threshold != k || manifest.scrutineers.len() != n as usize {
            return Err(untrusted("the ceremony is not the manifest's"));
        }
        if manifest.scrutineers.get(index as usize - 1).map(|s| &s.key) != Some(me) {
            return Err(ScrutineerError::NotInManifest(index));
        }
        let finished = match v.get("joint_key") {
            Some(Value::String(_)) => Some(Finished {
                qualified: v["qualified"]
                    .as_array()
                    .ok_or_else(|| untrusted("no qualified dealers"))?
                    .iter()
                    .map(|q| q.as_u64().and_then(|q| u32::try_from(q).ok()).ok_or_else(|| untrusted("qualified")))
                    .collect::<Result<_>>()?,
                joint_key: unb64_array(v, "joint_key")?,
                public_shares: v["public_shares"]
                    .as_array()
                    .ok_or_else(|| untrusted("no public shares"))?
                    .iter()
                    .map(|x| unb64_array(&json!({ "x": x }), "x"))
                    .collect::<Result<_>>()?,
            }),
            _ => None,
        };
        Ok(Self {
            state,
            index,
            params,
            ceremony,
            manifest_bytes,
            manifest,
            recipients: indexed(v, "recipients")?,
            dealings: indexed(v, "dealings")?,
            shares: indexed(v, "shares")?,
            confirmed: v["confirmed"]
                .as_array()
                .ok_or_else(|| untrusted("no confirmations"))?
                .iter()
                .map(|c| c.as_u64().and_then(|c| u32::try_from(c).ok()).ok_or_else(|| untrusted("confirmed")))
                .collect::<Result<_>>()?,
            key_checked: match v.get("key_checked") {
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|c| c.as_u64().and_then(|c| u32::try_from(c).ok()).ok_or_else(|| untrusted("key_checked")))
                    .collect::<Result<_>>()?,
                _ => Vec::new(),
            },
            finished,
        })
    }

    fn n(&self) -> u32 {
        self.params.participants()
    }

    fn in_ceremony(&self) -> Result<()> {
        match self.state {
            PollState::Ceremony => Ok(()),
            PollState::Draft => Err(ScrutineerError::NotStarted),
            _ => Err(ScrutineerError::CeremonyOver),
        }
    }

    fn finished(&self) -> Result<&Finished> {
        match (self.state, &self.finished) {
            (PollState::Draft, _) => Err(ScrutineerError::NotStarted),
            (PollState::Ceremony, _) => Err(ScrutineerError::CeremonyNotFinished),
            (_, Some(f)) => Ok(f),
            (_, None) => Err(untrusted("no ceremony outcome")),
        }
    }

    fn published(&self, j: u32) -> Option<&[u8]> {
        self.recipients.iter().find(|(i, _)| *i == j).map(|(_, d)| d.as_slice())
    }

    fn dealing(&self, i: u32) -> Option<&[u8]> {
        self.dealings.iter().find(|(d, _)| *d == i).map(|(_, m)| m.as_slice())
    }

    /// The poll's joint key, from the server's outcome.
    fn joint_key(&self) -> Result<hallvote_crypto::elgamal::PublicKey> {
        joint_key(&self.finished()?.joint_key).map_err(|e| untrusted(e.to_string()))
    }

    /// `E`, computed here from the manifest and the joint key (spec §11.3).
    fn election(&self) -> Result<[u8; 64]> {
        Ok(Manifest::election_hash(&self.manifest_bytes, &self.joint_key()?))
    }

    fn next_step(&self) -> Option<Step> {
        let j = self.index;
        if self.state != PollState::Ceremony {
            return None;
        }
        if self.published(j).is_none() {
            Some(Step::Publish)
        } else if self.dealing(j).is_none() {
            Some(Step::Deal)
        } else if !self.confirmed.contains(&j) {
            Some(Step::Confirm)
        } else {
            None
        }
    }
}

// ---------------------------------------------------------------------------------
// The station's secrets, per poll
// ---------------------------------------------------------------------------------

/// The shares this station received and checked, and the dealers it complained
/// about. The shares zeroize on drop.
struct Received {
    shares: Vec<DealerShare>,
    complained: Vec<u32>,
}

/// What the station holds for one poll between steps. Every secret in it zeroizes
/// on drop ([`RecipientSecret`], [`DealerShare`], [`SharePayload`]'s secret scalar).
#[derive(Default)]
struct PollWork {
    /// The ceremony this work belongs to. The organiser may abandon a ceremony and
    /// start another for the same poll (spec §14.3); the work of the old one is then
    /// dropped (zeroized), never reused.
    ceremony: Vec<u8>,
    /// The receiving key of this ceremony (spec §5.6.1), from step 1 until the key
    /// share is computed.
    recipient: Option<RecipientSecret>,
    /// The dealing as prepared (commitments and sealed shares), kept until the
    /// server has it so that a lost answer is followed by the very same dealing.
    /// The polynomial itself is dropped (zeroized) as soon as it is sealed.
    dealing: Option<Value>,
    /// The shares received, from step 3 until the key share is computed.
    received: Option<Received>,
    /// The key share, from the end of the ceremony until it is saved.
    key_share: Option<SharePayload>,
    /// The key share loaded from the share file, until the decryption is posted.
    loaded: Option<SharePayload>,
}

impl PollWork {
    /// Starts afresh if the server's ceremony is not the one this work is for.
    fn follow(&mut self, ceremony: &[u8]) {
        if self.ceremony != ceremony {
            *self = Self { ceremony: ceremony.to_vec(), ..Self::default() };
        }
    }
}

/// A scrutineer station's work: the ceremony steps, the share file, the decryption
/// and the result signature, each against the server over its signed link.
pub struct Scrutineer {
    link: Link,
    identity: Arc<StationIdentity>,
    share_dir: PathBuf,
    polls: Mutex<HashMap<i64, PollWork>>,
}

impl std::fmt::Debug for Scrutineer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrutineer")
            .field("station", &self.identity.id)
            .field("share_dir", &self.share_dir)
            .finish_non_exhaustive()
    }
}

/// Where the ceremony stands for this station.
#[derive(Debug, Clone, Serialize)]
pub struct CeremonyStatus {
    /// The poll.
    pub poll: i64,
    /// The poll's state on the server.
    pub state: PollState,
    /// This station's scrutineer index `j`.
    pub index: u32,
    /// `n`.
    pub participants: u32,
    /// `k`.
    pub threshold: u32,
    /// Scrutineers who have published their receiving keys.
    pub published: Vec<u32>,
    /// Scrutineers who have dealt.
    pub dealt: Vec<u32>,
    /// Scrutineers who have confirmed.
    pub confirmed: Vec<u32>,
    /// This station's next step: `publish`, `deal`, `confirm`, `wait`, `save_share`,
    /// `check_key` (the share file is saved; its key check has not passed),
    /// `key_checked` (it has: nothing left before the poll opens) or `lost` (the
    /// ceremony's secrets are gone from this station).
    pub next: String,
    /// Dealers this station complained about.
    pub complaints: Vec<u32>,
    /// Once the ceremony has finished: the joint key, in hex groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joint_key: Option<String>,
    /// The share file, once saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_file: Option<String>,
    /// Scrutineers whose key check has passed (spec §5.7).
    pub key_checked: Vec<u32>,
    /// Once the ceremony has finished: the election fingerprint (spec §11.4) in its
    /// short form, computed here, to copy into the paper minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// This station's key fingerprint (spec §11.4), to copy beside it.
    pub key_fingerprint: String,
    /// What to do now, in the request's language.
    pub message: String,
}

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

/// A decryption posted to the server.
#[derive(Debug, Clone, Serialize)]
pub struct Decrypted {
    /// The poll.
    pub poll: i64,
    /// The scrutineer index.
    pub index: u32,
    /// How many decryption shares (one per selection).
    pub selections: usize,
    /// What happened, in the request's language.
    pub message: String,
}

/// The result as the station checked it: the server's figures, the outcome and
/// digest recomputed here, and the result sheet.
#[derive(Debug, Clone, Serialize)]
pub struct ResultReview {
    /// The poll.
    pub poll: i64,
    /// The office this station reviews (and signs) in.
    pub role: Office,
    /// Its position among the poll's scrutineers or counters (1-based).
    pub position: u32,
    /// The poll's state (tallied or published).
    pub state: PollState,
    /// 应到.
    pub expected: u32,
    /// 实到.
    pub present: u32,
    /// Credentials issued.
    pub issued: u32,
    /// Ballots cast.
    pub cast: u64,
    /// The totals, one per selection in ballot order.
    pub totals: Vec<u64>,
    /// Whether the poll stands (quorum, reconciliation).
    pub valid: bool,
    /// The result digest (spec §12.8), 128 hex digits: what [`Scrutineer::sign`] signs.
    pub digest: String,
    /// The digest's first 16 bytes in groups of four hex digits, to read aloud.
    pub digest_short: String,
    /// The result sheet (计票结果报告单) as text, in the request's language.
    pub sheet: String,
    /// What was checked, in the request's language.
    pub message: String,
}

/// A result signature posted to the server.
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    /// The poll.
    pub poll: i64,
    /// The office signed in.
    pub role: Office,
    /// The digest signed, hex.
    pub digest: String,
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

fn say(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The passphrase as the share file's key derivation takes it: UTF-8 in Unicode
/// Normalization Form C (spec §9.1), so that "é" typed as one character or as "e"
/// and a combining accent, through whatever input method, gives the same key.
fn normalized(passphrase: &str) -> Zeroizing<String> {
    Zeroizing::new(passphrase.nfc().collect())
}

fn check_passphrase(passphrase: &str, again: Option<&str>) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(ScrutineerError::PassphraseTooShort);
    }
    if again.is_some_and(|a| a != passphrase) {
        return Err(ScrutineerError::PassphraseMismatch);
    }
    Ok(())
}

/// Writes `bytes` to `path` (mode 0600) through a temporary file and a rename.
fn write_private(path: &FsPath, bytes: &[u8]) -> Result<()> {
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
struct ShareMeta {
    poll: i64,
    index: u32,
    threshold: u32,
    participants: u32,
    ceremony: String,
}

impl Scrutineer {
    /// The scrutineer work of an enrolled scrutineer station; share files are kept in
    /// `share_dir` (created, mode 0700, when the first is saved).
    pub fn new(station: &Station, share_dir: PathBuf) -> Result<Self, LinkError> {
        Ok(Self::from_parts(station.link()?, Arc::clone(&station.identity), share_dir))
    }

    /// The same from a link signed by `identity`.
    pub fn from_parts(link: Link, identity: Arc<StationIdentity>, share_dir: PathBuf) -> Self {
        Self { link, identity, share_dir, polls: Mutex::new(HashMap::new()) }
    }

    /// The station's id on the server.
    pub fn station_id(&self) -> u64 {
        self.identity.id
    }

    /// The share file of poll `poll` in the share folder.
    pub fn share_path(&self, poll: i64) -> PathBuf {
        self.share_dir.join(format!("poll-{poll}.hvshare"))
    }

    fn meta_path(&self, poll: i64) -> PathBuf {
        self.share_dir.join(format!("poll-{poll}.hvshare.json"))
    }

    /// Whether the share folder holds this poll's share file of the ceremony
    /// `ceremony`: a file of an abandoned ceremony (spec §14.3) does not count. A file
    /// without its note of public facts is taken to be this ceremony's.
    fn share_saved_for(&self, poll: i64, ceremony: &[u8]) -> bool {
        if !self.share_path(poll).exists() {
            return false;
        }
        let Ok(text) = std::fs::read_to_string(self.meta_path(poll)) else {
            return true;
        };
        serde_json::from_str::<ShareMeta>(&text)
            .map_or(true, |m| m.ceremony == hex::encode(share_ceremony_id(ceremony)))
    }

    fn link(&self, lang: Lang) -> Link {
        self.link.clone().language(lang.code())
    }

    async fn get(&self, lang: Lang, path: &str) -> Result<Value> {
        let a = self.link(lang).call(Method::GET, path, None).await.map_err(ScrutineerError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        Ok(a.json)
    }

    async fn post(&self, lang: Lang, path: &str, body: &Value) -> Result<Answer> {
        self.link(lang).call(Method::POST, path, Some(body)).await.map_err(ScrutineerError::Unreachable)
    }

    async fn view(&self, poll: i64, lang: Lang) -> Result<View> {
        let v = self.get(lang, &format!("/api/station/polls/{poll}/ceremony")).await?;
        View::parse(&v, &self.identity.key.verifying_key())
    }

    fn status_of(&self, poll: i64, view: &View, work: &PollWork, lang: Lang) -> CeremonyStatus {
        let j = view.index;
        let saved = self.share_saved_for(poll, &view.ceremony);
        let checked = view.key_checked.contains(&j);
        let next = match view.next_step() {
            Some(Step::Publish) => "publish",
            Some(Step::Deal) if work.recipient.is_none() => "lost",
            Some(Step::Deal) if view.recipients.len() < view.n() as usize => "wait",
            Some(Step::Deal) => "deal",
            Some(Step::Confirm) if work.recipient.is_none() => "lost",
            Some(Step::Confirm) if view.dealings.len() < view.n() as usize => "wait",
            Some(Step::Confirm) => "confirm",
            Some(Step::SaveShare) => "save_share",
            None if view.state == PollState::Draft => "not_started",
            None if view.state == PollState::Ceremony => "wait",
            None if saved && checked => "key_checked",
            None if saved && view.state == PollState::Ready => "check_key",
            None if saved => "share_saved",
            None if work.key_share.is_some() || work.received.is_some() => "save_share",
            None => "lost",
        };
        let message = match next {
            "publish" => say(lang, "下一步：发布接收密钥。".into(), "Next: publish the receiving key.".into()),
            "deal" => say(lang, "下一步：分发份额。".into(), "Next: deal the shares.".into()),
            "confirm" => say(lang, "下一步：核验并确认收到的份额。".into(), "Next: check and confirm the shares received.".into()),
            "wait" => say(
                lang,
                "请稍候，等待其他监票人完成当前步骤。".into(),
                "Please wait for the other scrutineers to finish this step.".into(),
            ),
            "save_share" => say(
                lang,
                "密钥生成已完成。下一步：设定口令，保存密钥份额文件。".into(),
                "The key ceremony is complete. Next: choose a passphrase and save the key share file.".into(),
            ),
            "share_saved" => say(
                lang,
                "密钥份额文件已保存。请妥善保管U盘和纸质备份，牢记口令。".into(),
                "The key share file is saved. Keep the USB stick and the paper backup safe, and remember the passphrase.".into(),
            ),
            "check_key" => say(
                lang,
                "密钥份额文件已保存。下一步：输入口令「检查密钥份额」，证明文件能打开并能解密。全部监票人通过后才能开始投票。请把选举指纹和本人密钥指纹抄入监票记录。".into(),
                "The key share file is saved. Next: enter the passphrase and check your key share, to prove the file opens and decrypts. The poll opens once every scrutineer has passed. Copy the election fingerprint and your key fingerprint into the minutes.".into(),
            ),
            "key_checked" => say(
                lang,
                "密钥检查已通过：密钥份额文件能打开并能解密。请妥善保管U盘和纸质备份，牢记口令，并把选举指纹和本人密钥指纹抄入监票记录。".into(),
                "The key check has passed: the key share file opens and decrypts. Keep the USB stick and the paper backup safe, remember the passphrase, and copy the election fingerprint and your key fingerprint into the minutes.".into(),
            ),
            "not_started" => ScrutineerError::NotStarted.message(lang),
            _ => ScrutineerError::SecretLost.message(lang),
        };
        CeremonyStatus {
            poll,
            state: view.state,
            index: j,
            participants: view.n(),
            threshold: view.params.threshold(),
            published: view.recipients.iter().map(|(i, _)| *i).collect(),
            dealt: view.dealings.iter().map(|(i, _)| *i).collect(),
            confirmed: view.confirmed.clone(),
            next: next.to_owned(),
            complaints: work.received.as_ref().map(|r| r.complained.clone()).unwrap_or_default(),
            joint_key: view.finished.as_ref().map(|f| grouped_hex(&f.joint_key)),
            share_file: saved.then(|| self.share_path(poll).display().to_string()),
            key_checked: view.key_checked.clone(),
            fingerprint: view.fingerprint().ok().map(|f| f.short()),
            key_fingerprint: KeyFingerprint::of(&self.identity.key.verifying_key()).short(),
            message,
        }
    }

    /// Where the ceremony of poll `poll` stands for this station.
    pub async fn ceremony_status(&self, poll: i64, lang: Lang) -> Result<CeremonyStatus> {
        let mut polls = self.polls.lock().await;
        let work = polls.entry(poll).or_default();
        let view = self.view(poll, lang).await?;
        Ok(self.status_of(poll, &view, work, lang))
    }

    /// Takes whichever ceremony step is due: publish, deal, confirm, or (once every
    /// scrutineer has confirmed) compute the key share so it can be saved. Refuses
    /// with [`ScrutineerError::Waiting`] while the others are behind.
    pub async fn step(&self, poll: i64, lang: Lang) -> Result<CeremonyStatus> {
        let view = self.view(poll, lang).await?;
        match view.next_step() {
            Some(Step::Publish) => self.publish_recipient_key(poll, lang).await,
            Some(Step::Deal) => self.deal(poll, lang).await,
            Some(Step::Confirm) => self.confirm(poll, lang).await,
            _ if view.state == PollState::Ceremony => Err(ScrutineerError::Waiting {
                what: WaitFor::Confirmations,
                have: view.confirmed.len(),
                need: view.n() as usize,
            }),
            _ => {
                let mut polls = self.polls.lock().await;
                let work = polls.entry(poll).or_default();
                if work.key_share.is_none() && !self.share_saved_for(poll, &view.ceremony) {
                    Self::finish(&view, work)?;
                }
                Ok(self.status_of(poll, &view, work, lang))
            }
        }
    }

    /// Step 1 (spec §5.6.1–§5.6.2): a fresh receiving key for this ceremony, signed
    /// by the station's key for the ceremony and this scrutineer's index, published
    /// through the server. Taking the step again after it succeeded changes nothing.
    pub async fn publish_recipient_key(&self, poll: i64, lang: Lang) -> Result<CeremonyStatus> {
        let mut polls = self.polls.lock().await;
        let work = polls.entry(poll).or_default();
        let view = self.view(poll, lang).await?;
        view.in_ceremony()?;
        work.follow(&view.ceremony);
        let j = view.index;
        if let Some(published) = view.published(j) {
            return match &work.recipient {
                Some(sk) if published.get(..32) == Some(&sk.public().as_bytes()[..]) => {
                    Ok(self.status_of(poll, &view, work, lang))
                }
                _ => Err(ScrutineerError::SecretLost),
            };
        }
        // The same key again if an earlier attempt got no answer.
        let sk = work.recipient.get_or_insert_with(|| RecipientSecret::generate(&mut rand::rng()));
        let signature = sk.public().sign_publication(&self.identity.key, &view.ceremony, j);
        let body = json!({"key": b64(sk.public().as_bytes()), "signature": b64(&signature)});
        let a = self.post(lang, &format!("/api/station/polls/{poll}/ceremony/recipient"), &body).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let view = self.view(poll, lang).await?;
        Ok(self.status_of(poll, &view, work, lang))
    }

    /// Step 2 (spec §5.2, §5.6.3): once every scrutineer has published a receiving
    /// key, checks each key's publication signature against the station key the
    /// manifest lists for that scrutineer, makes a random polynomial, and posts its
    /// commitments with the proof of knowledge and one share sealed to each key.
    pub async fn deal(&self, poll: i64, lang: Lang) -> Result<CeremonyStatus> {
        let mut polls = self.polls.lock().await;
        let work = polls.entry(poll).or_default();
        let view = self.view(poll, lang).await?;
        view.in_ceremony()?;
        work.follow(&view.ceremony);
        let j = view.index;
        if view.dealing(j).is_some() {
            work.dealing = None;
            return Ok(self.status_of(poll, &view, work, lang));
        }
        match (view.published(j), &work.recipient) {
            (None, _) => return Err(ScrutineerError::OutOfOrder(Step::Publish)),
            (Some(p), Some(sk)) if p.get(..32) == Some(&sk.public().as_bytes()[..]) => {}
            _ => return Err(ScrutineerError::SecretLost),
        }
        let n = view.n();
        if view.recipients.len() < n as usize {
            return Err(ScrutineerError::Waiting {
                what: WaitFor::Recipients,
                have: view.recipients.len(),
                need: n as usize,
            });
        }
        if work.dealing.is_none() {
            work.dealing = Some(Self::prepare_dealing(&view)?);
        }
        let body = work.dealing.clone().unwrap_or(Value::Null);
        let a = self.post(lang, &format!("/api/station/polls/{poll}/ceremony/dealing"), &body).await?;
        if !a.status.is_success() && a.error_code() != Some("already_done") {
            return Err(refused(&a));
        }
        let view = self.view(poll, lang).await?;
        if view.dealing(j).is_some() {
            work.dealing = None;
        }
        Ok(self.status_of(poll, &view, work, lang))
    }

    fn prepare_dealing(view: &View) -> Result<Value> {
        let mut rng = rand::rng();
        let (j, n) = (view.index, view.n());
        let mut keys = Vec::with_capacity(n as usize);
        for to in 1..=n {
            let published = view.published(to).ok_or(ScrutineerError::Waiting {
                what: WaitFor::Recipients,
                have: view.recipients.len(),
                need: n as usize,
            })?;
            let signer =
                &view.manifest.scrutineers.get(to as usize - 1).ok_or_else(|| untrusted("recipient index"))?.key;
            let key = published
                .get(..32)
                .and_then(|k| RecipientKey::from_bytes(k).ok())
                .ok_or(ScrutineerError::BadRecipientKey(to))?;
            key.verify_publication(signer, &view.ceremony, to, published.get(32..).unwrap_or_default())
                .map_err(|_| ScrutineerError::BadRecipientKey(to))?;
            keys.push((to, key));
        }
        // The polynomial lives only in this function: dropped (and zeroized) once sealed.
        let dealer = Dealer::new(view.params, j, &mut rng).map_err(|e| untrusted(e.to_string()))?;
        let mut shares = Vec::with_capacity(keys.len());
        for (to, key) in &keys {
            let share = dealer.share_for(*to).map_err(|e| ScrutineerError::Internal(e.to_string()))?;
            let sealed = seal_share(key, &view.ceremony, &share, &mut rng)
                .map_err(|e| ScrutineerError::Internal(e.to_string()))?;
            shares.push(json!({"recipient": to, "sealed": b64(&sealed)}));
        }
        let message = dealer.commitments(&view.ceremony, &mut rng).to_bytes();
        Ok(json!({"message": b64(&message), "shares": shares}))
    }

    /// Step 3 (spec §5.3, §5.6.4): once every scrutineer has dealt, opens each share
    /// dealt to this station and checks it against its dealer's commitments, then
    /// confirms with a complaint for each share that failed: the share as opened, or,
    /// when it could not be opened at all, the dealer and this index with the value
    /// zero (a share this station did not correctly receive). A dealer whose message
    /// is itself invalid is left out by every party without a complaint.
    pub async fn confirm(&self, poll: i64, lang: Lang) -> Result<CeremonyStatus> {
        let mut polls = self.polls.lock().await;
        let work = polls.entry(poll).or_default();
        let view = self.view(poll, lang).await?;
        view.in_ceremony()?;
        work.follow(&view.ceremony);
        let j = view.index;
        if view.confirmed.contains(&j) {
            return Ok(self.status_of(poll, &view, work, lang));
        }
        if view.dealing(j).is_none() {
            return Err(if view.published(j).is_none() {
                ScrutineerError::OutOfOrder(Step::Publish)
            } else {
                ScrutineerError::OutOfOrder(Step::Deal)
            });
        }
        let n = view.n();
        if view.dealings.len() < n as usize {
            return Err(ScrutineerError::Waiting {
                what: WaitFor::Dealings,
                have: view.dealings.len(),
                need: n as usize,
            });
        }
        if work.received.is_none() {
            let sk = work.recipient.as_ref().ok_or(ScrutineerError::SecretLost)?;
            work.received = Some(Self::open_shares(&view, sk));
        }
        let received = work.received.as_ref().ok_or(ScrutineerError::SecretLost)?;
        let complaints: Vec<String> = received
            .complained
            .iter()
            .filter_map(|i| Self::complaint(&view, work.recipient.as_ref(), *i))
            .map(|bytes| b64(bytes.as_slice()))
            .collect();
        let a = self
            .post(lang, &format!("/api/station/polls/{poll}/ceremony/confirm"), &json!({ "complaints": complaints }))
            .await?;
        if !a.status.is_success() && a.error_code() != Some("already_done") {
            return Err(refused(&a));
        }
        let view = self.view(poll, lang).await?;
        if !view.state.before_ready() {
            Self::finish(&view, work)?;
        }
        Ok(self.status_of(poll, &view, work, lang))
    }

    /// Opens and checks every share dealt to this station.
    fn open_shares(view: &View, sk: &RecipientSecret) -> Received {
        let j = view.index;
        let mut shares = Vec::new();
        let mut complained = Vec::new();
        for i in 1..=view.n() {
            let Some(message) = view
                .dealing(i)
                .and_then(|m| DealerCommitments::decode(m).ok())
                .filter(|m| m.dealer == i && m.verify(&view.ceremony, view.params).is_ok())
            else {
                // An invalid dealer message disqualifies its dealer for everyone (spec §5.3).
                continue;
            };
            let sealed = view.shares.iter().find(|(d, _)| *d == i).map(|(_, s)| s.as_slice()).unwrap_or_default();
            match open_share(sk, &view.ceremony, i, j, sealed) {
                Ok(share) if share.verify(&message).is_ok() => shares.push(share),
                _ => {
                    tracing::warn!(dealer = i, "the share dealt to this station does not check out: complaining");
                    complained.push(i);
                }
            }
        }
        Received { shares, complained }
    }

    /// The complaint against dealer `i` (spec §5.3): the share as opened if it opened,
    /// else `i ‖ j ‖ 0`.
    fn complaint(view: &View, sk: Option<&RecipientSecret>, i: u32) -> Option<Zeroizing<[u8; 40]>> {
        let j = view.index;
        let sealed = view.shares.iter().find(|(d, _)| *d == i).map(|(_, s)| s.as_slice()).unwrap_or_default();
        if let Some(share) = sk.and_then(|sk| open_share(sk, &view.ceremony, i, j, sealed).ok()) {
            return Some(share.to_bytes());
        }
        let mut bytes = Zeroizing::new([0u8; 40]);
        bytes[..4].copy_from_slice(&i.to_be_bytes());
        bytes[4..8].copy_from_slice(&j.to_be_bytes());
        Some(bytes)
    }

    /// After the ceremony: recomputes the outcome from the qualified dealers'
    /// messages, checks it is the server's, sums this station's key share and checks
    /// it against its public share (spec §5.3). The receiving key and the received
    /// shares are dropped here.
    fn finish(view: &View, work: &mut PollWork) -> Result<()> {
        if work.key_share.is_some() {
            return Ok(());
        }
        let finished = view.finished()?;
        let received = work.received.as_ref().ok_or(ScrutineerError::SecretLost)?;
        let j = view.index;
        let mut messages = Vec::with_capacity(finished.qualified.len());
        for i in &finished.qualified {
            if received.complained.contains(i) {
                return Err(untrusted(format!("dealer {i} is counted although its share to this station failed")));
            }
            let m = view
                .dealing(*i)
                .and_then(|m| DealerCommitments::decode(m).ok())
                .filter(|m| m.dealer == *i && m.verify(&view.ceremony, view.params).is_ok())
                .ok_or_else(|| untrusted(format!("dealer {i}'s message")))?;
            messages.push(m);
        }
        let output =
            ceremony_output(view.params, &messages).map_err(|e| untrusted(format!("ceremony outcome: {e}")))?;
        if output.joint_key.element().as_bytes() != &finished.joint_key {
            return Err(untrusted("the joint key is not the one the dealer messages give"));
        }
        let public: Vec<[u8; 32]> = output.public_shares.iter().map(|x| *x.as_bytes()).collect();
        if public != finished.public_shares {
            return Err(untrusted("the public shares are not the ones the dealer messages give"));
        }
        let mine: Vec<DealerShare> =
            received.shares.iter().filter(|s| finished.qualified.contains(&s.dealer)).cloned().collect();
        let share = key_share(j, &mine, &output).map_err(|_| ScrutineerError::KeyShareMismatch)?;
        let payload = SharePayload::new(
            share_ceremony_id(&view.ceremony),
            j,
            view.params.threshold(),
            view.n(),
            share.secret().clone(),
            *output.joint_key.element(),
        )
        .map_err(|e| ScrutineerError::Internal(e.to_string()))?;
        work.key_share = Some(payload);
        // The ceremony has ended for this station: its receiving key and the shares go.
        work.recipient = None;
        work.received = None;
        Ok(())
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
    fn check_share(payload: &SharePayload, view: &View) -> Result<()> {
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
    async fn open_share_file(&self, poll: i64, passphrase: &str, source: ShareSource) -> Result<SharePayload> {
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

    /// Decrypts poll `poll` with the loaded key share (spec §5.4, §12.6, §15.9):
    /// downloads the sealed board, checks it against the server's signed final tree
    /// head, checks every cast ballot, recomputes the aggregates and refuses unless
    /// they are the server's ([`ScrutineerError::NotTheBoardTotal`]); then makes one
    /// decryption share with its proof per selection of those aggregates and posts
    /// them. The key share is forgotten once the server has them.
    pub async fn decrypt(&self, poll: i64, lang: Lang) -> Result<Decrypted> {
        let mut polls = self.polls.lock().await;
        let work = polls.entry(poll).or_default();
        let payload = work.loaded.clone().ok_or(ScrutineerError::ShareNotLoaded)?;
        let view = self.view(poll, lang).await?;
        Self::check_share(&payload, &view)?;
        let election = view.election()?;
        let shape = view.manifest.shape().map_err(|e| untrusted(format!("ballot shape: {e}")))?;
        let checked = board_check::Poll {
            manifest_bytes: view.manifest_bytes.clone(),
            manifest: view.manifest.clone(),
            shape: shape.clone(),
            joint_key: view.joint_key()?,
            election,
        };
        let aggregates = self.board_total(poll, lang, checked).await?;
        if aggregates.len() != shape.selections() {
            return Err(untrusted(format!("{} aggregates for {} selections", aggregates.len(), shape.selections())));
        }
        let index = payload.index();
        let share = KeyShare::new(index, payload.secret().clone());
        drop(payload);
        let d = blocking(move || decrypt(&share, &election, &shape, &aggregates, &mut rand::rng())).await?;
        let selections = d.shares.len();
        let body = json!({"shares": d.shares.iter().map(|s| b64(s)).collect::<Vec<_>>()});
        let a = self.post(lang, &format!("/api/station/polls/{poll}/decryption"), &body).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        work.loaded = None;
        Ok(Decrypted {
            poll,
            index,
            selections,
            message: say(
                lang,
                format!("第 {index} 号监票人的解密份额（{selections} 项）已提交。密钥份额已从本终端内存中清除。"),
                format!(
                    "Scrutineer {index}'s decryption shares ({selections}) are posted. The key share is cleared from this station's memory."
                ),
            ),
        })
    }

    /// Fetches the result of poll `poll` and checks it (spec §12.7–§12.8): finds
    /// this station's office by its key in the manifest the result comes with; a
    /// scrutineer also checks that manifest and joint key are the ones of the
    /// ceremony it took part in (a counter reads no ceremony). Then the election
    /// context `E` recomputed here from the manifest and joint key, the outcome
    /// recounted here from the totals under the manifest's ruleset, and the digest
    /// recomputed here. Returns the office, the figures, the digest and the result
    /// sheet.
    pub async fn review(&self, poll: i64, lang: Lang) -> Result<ResultReview> {
        let r = self.get(lang, &format!("/api/station/polls/{poll}/result")).await?;
        let manifest_bytes = unb64(&r, "manifest")?;
        let manifest = Manifest::decode(&manifest_bytes).map_err(|e| untrusted(format!("manifest: {e}")))?;
        let (role, position) =
            Office::of(&manifest, &self.identity.key.verifying_key()).ok_or(ScrutineerError::NotAnOfficer)?;
        let joint_bytes = unb64_array::<32>(&r, "joint_key")?;
        if role == Office::Scrutineer {
            let view = self.view(poll, lang).await?;
            if view.manifest_bytes != manifest_bytes {
                return Err(ScrutineerError::ResultMismatch("manifest".into()));
            }
            if view.finished()?.joint_key != joint_bytes {
                return Err(ScrutineerError::ResultMismatch("joint key".into()));
            }
        }
        let joint = joint_key(&joint_bytes).map_err(|e| untrusted(format!("joint key: {e}")))?;
        let election = Manifest::election_hash(&manifest_bytes, &joint);
        if unb64_array::<64>(&r, "election")? != election {
            return Err(ScrutineerError::ResultMismatch("election context".into()));
        }
        let attendance = Attendance {
            expected: u32_of(&r, "expected")?,
            present: u32_of(&r, "present")?,
            issued: u32_of(&r, "issued")?,
        };
        let cast = r["cast"].as_u64().ok_or_else(|| untrusted("no cast"))?;
        let totals: Vec<u64> = r["totals"]
            .as_array()
            .ok_or_else(|| untrusted("no totals"))?
            .iter()
            .map(|t| t.as_u64().ok_or_else(|| untrusted("total")))
            .collect::<Result<_>>()?;
        let server_outcome = unb64(&r, "outcome")?;
        let server_digest = unb64_array::<64>(&r, "digest")?;
        let shape = manifest.shape().map_err(|e| untrusted(format!("ballot shape: {e}")))?;
        let poll_def = &manifest.poll;
        let counts = poll_counts(poll_def, &shape, attendance, u32::try_from(cast).unwrap_or(u32::MAX), &totals)
            .map_err(|e| ScrutineerError::ResultMismatch(format!("totals: {e}")))?;
        let (result, outcome_bytes) = outcome(poll_def, &manifest.ruleset, &counts)
            .map_err(|e| ScrutineerError::ResultMismatch(format!("count: {e:?}")))?;
        if outcome_bytes != server_outcome {
            return Err(ScrutineerError::ResultMismatch("outcome".into()));
        }
        let digest = result_digest(&election, attendance, cast, &totals, &outcome_bytes);
        if digest != server_digest {
            return Err(ScrutineerError::ResultMismatch("digest".into()));
        }
        let heading = Heading { session: format!("{}{}", manifest.congress, manifest.session), ..Heading::default() };
        let sheet_lang = match lang {
            Lang::Zh => hallvote_tally::Lang::ZhCn,
            Lang::En => hallvote_tally::Lang::En,
        };
        let (office_zh, office_en) = role.words();
        Ok(ResultReview {
            poll,
            role,
            position,
            state: r["state"].as_str().and_then(PollState::parse).ok_or_else(|| untrusted("no state"))?,
            expected: attendance.expected,
            present: attendance.present,
            issued: attendance.issued,
            cast,
            totals,
            valid: result.valid,
            digest: hex::encode(digest),
            digest_short: grouped_hex(&digest[..16]),
            sheet: render(&result, &heading, sheet_lang),
            message: say(
                lang,
                format!(
                    "本终端是第 {position} 号{office_zh}的终端，已根据各项总数重新计票并复算结果摘要，与服务器一致。请核对结果报告单后签名。"
                ),
                format!(
                    "This is the station of {office_en} {position}. It recounted the result from the totals and recomputed the digest: they agree with the server. Check the result sheet, then sign."
                ),
            ),
        })
    }

    /// Signs the result of poll `poll` in this station's office, scrutineer or
    /// counter (spec §12.8), after checking it again as [`Scrutineer::review`] does,
    /// and only if its digest is `reviewed` (hex, as the review showed it).
    pub async fn sign(&self, poll: i64, reviewed: &str, lang: Lang) -> Result<Signed> {
        let review = self.review(poll, lang).await?;
        let reviewed: String = reviewed.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        if reviewed != review.digest {
            return Err(ScrutineerError::ResultChanged);
        }
        let digest: [u8; 64] = hex::decode(&review.digest)
            .ok()
            .and_then(|d| d.try_into().ok())
            .ok_or_else(|| ScrutineerError::Internal("digest".into()))?;
        let signature = sign_result(&self.identity.key, &digest);
        let body = json!({"role": review.role.as_str(), "signature": b64(&signature)});
        let a = self.post(lang, &format!("/api/station/polls/{poll}/signature"), &body).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let (office_zh, office_en) = review.role.words();
        Ok(Signed {
            poll,
            role: review.role,
            digest: review.digest,
            message: say(
                lang,
                format!("已以第 {} 号{office_zh}的身份签名，签名已提交服务器。", review.position),
                format!("Signed as {office_en} {}; the signature is with the server.", review.position),
            ),
        })
    }
}

// ---------------------------------------------------------------------------------
// The HTTP interface
// ---------------------------------------------------------------------------------

/// The station process's state behind its HTTP interface.
pub struct ScrutineerApp {
    scrutineer: Scrutineer,
    name: String,
    page_lang: std::sync::Mutex<Lang>,
}

impl std::fmt::Debug for ScrutineerApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScrutineerApp").field("name", &self.name).finish_non_exhaustive()
    }
}

impl ScrutineerApp {
    /// The app of the station named `name` (shown on its page).
    pub fn new(scrutineer: Scrutineer, name: &str) -> Arc<Self> {
        Arc::new(Self { scrutineer, name: name.to_owned(), page_lang: std::sync::Mutex::new(Lang::Zh) })
    }

    /// The scrutineer work behind the interface.
    pub fn scrutineer(&self) -> &Scrutineer {
        &self.scrutineer
    }
}

type App = State<Arc<ScrutineerApp>>;

/// The station's HTTP interface, to serve on 127.0.0.1 only:
///
/// | | |
/// |---|---|
/// | `GET /` | the page |
/// | `GET /api/station` | the station's id and name |
/// | `GET /api/polls/{poll}/ceremony` | [`CeremonyStatus`] |
/// | `POST /api/polls/{poll}/ceremony/step` | the next due step |
/// | `POST /api/polls/{poll}/ceremony/recipient` | step 1 |
/// | `POST /api/polls/{poll}/ceremony/dealing` | step 2 |
/// | `POST /api/polls/{poll}/ceremony/confirm` | step 3 |
/// | `POST /api/polls/{poll}/share` | `{"passphrase", "again"}` → [`SavedShare`] |
/// | `GET /api/polls/{poll}/share/file` | the saved file |
/// | `GET /api/polls/{poll}/share/paper` | its paper backup, text |
/// | `POST /api/polls/{poll}/key-check` | `{"passphrase", "file"?: base64, "paper"?: text}` → [`KeyChecked`] |
/// | `GET /api/polls/{poll}/fingerprints` | [`Fingerprints`] (scrutineer or counter) |
/// | `POST /api/polls/{poll}/share/load` | `{"passphrase", "file"?: base64, "paper"?: text}` → [`LoadedShare`] |
/// | `POST /api/polls/{poll}/decrypt` | [`Decrypted`] |
/// | `GET /api/polls/{poll}/result` | [`ResultReview`] |
/// | `POST /api/polls/{poll}/signature` | `{"digest"}` (as reviewed) → [`Signed`] |
///
/// Refusals are `{"error": {"code", "message"}}`, the message in Chinese, or in
/// English when the request's first `Accept-Language` is English. A POST from another
/// site's page is refused.
pub fn router(app: Arc<ScrutineerApp>) -> Router {
    let router = Router::new()
        .route("/", get(home))
        .route("/lang/{l}", get(set_lang))
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/station", get(api_station))
        .route("/api/polls/{poll}/ceremony", get(api_ceremony))
        .route("/api/polls/{poll}/ceremony/{step}", post(api_ceremony_step))
        .route("/api/polls/{poll}/share", post(api_save_share))
        .route("/api/polls/{poll}/share/file", get(api_share_file))
        .route("/api/polls/{poll}/share/paper", get(api_share_paper))
        .route("/api/polls/{poll}/share/load", post(api_load_share))
        .route("/api/polls/{poll}/key-check", post(api_key_check))
        .route("/api/polls/{poll}/fingerprints", get(api_fingerprints))
        .route("/api/polls/{poll}/decrypt", post(api_decrypt))
        .route("/api/polls/{poll}/result", get(api_result))
        .route("/api/polls/{poll}/signature", post(api_sign));
    secure(assets(router).layer(axum::middleware::from_fn(loopback_only))).with_state(app)
}

/// Whether `Host` names this machine's loopback interface (`127.0.0.1`, `[::1]`,
/// `localhost`, with or without a port).
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Answers only requests addressed to the loopback interface: a page of another
/// site whose name was made to resolve to 127.0.0.1 (DNS rebinding) sends its own
/// name as `Host`, and is refused before it can read anything.
async fn loopback_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    if !is_loopback_host(host) {
        return ScrutineerError::CrossSite.response(request_lang(req.headers()));
    }
    next.run(req).await
}

/// The language of a request: English if the first `Accept-Language` is English.
fn request_lang(headers: &HeaderMap) -> Lang {
    let first = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_ascii_lowercase());
    match first {
        Some(tag) if tag.starts_with("en") => Lang::En,
        _ => Lang::Zh,
    }
}

fn poll_of(poll: &str) -> Result<i64> {
    poll.trim().parse().map_err(|_| ScrutineerError::BadRequest(format!("poll number {poll:?}")))
}

fn reply<T: Serialize>(lang: Lang, status: StatusCode, r: Result<T>) -> Response {
    match r {
        Ok(v) => (status, axum::Json(v)).into_response(),
        Err(e) => e.response(lang),
    }
}

/// Whether a request comes from another site's page: the browser names the page's
/// origin (`Origin`, `Sec-Fetch-Site`), and the station's own page is same-origin.
/// Clients that are not browsers send neither.
fn cross_site(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let foreign_origin = headers
        .get(header::ORIGIN)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|origin| origin.strip_prefix("http://") != Some(host));
    let fetch_site = headers.get("sec-fetch-site").and_then(|h| h.to_str().ok());
    foreign_origin || matches!(fetch_site, Some("cross-site" | "same-site"))
}

/// Checks a POST: same-origin, and a JSON body (or none).
fn posted<T: for<'de> Deserialize<'de> + Default>(headers: &HeaderMap, body: &Bytes) -> Result<T> {
    if cross_site(headers) {
        return Err(ScrutineerError::CrossSite);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !json {
        return Err(ScrutineerError::BadRequest("the body must be application/json".into()));
    }
    serde_json::from_slice(body).map_err(|e| ScrutineerError::BadRequest(e.to_string()))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Empty {}

/// `{"passphrase", "again"}`. No `Debug`: it holds the passphrase.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SaveBody {
    #[serde(default)]
    passphrase: String,
    #[serde(default)]
    again: Option<String>,
}

/// `{"passphrase", "file"?, "paper"?}`. No `Debug`: it holds the passphrase.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LoadBody {
    #[serde(default)]
    passphrase: String,
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    paper: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SignBody {
    #[serde(default)]
    digest: String,
}

async fn api_station(State(app): App) -> Response {
    axum::Json(json!({"id": app.scrutineer.station_id(), "name": app.name, "kind": StationKind::Scrutineer.as_str()}))
        .into_response()
}

async fn api_ceremony(State(app): App, Path(poll): Path<String>, headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    let r = async { app.scrutineer.ceremony_status(poll_of(&poll)?, lang).await }.await;
    reply(lang, StatusCode::OK, r)
}

async fn api_ceremony_step(
    State(app): App,
    Path((poll, step)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let Empty {} = posted(&headers, &body)?;
        let poll = poll_of(&poll)?;
        let s = &app.scrutineer;
        match step.as_str() {
            "step" => s.step(poll, lang).await,
            "recipient" => s.publish_recipient_key(poll, lang).await,
            "dealing" => s.deal(poll, lang).await,
            "confirm" => s.confirm(poll, lang).await,
            other => Err(ScrutineerError::BadRequest(format!("no ceremony step {other:?}"))),
        }
    }
    .await;
    reply(lang, StatusCode::OK, r)
}

async fn api_save_share(State(app): App, Path(poll): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let b: SaveBody = posted(&headers, &body)?;
        let poll = poll_of(&poll)?;
        app.scrutineer.save_share(poll, Zeroizing::new(b.passphrase), b.again.map(Zeroizing::new), lang).await
    }
    .await;
    reply(lang, StatusCode::CREATED, r)
}

/// The passphrase and the share file a [`LoadBody`] names.
fn share_source(b: LoadBody) -> Result<(Zeroizing<String>, ShareSource)> {
    let source = match (b.file, b.paper) {
        (Some(_), Some(_)) => {
            return Err(ScrutineerError::BadRequest("give a file or a paper backup, not both".into()));
        }
        (Some(f), None) => ShareSource::File(
            STANDARD.decode(f.trim()).map_err(|_| ScrutineerError::BadRequest("file: not base64".into()))?,
        ),
        (None, Some(p)) => ShareSource::Paper(p),
        (None, None) => ShareSource::Saved,
    };
    Ok((Zeroizing::new(b.passphrase), source))
}

async fn api_load_share(State(app): App, Path(poll): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let b: LoadBody = posted(&headers, &body)?;
        let poll = poll_of(&poll)?;
        let (passphrase, source) = share_source(b)?;
        app.scrutineer.load_share(poll, passphrase, source, lang).await
    }
    .await;
    reply(lang, StatusCode::OK, r)
}

async fn api_key_check(State(app): App, Path(poll): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let b: LoadBody = posted(&headers, &body)?;
        let poll = poll_of(&poll)?;
        let (passphrase, source) = share_source(b)?;
        app.scrutineer.check_key(poll, passphrase, source, lang).await
    }
    .await;
    reply(lang, StatusCode::CREATED, r)
}

async fn api_fingerprints(State(app): App, Path(poll): Path<String>, headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    let r = async { app.scrutineer.fingerprints(poll_of(&poll)?, lang).await }.await;
    reply(lang, StatusCode::OK, r)
}

async fn api_share_file(State(app): App, Path(poll): Path<String>, headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    match poll_of(&poll).and_then(|p| Ok((p, app.scrutineer.share_file(p)?))) {
        Ok((p, bytes)) => {
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"poll-{p}.hvshare\""))
                .unwrap_or(HeaderValue::from_static("attachment"));
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream")),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => e.response(lang),
    }
}

async fn api_share_paper(State(app): App, Path(poll): Path<String>, headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    match poll_of(&poll).and_then(|p| app.scrutineer.share_paper(p)) {
        Ok(text) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response(),
        Err(e) => e.response(lang),
    }
}

async fn api_decrypt(State(app): App, Path(poll): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let Empty {} = posted(&headers, &body)?;
        app.scrutineer.decrypt(poll_of(&poll)?, lang).await
    }
    .await;
    reply(lang, StatusCode::CREATED, r)
}

async fn api_result(State(app): App, Path(poll): Path<String>, headers: HeaderMap) -> Response {
    let lang = request_lang(&headers);
    let r = async { app.scrutineer.review(poll_of(&poll)?, lang).await }.await;
    reply(lang, StatusCode::OK, r)
}

async fn api_sign(State(app): App, Path(poll): Path<String>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = request_lang(&headers);
    let r = async {
        let b: SignBody = posted(&headers, &body)?;
        app.scrutineer.sign(poll_of(&poll)?, &b.digest, lang).await
    }
    .await;
    reply(lang, StatusCode::CREATED, r)
}

async fn set_lang(State(app): App, Path(l): Path<String>) -> Redirect {
    *app.page_lang.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
        if l == "en" { Lang::En } else { Lang::Zh };
    Redirect::to("/")
}

/// The page: a poll number, then one large button per step. The buttons call the
/// JSON interface above and show its message.
async fn home(State(app): App) -> Html<String> {
    let lang = *app.page_lang.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let t = |zh: &'static str, en: &'static str| lang.t(zh, en);
    let body = format!(
        r#"<p class="hint">{intro}</p>
<p><label for="poll">{poll_label}</label>
<input type="text" id="poll" inputmode="numeric" autocomplete="off"></p>
<div id="out" role="status" aria-live="polite" class="hint"></div>
<h2>{h1}</h2>
<p><button type="button" data-post="ceremony/step">{step}</button>
<button type="button" class="secondary" data-get="ceremony">{refresh}</button></p>
<h2>{h2}</h2>
<p><label for="pass1">{pass}</label><input type="password" id="pass1" autocomplete="new-password"></p>
<p><label for="pass2">{again}</label><input type="password" id="pass2" autocomplete="new-password"></p>
<p><button type="button" id="save">{save}</button>
<button type="button" class="secondary" id="paper">{paper}</button>
<button type="button" class="secondary" id="download">{download}</button></p>
<h2>{h_check}</h2>
<p class="hint">{check_hint}</p>
<p><label for="pass4">{pass}</label><input type="password" id="pass4" autocomplete="current-password"></p>
<p><button type="button" id="keycheck">{check}</button></p>
<h2>{h_minutes}</h2>
<p class="hint">{minutes_hint}</p>
<p><button type="button" class="secondary" data-get="fingerprints">{show_fp}</button></p>
<div id="fp" hidden>
<p>{fp_label}</p>
<p id="fingerprint" class="tracking"></p>
<p>{key_fp_label}</p>
<p id="key-fingerprint" class="tracking"></p>
</div>
<h2>{h3}</h2>
<p><label for="pass3">{pass}</label><input type="password" id="pass3" autocomplete="current-password"></p>
<p><button type="button" id="load">{load}</button>
<button type="button" data-post="decrypt">{decrypt}</button></p>
<h2>{h4}</h2>
<p><button type="button" class="secondary" id="review">{review}</button>
<button type="button" id="sign">{sign}</button></p>
<p id="digest" class="tracking" hidden></p>
<pre id="sheet"></pre>
{data}
<script src="/assets/scrutineer.js"></script>"#,
        data = data_block(
            "scrutineer-data",
            &json!({
                "lang": lang.code(),
                "need_review": t("请先核对计票结果。", "Review the result first."),
            })
            .to_string()
        ),
        intro = t(
            "本终端是监票人或计票人的终端：监票人在这里进行密钥生成、保存并检查密钥份额、解密和结果签名；计票人在密钥生成完成后抄录选举指纹，计票后核对结果并签名（第五步）。请先输入投票编号。",
            "This is a scrutineer's or counter's station: a scrutineer takes the key ceremony, saves and checks the key share file, decrypts and signs the result here; a counter copies the election fingerprint once the key ceremony has finished, and reviews and signs the result after the count (step 5). Enter the poll number first."
        ),
        poll_label = t("投票编号", "Poll number"),
        h1 = t("一、密钥生成", "1. Key ceremony"),
        step = t("进行下一步", "Take the next step"),
        refresh = t("查看进度", "Show progress"),
        h2 = t("二、保存密钥份额", "2. Save the key share"),
        pass = t("口令", "Passphrase"),
        again = t("再输入一次口令", "Passphrase again"),
        save = t("保存密钥份额文件", "Save the key share file"),
        paper = t("打印纸质备份", "Print the paper backup"),
        download = t("下载文件（存入U盘）", "Download (to the USB stick)"),
        h_check = t("三、检查密钥份额", "3. Check my key share"),
        check_hint = t(
            "保存后，请再输入一次口令检查密钥份额：本终端打开保存的文件，解密服务器专为您生成的一个检查密文，由服务器核验。全部监票人通过后才能开始投票。",
            "Once the file is saved, enter the passphrase again to check your key share: this station opens the saved file and decrypts a test ciphertext the server made for you, and the server checks it. The poll opens once every scrutineer has passed."
        ),
        check = t("检查密钥份额", "Check my key share"),
        h_minutes = t("抄入监票记录", "For the minutes"),
        minutes_hint = t(
            "密钥生成完成后，请把下面的选举指纹和本人密钥指纹，逐字抄入您签名的监票记录。大屏幕、选票回执和计票结果报告单上的选举指纹必须与此相同。",
            "Once the key ceremony has finished, copy the election fingerprint and your key fingerprint below, character by character, into the minutes you sign. The fingerprint on the hall display, on every receipt and on the result sheet must be this one."
        ),
        show_fp = t("显示选举指纹", "Show the fingerprints"),
        fp_label = t("选举指纹：", "Election fingerprint:"),
        key_fp_label = t("本人密钥指纹：", "My key fingerprint:"),
        h3 = t("四、解密", "4. Decrypt"),
        load = t("载入密钥份额", "Load the key share"),
        decrypt = t("解密并提交", "Decrypt and submit"),
        h4 = t("五、核对结果并签名", "5. Review and sign the result"),
        review = t("核对计票结果", "Review the result"),
        sign = t("签名", "Sign"),
    );
    page(lang, &app.name, t("监票人终端", "Scrutineer station"), &body, None)
}

/// What the scrutineer station serves, and where.
#[derive(Debug, Clone)]
pub struct ScrutineerOptions {
    /// The station's folder.
    pub dir: PathBuf,
    /// An enrolment QR text to enrol with first.
    pub enrol: Option<String>,
    /// Where the interface listens: a loopback address (127.0.0.1 by default).
    pub listen: SocketAddr,
    /// Where share files are saved (the station folder's `shares` if not given).
    pub share_dir: Option<PathBuf>,
}

/// Serves the scrutineer station's interface until Ctrl-C. Refuses to listen on
/// anything but a loopback address: the interface holds the ceremony's secrets.
pub async fn serve(opts: ScrutineerOptions) -> Result<(), String> {
    if !opts.listen.ip().is_loopback() {
        return Err(format!("{}: the scrutineer station listens on 127.0.0.1 only", opts.listen));
    }
    let st = crate::run::station(&opts.dir, opts.enrol.as_deref(), StationKind::Scrutineer).await?;
    let share_dir = opts.share_dir.unwrap_or_else(|| opts.dir.join("shares"));
    let app = ScrutineerApp::new(Scrutineer::new(&st, share_dir).map_err(|e| e.to_string())?, &st.config.name);
    let listener = tokio::net::TcpListener::bind(opts.listen).await.map_err(|e| format!("{}: {e}", opts.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("hallvote scrutineer「{}」: http://{addr}/  (server {})", st.config.name, st.config.server_url);
    axum::serve(listener, router(app))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
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

    #[test]
    fn wrong_passphrase_message() {
        let e = ScrutineerError::WrongPassphrase;
        assert_eq!(e.message(Lang::Zh), "口令不正确，无法打开密钥份额文件。");
        assert!(e.message(Lang::En).starts_with("The passphrase is not correct"));
        assert_eq!((e.status(), e.code()), (StatusCode::UNPROCESSABLE_ENTITY, "wrong_passphrase"));
    }

    #[test]
    fn only_loopback_hosts_and_same_origin_posts() {
        for ok in ["127.0.0.1:8080", "127.0.0.1", "localhost:9", "[::1]:80", "LOCALHOST"] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in ["evil.example:8080", "", "10.0.0.2:80", "127.0.0.1.evil.example", "[fe80::1]:80"] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:7000"));
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://127.0.0.1:7000"));
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://evil.example"));
        assert!(cross_site(&h));
        h.remove(header::ORIGIN);
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(cross_site(&h));
    }

    #[test]
    fn language_of_a_request() {
        let mut h = HeaderMap::new();
        assert_eq!(request_lang(&h), Lang::Zh);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en-GB,en;q=0.9"));
        assert_eq!(request_lang(&h), Lang::En);
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("zh-CN,en;q=0.5"));
        assert_eq!(request_lang(&h), Lang::Zh);
    }
}
