//! The booth's words (投票机).

use hallvote_tally::Lang;
use hallvote_tally::model::{Contest, ContestKind};
use hallvote_tally::text::en_count;

/// The booth's words in one language.
#[derive(Debug)]
pub struct Booth {
    /// The language of this table.
    pub lang: Lang,
    /// The welcome page's title.
    pub welcome: &'static str,
    /// How to start.
    pub welcome_hint: &'static str,
    /// The credential field.
    pub credential: &'static str,
    /// Starts the visit.
    pub start: &'static str,
    /// Before the live count of for-votes.
    pub fors: &'static str,
    /// Back one contest.
    pub previous: &'static str,
    /// On to the next contest.
    pub next: &'static str,
    /// From the last contest to the review.
    pub to_review: &'static str,
    /// A contest with an unmarked item that must be marked.
    pub choose_all: &'static str,
    /// The marks table's columns.
    pub name_column: &'static str,
    /// The marks table's columns.
    pub choice_column: &'static str,
    /// An evaluation item left ungraded.
    pub not_graded: &'static str,
    /// Back to a contest from the review.
    pub change_page: &'static str,
    /// The review page's title.
    pub review_title: &'static str,
    /// What the review is for.
    pub review_hint: &'static str,
    /// Seals the ballot.
    pub seal: &'static str,
    /// The title when sealing failed.
    pub cannot_encrypt: &'static str,
    /// The sealed page's title.
    pub sealed_title: &'static str,
    /// Before the tracking code.
    pub sealed_intro: &'static str,
    /// Cast or challenge.
    pub sealed_explain: &'static str,
    /// Casts.
    pub cast: &'static str,
    /// Challenges.
    pub challenge: &'static str,
    /// The title while the server cannot be reached.
    pub wait_title: &'static str,
    /// Sends the request again.
    pub try_again: &'static str,
    /// The title when casting failed.
    pub not_cast: &'static str,
    /// The title when the challenged ballot did not hold the marks.
    pub check_failed: &'static str,
    /// The title when challenging failed.
    pub cannot_check: &'static str,
    /// The challenged page's title.
    pub challenged_title: &'static str,
    /// What the challenged page shows.
    pub challenged_intro: &'static str,
    /// Before the spoiled ballot's tracking code.
    pub spoiled_code: &'static str,
    /// Who can check the opening.
    pub challenged_hint: &'static str,
    /// Prints the challenge receipt.
    pub print_challenge: &'static str,
    /// Marks a new ballot.
    pub mark_again: &'static str,
    /// The receipt's election fingerprint.
    pub fingerprint: &'static str,
    /// The receipt's tracking code.
    pub tracking_code: &'static str,
    /// The receipt's board position.
    pub position: &'static str,
    /// The receipt's signed tree head.
    pub head: &'static str,
    /// The receipt QR code's label.
    pub receipt_qr: &'static str,
    /// What the receipt is for.
    pub receipt_hint: &'static str,
    /// The receipt page's title.
    pub cast_title: &'static str,
    /// The ballot was cast.
    pub cast_done: &'static str,
    /// Prints the receipt.
    pub print_receipt: &'static str,
    /// Before the address of the server's help page on the receipt.
    pub help_at: &'static str,
    /// Ends the visit.
    pub done: &'static str,
    /// The title when a scanned credential cannot vote.
    pub cannot_vote: &'static str,
    /// Back to the start from a page saying why a step failed.
    pub back_to_start: &'static str,
    /// Above the list of the session's open polls on the receipt page.
    pub visit_polls: &'static str,
    /// A poll of the list cast at this booth in this visit.
    pub poll_cast_here: &'static str,
    /// A poll of the list whose credential has not been scanned in this visit.
    pub poll_not_scanned: &'static str,
    /// Polls of the list remain: scan the next credential, if the delegate has one.
    pub scan_next_hint: &'static str,
    /// Every open poll of the session has been cast in this visit.
    pub all_cast: &'static str,
    /// The button from the receipt to the scan of the next credential.
    pub scan_next: &'static str,
    /// The welcome page's hint between two credentials of a visit.
    pub next_hint: &'static str,
    /// The switch to larger text.
    pub larger_text: &'static str,
    /// The switch to high contrast.
    pub high_contrast: &'static str,
    /// The write-in field of a row marked against (另选他人, R9).
    pub write_in: &'static str,
    /// How to fill it.
    pub write_in_hint: &'static str,
    /// The list of persons the search found.
    pub write_in_found: &'static str,
    /// Before the live count of for-votes and write-ins.
    pub fors_and_write_ins: &'static str,
    /// Before a written-in name on the review and challenge pages.
    pub written_in: &'static str,
    /// Said when a name is picked from the list (`{name}` is the name).
    pub write_in_picked: &'static str,
    /// Said when a row's against mark is taken back and its write-in cleared
    /// (`{name}` is the name cleared).
    pub write_in_cleared: &'static str,
    /// Said when the search finds no one.
    pub write_in_none: &'static str,
    /// Above a member's 述职 summary, before the marks (`{name}` is the member).
    pub report_title: &'static str,
    /// What the summary page is.
    pub report_hint: &'static str,
    /// The one button that moves on from a summary.
    pub report_continue: &'static str,
}

