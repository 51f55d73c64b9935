//! A poll's results as SVG bar charts, for the hall display's projector.

use askama::Template;
use hallvote_tally::count::{CandidateStatus, ContestResult, PollResult};
use hallvote_tally::{Lang, Text};

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
        return render_charts(Some(reason.get(lang)), t("投票无效：", "Void: "), Vec::new());
    }
    let scale = result.valid_ballots.max(1);
    let mut charts = Vec::new();
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
                    format!(
                        "{} ({}; for-votes)",
                        e.title,
                        hallvote_tally::text::en_count(u64::from(e.seats), "seat", "seats")
                    )
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
            ContestResult::Motion(m) | ContestResult::Recall(m) => {
                let recall = matches!(c, ContestResult::Recall(_));
                let (yes, no, passed, failed) = if recall {
                    (
                        t("同意罢免", "Recall"),
                        t("不同意罢免", "Do not recall"),
                        t("罢免", "recalled"),
                        t("不罢免", "not recalled"),
                    )
                } else {
                    (t("赞成", "For"), t("反对", "Against"), t("通过", "adopted"), t("未通过", "not adopted"))
                };
                let groups = m
                    .items
                    .iter()
                    .map(|i| Group {
                        heading: Some((
                            i.title.clone(),
                            if i.passed { passed.clone() } else { failed.clone() },
                            i.passed,
                        )),
                        bars: [(yes.clone(), i.for_votes), (no.clone(), i.against), (t("弃权", "Abstain"), i.abstain)]
                            .into_iter()
                            .map(|(label, value)| Bar { label, value, note: String::new(), strong: false })
                            .collect(),
                    })
                    .collect();
                (m.title.clone(), groups, None)
            }
        };
        let threshold_label = threshold.map(|n| if zh { format!("当选票数 {n}") } else { format!("needed: {n}") });
        let parts = parts(groups);
        let n = parts.len();
        for (i, part) in (1..).zip(parts) {
            let title = if n == 1 {
                title.clone()
            } else if zh {
                format!("{title}（{i}/{n}）")
            } else {
                format!("{title} ({i}/{n})")
            };
            charts.push(chart(&title, &part, scale, threshold.zip(threshold_label.clone())));
        }
    }
    render_charts(None, String::new(), charts)
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

/// The rows (headings and bars) of one chart at most: a contest with more is drawn
/// as several charts, each a figure the hall display can show on a page of its own
/// at a size read from the back of the hall (a confidence vote on seven members is
/// 28 rows, four screens tall in one chart).
const MAX_ROWS: usize = 10;

/// The groups cut into charts of at most [`MAX_ROWS`] rows, in order; a group longer
/// than that on its own is cut too, its heading repeated on each part.
fn parts(groups: Vec<Group>) -> Vec<Vec<Group>> {
    let mut parts = Vec::new();
    let mut current: Vec<Group> = Vec::new();
    let mut rows = 0;
    for g in groups {
        let head = usize::from(g.heading.is_some());
        let per = MAX_ROWS - head;
        let mut pieces = Vec::new();
        let mut bars = g.bars.into_iter().peekable();
        loop {
            let chunk: Vec<Bar> = bars.by_ref().take(per).collect();
            let last = bars.peek().is_none();
            pieces.push(Group { heading: g.heading.clone(), bars: chunk });
            if last {
                break;
            }
        }
        for piece in pieces {
            let n = head + piece.bars.len();
            if rows + n > MAX_ROWS && !current.is_empty() {
                parts.push(std::mem::take(&mut current));
                rows = 0;
            }
            rows += n;
            current.push(piece);
        }
    }
    if !current.is_empty() || parts.is_empty() {
        parts.push(current);
    }
    parts
}

/// Chart geometry, in SVG user units (the chart scales to the page's width).
const WIDTH: u32 = 1200;
const ROW: u32 = 56;
const LABEL_END: u32 = 250;
const BAR_START: u32 = 270;
const BAR_MAX: u32 = 600;
const GOLD: &str = "#ffd54f";

/// The charts of a result, or a void poll's reason (`pages/charts.html`): every
/// name and word in them is escaped by the template, and every number is laid out
/// here.
#[derive(Template)]
#[template(path = "charts.html")]
struct Charts<'a> {
    /// A void poll's reason, shown instead of charts after `void_word`.
    void: Option<&'a str>,
    void_word: String,
    charts: Vec<Chart>,
    width: u32,
    right: u32,
    label_end: u32,
    bar_start: u32,
    gold: &'static str,
}

/// One chart, laid out.
struct Chart {
    title: String,
    height: u32,
    rows: Vec<Row>,
    threshold: Option<Threshold>,
}

