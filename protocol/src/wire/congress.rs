//! Congresses, their sessions, rosters and attendance (spec §14.1).

use hallvote_tally::model::ExclusionReason;
use serde::{Deserialize, Serialize};

/// A congress (代表大会) of one term: `POST`/`GET /api/congresses`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Congress {
    /// Its number on the server.
    pub id: i64,
    /// Full name: 中国共产党青山镇第十五届代表大会.
    pub name: String,
    /// Its number (届).
    pub number: i64,
    /// Term in years.
    pub term_years: i64,
}

/// A session (第×次会议) of a congress: `POST /api/congresses/{id}/sessions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    /// Its number on the server.
    pub id: i64,
    /// The congress.
    pub congress_id: i64,
    /// Its number within the term.
    pub number: i64,
    /// Where it meets.
    pub place: String,
    /// When (as the organisers write it).
    pub date: String,
    /// The ruleset its polls are counted under (a built-in name).
    pub ruleset: String,
}

/// `POST /api/congresses` (organiser): a congress (第×届代表大会).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCongress {
    /// Its name (中国共产党青山镇第十五届代表大会).
    pub name: String,
    /// 第×届.
    pub number: i64,
    /// The term in years; 5 if not given.
    #[serde(default = "five")]
    pub term_years: i64,
}

fn five() -> i64 {
    5
}

/// `POST /api/congresses/{id}/sessions` (organiser): a session (第×次会议).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    /// 第×次会议.
    pub number: i64,
    /// Where it meets.
    pub place: String,
    /// Its date, as the organisers write it.
    pub date: String,
    /// The ruleset's name; the built-in default if not given.
    #[serde(default)]
    pub ruleset: Option<String>,
}

/// A delegate on a congress's roll (`GET /api/congresses/{id}/roster`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delegate {
    /// The delegate's number on the server.
    pub id: i64,
    /// 代表证号.
    pub card: String,
    /// 序号.
    pub seq: String,
    /// 姓名.
    pub name: String,
    /// `male`, `female`, or empty.
    pub gender: String,
    /// 民族.
    pub ethnicity: String,
    /// 代表团.
    pub group: String,
    /// 工作单位及职务.
    pub unit: String,
    /// Whether the delegate holds the status now.
    pub status: DelegateStanding,
}

/// A delegate's status on the roll: what expected (R1) and the desk go by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DelegateStanding {
    /// Holds the status (有效): expected, and admitted at the desk.
    Active,
    /// The status has ended (代表资格终止): neither expected nor admitted.
    Terminated,
    /// Does not exercise the office for now (停止执行代表职务): neither expected
    /// nor admitted until restored.
    Suspended,
}

impl DelegateStanding {
    /// The name stored and sent: `active`, `terminated`, `suspended`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Terminated => "terminated",
            Self::Suspended => "suspended",
        }
    }

    /// The status of a stored name; an unknown one is not a status anyone holds.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "active" => Some(Self::Active),
            "terminated" => Some(Self::Terminated),
            "suspended" => Some(Self::Suspended),
            _ => None,
        }
    }
}

/// `POST /api/congresses/{id}/roster/{card}/status-changes` (organiser): a change
/// of a delegate's status, as the document that decided it says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewStatusChange {
    /// The new status.
    pub status: DelegateStanding,
    /// The date it takes effect, `YYYY-MM-DD`.
    pub effective: String,
    /// Why (e.g. 辞职被接受, 被羁押, 羁押解除).
    pub reason: String,
    /// The document it rests on (文件依据), e.g. 青组通〔2026〕12号.
    pub document: String,
}

/// A recorded change of a delegate's status, as
/// `GET /api/congresses/{id}/roster/{card}/status-changes` lists them, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChange {
    /// 代表证号.
    pub card: String,
    /// The status before.
    pub from: DelegateStanding,
    /// The status after.
    pub status: DelegateStanding,
    /// The date it takes effect, `YYYY-MM-DD`.
    pub effective: String,
    /// Why.
    pub reason: String,
    /// The document it rests on (文件依据).
    pub document: String,
    /// Who recorded it (an account's name).
    pub actor: String,
    /// When it was recorded (Unix seconds).
    pub recorded_at: i64,
}