impl Booth {
    /// The table in `lang`.
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::ZhCn => &ZH,
            Lang::En => &EN,
        }
    }

    /// How to mark `contest`.
    pub fn contest_hint(&self, contest: &Contest) -> String {
        let zh = self.lang == Lang::ZhCn;
        match &contest.kind {
            ContestKind::Election(e) if zh => format!(
                "应选 {} 名。请对每位候选人选择“赞成”“不赞成”或“弃权”；赞成票不能超过 {} 名。未选择的视为弃权。",
                e.seats, e.seats
            ),
            ContestKind::Election(e) => format!(
                "{} seats. For each candidate choose for, against or abstain; at most {} for-votes. An unmarked candidate counts as an abstention.",
                e.seats, e.seats
            ),
            ContestKind::Confidence(_) if zh => "请对每位成员选择一项。".to_owned(),
            ContestKind::Confidence(_) => "Choose one option for each member.".to_owned(),
            ContestKind::Evaluation(_) if zh => "请对每位成员选择一个等次；不选的不计入。".to_owned(),
            ContestKind::Evaluation(_) => {
                "Choose one grade for each member; an unmarked member is not graded.".to_owned()
            }
            ContestKind::Motion(_) if zh => "请对每一项选择“赞成”“反对”或“弃权”；未选择的视为弃权。".to_owned(),
            ContestKind::Motion(_) => {
                "Choose for, against or abstain on each item; unmarked counts as abstain.".to_owned()
            }
            ContestKind::Recall(_) if zh => {
                "请对每位被提请罢免的成员选择“同意罢免”“不同意罢免”或“弃权”；未选择的视为弃权。".to_owned()
            }
            ContestKind::Recall(_) => {
                "For each member named, choose recall, do not recall or abstain; unmarked counts as abstain.".to_owned()
            }
        }
    }

    /// Contest `page` (from 1) of `pages`.
    pub fn page_of(&self, page: usize, pages: usize) -> String {
        match self.lang {
            Lang::ZhCn => format!("第 {page}/{pages} 页"),
            Lang::En => format!("Page {page} of {pages}"),
        }
    }

    /// Poll `k` (from 1) of the `n` polls open in the session, named `name`.
    pub fn poll_of(&self, k: usize, n: usize, name: &str) -> String {
        match self.lang {
            Lang::ZhCn => format!("第 {k} 项投票（共 {n} 项）：{name}"),
            Lang::En => format!("Poll {k} of {n}: {name}"),
        }
    }

    /// `n` for-votes in a contest of `seats` seats, too many.
    pub fn over_vote(&self, seats: u32, n: u32) -> String {
        match self.lang {
            Lang::ZhCn => {
                format!("赞成票超过应选名额：应选 {seats} 名，您对 {n} 名投了赞成票。请改为不超过 {seats} 名后再继续。")
            }
            Lang::En => format!(
                "Too many for-votes: {seats} seats, and you voted for {n}. Reduce them to at most {seats} to go on."
            ),
        }
    }

    /// A write-in that would make more for-votes and write-ins than `seats`.
    pub fn over_write_in(&self, seats: u32) -> String {
        match self.lang {
            Lang::ZhCn => format!(
                "赞成票和另选他人合计不能超过应选名额 {seats} 名：这个另选的姓名没有填入。请先把其他人的赞成票改掉，或少另选一人。"
            ),
            Lang::En => format!(
                "For-votes and write-ins together may not exceed the {seats} seats: this name was not written in. \
                 Take back a for-vote or a write-in first."
            ),
        }
    }

    /// How to mark an election that takes write-ins (R9, R10).
    pub fn write_in_rule(&self, seats: u32) -> String {
        match self.lang {
            Lang::ZhCn => format!(
                "对某位候选人投“不赞成”时，可以在该行另选他人：从名单中查找（输入汉字或拼音首字母，如 zs），或写出全名。赞成票和另选他人合计不能超过 {seats} 名。"
            ),
            Lang::En => format!(
                "Where you vote against a candidate you may write in another person in that row: search the list \
                 (type characters or pinyin initials, such as zs) or write the full name. For-votes and write-ins \
                 together: at most {seats}."
            ),
        }
    }

    /// The board position of a receipt (from 1).
    pub fn board_entry(&self, entry: u64) -> String {
        match self.lang {
            Lang::ZhCn => format!("第 {entry} 条"),
            Lang::En => format!("entry {entry}"),
        }
    }

    /// A signed tree head: its size and the start of its root.
    pub fn tree_head(&self, size: u64, root: &str) -> String {
        match self.lang {
            Lang::ZhCn => format!("共 {size} 条，根 {root}…"),
            Lang::En => format!("{}, root {root}…", en_count(size, "entry", "entries")),
        }
    }
}

