//! The desk's words (报到处).

use hallvote_protocol::wire::{Movement, ReplyEvaluation};
use hallvote_tally::Lang;
use hallvote_tally::text::date_words;

/// The desk's words in one language.
#[derive(Debug)]
pub struct Desk {
    /// The language of this table.
    pub lang: Lang,
    /// The desk page's title.
    pub title: &'static str,
    /// The server has no session.
    pub no_session_yet: &'static str,
    /// A scan with no session to check in to.
    pub no_session: &'static str,
    /// Before the open polls.
    pub open_polls: &'static str,
    /// No poll is open.
    pub none: &'static str,
    /// The session choice.
    pub session: &'static str,
    /// Switches the session.
    pub switch: &'static str,
    /// Before a delegate's card number.
    pub card: &'static str,
    /// A credential QR code's label.
    pub credential_qr: &'static str,
    /// Prints on the receipt roll.
    pub print_80mm: &'static str,
    /// Prints on an A6 card.
    pub print_a6: &'static str,
    /// Prints every credential of the delegate on the receipt roll, one slip each.
    pub print_all_80mm: &'static str,
    /// Prints every credential of the delegate on A6 cards, one card each.
    pub print_all_a6: &'static str,
    /// Prints the credential page again (on the page itself, not printed).
    pub print_again: &'static str,
    /// Clears the delegate for the next one.
    pub next_delegate: &'static str,
    /// The card field.
    pub scan_label: &'static str,
    /// Checks the delegate in.
    pub check_in: &'static str,
    /// Records a departure.
    pub depart: &'static str,
    /// The field for a 列席 or 旁听 pass number or name.
    pub attendee_label: &'static str,
    /// Checks a 列席 or 旁听 attendee in (no ballot).
    pub attendee_check_in: &'static str,
    /// Checked in, and no poll is open.
    pub no_poll_open: &'static str,
    /// Above the proposals collecting co-signers (附议, RULES R18).
    pub cosign_heading: &'static str,
    /// The choice of proposal to co-sign.
    pub cosign_proposal: &'static str,
    /// The co-signer's card field.
    pub cosign_label: &'static str,
    /// Records the co-signature.
    pub cosign: &'static str,
    /// Above the replies awaiting the lead delegate's evaluation.
    pub evaluate_heading: &'static str,
    /// What the evaluation is and who gives it.
    pub evaluate_hint: &'static str,
    /// The choice of proposal to evaluate.
    pub evaluate_proposal: &'static str,
    /// Above the three evaluations.
    pub evaluate_choice: &'static str,
    /// The comment field.
    pub evaluate_comment: &'static str,
    /// The lead delegate's card field.
    pub evaluate_label: &'static str,
    /// Records the evaluation.
    pub evaluate: &'static str,
    /// No evaluation was chosen.
    pub evaluate_missing: &'static str,
    /// Opens the drafting form.
    pub draft_heading: &'static str,
    /// The lead delegate's card field.
    pub draft_lead: &'static str,
    /// 案由.
    pub draft_title: &'static str,
    /// 理由.
    pub draft_reasons: &'static str,
    /// 建议措施.
    pub draft_measures: &'static str,
    /// Drafts the proposal.
    pub draft: &'static str,
    /// A credential number the desk does not hold.
    pub no_credential: &'static str,
    /// The printed credential's title.
    pub credential: &'static str,
    /// What the printed credential is for.
    pub credential_note: &'static str,
    /// Above the typed form of the credential.
    pub credential_typed: &'static str,
    /// On screen above the print page's slips: what to do with them.
    pub print_hint: &'static str,
    /// The heading of the replacement form (换发, spec §6.7).
    pub replace_heading: &'static str,
    /// What the replacement form is for, and who must approve a lost slip's.
    pub replace_hint: &'static str,
    /// The delegate card field of the replacement form.
    pub replace_card_label: &'static str,
    /// The field for the slip handed back.
    pub replace_slip_label: &'static str,
    /// Cancels the slip handed back and issues a new one.
    pub replace_damaged: &'static str,
    /// The poll of a lost slip.
    pub replace_poll_label: &'static str,
    /// The approving scrutineer's account name.
    pub approver_label: &'static str,
    /// Its password.
    pub approver_password_label: &'static str,
    /// Replaces a lost slip on the scrutineer's approval.
    pub replace_lost: &'static str,
    /// The slip handed back cannot be read as a credential.
    pub replace_slip_unreadable: &'static str,
    /// The slip's poll, or the one chosen, is not open.
    pub replace_no_poll: &'static str,
}

