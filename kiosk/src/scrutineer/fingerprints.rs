//! The election fingerprint and the officer's own key fingerprint (spec §11.4), as a
//! scrutineer's or counter's station shows them when the key ceremony has finished,
//! for the officer to copy into the paper minutes (监票记录) they sign. The station
//! never shows a fingerprint the server computed: it recomputes the joint key and the
//! public shares from the qualified dealers' messages, and hashes them with the
//! manifest itself.

use hallvote_crypto::dkg::{DealerCommitments, Params, ceremony_output};
use hallvote_tally::record::{Fingerprint, KeyFingerprint, Manifest};
use serde::Serialize;

use hallvote_protocol::wire::CeremonyOutcome;

use super::{Office, Result, Scrutineer, ScrutineerError, View, say, untrusted};
use hallvote_tally::Lang;

/// What an officer copies into the minutes.
#[derive(Debug, Clone, Serialize)]
pub struct Fingerprints {
    /// The poll.
    pub poll: i64,
    /// The office this station holds in it.
    pub role: Office,
    /// Its position among the poll's scrutineers or counters (1-based).
    pub position: u32,
    /// The election fingerprint, `XXXXX-XXXXX-XXXXX-XXXXX`.
    pub fingerprint: String,
    /// The whole fingerprint, 128 hex digits.
    pub fingerprint_hex: String,
    /// This station's key fingerprint, `XXXXX-XXXXX-XXXXX-XXXXX`.
    pub key_fingerprint: String,
    /// What to do with them, in the request's language.
    pub message: String,
}

impl View {
    /// The election fingerprint of the finished ceremony this view shows, with `Y` and
    /// `X₁ … Xₙ` recomputed from the qualified dealers' messages.
    pub(super) fn fingerprint(&self) -> Result<Fingerprint> {
        let f = self.finished()?;
        recompute(
            self.params,
            &self.ceremony,
            &self.manifest_bytes,
            &f.qualified,
            &self.dealings,
            &f.joint_key,
            &f.public_shares,
        )
    }
}

/// Checks the server's `Y` and `X₁ … Xₙ` against the qualified dealers' messages
/// (spec §5.3) and returns the fingerprint of the manifest with them.
fn recompute(
    params: Params,
    ceremony: &[u8],
    manifest: &[u8],
    qualified: &[u32],
    dealings: &[(u32, Vec<u8>)],
    joint_key: &[u8; 32],
    public_shares: &[[u8; 32]],
) -> Result<Fingerprint> {
    let mut messages = Vec::with_capacity(qualified.len());
    for i in qualified {
        let m = dealings
            .iter()
            .find(|(d, _)| d == i)
            .and_then(|(_, m)| DealerCommitments::decode(m).ok())
            .filter(|m| m.dealer == *i && m.verify(ceremony, params).is_ok())
            .ok_or_else(|| untrusted(format!("dealer {i}'s message")))?;
        messages.push(m);
    }
    let output = ceremony_output(params, &messages).map_err(|e| untrusted(format!("ceremony outcome: {e}")))?;
    if output.joint_key.element().as_bytes() != joint_key {
        return Err(untrusted("the joint key is not the one the dealer messages give"));
    }
    if output.public_shares.iter().map(|x| *x.as_bytes()).ne(public_shares.iter().copied()) {
        return Err(untrusted("the public shares are not the ones the dealer messages give"));
    }
    Ok(Fingerprint::of(manifest, joint_key, public_shares))
}

impl Scrutineer {
    /// The election fingerprint of poll `poll` and this station's key fingerprint
    /// (spec §11.4), for a scrutineer or a counter once the key ceremony has finished:
    /// from the ceremony's public outcome, `Y` and `X₁ … Xₙ` recomputed here. A
    /// scrutineer's station also checks that the manifest and `Y` are those of the
    /// ceremony it took part in.
    pub async fn fingerprints(&self, poll: i64, lang: Lang) -> Result<Fingerprints> {
        let v: CeremonyOutcome = self.get(lang, &format!("/api/station/polls/{poll}/ceremony/outcome")).await?;
        let manifest_bytes = v.manifest.0;
        let manifest = Manifest::decode(&manifest_bytes).map_err(|e| untrusted(format!("manifest: {e}")))?;
        let me = self.identity.key.verifying_key();
        let (role, position) = Office::of(&manifest, &me).ok_or(ScrutineerError::NotAnOfficer)?;
        let n = u32::try_from(manifest.scrutineers.len()).map_err(|_| untrusted("number of scrutineers"))?;
        let params = Params::new(manifest.threshold, n).map_err(|_| untrusted("threshold"))?;
        let qualified = v.qualified;
        let joint_key = v.joint_key.0;
        let public_shares: Vec<[u8; 32]> = v.public_shares.into_iter().map(|x| x.0).collect();
        if public_shares.len() != n as usize {
            return Err(untrusted(format!("{} public shares for {n} scrutineers", public_shares.len())));
        }
        let dealings: Vec<(u32, Vec<u8>)> = v.dealings.into_iter().map(|d| (d.index, d.data.0)).collect();
        let fingerprint =
            recompute(params, &manifest.ceremony, &manifest_bytes, &qualified, &dealings, &joint_key, &public_shares)?;
        if role == Office::Scrutineer {
            let view = self.view(poll, lang).await?;
            if view.manifest_bytes != manifest_bytes || view.finished()?.joint_key != joint_key {
                return Err(untrusted("the ceremony's outcome is not the one this station took part in"));
            }
        }
        let key_fingerprint = KeyFingerprint::of(&me).short();
        let short = fingerprint.short();
        let (office_zh, office_en) = role.words();
        Ok(Fingerprints {
            poll,
            role,
            position,
            message: say(
                lang,
                format!(
                    "请将以下两项抄入监票记录并签名：选举指纹 {short}；本人（第 {position} 号{office_zh}）密钥指纹 {key_fingerprint}。开始投票后，大屏幕、选票回执和计票结果报告单上的选举指纹必须与此相同，否则请立即提出。"
                ),
                format!(
                    "Copy both into the minutes you sign: the election fingerprint {short}, and your key fingerprint ({office_en} {position}) {key_fingerprint}. Once the poll opens, the fingerprint on the hall display, on every receipt and on the result sheet must be this one; if it is not, say so at once."
                ),
            ),
            fingerprint: short,
            fingerprint_hex: fingerprint.full_hex(),
            key_fingerprint,
        })
    }
}
