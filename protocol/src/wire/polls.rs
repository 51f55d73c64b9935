//! Polls as the organiser's console runs them (spec §14.3): the poll and its
//! contests, its officers, the ceremony's start, its status, and follow-up polls.

use serde::{Deserialize, Serialize};

use hallvote_tally::model::Poll;

use super::Blob;
use crate::lifecycle::PollState;

/// A poll as organisers define it (`POST /api/sessions/{id}/polls`, the templates of
/// `GET /api/poll-templates`): its name and contests, as the counting rules read
/// them. Its attendance is not given: the poll takes it when it opens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PollDefinition(pub Poll);

/// `GET /api/poll-templates` (organiser): a starting point for each kind of poll,
/// its names placeholders the organiser replaces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PollTemplates {
    /// An election (选举), competitive.
    pub election: PollDefinition,
    /// A by-election (补选).
    pub by_election: PollDefinition,
    /// A confidence vote (信任投票).
    pub confidence: PollDefinition,
    /// An evaluation (民主评议).
    pub evaluation: PollDefinition,
    /// A motion (表决).
    pub motion: PollDefinition,
    /// A recall (罢免, ADR 0030): 同意罢免 / 不同意罢免 / 弃权 per member, decided by the
    /// ruleset's recall rule.
    pub recall: PollDefinition,
}

/// A contest as the ballot shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContestView {
    /// Its id within the poll.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What kind of contest, in words.
    pub kind: String,
    /// Seats, for an election.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<u32>,
    /// Items in ballot order: candidates in surname stroke order (R7).
    pub items: Vec<String>,
    /// The options of each item (赞成, 不赞成, 弃权…).
    pub options: Vec<String>,
    /// Whether its members may have 述职 summaries (a confidence vote, an evaluation or
    /// a recall; spec §14.16). Left out when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reports: bool,
}

/// A poll as the console, desk and booth show it (`GET /api/polls/{id}`,
/// `POST /api/sessions/{id}/polls`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PollView {
    /// Its number on the server.
    pub id: i64,
    /// The session it belongs to.
    pub session_id: i64,
    /// Where it is.
    pub state: PollState,
    /// Its name.
    pub name: String,
    /// Its contests.
    pub contests: Vec<ContestView>,
    /// The election fingerprint's short form once the key ceremony has finished (spec §11.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// The follow-up a counted result calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FollowUp {
    /// 再次投票 among the tied (R12).
    Runoff,
    /// 另行选举 for the seats left empty (R13).
    SeparateElection,
}

/// `POST /api/polls/{id}/follow-up` (organiser).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FollowUpBody {
    /// Which follow-up.
    pub kind: FollowUp,
}

/// The poll a [`FollowUpBody`] created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = PollCreated))]
pub struct Created {
    /// Its number on the server.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Where it is (draft).
    pub state: PollState,
}

/// An officer appointed: a delegate and the scrutineer station that signs for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Appointee {
    /// 代表证号.
    pub card: String,
    /// The enrolled scrutineer station that signs for this officer.
    pub station: i64,
}

/// `POST /api/polls/{id}/officers` (organiser): the scrutineers (监票人), in order,
/// the threshold `k`, and the counters (计票人).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Appointment {
    /// `k`: how many scrutineers decrypt.
    pub threshold: u32,
    /// The scrutineers, index 1 first.
    pub scrutineers: Vec<Appointee>,
    /// The counters.
    #[serde(default)]
    pub counters: Vec<Appointee>,
}

/// An officer as the console lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficerView {
    /// `scrutineer` or `counter`.
    pub role: String,
    /// Its position among its role, from 1.
    pub position: u32,
    /// The delegate's name.
    pub name: String,
    /// The station that signs for them.
    pub station: i64,
    /// For a scrutineer: whether its key check has passed (spec §5.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_checked: Option<bool>,
}

/// `GET`/`POST /api/polls/{id}/officers`: the threshold and the officers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficersView {
    /// `k`, once appointed.
    pub threshold: Option<u32>,
    /// The officers.
    pub officers: Vec<OfficerView>,
}

/// `POST /api/polls/{id}/ceremony` (organiser): the ceremony started on a frozen
/// manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Started {
    /// `ceremony`.
    pub state: PollState,
    /// The ceremony identifier (spec §5.1).
    pub ceremony_id: Blob,
    /// The manifest (spec §11.2).
    pub manifest: Blob,
}

/// `POST /api/polls/{id}/ceremony/restart` (organiser): the ceremony abandoned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Restarted {
    /// Where the poll is now.
    pub state: PollState,
}

