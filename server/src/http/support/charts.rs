//! A poll's results as SVG bar charts, for the hall display's projector.

use hallvote_tally::count::{CandidateStatus, ContestResult, PollResult};
use hallvote_tally::{Lang, Text};

use crate::html::escape;

/// One bar of a chart.
struct Bar {
    label: String,
    value: u32,
    /// The outcome in words, at the right.
    note: String,
    /// Elected, adopted: drawn in the accent colour.
    strong: bool,
}

/// A group of bars under an optional heading (a member, a motion item).
struct Group {
    heading: Option<(String, String, bool)>,
    bars: Vec<Bar>,
}

/// The results as bar charts in SVG, for a projector: one chart per contest with one
/// bar per candidate (for-votes, with the threshold marked), per member and option, or
/// per item and option, each with its count and the outcome in words. A void poll
/// gets its reason instead.
pub fn result_charts(result: &PollResult, lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    let t = |z: &str, e: &str| Text::new(z, e).get(lang).to_owned();
    if let Some(reason) = &result.void_reason {
        return format!("<p class=\"void\">{}{}</p>", t("投票无效：", "Void: "), escape(reason.get(lang)));
    }
    let scale = result.valid_ballots.max(1);
    let mut out = String::new();
    for c in &result.contests {
        let (title, groups, threshold) = match c {
            ContestResult::Election(e) => {
                let mut bars: Vec<Bar> = e
                    .candidates
                    .iter()
                    .map(|c| Bar {
                        label: c.name.clone(),
                        value: c.for_votes,
                        note: status_words(c.status, lang),
                        strong: c.status == CandidateStatus::Elected,
                    })
                    .collect();
                bars.extend(e.write_ins.iter().map(|w| Bar {
                    label: format!("{}{}", w.name, t("（另选）", " (write-in)")),
                    value: w.votes,
                    note: status_words(w.status, lang),
                    strong: w.status == CandidateStatus::Elected,
                }));
                let title = if zh {
                    format!("{}（应选 {} 名，得赞成票数）", e.title, e.seats)
                } else {
                    format!("{} ({} seat(s); for-votes)", e.title, e.seats)
                };
                (title, vec![Group { heading: None, bars }], Some(e.threshold))
            }
            ContestResult::Confidence(g) | ContestResult::Evaluation(g) => {
                let groups = g
                    .members
                    .iter()
                    .map(|m| Group {
                        heading: Some((m.name.clone(), m.outcome.get(lang).to_owned(), false)),
                        bars: m
                            .counts
                            .iter()
                            .map(|s| Bar {
                                label: s.option.get(lang).to_owned(),
                                value: s.votes,
                                note: s.percent.as_ref().map(|p| format!("{p}%")).unwrap_or_default(),
                                strong: false,
                            })
                            .collect(),
                    })
                    .collect();
                (g.title.clone(), groups, None)
            }
            ContestResult::Motion(m) => {
                let groups = m
                    .items
                    .iter()
                    .map(|i| Group {
                        heading: Some((
                            i.title.clone(),
                            if i.passed { t("通过", "adopted") } else { t("未通过", "not adopted") },
                            i.passed,
                        )),
                        bars: [
                            (t("赞成", "For"), i.for_votes),
                            (t("反对", "Against"), i.against),
                            (t("弃权", "Abstain"), i.abstain),
                        ]
                        .into_iter()
                        .map(|(label, value)| Bar { label, value, note: String::new(), strong: false })
                        .collect(),
                    })
                    .collect();
                (m.title.clone(), groups, None)
            }
        };
        let threshold_label = threshold.map(|n| if zh { format!("当选票数 {n}") } else { format!("needed: {n}") });
        out.push_str(&chart_svg(&title, &groups, scale, threshold.zip(threshold_label)));
    }
    out
}

fn status_words(st: CandidateStatus, lang: Lang) -> String {
    match st {
        CandidateStatus::Elected => Text::new("当选", "elected"),
        CandidateStatus::Runoff => Text::new("并列，再次投票", "tied: new vote"),
        CandidateStatus::NotElected => Text::new("未当选", "not elected"),
    }
    .get(lang)
    .to_owned()
}

