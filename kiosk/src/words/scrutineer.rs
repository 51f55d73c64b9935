//! The scrutineer station's words (监票人终端).

use hallvote_tally::Lang;

/// The scrutineer station's words in one language.
#[derive(Debug)]
pub struct Scrutineer {
    /// The page's title.
    pub title: &'static str,
    /// What the station is for.
    pub intro: &'static str,
    /// The poll chooser.
    pub poll: &'static str,
    /// Reads the station's polls again.
    pub refresh_polls: &'static str,
    /// Said when the station holds no office yet.
    pub no_polls: &'static str,
    /// A scrutineer, in the poll chooser and the progress table.
    pub role_scrutineer: &'static str,
    /// A counter, in the poll chooser.
    pub role_counter: &'static str,
    /// This station's office in a poll: `{j}` its position, `{role}` the role.
    pub office: &'static str,
    /// While the station runs the ceremony by itself.
    pub running: &'static str,
    /// The progress table's caption and heads.
    pub progress_caption: &'static str,
    /// Column: the scrutineer.
    pub col_scrutineer: &'static str,
    /// Column: receiving key published.
    pub col_published: &'static str,
    /// Column: dealt.
    pub col_dealt: &'static str,
    /// Column: confirmed.
    pub col_confirmed: &'static str,
    /// Column: key check passed.
    pub col_checked: &'static str,
    /// This station, in the progress table.
    pub this_station: &'static str,
    /// A poll in the list to choose from: its name and state.
    pub poll_choice: &'static str,
    /// The share file chosen from a USB stick, when this station has none saved.
    pub file_choose: &'static str,
    pub file_hint: &'static str,
    /// Restoring the key share from the paper backup.
    pub paper_restore: &'static str,
    /// What to type there.
    pub paper_hint: &'static str,
    /// Step 1's heading.
    pub h_ceremony: &'static str,
    /// Takes the next ceremony step.
    pub step: &'static str,
    /// Shows the ceremony's progress.
    pub progress: &'static str,
    /// Step 2's heading.
    pub h_save: &'static str,
    /// A passphrase field.
    pub passphrase: &'static str,
    /// The passphrase repeated.
    pub passphrase_again: &'static str,
    /// Saves the share file.
    pub save: &'static str,
    /// Prints the paper backup.
    pub paper: &'static str,
    /// Downloads the share file.
    pub download: &'static str,
    /// Step 3's heading.
    pub h_check: &'static str,
    /// What the key check does.
    pub check_hint: &'static str,
    /// Checks the key share.
    pub check: &'static str,
    /// The minutes' heading.
    pub h_minutes: &'static str,
    /// What to copy into the minutes.
    pub minutes_hint: &'static str,
    /// Shows the fingerprints.
    pub show_fingerprints: &'static str,
    /// Before the election fingerprint.
    pub fingerprint: &'static str,
    /// Before the scrutineer's key fingerprint.
    pub key_fingerprint: &'static str,
    /// Step 4's heading.
    pub h_decrypt: &'static str,
    /// Loads the key share.
    pub load: &'static str,
    /// Decrypts and submits.
    pub decrypt: &'static str,
    /// The write-in mix's heading.
    pub h_mix: &'static str,
    /// What the mix is and how it runs.
    pub mix_hint: &'static str,
    /// Runs (or resumes) the mix.
    pub mix: &'static str,
    /// While a turn or a list share is being made or checked.
    pub mix_running: &'static str,
    /// The mix table's caption.
    pub mix_caption: &'static str,
    /// Column: the contest.
    pub col_contest: &'static str,
    /// Column: turns taken of n.
    pub col_turns: &'static str,
    /// Column: whose turn is due.
    pub col_next: &'static str,
    /// Column: list shares in, of k needed.
    pub col_shares: &'static str,
    /// Step 5's heading.
    pub h_sign: &'static str,
    /// Reviews the result.
    pub review: &'static str,
    /// Signs the result.
    pub sign: &'static str,
    /// Said by the page's script when Sign is pressed before the review.
    pub need_review: &'static str,
}

impl Scrutineer {
    /// The table in `lang`.
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::ZhCn => &ZH,
            Lang::En => &EN,
        }
    }
}

