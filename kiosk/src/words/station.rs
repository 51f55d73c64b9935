//! The words every station page shares: the language switch and the camera button.

use hallvote_tally::Lang;

/// The words every station page shares.
#[derive(Debug)]
pub struct Station {
    /// Where the language switch goes.
    pub switch_href: &'static str,
    /// The switch's label, in the language it switches to.
    pub switch_label: &'static str,
    /// The `lang` of that label.
    pub switch_lang: &'static str,
    /// The camera button.
    pub camera: &'static str,
}

impl Station {
    /// The table in `lang`.
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::ZhCn => &ZH,
            Lang::En => &EN,
        }
    }
}

const ZH: Station =
    Station { switch_href: "/lang/en", switch_label: "English", switch_lang: "en", camera: "用摄像头扫描" };

const EN: Station =
    Station { switch_href: "/lang/zh", switch_label: "中文", switch_lang: "zh-CN", camera: "Scan with the camera" };
