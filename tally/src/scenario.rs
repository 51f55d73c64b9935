//! The input of `hallvote count`: one poll's definition and figures in one JSON document
//! (format and examples in `docs/count.md`), and the result as JSON.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::count::{ContestCounts, CountError, PollCounts, PollResult, count_within};
use crate::model::{
    Candidate, ConfidenceVote, Contest, ContestKind, DefinitionError, Election, ElectionKind, Evaluation, Limits,
    Motion, MotionRuleOverride, Poll, Recall,
};
use crate::ruleset::{DEFAULT, Ruleset, RulesetError};
use crate::text::{Lang, Text};

/// The largest scenario file `hallvote count` reads: 16 MiB. `hallvote count` has no
/// limit on the number of contests or candidates of its own (the server's poll limits,
/// [`crate::model::Limits::POLL`], are for polls): the file's size bounds them, and
/// every step is linear in the input but one sort of each election's candidates.
/// 16 MiB because 100,000 candidates with names and three figures each, pretty-printed
/// one field to a line (as `jq`, `serde_json` or an editor writes JSON), are about
/// 12 MB, over the 8 MiB this limit used to be; a file bigger than 16 MiB is refused
/// before it is read, so that a mistaken or hostile file cannot take the machine's
/// memory (100,000 candidates, 12 MB, take about 0.3 GB of memory with `--json`).
pub const MAX_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;

/// A scenario document. Unknown fields are rejected everywhere.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The poll's name.
    #[serde(default)]
    pub poll: String,
    /// The session, for the heading of the result sheet.
    #[serde(default)]
    pub session: String,
    /// Date of the poll, as it should be printed.
    #[serde(default)]
    pub date: String,
    /// Place of the poll.
    #[serde(default)]
    pub place: String,
    /// A built-in ruleset's name, or a whole ruleset inline; `township-2020` if absent.
    #[serde(default)]
    pub ruleset: Option<RulesetSpec>,
    /// 应到.
    pub expected: u32,
    /// 实到, frozen when the poll opened.
    pub present: u32,
    /// Ballots issued.
    pub issued: u32,
    /// Ballots returned.
    pub returned: u32,
    /// Invalid ballots among those returned.
    #[serde(default)]
    pub invalid: u32,
    /// The contests with their figures.
    pub contests: Vec<ScenarioContest>,
}

/// A ruleset by name or inline.
#[derive(Clone, Debug)]
pub enum RulesetSpec {
    /// A built-in ruleset's name.
    Name(String),
    /// A whole ruleset.
    Inline(Box<Ruleset>),
}

impl<'de> Deserialize<'de> for RulesetSpec {
    // By hand rather than `untagged`, so that a mistake in an inline ruleset is reported
    // as such ("unknown field `treshold`") and not as "did not match any variant".
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(name) => Ok(Self::Name(name)),
            v @ serde_json::Value::Object(_) => serde_json::from_value(v)
                .map(|r| Self::Inline(Box::new(r)))
                .map_err(|e| D::Error::custom(format!("ruleset: {e}"))),
            _ => Err(D::Error::custom("ruleset: a built-in name or a ruleset object")),
        }
    }
}

/// One contest with its figures.
// Unknown fields are caught by `ScenarioKind` (serde does not support
// deny_unknown_fields together with `flatten` on the same struct).
#[derive(Clone, Debug, Deserialize)]
pub struct ScenarioContest {
    /// Unique id; the contest's position (1, 2, …) if absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Heading.
    pub title: String,
    /// The kind and its figures.
    #[serde(flatten)]
    pub kind: ScenarioKind,
}

/// The four kinds of contest, tagged by `"type"`.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScenarioKind {
    /// An election.
    Election {
        /// `competitive` (default) or `non_competitive`.
        #[serde(default = "competitive")]
        kind: ElectionKind,
        /// A by-election?
        #[serde(default)]
        by_election: bool,
        /// Seats.
        seats: u32,
        /// Candidates with their figures, in any order.
        candidates: Vec<ScenarioCandidate>,
        /// Write-ins: name → ballots.
        #[serde(default)]
        write_ins: BTreeMap<String, u32>,
    },
    /// A confidence vote.
    Confidence {
        /// Members with their figures.
        members: Vec<ScenarioConfidence>,
    },
    /// An evaluation.
    Evaluation {
        /// The grades, best first; the ruleset's if absent.
        #[serde(default)]
        grades: Option<Vec<Text>>,
        /// Members with votes per grade (by zh-CN label; a grade left out is 0).
        members: Vec<ScenarioEvaluation>,
    },
    /// A motion.
    Motion {
        /// The contest's own pass rule, if not the ruleset's.
        #[serde(default)]
        rule: Option<MotionRuleOverride>,
        /// Items with their figures.
        items: Vec<ScenarioItem>,
    },
    /// A recall (罢免, ADR 0030), decided by the ruleset's recall rule.
    Recall {
        /// Members with their figures.
        members: Vec<ScenarioRecall>,
    },
}