impl Desk {
    /// The table in `lang`.
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::ZhCn => &ZH,
            Lang::En => &EN,
        }
    }

    /// A session's number and date (a picker's `2026-12-02` written out).
    pub fn session_when(&self, number: impl std::fmt::Display, date: &str) -> String {
        let date = date_words(date, self.lang);
        match self.lang {
            Lang::ZhCn => format!("第{number}次会议 {date}"),
            Lang::En => format!("session {number}, {date}"),
        }
    }

    /// The session's attendance now: present of expected, and whether the quorum
    /// (R3) is met.
    pub fn attendance(&self, present: u32, expected: u32, quorum_met: bool) -> String {
        match (self.lang, quorum_met) {
            (Lang::ZhCn, true) => format!("应到 {expected} 人，实到 {present} 人，已达到法定人数。"),
            (Lang::ZhCn, false) => format!("应到 {expected} 人，实到 {present} 人，尚未达到法定人数。"),
            (Lang::En, true) => format!("{present} of {expected} delegates present: quorum met."),
            (Lang::En, false) => format!("{present} of {expected} delegates present: no quorum yet."),
        }
    }

    /// What a scan at the desk did.
    pub fn status(&self, movement: Movement) -> &'static str {
        match (movement, self.lang) {
            (Movement::CheckedIn, Lang::ZhCn) => "已报到",
            (Movement::AlreadyPresent, Lang::ZhCn) => "此前已报到",
            (Movement::Departed, Lang::ZhCn) => "已离场",
            (Movement::NotPresent, Lang::ZhCn) => "本不在场",
            (Movement::CheckedIn, Lang::En) => "checked in",
            (Movement::AlreadyPresent, Lang::En) => "was already checked in",
            (Movement::Departed, Lang::En) => "left",
            (Movement::NotPresent, Lang::En) => "was not present",
        }
    }

    /// A delegate's delegation, in brackets after the name: full-width in Chinese.
    pub fn delegation(&self, group: &str) -> String {
        match self.lang {
            Lang::ZhCn => format!("（{group}）"),
            Lang::En => format!(" ({group}) "),
        }
    }

    /// What a replacement did: the old credential cancelled on the board, or a lost
    /// one replaced on a scrutineer's approval (in the audit log).
    pub fn replaced(&self, name: &str, poll: &str, lost: bool) -> String {
        match (self.lang, lost) {
            (Lang::ZhCn, false) => {
                format!(
                    "已为 {name} 换发“{poll}”的选票凭证：交回的凭证已在公告板上作废，不能再用于投票。请收回旧凭证。"
                )
            }
            (Lang::ZhCn, true) => format!("已为 {name} 补发“{poll}”的选票凭证：经监票人批准，已记入审计日志。"),
            (Lang::En, false) => format!(
                "A new credential for “{poll}” is issued to {name}: the one handed back is cancelled on the board and \
                 can never be used to vote. Keep the old slip."
            ),
            (Lang::En, true) => format!(
                "A new credential for “{poll}” is issued to {name} in place of a lost one, on a scrutineer's \
                 approval, recorded in the audit log."
            ),
        }
    }

    /// A proposal in the desk's choice: its number and title.
    pub fn proposal(&self, number: i64, title: &str, count: usize, needed: u32) -> String {
        match self.lang {
            Lang::ZhCn => format!("第{number}号 {title}（已附议 {count}/{needed}）"),
            Lang::En => format!("No. {number} {title} ({count} of {needed} co-signers)"),
        }
    }

    /// A draft saved: its number, and what comes next.
    pub fn drafted(&self, number: i64, name: &str) -> String {
        match self.lang {
            Lang::ZhCn => format!("已起草第{number}号提案（领衔代表 {name}）：请其他代表在此扫描代表证附议。"),
            Lang::En => {
                format!("Proposal {number} is drafted (lead delegate {name}): other delegates co-sign it here by card.")
            }
        }
    }

    /// What a co-signature did: recorded, or the delegate had signed already.
    pub fn cosigned(&self, name: &str, number: i64, newly: bool, count: u32, needed: u32) -> String {
        match (self.lang, newly) {
            (Lang::ZhCn, true) => format!("已登记 {name} 附议第{number}号提案（{count}/{needed}）。"),
            (Lang::ZhCn, false) => format!("{name} 此前已附议第{number}号提案（{count}/{needed}）。"),
            (Lang::En, true) => format!("{name} co-signs proposal {number} ({count} of {needed})."),
            (Lang::En, false) => format!("{name} had co-signed proposal {number} already ({count} of {needed})."),
        }
    }

    /// 满意, 基本满意, 不满意.
    pub fn evaluation(&self, e: ReplyEvaluation) -> &'static str {
        match (self.lang, e) {
            (Lang::ZhCn, ReplyEvaluation::Satisfied) => "满意",
            (Lang::ZhCn, ReplyEvaluation::BasicallySatisfied) => "基本满意",
            (Lang::ZhCn, ReplyEvaluation::Dissatisfied) => "不满意",
            (Lang::En, ReplyEvaluation::Satisfied) => "satisfied",
            (Lang::En, ReplyEvaluation::BasicallySatisfied) => "basically satisfied",
            (Lang::En, ReplyEvaluation::Dissatisfied) => "dissatisfied",
        }
    }

    /// A proposal whose reply awaits evaluation: number, title, lead delegate.
    pub fn replied(&self, number: i64, title: &str, lead: &str) -> String {
        match self.lang {
            Lang::ZhCn => format!("第{number}号 {title}（领衔代表 {lead}）"),
            Lang::En => format!("No. {number} {title} (lead delegate {lead})"),
        }
    }

    /// An evaluation recorded, and what comes next: a second reply, or concluded.
    pub fn evaluated(&self, number: i64, name: &str, e: ReplyEvaluation, again: bool) -> String {
        let words = self.evaluation(e);
        match (self.lang, again) {
            (Lang::ZhCn, true) => {
                format!("已登记领衔代表 {name} 对第{number}号提案答复的评价：{words}。承办单位将再次答复。")
            }
            (Lang::ZhCn, false) => format!("已登记领衔代表 {name} 对第{number}号提案答复的评价：{words}。该提案办结。"),
            (Lang::En, true) => format!(
                "Lead delegate {name}'s evaluation of the reply to proposal {number} is recorded: {words}. The handling unit replies again."
            ),
            (Lang::En, false) => format!(
                "Lead delegate {name}'s evaluation of the reply to proposal {number} is recorded: {words}. The proposal is concluded."
            ),
        }
    }

    /// What a departure did: recorded (`Departed`), or nothing, the delegate not
    /// being present.
    pub fn departure(&self, movement: Movement, name: &str, card: &str) -> String {
        match (movement, self.lang) {
            (Movement::Departed, Lang::ZhCn) => format!("已登记 {name}（{card}）离场。"),
            (Movement::Departed, Lang::En) => format!("{name} ({card}) is recorded as having left."),
            (_, Lang::ZhCn) => format!("{name}（{card}）本不在场，未作登记。"),
            (_, Lang::En) => format!("{name} ({card}) was not present; nothing recorded."),
        }
    }
}

