//! Why a scrutineer station's step fails, in words for the scrutineer; the small
//! helpers that make those errors.

use std::path::{Path as FsPath, PathBuf};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hallvote_crypto::sharefile::{PaperError, ShareFileError};
use hallvote_protocol::wire::{ErrorBody, ErrorDetail};
use serde::Serialize;
use thiserror::Error;

use super::MIN_PASSPHRASE_CHARS;
use crate::link::{Answer, LinkError, Refused};
use hallvote_tally::Lang;

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

/// Why a step of the scrutineer station cannot be done. Each has a message for the
/// scrutineer in zh-CN and en ([`ScrutineerError::words`]).
#[derive(Debug, Error)]
pub enum ScrutineerError {
    /// The server cannot be reached.
    #[error("the server cannot be reached: {0}")]
    Unreachable(LinkError),
    /// The server refused: its status, stable code and message (in the request's language).
    #[error("the server refused: {0}")]
    Refused(Refused),
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

pub(super) type Result<T, E = ScrutineerError> = std::result::Result<T, E>;

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
            Self::Refused(r) => r.status,
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
            Self::Refused(r) => &r.code,
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
            Self::Refused(r) => (r.words(Lang::ZhCn), r.words(Lang::En)),
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
                format!(
                    "本终端没有第 {poll} 号投票的密钥份额文件。请插入存有该文件的U盘，在“从U盘选择密钥份额文件”处选定它，或输入纸质备份。"
                ),
                format!(
                    "This station has no key share file for poll {poll}. Insert the USB stick that holds it and choose it under “Choose the key share file from a USB stick”, or type in the paper backup."
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
            Lang::ZhCn => zh,
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
        let body = ErrorBody { error: ErrorDetail { code: self.code().to_owned(), message: self.message(lang) } };
        (self.status(), axum::Json(body)).into_response()
    }
}

pub(super) fn paper_zh(e: &PaperError) -> String {
    match e {
        PaperError::MissingBegin => "缺少开始行 -----BEGIN HALLVOTE SHARE-----".into(),
        PaperError::MissingEnd => "缺少结束行 -----END HALLVOTE SHARE-----".into(),
        PaperError::LineNumber { line } => format!("第 {line} 行应以 {line:02}: 开头，可能漏输或重复输入了一行"),
        PaperError::BadCharacter { line, character } => {
            format!("第 {line} 行有非法字符“{character}”（只能是 0-9、a-f）")
        }
        PaperError::LineLength { line } => format!("第 {line} 行的位数不对"),
        PaperError::Checksum { line } => format!("第 {line} 行校验码不符，请逐字核对这一行"),
        PaperError::MissingLinesAfter { line } => format!("第 {line} 行不是最后一行，后面的行没有输入"),
        _ => e.to_string(),
    }
}

pub(super) fn refused(a: &Answer) -> ScrutineerError {
    ScrutineerError::Refused(a.refusal())
}

pub(super) fn untrusted(what: impl Into<String>) -> ScrutineerError {
    ScrutineerError::Untrusted(what.into())
}

pub(super) fn io(path: &FsPath) -> impl FnOnce(std::io::Error) -> ScrutineerError + '_ {
    move |source| ScrutineerError::Io { path: path.to_owned(), source }
}

pub(super) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ScrutineerError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn wrong_passphrase_message() {
        let e = ScrutineerError::WrongPassphrase;
        assert_eq!(e.message(Lang::ZhCn), "口令不正确，无法打开密钥份额文件。");
        assert!(e.message(Lang::En).starts_with("The passphrase is not correct"));
        assert_eq!((e.status(), e.code()), (StatusCode::UNPROCESSABLE_ENTITY, "wrong_passphrase"));
    }
}