/// Chart geometry, in SVG user units (the chart scales to the page's width).
const WIDTH: u32 = 1200;
const ROW: u32 = 56;
const LABEL_END: u32 = 250;
const BAR_START: u32 = 270;
const BAR_MAX: u32 = 600;
const GOLD: &str = "#ffd54f";

fn chart_svg(title: &str, groups: &[Group], scale: u32, threshold: Option<(u64, String)>) -> String {
    let mut body = String::new();
    let mut y = if threshold.is_some() { 48 } else { 8 };
    let top = y;
    let bar_x = |v: u64| {
        BAR_START + u32::try_from(v.min(u64::from(scale)) * u64::from(BAR_MAX) / u64::from(scale)).unwrap_or(BAR_MAX)
    };
    for g in groups {
        if let Some((name, outcome, strong)) = &g.heading {
            let fill = if *strong { GOLD } else { "#ffffff" };
            body.push_str(&format!(
                "<text x=\"8\" y=\"{}\" font-size=\"32\" font-weight=\"bold\" fill=\"#ffffff\">{}</text>\
                 <text x=\"{}\" y=\"{}\" font-size=\"32\" font-weight=\"bold\" text-anchor=\"end\" fill=\"{fill}\">{}</text>",
                y + 38,
                escape(name),
                WIDTH - 8,
                y + 38,
                escape(outcome),
            ));
            y += ROW;
        }
        for b in &g.bars {
            let end = bar_x(u64::from(b.value));
            let fill = if b.strong { GOLD } else { "#f0f0f0" };
            let weight = if b.strong { "bold" } else { "normal" };
            body.push_str(&format!(
                "<g class=\"bar\"><text x=\"{LABEL_END}\" y=\"{ty}\" font-size=\"30\" text-anchor=\"end\" fill=\"#ffffff\" font-weight=\"{weight}\">{label}</text>\
                 <rect x=\"{BAR_START}\" y=\"{ry}\" width=\"{w}\" height=\"40\" fill=\"{fill}\"/>\
                 <text x=\"{vx}\" y=\"{ty}\" font-size=\"30\" font-weight=\"bold\" fill=\"#ffffff\">{value}</text>\
                 <text x=\"{nx}\" y=\"{ty}\" font-size=\"30\" text-anchor=\"end\" fill=\"{nfill}\" font-weight=\"{weight}\">{note}</text></g>",
                ty = y + 38,
                label = escape(&b.label),
                ry = y + 8,
                w = end - BAR_START,
                vx = end + 12,
                value = b.value,
                nx = WIDTH - 8,
                nfill = if b.strong { GOLD } else { "#ffffff" },
                note = escape(&b.note),
            ));
            y += ROW;
        }
    }
    if let Some((n, label)) = threshold {
        let x = bar_x(n);
        body.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{GOLD}\" stroke-width=\"4\" stroke-dasharray=\"10 6\"/>\
             <text x=\"{x}\" y=\"34\" font-size=\"26\" text-anchor=\"middle\" fill=\"{GOLD}\">{}</text>",
            top - 4,
            y + 4,
            escape(&label),
        ));
    }
    let height = y + 12;
    format!(
        "<figure class=\"chart\"><figcaption>{title}</figcaption>\
         <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-label=\"{title}\" \
         font-family=\"Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif\"><title>{title}</title>{body}</svg></figure>",
        title = escape(title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_valid_ballots_and_escape_text() {
        let groups = [Group {
            heading: None,
            bars: vec![
                Bar { label: "<b>".into(), value: 10, note: "当选".into(), strong: true },
                Bar { label: "乙".into(), value: 5, note: "未当选".into(), strong: false },
            ],
        }];
        let svg = chart_svg("t&t", &groups, 10, Some((6, "当选票数 6".into())));
        assert!(svg.contains(&format!("width=\"{BAR_MAX}\"")) && svg.contains(&format!("width=\"{}\"", BAR_MAX / 2)));
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>") && svg.contains("t&amp;t"));
        assert!(svg.contains("当选票数 6") && svg.contains(">未当选<"));
    }
}
