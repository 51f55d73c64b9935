//! Proposals (代表提案) and the presidium (主席团) of a session (spec §14.11): a
//! delegate's proposal with its co-signers (附议), the presidium's review and
//! routing, the handling unit's replies and the lead delegate's evaluation.

use serde::{Deserialize, Serialize};

use super::CardScan;

/// How many delegates must co-sign a proposal besides its lead delegate (RULES R18).
pub const COSIGNERS_NEEDED: u32 = 10;

macro_rules! named {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The name stored and sent.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// The value of a stored name.
            #[must_use]
            pub fn parse(name: &str) -> Option<Self> {
                match name { $($text => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

named! {
    /// Where a proposal stands (the state machine of spec §14.11).
    ProposalState {
        /// 征集附议: drafted; co-signers are being collected.
        Collecting = "collecting",
        /// 已提交: filed with enough co-signers before the deadline; the presidium reviews it.
        Submitted = "submitted",
        /// 已立案 (as a proposal) or 转为意见建议 (as a suggestion): to be routed.
        Accepted = "accepted",
        /// 并案: merged into another proposal (final).
        Merged = "merged",
        /// 不予立案 (final).
        NotAccepted = "not_accepted",
        /// 列入议程: put to the vote as a motion poll (final here; the poll goes on).
        OnAgenda = "on_agenda",
        /// 已交办: assigned to a handling unit with a due date.
        Assigned = "assigned",
        /// 已答复: the unit has replied; the lead delegate evaluates the reply.
        Replied = "replied",
        /// 再次办理: the lead delegate was not satisfied; the unit replies again.
        ReplyAgain = "reply_again",
        /// 办结 (final).
        Concluded = "concluded",
    }
}

named! {
    /// A proposal, or a suggestion it was turned into (意见建议).
    ProposalCategory {
        /// 提案.
        Proposal = "proposal",
        /// 意见建议.
        Suggestion = "suggestion",
    }
}

named! {
    /// How a co-signer was recorded.
    CosignVia {
        /// Their delegate card scanned at a desk or booth station.
        Card = "card",
        /// Entered by the secretariat from the paper form.
        Paper = "paper",
    }
}

named! {
    /// What the presidium decided on a submitted proposal.
    ReviewDecision {
        /// 立案 as a proposal.
        Accept = "accept",
        /// 并案: merged into another proposal of the session (`merge_into`).
        Merge = "merge",
        /// 转为意见建议.
        Suggestion = "suggestion",
        /// 不予立案.
        Reject = "reject",
    }
}

named! {
    /// The lead delegate's evaluation of a reply.
    ReplyEvaluation {
        /// 满意.
        Satisfied = "satisfied",
        /// 基本满意.
        BasicallySatisfied = "basically_satisfied",
        /// 不满意: the unit replies again.
        Dissatisfied = "dissatisfied",
    }
}

/// `POST /api/sessions/{id}/proposals` (secretariat, from the paper form) and
/// `POST /api/station/sessions/{id}/proposals` (desk or booth station, the lead
/// delegate's card scanned): a draft proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    /// The lead delegate (领衔人): the card's QR text, or its number typed.
    pub lead: CardScan,
    /// 案由: one issue (RULES R18).
    pub title: String,
    /// 理由.
    pub reasons: String,
    /// 建议措施.
    pub measures: String,
}

/// A delegate as a proposal names them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalDelegate {
    /// 代表证号.
    pub card: String,
    /// 姓名.
    pub name: String,
    /// 代表团.
    pub group: String,
}

/// A co-signer (附议代表).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cosigner {
    /// Who.
    pub delegate: ProposalDelegate,
    /// By card, or from the paper form.
    pub via: CosignVia,
}

/// A step of a proposal's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalEvent {
    /// Unix seconds.
    pub at: i64,
    /// The account or station that recorded it.
    pub actor: String,
    /// `drafted`, `submit`, `review.accept`, `review.merge`, `review.suggestion`,
    /// `review.reject`, `assign`, `agenda`, `reply`, `evaluate.<evaluation>`.
    pub action: String,
    /// The presidium member who decided, for the presidium's steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<ProposalDelegate>,
    /// The reason given (the presidium's steps, an evaluation's comment).
    pub reason: String,
    /// A reply's text; the unit and due date of an assignment.
    pub text: String,
}

