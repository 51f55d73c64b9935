//! The station's page: a poll number, then one large button per step.

use axum::extract::State;
use axum::response::Html;
use hallvote_protocol::web::data_block;
use serde_json::json;

use crate::ui::page;

use super::App;

/// The page: a poll number, then one large button per step. The buttons call the
/// JSON interface above and show its message.
pub(super) async fn home(State(app): App) -> Html<String> {
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