const ZH: Booth = Booth {
    lang: Lang::ZhCn,
    welcome: "欢迎投票",
    welcome_hint: "请将报到处发给您的选票二维码对准扫描器，或点“用摄像头扫描”。实在无法扫描时，可以输入凭证上二维码下方的文字。",
    credential: "选票凭证",
    start: "开始投票",
    fors: "已投赞成票：",
    previous: "上一页",
    next: "下一页",
    to_review: "检查选票",
    choose_all: "请对每位成员作出选择后再继续。",
    name_column: "对象",
    choice_column: "您的选择",
    not_graded: "（未评）",
    change_page: "修改本页",
    review_title: "核对选票",
    review_hint: "请核对您的选择。确认无误后，投票机将对选票加密。",
    seal: "确认并加密",
    cannot_encrypt: "无法加密",
    sealed_title: "投出或核验",
    sealed_intro: "您的选票已加密。这是它的追踪码：",
    sealed_explain: "点“投出选票”即正式投票。若想核验投票机是否如实加密，可点“核验并重新填写”：这张加密选票将被公开解密并作废（不计票），您再重新填写一次。",
    cast: "投出选票",
    challenge: "核验并重新填写",
    wait_title: "请稍候",
    try_again: "再试一次",
    not_cast: "选票未投出",
    check_failed: "核验失败",
    cannot_check: "无法核验",
    challenged_title: "核验结果",
    challenged_intro: "这张加密选票已公开解密并作废，不计入结果。下面是它实际加密的内容，请核对是否与您的选择一致：",
    spoiled_code: "作废选票的追踪码：",
    challenged_hint: "任何人都可以在公开记录中用此追踪码核对这次解密。如内容与您的选择不符，请立即告知监票人。",
    print_challenge: "打印作废回执",
    mark_again: "重新填写选票",
    fingerprint: "选举指纹（应与监票记录一致）",
    tracking_code: "追踪码",
    position: "公告板位置",
    head: "公告板签名树头",
    receipt_qr: "回执二维码：用于日后核对",
    receipt_hint: "扫描二维码或在公告板页面输入追踪码，可随时核对您的选票已被记录；任何人可用 hallvote-verify --receipt 以回执核对公布的选举记录。追踪码不显示您投了谁。",
    cast_title: "投票完成",
    cast_done: "您的选票已投出，服务器已签名确认。",
    print_receipt: "打印回执",
    help_at: "如何核对您的选票，请用手机或电脑打开：",
    done: "完成",
    cannot_vote: "不能用这张凭证投票",
    back_to_start: "返回首页",
    visit_polls: "本次会议正在进行的投票",
    poll_cast_here: "已在本机投出",
    poll_not_scanned: "尚未扫描其选票凭证",
    scan_next_hint: "请扫描下一张选票凭证：报到处为每项正在进行的投票各发一张。没有其他凭证了，请按“完成”。",
    all_cast: "本次会议正在进行的各项投票，您都已在本机投出。请按“完成”。",
    scan_next: "请扫描下一张选票凭证",
    next_hint: "请将下一张选票凭证对准扫描器。没有其他凭证了，请按“完成”。",
    larger_text: "大字",
    high_contrast: "高对比度",
    write_in: "另选他人",
    write_in_hint: "输入姓名中的汉字或拼音首字母（如 zs）后从名单中点选；名单外的人请写全名。",
    write_in_found: "名单中找到的人",
    fors_and_write_ins: "赞成和另选他人：",
    written_in: "另选他人：",
    write_in_picked: "已选：{name}",
    write_in_cleared: "已改为不投“不赞成”，这一行另选的“{name}”已清除。",
    write_in_none: "名单中没有找到；名单外的人请写全名。",
    report_title: "{name} 的述职报告摘要",
    report_hint: "请阅读后按“继续”；读完全部摘要后进入投票页。",
    report_continue: "继续",
};