/// A poll's status (`GET /api/polls/{id}/status`; the answer to open, close, tally
/// and publish).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = PollStatus))]
pub struct Status {
    /// The poll's number.
    pub id: i64,
    /// Where it is.
    pub state: PollState,
    /// `k`, once appointed.
    pub threshold: Option<u32>,
    /// 应到, frozen at opening.
    pub expected: Option<u32>,
    /// 实到, frozen at opening.
    pub present: Option<u32>,
    /// Ballots (credentials) issued.
    pub issued: u32,
    /// Entries on the board.
    pub board_size: u64,
    /// Ballots cast (challenged ones, opened and void, not counted).
    pub cast: u64,
    /// The scrutineers whose decryption is in.
    pub decryptions: Vec<u32>,
    /// Officers' signatures in.
    pub signatures: usize,
    /// Officers' signatures needed.
    pub signatures_needed: usize,
    /// The follow-up polls a counted result calls for (R12, R13); empty before the count.
    pub follow_ups: Vec<FollowUp>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip<T: Serialize + serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
        let t: T = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&t).unwrap(), v);
        t
    }

    #[test]
    fn poll_bodies_read_back_with_the_servers_names() {
        let poll = json!({"id": 4, "session_id": 2, "state": "draft", "name": "选举镇党委委员",
            "contests": [{"id": "committee", "title": "镇党委委员", "kind": "election", "seats": 7,
                "items": ["范勇"], "options": ["赞成", "不赞成", "弃权"]},
                {"id": "m", "title": "决议", "kind": "motion", "items": ["决议"], "options": ["同意"]}]});
        let p: PollView = round_trip(poll);
        assert_eq!((p.contests[0].seats, p.contests[1].seats, p.fingerprint), (Some(7), None, None));
        let p: PollView = round_trip(json!({"id": 4, "session_id": 2, "state": "ready", "name": "x",
            "contests": [], "fingerprint": "ABCDE-FGHIJ"}));
        assert_eq!(p.state, PollState::Ready);

        let f: FollowUpBody = round_trip(json!({"kind": "separate_election"}));
        assert_eq!(f.kind, FollowUp::SeparateElection);
        let c: Created = round_trip(json!({"id": 5, "name": "再次投票", "state": "draft"}));
        assert_eq!(c.id, 5);

        let a: Appointment = round_trip(json!({"threshold": 2, "scrutineers": [{"card": "QS15-001", "station": 3}],
            "counters": [{"card": "QS15-004", "station": 6}]}));
        assert_eq!(a.scrutineers[0].station, 3);
        let bare: Appointment = serde_json::from_value(json!({"threshold": 1, "scrutineers": []})).unwrap();
        assert!(bare.counters.is_empty());
        assert!(serde_json::from_value::<Appointee>(json!({"card": "1", "station": 1, "name": "x"})).is_err());
        let o: OfficersView = round_trip(json!({"threshold": 2, "officers": [
            {"role": "scrutineer", "position": 1, "name": "范勇", "station": 3, "key_checked": true},
            {"role": "counter", "position": 1, "name": "夏淑", "station": 6}]}));
        assert_eq!(o.officers[1].key_checked, None);
        let o: OfficersView = round_trip(json!({"threshold": null, "officers": []}));
        assert_eq!(o.threshold, None);

        let s: Started = round_trip(json!({"state": "ceremony", "ceremony_id": "AQI=", "manifest": "AwQF"}));
        assert_eq!(s.manifest, Blob(vec![3, 4, 5]));
        assert!(
            serde_json::from_value::<Started>(json!({"state": "ceremony", "ceremony_id": "?", "manifest": ""}))
                .is_err()
        );
        let r: Restarted = round_trip(json!({"state": "draft"}));
        assert_eq!(r.state, PollState::Draft);

        let st: Status = round_trip(json!({"id": 4, "state": "open", "threshold": 2, "expected": 120, "present": 98,
            "issued": 90, "board_size": 88, "decryptions": [], "signatures": 0, "signatures_needed": 4, "cast": 87,
            "follow_ups": []}));
        assert_eq!(st.present, Some(98));
        let st: Status = round_trip(json!({"id": 4, "state": "draft", "threshold": null, "expected": null,
            "present": null, "issued": 0, "board_size": 0, "decryptions": [1, 3], "signatures": 0, "signatures_needed": 0,
            "cast": 0, "follow_ups": ["runoff"]}));
        assert_eq!(st.follow_ups, vec![FollowUp::Runoff]);
        assert_eq!(st.decryptions, vec![1, 3]);
        assert!(serde_json::from_value::<Status>(json!({"id": 4, "state": "open"})).is_err());

        let motion = json!({"name": "表决", "contests": [{"id": "m", "title": "表决事项", "type": "motion",
            "items": ["工作报告"]}]});
        let d: PollDefinition = round_trip(motion.clone());
        assert_eq!(d.0.contests[0].items(), ["工作报告"]);
        let mut extra = motion;
        extra["seats"] = json!(3);
        assert!(serde_json::from_value::<PollDefinition>(extra).is_err(), "a definition denies unknown fields");

        // 另选他人 (R9, spec §11.2.3): an election may take write-ins; a definition
        // without the field takes none and reads back without it.
        let election = json!({"name": "选举", "contests": [{"id": "e", "title": "镇党委委员", "type": "election",
            "kind": "competitive", "by_election": false, "seats": 1, "candidates": [{"name": "王芳"}, {"name": "李娜"}],
            "write_ins": true}]});
        let d: PollDefinition = round_trip(election.clone());
        assert!(matches!(&d.0.contests[0].kind, hallvote_tally::model::ContestKind::Election(e) if e.write_ins));
        let mut without = election;
        without["contests"][0].as_object_mut().map(|c| c.remove("write_ins"));
        let d: PollDefinition = round_trip(without);
        assert!(matches!(&d.0.contests[0].kind, hallvote_tally::model::ContestKind::Election(e) if !e.write_ins));
    }
}

/// A member's 述职 report summary (spec §14.16): `PUT /api/polls/{id}/reports`
/// (organiser) sets it, and `GET /api/polls/{id}/reports` (anyone) and
/// `GET /api/station/polls/{id}/reports` (booth stations) list them. An empty `text`
/// removes the summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberReport {
    /// The contest's id: a confidence vote, an evaluation or a recall.
    pub contest: String,
    /// The member, as the contest names them.
    pub member: String,
    /// The summary: paragraphs separated by one line break (`\n`), at most
    /// [`MAX_REPORT_CHARS`] characters.
    pub text: String,
}

/// The most characters a 述职 summary may have (about four printed pages).
pub const MAX_REPORT_CHARS: usize = 6000;
