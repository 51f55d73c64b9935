//! What the server says of a poll's key ceremony (`GET
//! /api/station/polls/{id}/ceremony`), checked against the manifest.

use hallvote_crypto::dkg::Params;
use hallvote_crypto::sign::VerifyingKey;
use hallvote_tally::record::Manifest;
use hallvote_tally::record::builder::joint_key;

use hallvote_protocol::lifecycle::PollState;

use hallvote_protocol::wire::{CeremonyView, Indexed};

use super::{Result, ScrutineerError, Step, untrusted};

/// The ceremony's public outcome, as the server states it.
#[derive(Debug, Clone)]
pub(super) struct Finished {
    pub(super) qualified: Vec<u32>,
    pub(super) joint_key: [u8; 32],
    pub(super) public_shares: Vec<[u8; 32]>,
}

/// What `GET /api/station/polls/{id}/ceremony` says, checked against the manifest.
#[derive(Debug)]
pub(super) struct View {
    pub(super) state: PollState,
    pub(super) index: u32,
    pub(super) params: Params,
    pub(super) ceremony: Vec<u8>,
    pub(super) manifest_bytes: Vec<u8>,
    pub(super) manifest: Manifest,
    pub(super) recipients: Vec<(u32, Vec<u8>)>,
    pub(super) dealings: Vec<(u32, Vec<u8>)>,
    pub(super) shares: Vec<(u32, Vec<u8>)>,
    pub(super) confirmed: Vec<u32>,
    /// Scrutineers whose key check has passed (spec §5.7).
    pub(super) key_checked: Vec<u32>,
    pub(super) finished: Option<Finished>,
}

impl View {
    pub(super) fn parse(v: CeremonyView, me: &VerifyingKey) -> Result<Self> {
        let (index, n, k) = (v.index, v.participants, v.threshold);
        let params = Params::new(k, n).map_err(|_| untrusted("threshold"))?;
        if index == 0 || index > n {
            return Err(untrusted("scrutineer index"));
        }
        let manifest = Manifest::decode(&v.manifest.0).map_err(|e| untrusted(format!("manifest: {e}")))?;
        if manifest.ceremony != v.ceremony_id.0 || manifest.threshold != k || manifest.scrutineers.len() != n as usize {
            return Err(untrusted("the ceremony is not the manifest's"));
        }
        if manifest.scrutineers.get(index as usize - 1).map(|s| &s.key) != Some(me) {
            return Err(ScrutineerError::NotInManifest(index));
        }
        let finished = match (v.joint_key, v.qualified, v.public_shares) {
            (None, _, _) => None,
            (Some(joint_key), Some(qualified), Some(public_shares)) => Some(Finished {
                qualified,
                joint_key: joint_key.0,
                public_shares: public_shares.into_iter().map(|x| x.0).collect(),
            }),
            (Some(_), None, _) => return Err(untrusted("the ceremony: joint_key without qualified")),
            (Some(_), _, None) => return Err(untrusted("the ceremony: joint_key without public_shares")),
        };
        let pairs = |list: Vec<Indexed>| list.into_iter().map(|e| (e.index, e.data.0)).collect();
        Ok(Self {
            state: v.state,
            index,
            params,
            ceremony: v.ceremony_id.0,
            manifest_bytes: v.manifest.0,
            manifest,
            recipients: pairs(v.recipients),
            dealings: pairs(v.dealings),
            shares: pairs(v.shares),
            confirmed: v.confirmed,
            key_checked: v.key_checked,
            finished,
        })
    }

    pub(super) fn n(&self) -> u32 {
        self.params.participants()
    }

    pub(super) fn in_ceremony(&self) -> Result<()> {
        match self.state {
            PollState::Ceremony => Ok(()),
            PollState::Draft => Err(ScrutineerError::NotStarted),
            _ => Err(ScrutineerError::CeremonyOver),
        }
    }

    pub(super) fn finished(&self) -> Result<&Finished> {
        match (self.state, &self.finished) {
            (PollState::Draft, _) => Err(ScrutineerError::NotStarted),
            (PollState::Ceremony, _) => Err(ScrutineerError::CeremonyNotFinished),
            (_, Some(f)) => Ok(f),
            (_, None) => Err(untrusted("no ceremony outcome")),
        }
    }

    pub(super) fn published(&self, j: u32) -> Option<&[u8]> {
        self.recipients.iter().find(|(i, _)| *i == j).map(|(_, d)| d.as_slice())
    }

    pub(super) fn dealing(&self, i: u32) -> Option<&[u8]> {
        self.dealings.iter().find(|(d, _)| *d == i).map(|(_, m)| m.as_slice())
    }

    /// The poll's joint key, from the server's outcome.
    pub(super) fn joint_key(&self) -> Result<hallvote_crypto::elgamal::PublicKey> {
        joint_key(&self.finished()?.joint_key).map_err(|e| untrusted(e.to_string()))
    }

    /// `E`, computed here from the manifest and the joint key (spec §11.3).
    pub(super) fn election(&self) -> Result<[u8; 64]> {
        Ok(Manifest::election_hash(&self.manifest_bytes, &self.joint_key()?))
    }

    pub(super) fn next_step(&self) -> Option<Step> {
        let j = self.index;
        if self.state != PollState::Ceremony {
            return None;
        }
        if self.published(j).is_none() {
            Some(Step::Publish)
        } else if self.dealing(j).is_none() {
            Some(Step::Deal)
        } else if !self.confirmed.contains(&j) {
            Some(Step::Confirm)
        } else {
            None
        }
    }
}
