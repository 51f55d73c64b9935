//! The delegate roll (代表名册) and approved exclusions (RULES R1).

use serde::{Deserialize, Serialize};

use crate::text::Text;

/// The roll of a congress: every delegate elected to it, with their current status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roll {
    /// The delegates, in roll order (序号).
    pub delegates: Vec<Delegate>,
}

/// One delegate on the roll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delegate {
    /// The delegate card number (代表证号), unique on the roll.
    pub id: String,
    /// The name as printed on ballots and result sheets.
    pub name: String,
    /// The surname, where it is not the one found automatically (ADR 0005).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// The delegate group (代表团 / 代表小组).
    pub group: String,
    /// Whether the delegate still holds the status.
    #[serde(default)]
    pub status: DelegateStatus,
}

/// Whether a delegate still holds the status of delegate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelegateStatus {
    /// A delegate.
    #[default]
    Active,
    /// No longer a delegate (代表资格终止); not counted in the roll.
    Lost(LossReason),
    /// Still a delegate, but not exercising the office for now (停止执行代表职务,
    /// e.g. while detained: RULES "The body"): neither expected nor admitted until
    /// the status is restored.
    Suspended,
}

/// Why a delegate lost the status (RULES "The body").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossReason {
    /// Party discipline of probation level or worse (留党察看以上处分).
    Discipline,
    /// Membership suspended (停止党籍).
    Suspended,
    /// Resignation accepted (辞职被接受).
    Resigned,
    /// Moved away from the constituency, died, or another cause in the local rules.
    Other,
}

/// A delegate excused from counting towards "expected" at one session (R1), with the
/// reason it was approved for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// The delegate's id on the roll.
    pub delegate: String,
    /// Why.
    pub reason: ExclusionReason,
    /// Details, as recorded by the presidium.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The reasons a delegate may be excluded from "expected" (R1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionReason {
    /// Incapacitated by illness (因病丧失行为能力).
    Illness,
    /// Abroad for six months or more (出国半年以上).
    Abroad,
    /// Detained, or serving a sentence; voting rights suspended (被羁押或正在服刑).
    Detained,
    /// Another reason approved under the local rules (see the note).
    Other,
}

impl ExclusionReason {
    /// The reason in words.
    pub fn words(self) -> Text {
        match self {
            Self::Illness => Text::new("因病丧失行为能力", "incapacitated by illness"),
            Self::Abroad => Text::new("出国半年以上", "abroad for six months or more"),
            Self::Detained => Text::new("被羁押或正在服刑", "detained or serving a sentence"),
            Self::Other => Text::new("其他经批准的原因", "another approved reason"),
        }
    }
}

impl Roll {
    /// The delegate with card number `id`.
    pub fn get(&self, id: &str) -> Option<&Delegate> {
        self.delegates.iter().find(|d| d.id == id)
    }

    /// Delegates who hold the status.
    pub fn active(&self) -> impl Iterator<Item = &Delegate> {
        self.delegates.iter().filter(|d| d.status == DelegateStatus::Active)
    }
}