/// An approved exclusion (R1), as `GET /api/sessions/{id}/exclusions` lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Exclusion {
    /// 代表证号.
    pub card: String,
    /// Why (R1): `illness`, `abroad`, `detained` or `other`.
    pub reason: String,
    /// A note for people.
    pub note: String,
}

/// `POST /api/sessions/{id}/exclusions` (organiser): a delegate who does not count
/// towards the expected attendance (R1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewExclusion {
    /// 代表证号.
    pub card: String,
    /// Why (R1).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reason: ExclusionReason,
    /// A note for people.
    #[serde(default)]
    pub note: String,
}

/// Expected, present and quorum now (R1–R3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceFigures {
    /// 应到.
    pub expected: u32,
    /// 实到.
    pub present: u32,
    /// Whether the session's ruleset's quorum is met.
    pub quorum_met: bool,
    /// The ruleset.
    pub ruleset: String,
}

/// A delegate card (`GET /api/congresses/{id}/cards`): who, and the text of its QR code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardView {
    /// 代表证号.
    pub card: String,
    /// The delegate's name.
    pub name: String,
    /// The delegation (代表团).
    pub group: String,
    /// The signed card text the QR code holds (`HVCARD1:…`).
    pub qr_text: String,
}

/// `PUT /api/congresses/{id}/roster` (organiser): what the import of a roster file
/// did. Rows that could not be read are skipped and reported; the others are imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterImported {
    /// Delegates added to the roll.
    pub added: u64,
    /// Delegates already on the roll (the same 代表证号) whose row was updated.
    pub updated: u64,
    /// Rows refused, in file order.
    pub errors: Vec<RefusedRow>,
    /// Rows imported with something done to them worth telling, in file order.
    pub notes: Vec<ImportNote>,
}

/// A roster row that was not imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedRow {
    /// Its line in the file (the heading is line 1).
    pub line: u64,
    /// Its 序号, as written (may be empty).
    pub seq: String,
    /// What is wrong, as a stable code.
    pub problem: RowProblemCode,
    /// The line and what is wrong, in the request's language.
    pub message: String,
}

/// What is wrong with a refused roster row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowProblemCode {
    /// 姓名 is empty.
    EmptyName,
    /// 代表团 is empty.
    EmptyGroup,
    /// 代表证号 is empty.
    EmptyCard,
    /// 代表证号 repeats an earlier row's.
    DuplicateCard,
    /// 性别 is neither 男 nor 女.
    BadGender,
    /// A cell is longer than any real value.
    TooLong,
    /// A cell holds a character a name may not have.
    BadText,
    /// A cell starts like a spreadsheet formula.
    Formula,
}

/// Something done to a roster row that was imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportNote {
    /// Its line in the file.
    pub line: u64,
    /// What was done, in the request's language.
    pub message: String,
}

/// A person on a congress's eligible list (候选人资格名单, issue 17): whom a delegate
/// may write in (另选他人) by picking a name at the booth. `GET
/// /api/congresses/{id}/eligible` (organiser, desk, observer) and `GET
/// /api/station/polls/{id}/eligible` (booth stations), in import order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligiblePerson {
    /// 序号, as written (may be empty).
    pub seq: String,
    /// 姓名, in its one form (`hallvote_tally::text::normalize_name`).
    pub name: String,
    /// `male`, `female`, or empty.
    pub gender: String,
    /// 工作单位及职务 (may be empty): tells two persons of one name apart.
    pub unit: String,
}