fn competitive() -> ElectionKind {
    ElectionKind::Competitive
}

/// A candidate's figures. `abstain` may be left out: it is then valid − for − against.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioCandidate {
    /// Name.
    pub name: String,
    /// Surname, if not found automatically.
    #[serde(default)]
    pub surname: Option<String>,
    /// 赞成.
    #[serde(rename = "for")]
    pub for_votes: u32,
    /// 不赞成.
    pub against: u32,
    /// 弃权.
    #[serde(default)]
    pub abstain: Option<u32>,
}

/// A member's confidence figures.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioConfidence {
    /// Name.
    pub name: String,
    /// 信任.
    pub trust: u32,
    /// 基本信任.
    pub basic_trust: u32,
    /// 不信任.
    pub distrust: u32,
}

/// A member's evaluation figures.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioEvaluation {
    /// Name.
    pub name: String,
    /// Votes per grade, by zh-CN label.
    pub votes: BTreeMap<String, u32>,
}

/// A motion item's figures. `abstain` may be left out: it is then valid − for − against.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioItem {
    /// The item.
    pub title: String,
    /// 赞成.
    #[serde(rename = "for")]
    pub for_votes: u32,
    /// 反对.
    pub against: u32,
    /// 弃权.
    #[serde(default)]
    pub abstain: Option<u32>,
}

/// A member's recall figures. `abstain` may be left out: it is then valid − recall −
/// keep.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRecall {
    /// Name.
    pub name: String,
    /// 同意罢免.
    pub recall: u32,
    /// 不同意罢免.
    pub keep: u32,
    /// 弃权.
    #[serde(default)]
    pub abstain: Option<u32>,
}

