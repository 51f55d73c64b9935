//! The stations' own words for the server's refusals, by stable code (spec §14.2):
//! what a delegate, a desk clerk or a scrutineer reads when the server says no, in
//! the station's language whatever language the server answered in, and never the
//! raw code. A code not listed here shows the server's message.

use hallvote_tally::Lang;

/// One refusal's words in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Said {
    /// Simplified Chinese.
    pub zh: &'static str,
    /// English.
    pub en: &'static str,
}

impl Said {
    /// The words in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => self.zh,
            Lang::En => self.en,
        }
    }
}

/// What a station says of a refusal it cannot explain (no code it knows, no message).
pub const UNEXPLAINED: Said = Said {
    zh: "服务器拒绝了这一步，原因未说明。请联系工作人员。",
    en: "The server refused this step without saying why. Please call staff.",
};

/// A credential already used to cast a ballot (the booth asks at the scan; the
/// server refuses a cast with `credential_already_spent`).
pub const CREDENTIAL_SPENT: Said = Said {
    zh: "这张选票凭证已经投过票，不能再次使用。如果您还没有投票，请到报到处询问工作人员。",
    en: "This ballot credential has already been used to cast a ballot and cannot be used again. If you have not voted, please ask at the desk.",
};

/// A credential handed back at the desk and cancelled (the booth asks at the scan;
/// the server refuses a cast with `credential_cancelled`).
pub const CREDENTIAL_CANCELLED: Said = Said {
    zh: "这张选票凭证已在报到处交回作废（已换发新凭证），不能用于投票。请使用换发的新凭证。",
    en: "This ballot credential was handed back at the desk and cancelled (a new one was issued in its place). It cannot be used to vote: please use the new one.",
};

/// A poll not open for voting (`poll_not_open`).
pub const POLL_NOT_OPEN: Said = Said {
    zh: "本次投票现在不在进行中（尚未开始或已经结束），不能投票。请询问工作人员。",
    en: "This poll is not open for voting now (it has not started, or it has ended). Please ask staff.",
};

/// The station's words for the server's refusal `code`, if it knows the code.
pub fn known(code: &str) -> Option<Said> {
    TABLE.iter().find(|(c, _)| *c == code).map(|(_, w)| *w)
}

const fn said(zh: &'static str, en: &'static str) -> Said {
    Said { zh, en }
}