/// `PUT /api/congresses/{id}/eligible` (organiser): what the import of an eligible
/// list did. The file replaces the congress's list; rows that could not be read are
/// skipped and reported, as for the roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibleImported {
    /// Persons now on the list.
    pub added: u64,
    /// Persons the list had before this import, all replaced.
    pub replaced: u64,
    /// Rows refused, in file order.
    pub errors: Vec<RefusedRow>,
    /// Rows imported with something done to them worth telling, in file order.
    pub notes: Vec<ImportNote>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn congress_bodies_read_back_with_the_servers_names() {
        let c = json!({"id": 1, "name": "第十五届", "number": 15, "term_years": 5});
        assert_eq!(serde_json::to_value(serde_json::from_value::<Congress>(c.clone()).unwrap()).unwrap(), c);
        let s = json!({"id": 2, "congress_id": 1, "number": 3, "place": "礼堂", "date": "2026年11月28日",
            "ruleset": "township-2020"});
        assert_eq!(serde_json::to_value(serde_json::from_value::<Session>(s.clone()).unwrap()).unwrap(), s);
        assert!(serde_json::from_value::<Session>(json!({"id": 2})).is_err());
        let c: NewCongress = serde_json::from_value(json!({"name": "第十五届", "number": 15})).unwrap();
        assert_eq!(c.term_years, 5);
        assert_eq!(serde_json::to_value(&c).unwrap(), json!({"name": "第十五届", "number": 15, "term_years": 5}));
        assert!(serde_json::from_value::<NewCongress>(json!({"name": "x", "number": 1, "place": "y"})).is_err());

        let s = json!({"number": 3, "place": "镇政府礼堂", "date": "2026年11月28日", "ruleset": "township-2020"});
        assert_eq!(serde_json::to_value(serde_json::from_value::<NewSession>(s.clone()).unwrap()).unwrap(), s);
        let bare: NewSession = serde_json::from_value(json!({"number": 3, "place": "", "date": ""})).unwrap();
        assert_eq!(bare.ruleset, None);

        let e: NewExclusion = serde_json::from_value(json!({"card": "QS15-002", "reason": "abroad"})).unwrap();
        assert_eq!(e.note, "");
        assert!(serde_json::from_value::<NewExclusion>(json!({"card": "1", "reason": "bored"})).is_err());
        let listed = json!({"card": "QS15-002", "reason": "abroad", "note": "出国学习"});
        assert_eq!(serde_json::to_value(serde_json::from_value::<Exclusion>(listed.clone()).unwrap()).unwrap(), listed);
        let d = json!({"id": 1, "card": "QS15-001", "seq": "1", "name": "范勇", "gender": "male", "ethnicity": "汉族",
            "group": "机关代表团", "unit": "镇党委", "status": "active"});
        assert_eq!(serde_json::to_value(serde_json::from_value::<Delegate>(d.clone()).unwrap()).unwrap(), d);
        assert!(serde_json::from_value::<Delegate>(json!({"id": 1, "card": "QS15-001"})).is_err(), "a field missing");
        let change = json!({"status": "terminated", "effective": "2026-11-28", "reason": "辞职被接受",
            "document": "青组通〔2026〕12号"});
        let c: NewStatusChange = serde_json::from_value(change.clone()).unwrap();
        assert_eq!(c.status, DelegateStanding::Terminated);
        assert_eq!(serde_json::to_value(&c).unwrap(), change);
        assert!(
            serde_json::from_value::<NewStatusChange>(json!({"status": "lost", "effective": "", "reason": "",
            "document": ""}))
            .is_err(),
            "not a status"
        );
        for s in [DelegateStanding::Active, DelegateStanding::Terminated, DelegateStanding::Suspended] {
            assert_eq!(DelegateStanding::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.as_str()));
        }

        let a = json!({"expected": 120, "present": 98, "quorum_met": true, "ruleset": "township-2020"});
        assert_eq!(serde_json::to_value(serde_json::from_value::<AttendanceFigures>(a.clone()).unwrap()).unwrap(), a);
        let card = json!({"card": "QS15-001", "name": "范勇", "group": "机关代表团", "qr_text": "HVCARD1:abc"});
        assert_eq!(serde_json::to_value(serde_json::from_value::<CardView>(card.clone()).unwrap()).unwrap(), card);

        let report = json!({"added": 0, "updated": 8,
            "errors": [{"line": 4, "seq": "3", "problem": "empty_name", "message": "line 4 (no. 3): the name is empty"}],
            "notes": [{"line": 5, "message": "line 5: spaces removed"}]});
        let r: RosterImported = serde_json::from_value(report.clone()).unwrap();
        assert_eq!((r.errors[0].problem, r.notes[0].line), (RowProblemCode::EmptyName, 5));
        assert_eq!(serde_json::to_value(&r).unwrap(), report);
        let bad = json!({"added": 0, "updated": 0, "notes": [],
            "errors": [{"line": 4, "seq": "3", "problem": {"problem": "empty_name"}, "message": ""}]});
        assert!(serde_json::from_value::<RosterImported>(bad).is_err());
    }
}