/// Why a scenario cannot be counted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// Not a valid scenario document.
    #[error("scenario JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The ruleset is unknown or invalid.
    #[error(transparent)]
    Ruleset(#[from] RulesetError),
    /// The figures are inconsistent or a contest is ill defined.
    #[error(transparent)]
    Count(#[from] CountError),
    /// The file cannot be read (missing, unreadable, not UTF-8).
    #[error("cannot read {path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The file is larger than [`MAX_SCENARIO_BYTES`].
    #[error("scenario file of {bytes} bytes; at most {max}")]
    TooLarge {
        /// Its size.
        bytes: u64,
        /// The limit.
        max: u64,
    },
    /// Votes for a grade the evaluation does not have.
    #[error("{contest}: unknown grade {grade:?}")]
    UnknownGrade {
        /// The contest.
        contest: String,
        /// The grade.
        grade: String,
    },
}

impl ScenarioError {
    /// What is wrong, in both languages.
    pub fn text(&self) -> Text {
        match self {
            Self::Json(e) => Text::new(format!("场景文件格式错误：{e}"), format!("scenario file: {e}")),
            Self::Ruleset(e) => e.text(),
            Self::Count(e) => e.text(),
            Self::Io { path, message } => {
                Text::new(format!("无法读取 {path}：{message}"), format!("cannot read {path}: {message}"))
            }
            Self::TooLarge { bytes, max } => {
                let mib = max / (1024 * 1024);
                Text::new(
                    format!("场景文件有 {bytes} 字节，超过上限 {max} 字节（{mib} MiB）"),
                    format!("the scenario file has {bytes} bytes, more than the limit of {max} ({mib} MiB)"),
                )
            }
            Self::UnknownGrade { contest, grade } => Text::new(
                format!("{contest}：没有“{grade}”这一评议等次"),
                format!("{contest}: {grade:?} is not one of the grades"),
            ),
        }
    }
}

impl Scenario {
    /// Parses a scenario document. A UTF-8 byte-order mark at the start (what Windows
    /// Notepad writes as "UTF-8 with BOM") is accepted and skipped: it only says the file
    /// is UTF-8, which it must be anyway. Anything over [`MAX_SCENARIO_BYTES`] is refused.
    pub fn from_json(json: &str) -> Result<Self, ScenarioError> {
        let bytes = u64::try_from(json.len()).unwrap_or(u64::MAX);
        if bytes > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::TooLarge { bytes, max: MAX_SCENARIO_BYTES });
        }
        let json = json.strip_prefix('\u{FEFF}').unwrap_or(json);
        Ok(serde_json::from_str(json)?)
    }

    /// Reads and parses a scenario file, refusing one over [`MAX_SCENARIO_BYTES`] before
    /// reading it (and reading no more than the limit, should the file grow meanwhile).
    pub fn read(path: &std::path::Path) -> Result<Self, ScenarioError> {
        let text = read_limited(path, MAX_SCENARIO_BYTES)?;
        Self::from_json(&text)
    }

    /// The ruleset the scenario names (or contains); `township-2020` if none.
    pub fn ruleset(&self) -> Result<Ruleset, ScenarioError> {
        Ok(match &self.ruleset {
            None => Ruleset::builtin(DEFAULT)?,
            Some(RulesetSpec::Name(n)) => Ruleset::builtin(n)?,
            Some(RulesetSpec::Inline(r)) => {
                r.validate()?;
                (**r).clone()
            }
        })
    }

    /// The poll definition and its figures. Candidates may be listed in any order; the
    /// totals are put in ballot (stroke) order. A left-out `abstain` is derived. Every
    /// name is put in its one form ([`crate::text::normalize_name`]), so two names that
    /// look the same are refused as duplicates when the poll is counted.
    ///
    /// Linear in the input apart from sorting each election's candidates once.
    pub fn to_poll(&self, ruleset: &Ruleset) -> Result<(Poll, PollCounts), ScenarioError> {
        // Checked first: with more invalid ballots than returned there are no valid
        // ballots to derive a left-out abstain from, and the figures, not the first
        // candidate, are what is wrong.
        if self.invalid > self.returned {
            return Err(CountError::InvalidExceedsReturned { invalid: self.invalid, returned: self.returned }.into());
        }
        let valid = self.returned - self.invalid;
        let mut contests = Vec::new();
        let mut figures = Vec::new();
        for (i, c) in self.contests.iter().enumerate() {
            let id = c.id.clone().unwrap_or_else(|| (i + 1).to_string());
            let (kind, totals, write_ins) = match &c.kind {
                ScenarioKind::Election { kind, by_election, seats, candidates, write_ins } => {
                    let e = Election {
                        write_ins: false,
                        kind: *kind,
                        by_election: *by_election,
                        seats: *seats,
                        candidates: candidates
                            .iter()
                            .map(|c| Candidate { name: c.name.clone(), surname: c.surname.clone() })
                            .collect(),
                    };
                    // Rows in input order; put in ballot order once the names are in
                    // their one form (below).
                    let totals = candidates
                        .iter()
                        .map(|c| three(&id, &c.name, c.for_votes, c.against, c.abstain, valid))
                        .collect::<Result<_, _>>()?;
                    (ContestKind::Election(e), totals, write_ins.clone())
                }
                ScenarioKind::Confidence { members } => (
                    ContestKind::Confidence(ConfidenceVote {
                        members: members.iter().map(|m| m.name.clone()).collect(),
                    }),
                    members.iter().map(|m| vec![m.trust, m.basic_trust, m.distrust]).collect(),
                    BTreeMap::new(),
                ),
                ScenarioKind::Evaluation { grades, members } => {
                    let e = Evaluation {
                        members: members.iter().map(|m| m.name.clone()).collect(),
                        grades: grades.clone().unwrap_or_else(|| ruleset.evaluation.grades.clone()),
                    };
                    let mut totals = Vec::new();
                    for m in members {
                        if let Some(g) = m.votes.keys().find(|g| e.grade_index(g).is_none()) {
                            return Err(ScenarioError::UnknownGrade { contest: id, grade: g.clone() });
                        }
                        totals.push(e.grades.iter().map(|g| m.votes.get(&g.zh).copied().unwrap_or(0)).collect());
                    }
                    (ContestKind::Evaluation(e), totals, BTreeMap::new())
                }
                ScenarioKind::Motion { rule, items } => {
                    let totals = items
                        .iter()
                        .map(|it| three(&id, &it.title, it.for_votes, it.against, it.abstain, valid))
                        .collect::<Result<_, _>>()?;
                    let m = Motion { items: items.iter().map(|it| it.title.clone()).collect(), rule: *rule };
                    (ContestKind::Motion(m), totals, BTreeMap::new())
                }
                ScenarioKind::Recall { members } => {
                    let totals = members
                        .iter()
                        .map(|m| three(&id, &m.name, m.recall, m.keep, m.abstain, valid))
                        .collect::<Result<_, _>>()?;
                    let r = Recall { members: members.iter().map(|m| m.name.clone()).collect() };
                    (ContestKind::Recall(r), totals, BTreeMap::new())
                }
            };
            contests.push(Contest { id: id.clone(), title: c.title.clone(), kind });
            figures.push(ContestCounts { contest: id, totals, write_ins });
        }
        let mut poll = Poll { name: self.poll.clone(), contests, attendance: None };
        poll.normalize_names().map_err(CountError::from)?;
        for (contest, figures) in poll.contests.iter_mut().zip(&mut figures) {
            if let ContestKind::Election(e) = &mut contest.kind {
                // The rows, and the candidates, in ballot order: sorted once by their
                // keys (counting then finds them sorted, which costs a pass).
                let mut order: Vec<usize> = (0..e.candidates.len()).collect();
                order.sort_by_cached_key(|&i| e.candidates[i].key());
                let mut rows = std::mem::take(&mut figures.totals);
                figures.totals = order.iter().map(|&i| std::mem::take(&mut rows[i])).collect();
                let mut listed = std::mem::take(&mut e.candidates);
                e.candidates = order.iter().map(|&i| std::mem::replace(&mut listed[i], Candidate::new(""))).collect();
                figures.write_ins = normalized_write_ins(&contest.id, std::mem::take(&mut figures.write_ins))?;
            }
        }
        let counts = PollCounts {
            expected: self.expected,
            present: self.present,
            issued: self.issued,
            replaced: 0,
            replaced_lost: 0,
            returned: self.returned,
            invalid: self.invalid,
            contests: figures,
        };
        Ok((poll, counts))
    }

    /// Counts the scenario under `ruleset`.
    pub fn count(&self, ruleset: &Ruleset) -> Result<PollResult, ScenarioError> {
        let (poll, counts) = self.to_poll(ruleset)?;
        Ok(count_within(&poll, &counts, ruleset, Limits::SIZE_BOUNDED)?)
    }
}