/// One line of a chart.
enum Row {
    /// A group's heading: a member's or an item's name, and its outcome at the right.
    Heading {
        y: u32,
        name: String,
        outcome: String,
        fill: &'static str,
    },
    Bar(BarRow),
}

/// A bar, laid out: its label, the bar, its count and its outcome in words.
struct BarRow {
    /// The baseline of its texts.
    y: u32,
    label: String,
    rect_y: u32,
    width: u32,
    value_x: u32,
    value: u32,
    note: String,
    fill: &'static str,
    note_fill: &'static str,
    weight: &'static str,
}

/// The threshold's dashed line, from `top` to `bottom`, and its label above.
struct Threshold {
    x: u32,
    top: u32,
    bottom: u32,
    label: String,
}

fn render_charts(void: Option<&str>, void_word: String, charts: Vec<Chart>) -> String {
    let page = Charts {
        void,
        void_word,
        charts,
        width: WIDTH,
        right: WIDTH - 8,
        label_end: LABEL_END,
        bar_start: BAR_START,
        gold: GOLD,
    };
    // Rendering writes into a `String` and no value's `Display` fails: this cannot err.
    page.render().unwrap_or_default()
}

fn chart(title: &str, groups: &[Group], scale: u32, threshold: Option<(u64, String)>) -> Chart {
    let mut rows = Vec::new();
    let mut y = if threshold.is_some() { 48 } else { 8 };
    let top = y;
    let bar_x = |v: u64| {
        BAR_START + u32::try_from(v.min(u64::from(scale)) * u64::from(BAR_MAX) / u64::from(scale)).unwrap_or(BAR_MAX)
    };
    for g in groups {
        if let Some((name, outcome, strong)) = &g.heading {
            let fill = if *strong { GOLD } else { "#ffffff" };
            rows.push(Row::Heading { y: y + 38, name: name.clone(), outcome: outcome.clone(), fill });
            y += ROW;
        }
        for b in &g.bars {
            let end = bar_x(u64::from(b.value));
            rows.push(Row::Bar(BarRow {
                y: y + 38,
                label: b.label.clone(),
                rect_y: y + 8,
                width: end - BAR_START,
                value_x: end + 12,
                value: b.value,
                note: b.note.clone(),
                fill: if b.strong { GOLD } else { "#f0f0f0" },
                note_fill: if b.strong { GOLD } else { "#ffffff" },
                weight: if b.strong { "bold" } else { "normal" },
            }));
            y += ROW;
        }
    }
    let threshold = threshold.map(|(n, label)| Threshold { x: bar_x(n), top: top - 4, bottom: y + 4, label });
    Chart { title: title.to_owned(), height: y + 12, rows, threshold }
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
        let svg = render_charts(None, String::new(), vec![chart("t&t", &groups, 10, Some((6, "当选票数 6".into())))]);
        assert!(svg.contains(&format!("width=\"{BAR_MAX}\"")) && svg.contains(&format!("width=\"{}\"", BAR_MAX / 2)));
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>") && svg.contains("t&amp;t"));
        assert!(svg.contains("当选票数 6") && svg.contains(">未当选<"));
    }

    fn bar(label: &str) -> Bar {
        Bar { label: label.into(), value: 1, note: String::new(), strong: false }
    }

    #[test]
    fn a_long_contest_is_cut_into_charts_of_at_most_max_rows() {
        // Seven members of 1 heading and 3 bars: two to a chart, never one cut apart.
        let members: Vec<Group> = (0..7)
            .map(|m| Group {
                heading: Some((format!("委员{m}"), "信任".into(), false)),
                bars: vec![bar("信任"), bar("基本信任"), bar("不信任")],
            })
            .collect();
        let cut = parts(members);
        assert_eq!(cut.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 2, 1]);
        // Thirteen candidates without headings: 10 and 3.
        let long = parts_of_bars(13);
        assert_eq!(long.iter().map(|p| p.iter().map(|g| g.bars.len()).sum::<usize>()).collect::<Vec<_>>(), [10, 3]);
        // A group longer than a chart keeps its heading on each part.
        let one = parts(vec![Group {
            heading: Some(("甲".into(), String::new(), false)),
            bars: (0..12).map(|i| bar(&i.to_string())).collect(),
        }]);
        assert_eq!(one.len(), 2);
        assert!(one.iter().all(|p| p[0].heading.is_some()));
        assert_eq!((one[0][0].bars.len(), one[1][0].bars.len()), (9, 3));
    }

    fn parts_of_bars(n: usize) -> Vec<Vec<Group>> {
        parts(vec![Group { heading: None, bars: (0..n).map(|i| bar(&i.to_string())).collect() }])
    }
}