const ZH: Desk = Desk {
    lang: Lang::ZhCn,
    title: "报到处",
    no_session_yet: "服务器上还没有会议。请会务组先建立会议。",
    no_session: "没有会议。",
    open_polls: "正在进行的投票：",
    none: "（无）",
    session: "会议",
    switch: "切换",
    card: "代表证号",
    credential_qr: "选票凭证二维码",
    print_80mm: "打印（80 毫米小票）",
    print_a6: "打印（A6 卡片）",
    print_all_80mm: "全部打印（80 毫米小票，每项一张）",
    print_all_a6: "全部打印（A6 卡片，每项一张）",
    print_again: "再次打印",
    next_delegate: "下一位",
    scan_label: "扫描代表证二维码，或输入代表证号",
    check_in: "报到并发放选票",
    depart: "登记离场",
    attendee_label: "列席、旁听人员：输入证号或姓名（不发选票）",
    attendee_check_in: "列席、旁听报到",
    cosign_heading: "附议提案",
    cosign_proposal: "提案",
    cosign_label: "附议代表扫描代表证二维码",
    cosign: "附议",
    evaluate_heading: "评价提案答复",
    evaluate_hint: "领衔代表本人阅读承办单位的答复后，选择评价，扫描本人代表证提交；评价为不满意的，承办单位再次答复。",
    evaluate_proposal: "提案",
    evaluate_choice: "对答复的评价",
    evaluate_comment: "意见（可不填）",
    evaluate_label: "领衔代表扫描本人代表证二维码",
    evaluate: "提交评价",
    evaluate_missing: "请选择满意、基本满意或不满意。",
    draft_heading: "起草提案",
    draft_lead: "领衔代表扫描代表证二维码",
    draft_title: "案由（一事一案）",
    draft_reasons: "理由",
    draft_measures: "建议措施",
    draft: "提交草稿，征集附议",
    no_poll_open: "已报到。目前没有正在进行的投票，无需发放选票。",
    no_credential: "没有这张选票凭证。",
    credential: "选票凭证",
    credential_note: "一次有效。请到投票机扫描此码投票。",
    credential_typed: "扫描不了时，可在投票机上输入下面的文字（空格不必输入）：",
    print_hint: "打印机应自动开始打印：每张选票凭证单独一页。每张交给代表本人，不要混放。",
    replace_heading: "换发选票凭证",
    replace_hint: "凭证损坏、打错或卡纸：收回旧凭证，扫描其二维码后换发，旧凭证即在公告板上作废。凭证遗失：须由一名监票人在此输入本人账号和密码批准补发。",
    replace_card_label: "代表证（扫描二维码或输入证号）",
    replace_slip_label: "交回的旧选票凭证（扫描二维码）",
    replace_damaged: "作废交回的凭证并换发",
    replace_poll_label: "遗失凭证所属的投票",
    approver_label: "监票人账号",
    approver_password_label: "监票人密码",
    replace_lost: "遗失补发（须监票人批准）",
    replace_slip_unreadable: "交回的选票凭证无法识别。请重新扫描；确实无法读取的，按遗失处理（须监票人批准）。",
    replace_no_poll: "这项投票现在不在进行中，不能换发。",
};

