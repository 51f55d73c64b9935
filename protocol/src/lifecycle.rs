//! A poll's lifecycle: its states, their order, the transitions the server makes,
//! and the words for each state in zh-CN and en — in one place.
//!
//! ```text
//! draft ──officers, ceremony──▶ ceremony ──every scrutineer confirmed──▶ ready
//!   ▲                              │                                       │
//!   └──────── ceremony restarted ──┴───────────────────────────────────────┘
//! ready ──open (quorum)──▶ open ──close──▶ closed ──tally──▶ tallied ──signatures──▶ published
//! ```
//!
//! The server's database stores a state as its [`PollState::as_str`] name (column
//! `polls.state`), and its JSON answers carry that same name (serde, lowercase); the
//! stations read it into this same type. A name that is not one of these is a corrupt
//! row or a malformed answer, never a state.

use serde::{Deserialize, Serialize};

use hallvote_tally::Lang;

/// Where a poll is in its life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PollState {
    /// Defined; officers may be appointed; nothing is fixed yet.
    #[default]
    Draft,
    /// The scrutineers' key ceremony runs: the manifest is fixed.
    Ceremony,
    /// The election key exists; the scrutineers take their key check; not yet open.
    Ready,
    /// Credentials are issued and ballots cast.
    Open,
    /// Casting has ended; the board is sealed; the scrutineers decrypt.
    Closed,
    /// The totals and the outcome are computed; the officers sign.
    Tallied,
    /// The record is complete and served.
    Published,
}

impl PollState {
    /// Every state, in the order a poll goes through them.
    pub const ALL: [Self; 7] =
        [Self::Draft, Self::Ceremony, Self::Ready, Self::Open, Self::Closed, Self::Tallied, Self::Published];

    /// The name stored in the database and carried in JSON.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Ceremony => "ceremony",
            Self::Ready => "ready",
            Self::Open => "open",
            Self::Closed => "closed",
            Self::Tallied => "tallied",
            Self::Published => "published",
        }
    }

    /// The state with that stored name, if there is one.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The state in words, for people: the console, the hall display, the public
    /// pages and error messages ("本次投票当前状态为「投票中」", "The poll's state is
    /// “Open”").
    #[must_use]
    pub const fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::ZhCn => match self {
                Self::Draft => "草稿",
                Self::Ceremony => "密钥生成中",
                Self::Ready => "待开始",
                Self::Open => "投票中",
                Self::Closed => "已结束",
                Self::Tallied => "已计票",
                Self::Published => "已公布",
            },
            Lang::En => match self {
                Self::Draft => "Draft",
                Self::Ceremony => "Key ceremony",
                Self::Ready => "Ready to open",
                Self::Open => "Open",
                Self::Closed => "Closed",
                Self::Tallied => "Counted",
                Self::Published => "Published",
            },
        }
    }

    /// The officers and the definition may still change: the manifest is not yet
    /// fixed for good (a ceremony can be restarted, which returns to draft).
    #[must_use]
    pub const fn before_ready(self) -> bool {
        matches!(self, Self::Draft | Self::Ceremony)
    }

    /// The election key exists (spec §5): ready or any later state.
    #[must_use]
    pub const fn has_key(self) -> bool {
        !self.before_ready()
    }

    /// The poll has not opened yet (draft, ceremony or ready).
    #[must_use]
    pub const fn before_open(self) -> bool {
        matches!(self, Self::Draft | Self::Ceremony | Self::Ready)
    }

    /// The poll has opened at some time (open or later): it has a turnout.
    #[must_use]
    pub const fn has_opened(self) -> bool {
        !self.before_open()
    }

    /// Casting has ended and the board is sealed (closed, tallied or published).
    #[must_use]
    pub const fn has_closed(self) -> bool {
        matches!(self, Self::Closed | Self::Tallied | Self::Published)
    }

    /// The totals and outcome exist (tallied or published).
    #[must_use]
    pub const fn has_result(self) -> bool {
        matches!(self, Self::Tallied | Self::Published)
    }

    /// The state a poll moves to next on the normal path, if any.
    #[must_use]
    pub const fn next(self) -> Option<Self> {
        match self {
            Self::Draft => Some(Self::Ceremony),
            Self::Ceremony => Some(Self::Ready),
            Self::Ready => Some(Self::Open),
            Self::Open => Some(Self::Closed),
            Self::Closed => Some(Self::Tallied),
            Self::Tallied => Some(Self::Published),
            Self::Published => None,
        }
    }

    /// Whether the server may move a poll from this state to `to`: one step along
    /// the normal path, or back to draft from ceremony or ready (a ceremony
    /// restarted, spec §14.3).
    #[must_use]
    pub fn may_become(self, to: Self) -> bool {
        self.next() == Some(to) || (to == Self::Draft && matches!(self, Self::Ceremony | Self::Ready))
    }
}

impl std::fmt::Display for PollState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_nothing_else_reads() {
        for s in PollState::ALL {
            assert_eq!(PollState::parse(s.as_str()), Some(s));
        }
        for name in ["", "Open", "opened", "unknown", " open"] {
            assert_eq!(PollState::parse(name), None, "{name}");
        }
    }

    #[test]
    fn every_state_has_words_in_both_languages_and_no_two_alike() {
        for lang in [Lang::ZhCn, Lang::En] {
            let labels: Vec<_> = PollState::ALL.iter().map(|s| s.label(lang)).collect();
            let mut unique = labels.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), labels.len(), "{labels:?}");
        }
        assert!(PollState::ALL.iter().all(|s| !s.label(Lang::ZhCn).is_ascii()));
    }

    #[test]
    fn the_path_runs_in_order_and_only_a_restart_goes_back() {
        for pair in PollState::ALL.windows(2) {
            assert_eq!(pair[0].next(), Some(pair[1]));
            assert!(pair[0] < pair[1]);
            assert!(pair[0].may_become(pair[1]));
            assert!(!pair[1].may_become(pair[0]) || pair[0] == PollState::Draft);
        }
        assert!(PollState::Ready.may_become(PollState::Draft));
        assert!(!PollState::Open.may_become(PollState::Draft));
        assert!(!PollState::Draft.may_become(PollState::Open));
        assert_eq!(PollState::Published.next(), None);
    }

    #[test]
    fn the_questions_agree_with_the_order() {
        use PollState::*;
        for s in PollState::ALL {
            assert_eq!(s.has_key(), s >= Ready, "{s}");
            assert_eq!(s.has_opened(), s >= Open, "{s}");
            assert_eq!(s.has_closed(), s >= Closed, "{s}");
            assert_eq!(s.has_result(), s >= Tallied, "{s}");
        }
    }
}
