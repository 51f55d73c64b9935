//! The delegates' help page (`GET /help`, zh-CN by default, `?lang=en`): what the
//! receipt is, how to find one's ballot on the board, what a challenge (核验) does
//! and how anyone checks the published result. The booth's receipt links here.

use crate::api::prelude::*;
use askama::Template;
use axum::response::{IntoResponse, Response};
use hallvote_tally::Lang;

use super::extract::Query;
use super::support::lang::{LangSwitch, PageQuery, page_lang, remember_lang};
use crate::ApiError;
use crate::i18n::RequestLang;
use crate::templates::render;

/// The routes of this resource, each with who may call it.
pub fn router() -> Api {
    Api::new().mount(
        {
            const ROUTE: Route = at(Get, "/help", "public", Access::Public)
                .says("The delegates' help page", "给代表的说明：回执、核验（挑战）以及如何在公告板上核对自己的选票。")
                .query(LANG)
                .answers(Answer::Html);
            ROUTE
        },
        help_page,
    )
}

/// One part of the page.
struct Section {
    id: &'static str,
    heading: &'static str,
    paragraphs: &'static [&'static str],
}

/// The page's words in one language.
struct Words {
    title: &'static str,
    intro: &'static str,
    sections: &'static [Section],
}

const ZH: Words = Words {
    title: "如何核对您的选票",
    intro: "选票在投票机上加密后才离开投票机，谁也看不到您投了谁；同时，您和任何人都可以核对每张选票确已计入、未被改动。",
    sections: &[
        Section {
            id: "receipt",
            heading: "一、您的回执",
            paragraphs: &[
                "投出选票后，投票机显示（并可打印）一张回执：上面有追踪码（如 ABCD-EFGH-JKMN-PQRS）和一个二维码。",
                "回执不显示您投了谁，不能用来证明您的投票内容；它证明的是：您这张加密的选票已经记在公告板上。请保存好回执，直到结果公布并核对完毕。",
            ],
        },
        Section {
            id: "board",
            heading: "二、在公告板上查找您的选票",
            paragraphs: &[
                "用手机扫描回执上的二维码，或在会场的公告板页面输入追踪码。",
                "页面会核对回执上服务器的签名，以及公告板确实包含这张选票；各项都显示通过，说明您的选票在公告板上、未被改动。结果公布后公告板封存，再核对一次最为稳妥。",
            ],
        },
        Section {
            id: "challenge",
            heading: "三、核验：检查投票机是否如实加密",
            paragraphs: &[
                "在“投出或核验”页面（显示追踪码的那一页），您可以不点“投出选票”，而是点“核验并重新填写”。投票机会公开解密这张加密的选票，显示它实际加密的内容，您可以核对是否与您所选的一致。",
                "被核验的选票作废（在公告板上标为“核验作废”），不计入结果；请重新选择，投票机重新加密后再投出。投票机在加密时并不知道您会投出还是核验，所以它若不如实加密，很可能被发现。",
                "核验作废的选票在公告板的全部条目中列出，任何人都可以打开查看其内容，由浏览器独立核对它的加密确实是这些内容。",
            ],
        },
        Section {
            id: "record",
            heading: "四、结果公布后",
            paragraphs: &[
                "每项投票公布时同时公布选举记录：全部加密选票、监票人的解密证明和签名。任何人都可以下载，用独立的核验程序（hallvote-verify）核对结果确由公告板上的选票算出。",
                "结果报告单上印有选举指纹；它应与监票人在会场记录的一致。",
            ],
        },
        Section {
            id: "problem",
            heading: "五、发现问题怎么办",
            paragraphs: &[
                "如果公告板上找不到您的追踪码、核对未通过，或核验显示的内容与您所选的不同，请立即告诉监票人，并出示您的回执。不要丢弃回执。",
            ],
        },
    ],
};

const EN: Words = Words {
    title: "How to check your ballot",
    intro: "Your ballot is encrypted in the booth before it leaves it, so nobody can see how you voted; and you, and anyone, can check that every ballot was counted as cast.",
    sections: &[
        Section {
            id: "receipt",
            heading: "1. Your receipt",
            paragraphs: &[
                "When you have cast your ballot, the booth shows (and can print) a receipt with a tracking code (like ABCD-EFGH-JKMN-PQRS) and a QR code.",
                "The receipt does not show how you voted and cannot prove it to anyone; it proves that your encrypted ballot is on the board. Keep it until the result is published and checked.",
            ],
        },
        Section {
            id: "board",
            heading: "2. Find your ballot on the board",
            paragraphs: &[
                "Scan the receipt's QR code with a phone, or type the tracking code on the hall's board page.",
                "The page checks the server's signature on the receipt and that the board holds your ballot; when every check passes, your ballot is on the board, unchanged. Once the result is published the board is sealed: checking again then is best.",
            ],
        },
        Section {
            id: "challenge",
            heading: "3. Checking that the booth encrypts what you marked",
            paragraphs: &[
                "On the “Cast or check” page (the one showing the tracking code) you may, instead of “Cast my ballot”, choose “Check it and mark again”. The booth opens the encrypted ballot publicly and shows what it actually held, so you can compare it with what you marked.",
                "A challenged ballot is void (marked “spoiled (challenged)” on the board) and is not counted; mark again, and the booth encrypts anew before you cast. The booth cannot know when it encrypts whether you will cast or challenge, so a booth that encrypted falsely would likely be caught.",
                "Challenged ballots are listed among the board's entries; anyone can open one and have the browser check on its own that the encryption holds what is shown.",
            ],
        },
        Section {
            id: "record",
            heading: "4. After publication",
            paragraphs: &[
                "Each poll's result is published with its election record: every encrypted ballot, the scrutineers' proofs of decryption and their signatures. Anyone can download it and check with the standalone verifier (hallvote-verify) that the result follows from the ballots on the board.",
                "The result sheet prints the election fingerprint; it should be the one the scrutineers wrote down in the hall.",
            ],
        },
        Section {
            id: "problem",
            heading: "5. If something is wrong",
            paragraphs: &[
                "If your tracking code is not on the board, a check fails, or a challenge shows something other than what you marked, tell a scrutineer at once and show your receipt. Do not throw the receipt away.",
            ],
        },
    ],
};

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    langs: LangSwitch,
    w: &'static Words,
}

async fn help_page(RequestLang(lang): RequestLang, Query(q): Query<PageQuery>) -> Result<Response, ApiError> {
    let (lang, set) = page_lang(lang, q.lang.as_deref());
    let w = match lang {
        Lang::ZhCn => &ZH,
        Lang::En => &EN,
    };
    let page = render(&HelpPage { langs: LangSwitch::query(lang), w })?;
    Ok(remember_lang(page.into_response(), lang, set))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn both_languages_have_the_same_sections() {
        let ids = |w: &Words| w.sections.iter().map(|s| (s.id, s.paragraphs.len())).collect::<Vec<_>>();
        assert_eq!(ids(&ZH), ids(&EN));
    }
}