/// A proposal (`GET /api/proposals/{id}`, and the lists).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposal {
    /// Its id on the server.
    pub id: i64,
    /// Its session.
    pub session_id: i64,
    /// 第×号, per session.
    pub number: i64,
    /// 案由.
    pub title: String,
    /// 理由.
    pub reasons: String,
    /// 建议措施.
    pub measures: String,
    /// 领衔人.
    pub lead: ProposalDelegate,
    /// 附议代表, in the order they signed.
    pub cosigners: Vec<Cosigner>,
    /// How many co-signers it needs ([`COSIGNERS_NEEDED`]).
    pub needed: u32,
    /// Where it stands.
    pub state: ProposalState,
    /// A proposal, or a suggestion.
    pub category: ProposalCategory,
    /// The proposal it was merged into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<i64>,
    /// The motion poll it was put on the agenda as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll: Option<i64>,
    /// 承办单位 ("" until assigned).
    pub unit: String,
    /// The reply's due date, `YYYY-MM-DD` ("" until assigned).
    pub due: String,
    /// The lead delegate's latest evaluation of a reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<ReplyEvaluation>,
    /// Every step, oldest first.
    pub history: Vec<ProposalEvent>,
}

/// `PUT /api/sessions/{id}/proposal-deadline`: the last moment a proposal may be
/// drafted, co-signed or submitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposalDeadline {
    /// Unix seconds.
    pub deadline: i64,
}

/// `PUT /api/sessions/{id}/presidium`: the presidium's members by card number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PresidiumMembers {
    /// 代表证号 of each member.
    pub cards: Vec<String>,
}

/// `POST /api/proposals/{id}/review`: the presidium's decision on a submitted proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposalReview {
    /// The card number of the presidium member who decided (the secretariat records it).
    pub member: String,
    /// 立案, 并案, 转为意见建议 or 不予立案.
    pub decision: ReviewDecision,
    /// Why.
    pub reason: String,
    /// For [`ReviewDecision::Merge`]: the id of the proposal it is merged into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_into: Option<i64>,
}

/// `POST /api/proposals/{id}/assignment`: the presidium assigns an accepted proposal
/// (or suggestion) to a handling unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposalAssignment {
    /// The presidium member who decided.
    pub member: String,
    /// 承办单位.
    pub unit: String,
    /// The reply's due date, `YYYY-MM-DD`.
    pub due: String,
    /// Why (may be empty).
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/proposals/{id}/agenda`: the presidium puts an accepted proposal on the
/// agenda; the server makes its motion poll in the same step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposalAgenda {
    /// The presidium member who decided.
    pub member: String,
    /// Why (may be empty).
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/proposals/{id}/replies`: the handling unit's reply, as the secretariat
/// received it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposalReply {
    /// The reply.
    pub text: String,
}

/// `POST /api/proposals/{id}/evaluation`: the lead delegate's evaluation of the reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposalEvaluation {
    /// 满意, 基本满意 or 不满意.
    pub evaluation: ReplyEvaluation,
    /// What the delegate said (may be empty).
    #[serde(default)]
    pub comment: String,
}

/// `POST /api/station/proposals/{id}/evaluation`: the lead delegate evaluates the reply
/// themselves at a desk station, by their card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LeadEvaluation {
    /// The lead delegate's card, scanned (or its number typed at the desk).
    pub lead: CardScan,
    /// 满意, 基本满意 or 不满意.
    pub evaluation: ReplyEvaluation,
    /// What the delegate said (may be empty).
    #[serde(default)]
    pub comment: String,
}

/// The answer to a co-signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cosigned {
    /// The proposal.
    pub proposal: i64,
    /// Who signed.
    pub delegate: ProposalDelegate,
    /// `false` if they had signed already.
    pub newly: bool,
    /// Co-signers now.
    pub count: u32,
    /// Co-signers needed.
    pub needed: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_read_back() {
        for s in ProposalState::ALL {
            assert_eq!(ProposalState::parse(s.as_str()), Some(*s));
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.as_str()));
        }
        for e in ReplyEvaluation::ALL {
            assert_eq!(ReplyEvaluation::parse(e.as_str()), Some(*e));
        }
        let r: ProposalReview = serde_json::from_value(
            json!({"member": "QS15-001", "decision": "merge", "reason": "同一事项", "merge_into": 3}),
        )
        .unwrap();
        assert_eq!((r.decision, r.merge_into), (ReviewDecision::Merge, Some(3)));
        assert!(
            serde_json::from_value::<ProposalReview>(json!({"member": "x", "decision": "maybe", "reason": ""}))
                .is_err()
        );
    }
}