const EN: Desk = Desk {
    lang: Lang::En,
    title: "Desk",
    no_session_yet: "There is no session on the server yet. Ask the organisers to set one up.",
    no_session: "No session.",
    open_polls: "Open polls: ",
    none: "(none)",
    session: "Session",
    switch: "Switch",
    card: "card",
    credential_qr: "Ballot credential QR code",
    print_80mm: "Print (80 mm receipt)",
    print_a6: "Print (A6 card)",
    print_all_80mm: "Print all (80 mm receipts, one each)",
    print_all_a6: "Print all (A6 cards, one each)",
    print_again: "Print again",
    next_delegate: "Next delegate",
    scan_label: "Scan the delegate card, or type the card number",
    check_in: "Check in and issue ballots",
    depart: "Record a departure",
    attendee_label: "Attending without a vote, or observing: type the pass number or the name (no ballot)",
    attendee_check_in: "Check in without a vote",
    cosign_heading: "Co-sign a proposal",
    cosign_proposal: "Proposal",
    cosign_label: "The co-signing delegate scans their card",
    cosign: "Co-sign",
    evaluate_heading: "Evaluate a reply to a proposal",
    evaluate_hint: "The lead delegate reads the handling unit's reply, chooses an evaluation and scans their own card; a reply found unsatisfactory is answered again.",
    evaluate_proposal: "Proposal",
    evaluate_choice: "Evaluation of the reply",
    evaluate_comment: "Comment (optional)",
    evaluate_label: "The lead delegate scans their own card",
    evaluate: "Record the evaluation",
    evaluate_missing: "Choose satisfied, basically satisfied or dissatisfied.",
    draft_heading: "Draft a proposal",
    draft_lead: "The lead delegate scans their card",
    draft_title: "Title (one issue per proposal)",
    draft_reasons: "Reasons",
    draft_measures: "Suggested measures",
    draft: "Save the draft and collect co-signers",
    no_poll_open: "Checked in. No poll is open, so no ballot is issued.",
    no_credential: "No such credential.",
    credential: "Ballot credential",
    credential_note: "Valid once. Scan it at a voting booth to vote.",
    credential_typed: "If it will not scan, type this text at the booth (the spaces need not be typed):",
    print_hint: "The printer should start by itself: each ballot credential on a page of its own. Hand each to the delegate in person; do not mix them up.",
    replace_heading: "Replace a ballot credential",
    replace_hint: "Damaged, misprinted or jammed: take the old slip back and scan its QR code; it is then cancelled on the board. Lost: a scrutineer must approve here by typing their own account name and password.",
    replace_card_label: "Delegate card (scan the QR code or type the number)",
    replace_slip_label: "The old ballot credential handed back (scan its QR code)",
    replace_damaged: "Cancel the slip handed back and issue a new one",
    replace_poll_label: "The poll of the lost credential",
    approver_label: "Scrutineer's account",
    approver_password_label: "Scrutineer's password",
    replace_lost: "Replace a lost one (scrutineer's approval)",
    replace_slip_unreadable: "The credential handed back cannot be read. Scan it again; if it really cannot be read, treat it as lost (a scrutineer must approve).",
    replace_no_poll: "That poll is not open now: nothing can be replaced.",
};