const ZH: Scrutineer = Scrutineer {
    title: "监票人终端",
    intro: "本终端是监票人或计票人的终端：监票人在这里进行密钥生成、保存并检查密钥份额、解密和结果签名；计票人在密钥生成完成后抄录选举指纹，计票后核对结果并签名（第五步）。请先选择投票。",
    poll: "投票",
    refresh_polls: "刷新投票列表",
    no_polls: "本终端尚未被指定为任何投票的监票人或计票人终端。会务组在控制台上确定监票人、计票人后，请点“刷新投票列表”。",
    role_scrutineer: "监票人",
    role_counter: "计票人",
    office: "本终端：第 {j} 号{role}",
    running: "密钥生成进行中：本终端自动完成每一步，并等待其他监票人。请不要关闭本终端。",
    progress_caption: "各监票人的进度",
    col_scrutineer: "监票人",
    col_published: "接收密钥",
    col_dealt: "分发份额",
    col_confirmed: "确认",
    col_checked: "密钥检查",
    this_station: "（本终端）",
    poll_choice: "{name}（{state}）",
    file_choose: "从U盘选择密钥份额文件（本终端未保存时）",
    file_hint: "选定的文件只用于下面的“检查密钥份额”和“载入密钥份额”，不会保存在本终端。",
    paper_restore: "从纸质备份恢复（密钥份额文件丢失时）",
    paper_hint: "按纸质备份逐行输入全部内容（每行开头的行号也要输入），再输入口令，点“载入密钥份额”。",
    h_ceremony: "一、密钥生成",
    step: "开始密钥生成（自动进行）",
    progress: "查看进度",
    h_save: "二、保存密钥份额",
    passphrase: "口令",
    passphrase_again: "再输入一次口令",
    save: "保存密钥份额文件",
    paper: "打印纸质备份",
    download: "下载文件（存入U盘）",
    h_check: "三、检查密钥份额",
    check_hint: "保存后，请再输入一次口令检查密钥份额：本终端打开保存的文件，解密服务器专为您生成的一个检查密文，由服务器核验。全部监票人通过后才能开始投票。",
    check: "检查密钥份额",
    h_minutes: "抄入监票记录",
    minutes_hint: "密钥生成完成后，请把下面的选举指纹和本人密钥指纹，逐字抄入您签名的监票记录。大屏幕、选票回执和计票结果报告单上的选举指纹必须与此相同。",
    show_fingerprints: "显示选举指纹",
    fingerprint: "选举指纹：",
    key_fingerprint: "本人密钥指纹：",
    h_decrypt: "四、解密",
    load: "载入密钥份额",
    decrypt: "解密并提交",
    h_mix: "另选他人姓名的混合",
    mix_hint: "本次投票如允许另选他人，解密提交后，本终端自动参加另选姓名的混合：按监票人编号依次轮到各终端，每台终端把全部另选姓名的密文重新加密并打乱次序，附上证明交服务器核验（每轮约需 10–25 秒）；全部轮完后，本终端提交列表解密份额。进行期间请不要关闭本终端。",
    mix: "进行混合（自动）",
    mix_running: "混合进行中：本终端轮到时自动完成本轮并等待其他监票人。请不要关闭本终端。",
    mix_caption: "各项选举另选姓名的混合进度",
    col_contest: "选举",
    col_turns: "已完成轮数",
    col_next: "轮到",
    col_shares: "列表解密份额",
    h_sign: "五、核对结果并签名",
    review: "核对计票结果",
    sign: "签名",
    need_review: "请先核对计票结果。",
};

const EN: Scrutineer = Scrutineer {
    title: "Scrutineer station",
    intro: "This is a scrutineer's or counter's station: a scrutineer takes the key ceremony, saves and checks the key share file, decrypts and signs the result here; a counter copies the election fingerprint once the key ceremony has finished, and reviews and signs the result after the count (step 5). Choose the poll first.",
    poll: "Poll",
    refresh_polls: "Read the polls again",
    no_polls: "This station is not appointed to any poll yet. Once the organiser has appointed the scrutineers and counters on the console, press “Read the polls again”.",
    role_scrutineer: "scrutineer",
    role_counter: "counter",
    office: "This station: {role} {j}",
    running: "The key ceremony is under way: this station takes each step by itself and waits for the other scrutineers. Do not close this station.",
    progress_caption: "Each scrutineer's progress",
    col_scrutineer: "Scrutineer",
    col_published: "Receiving key",
    col_dealt: "Shares dealt",
    col_confirmed: "Confirmed",
    col_checked: "Key check",
    this_station: " (this station)",
    poll_choice: "{name} ({state})",
    file_choose: "Choose the key share file from a USB stick (when this station has none saved)",
    file_hint: "The chosen file is used only for “Check the key share” and “Load the key share” below; it is not saved on this station.",
    paper_restore: "Restore from the paper backup (when the share file is lost)",
    paper_hint: "Type the whole paper backup line by line (with the line numbers at the start of each line), then the passphrase, and press “Load the key share”.",
    h_ceremony: "1. Key ceremony",
    step: "Run the key ceremony (it goes on by itself)",
    progress: "Show progress",
    h_save: "2. Save the key share",
    passphrase: "Passphrase",
    passphrase_again: "Passphrase again",
    save: "Save the key share file",
    paper: "Print the paper backup",
    download: "Download (to the USB stick)",
    h_check: "3. Check my key share",
    check_hint: "Once the file is saved, enter the passphrase again to check your key share: this station opens the saved file and decrypts a test ciphertext the server made for you, and the server checks it. The poll opens once every scrutineer has passed.",
    check: "Check my key share",
    h_minutes: "For the minutes",
    minutes_hint: "Once the key ceremony has finished, copy the election fingerprint and your key fingerprint below, character by character, into the minutes you sign. The fingerprint on the hall display, on every receipt and on the result sheet must be this one.",
    show_fingerprints: "Show the fingerprints",
    fingerprint: "Election fingerprint:",
    key_fingerprint: "My key fingerprint:",
    h_decrypt: "4. Decrypt",
    load: "Load the key share",
    decrypt: "Decrypt and submit",
    h_mix: "Mixing the written-in names",
    mix_hint: "If the poll takes write-ins, this station takes part in the mix of the written-in names by itself once its decryption is posted: the stations take turns in scrutineer order, each re-encrypting and shuffling every written-in name and proving it to the server, which checks the turn (about 10–25 s a turn); after the last turn, this station posts its list decryption share. Do not close the station meanwhile.",
    mix: "Run the mix (by itself)",
    mix_running: "Mixing: this station takes its turn when it comes and waits for the other scrutineers. Do not close the station.",
    mix_caption: "The mix of each contest's written-in names",
    col_contest: "Contest",
    col_turns: "Turns taken",
    col_next: "Turn of",
    col_shares: "List shares",
    h_sign: "5. Review and sign the result",
    review: "Review the result",
    sign: "Sign",
    need_review: "Review the result first.",
};