const EN: Booth = Booth {
    lang: Lang::En,
    welcome: "Welcome",
    welcome_hint: "Hold the ballot QR code the desk gave you to the scanner, or use the camera. If neither works, type the text printed under the code.",
    credential: "Ballot credential",
    start: "Start voting",
    fors: "For-votes: ",
    previous: "Previous",
    next: "Next",
    to_review: "Review",
    choose_all: "Choose an option for every member to go on.",
    name_column: "Name",
    choice_column: "Your choice",
    not_graded: "(not graded)",
    change_page: "Change this page",
    review_title: "Review your ballot",
    review_hint: "Check your choices. When they are right, the booth encrypts your ballot.",
    seal: "Confirm and encrypt",
    cannot_encrypt: "Cannot encrypt",
    sealed_title: "Cast or check",
    sealed_intro: "Your ballot is encrypted. Its tracking code is:",
    sealed_explain: "Cast makes it your vote. To check that the booth encrypted your choices faithfully, choose Check: this encrypted ballot is opened publicly and spoiled (never counted), and you mark a new one.",
    cast: "Cast my ballot",
    challenge: "Check it and mark again",
    wait_title: "Please wait",
    try_again: "Try again",
    not_cast: "The ballot was not cast",
    check_failed: "Check failed",
    cannot_check: "Cannot check",
    challenged_title: "What the ballot held",
    challenged_intro: "This encrypted ballot has been opened publicly and spoiled; it is not counted. Below is what it actually held; check it against your choices:",
    spoiled_code: "Tracking code of the spoiled ballot:",
    challenged_hint: "Anyone can check this opening on the public board with this code. If it does not match your choices, tell a scrutineer at once.",
    print_challenge: "Print the challenge receipt",
    mark_again: "Mark a new ballot",
    fingerprint: "Election fingerprint (as in the scrutineers' minutes)",
    tracking_code: "Tracking code",
    position: "Board position",
    head: "Board's signed tree head",
    receipt_qr: "Receipt QR code, to check it later",
    receipt_hint: "Scan the code or type the tracking code on the board page to check any time that your ballot was recorded; anyone can check the published record against this receipt with hallvote-verify --receipt. It does not show how you voted.",
    cast_title: "Ballot cast",
    cast_done: "Your ballot is cast, and the server has signed its confirmation.",
    print_receipt: "Print the receipt",
    help_at: "How to check your ballot: open on a phone or computer",
    done: "Done",
    cannot_vote: "This credential cannot vote",
    back_to_start: "Back to the start",
    visit_polls: "Polls open in this session",
    poll_cast_here: "Cast at this booth",
    poll_not_scanned: "Credential not scanned yet",
    scan_next_hint: "Scan your next ballot credential: the desk gives one for each open poll. If you have no other credential, press Done.",
    all_cast: "You have cast a ballot at this booth in every poll open in this session. Press Done.",
    scan_next: "Scan the next ballot credential",
    next_hint: "Hold your next ballot credential to the scanner. If you have no other credential, press Done.",
    larger_text: "Larger text",
    write_in: "Write in another person",
    write_in_hint: "Type characters of the name or its pinyin initials (such as zs) and pick from the list; for a person not on it, write the full name.",
    write_in_found: "Persons found on the list",
    fors_and_write_ins: "For-votes and write-ins: ",
    written_in: "Written in: ",
    write_in_picked: "Picked: {name}",
    write_in_cleared: "The against mark was taken back, so the name written in this row ({name}) was cleared.",
    write_in_none: "No one found on the list; for a person not on it, write the full name.",
    report_title: "Report on duties (述职) of {name}: summary",
    report_hint: "Read it, then press Continue; after the summaries comes the ballot page.",
    report_continue: "Continue",
    high_contrast: "High contrast",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_over_vote_message_names_seats_and_count() {
        assert_eq!(
            Booth::of(Lang::ZhCn).over_vote(9, 10),
            "赞成票超过应选名额：应选 9 名，您对 10 名投了赞成票。请改为不超过 9 名后再继续。"
        );
        assert!(Booth::of(Lang::En).over_vote(9, 10).starts_with("Too many for-votes: 9 seats"));
    }
}