/// Reads a UTF-8 text file of at most `max` bytes.
pub fn read_limited(path: &std::path::Path, max: u64) -> Result<String, ScenarioError> {
    use std::io::Read as _;
    let io = |e: std::io::Error| ScenarioError::Io { path: path.display().to_string(), message: e.to_string() };
    let file = std::fs::File::open(path).map_err(io)?;
    let bytes = file.metadata().map_err(io)?.len();
    if bytes > max {
        return Err(ScenarioError::TooLarge { bytes, max });
    }
    let mut text = String::new();
    file.take(max + 1).read_to_string(&mut text).map_err(io)?;
    let bytes = u64::try_from(text.len()).unwrap_or(u64::MAX);
    if bytes > max {
        return Err(ScenarioError::TooLarge { bytes, max });
    }
    Ok(text)
}

/// Write-in names in their one form; two that are the same name once normalised are a
/// duplicate, as two candidates would be.
fn normalized_write_ins(contest: &str, write_ins: BTreeMap<String, u32>) -> Result<BTreeMap<String, u32>, CountError> {
    let mut out = BTreeMap::new();
    for (name, votes) in write_ins {
        let normal = crate::text::normalize_name(&name).map_err(|problem| DefinitionError::BadName {
            contest: contest.to_owned(),
            name: name.clone(),
            problem,
        })?;
        if out.insert(normal, votes).is_some() {
            return Err(DefinitionError::DuplicateName { contest: contest.to_owned(), name }.into());
        }
    }
    Ok(out)
}

/// for / against / abstain, deriving a left-out abstain from the valid ballots.
fn three(contest: &str, item: &str, f: u32, a: u32, abstain: Option<u32>, valid: u32) -> Result<Vec<u32>, CountError> {
    let abstain = match abstain {
        Some(x) => x,
        None => valid.checked_sub(f).and_then(|r| r.checked_sub(a)).ok_or_else(|| CountError::ItemTotal {
            contest: contest.to_owned(),
            item: item.to_owned(),
            total: u64::from(f) + u64::from(a),
            valid,
        })?,
    };
    Ok(vec![f, a, abstain])
}

/// The result as pretty JSON, with every reason and label in `lang` (a string instead of
/// a `{"zh-CN": …, "en": …}` object), plus `"lang"`.
pub fn result_json(result: &PollResult, lang: Lang) -> String {
    let mut v = serde_json::to_value(result).unwrap_or_default();
    localize(&mut v, lang);
    if let serde_json::Value::Object(map) = &mut v {
        let tag = match lang {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        };
        map.insert("lang".to_owned(), tag.into());
    }
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

fn localize(v: &mut serde_json::Value, lang: Lang) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            if map.len() == 2
                && let (Some(Value::String(zh)), Some(Value::String(en))) = (map.get("zh-CN"), map.get("en"))
            {
                *v = Value::String(if lang == Lang::ZhCn { zh.clone() } else { en.clone() });
                return;
            }
            map.values_mut().for_each(|x| localize(x, lang));
        }
        Value::Array(items) => items.iter_mut().for_each(|x| localize(x, lang)),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