/// Code → words. The booth's codes first, then the desk's, then any station's.
const TABLE: &[(&str, Said)] = &[
    ("credential_already_spent", CREDENTIAL_SPENT),
    ("credential_cancelled", CREDENTIAL_CANCELLED),
    ("poll_not_open", POLL_NOT_OPEN),
    (
        "poll_not_ready",
        said(
            "本次投票尚未准备好（密钥生成未完成），不能投票。请询问工作人员。",
            "This poll is not ready yet (its key ceremony has not finished). Please ask staff.",
        ),
    ),
    (
        "credential_malformed",
        said(
            "选票凭证无法读取。请重新扫描；仍不行请到报到处。",
            "The ballot credential cannot be read. Scan it again; if it still fails, go to the desk.",
        ),
    ),
    (
        "credential_invalid",
        said(
            "这张选票凭证不是本次投票签发的，不能使用。请到报到处。",
            "This credential was not issued for this poll and cannot be used. Please go to the desk.",
        ),
    ),
    (
        "ballot_malformed",
        said(
            "服务器无法读取这张加密选票，选票未投出。请联系工作人员。",
            "The server cannot read this encrypted ballot; it was not cast. Please call staff.",
        ),
    ),
    (
        "ballot_proof_invalid",
        said(
            "服务器核验这张加密选票未通过，选票未投出。请联系工作人员。",
            "The server's check of this encrypted ballot failed; it was not cast. Please call staff.",
        ),
    ),
    (
        "opening_invalid",
        said(
            "核验数据与选票不符，服务器未接受。请联系监票人。",
            "The check data does not match the ballot; the server did not accept it. Please call a scrutineer.",
        ),
    ),
    (
        "not_a_delegate",
        said(
            "这个代表证号不在本届代表名册中。请核对证号。",
            "This card number is not on the congress's roll. Check the number.",
        ),
    ),
    (
        "not_present",
        said(
            "该代表尚未报到（或已离场），不能领取选票。请先报到。",
            "This delegate has not checked in (or has left) and cannot be issued a ballot. Check them in first.",
        ),
    ),
    (
        "arrived_after_opening",
        said(
            "该代表在本次投票开始后才报到，不计入本次投票的实到人数，不能领取本次投票的选票。",
            "This delegate checked in after this poll opened, is not counted present for it, and cannot be issued its ballot.",
        ),
    ),
    (
        "already_issued",
        said(
            "该代表已领取过本次投票的选票，不能再次领取。",
            "This delegate has already been issued a ballot for this poll.",
        ),
    ),
    (
        "not_issued",
        said(
            "该代表尚未领取本次投票的选票，无需换发：请直接发放。",
            "This delegate has not been issued this poll's ballot, so there is nothing to replace: issue it instead.",
        ),
    ),
    (
        "already_replaced",
        said(
            "这张选票凭证已作废并换发过新凭证，不能再次换发。",
            "This credential was already cancelled and replaced; it cannot be replaced again.",
        ),
    ),
    (
        "approval_refused",
        said(
            "监票人批准无效：账号或密码不正确，或该账号不是监票人的账号。",
            "The scrutineer's approval is not valid: wrong account name or password, or not a scrutineer's account.",
        ),
    ),
    (
        "replace_reason",
        said(
            "换发须扫描交回的选票凭证，或由监票人批准补发遗失的凭证。",
            "A replacement needs the credential handed back, scanned, or a scrutineer's approval for a lost one.",
        ),
    ),
    (
        "card_qr_unreadable",
        said(
            "代表证二维码无法识别。请重新扫描，或输入证号。",
            "The delegate card's QR code cannot be read. Scan it again, or type the card number.",
        ),
    ),
    (
        "card_qr_forged",
        said(
            "代表证二维码的签名无效，不是本届大会签发的代表证。请联系会务组。",
            "The delegate card's QR code is not validly signed: it is not a card of this congress. Call the organisers.",
        ),
    ),
    (
        "delegate_excluded",
        said(
            "该代表已从本次会议的代表名额中核减，不能报到。请联系会务组。",
            "This delegate has been excluded from this session and cannot check in. Call the organisers.",
        ),
    ),
    (
        "station_revoked",
        said(
            "本终端已被注销，请联系会务组重新登记。",
            "This station has been revoked; ask the organisers to enrol it again.",
        ),
    ),
    ("unknown_station", said("本终端未登记，请联系会务组。", "This station is not enrolled; call the organisers.")),
    (
        "wrong_station_kind",
        said("本终端不能做这一步，请联系会务组。", "This station may not take this step; call the organisers."),
    ),
    (
        "stale_request",
        said(
            "本终端的时钟与服务器相差太大，请联系工作人员校准时钟。",
            "This station's clock is too far from the server's; ask staff to set it.",
        ),
    ),
    ("rate_limited", said("服务器正忙，请稍候再试。", "The server is busy; please try again in a moment.")),
    (
        "internal",
        said(
            "服务器内部错误，这一步未完成。请联系工作人员。",
            "The server had an internal error; this step was not done. Please call staff.",
        ),
    ),
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_code_has_words_in_both_languages_and_none_shows_a_code() {
        for (code, w) in TABLE {
            assert!(!w.zh.is_empty() && !w.en.is_empty(), "{code}");
            // A code of one plain word ("internal") may be an English word too.
            let shows = |t: &str| if code.contains('_') { t.contains(code) } else { t.contains(&format!("({code})")) };
            assert!(!shows(w.zh) && !shows(w.en), "{code}: the words show the code");
            assert!(!w.en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{code}: Chinese in the English");
        }
        let codes: std::collections::HashSet<_> = TABLE.iter().map(|(c, _)| c).collect();
        assert_eq!(codes.len(), TABLE.len(), "a code listed twice");
    }

    #[test]
    fn a_spent_credential_reads_in_the_stations_language() {
        let w = known("credential_already_spent").unwrap();
        assert!(w.get(Lang::ZhCn).starts_with("这张选票凭证已经投过票"));
        assert!(w.get(Lang::En).starts_with("This ballot credential has already been used"));
        assert_eq!(known("no_such_code"), None);
    }
}
