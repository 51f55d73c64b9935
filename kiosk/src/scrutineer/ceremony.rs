//! This station's part of the key ceremony: publish, deal, confirm, and the key share
//! at the end (spec §5.2–§5.6).

use hallvote_crypto::dkg::{Dealer, DealerCommitments, DealerShare, ceremony_output, key_share};
use hallvote_crypto::sealed::{RecipientKey, RecipientSecret, open_share, seal_share};
use hallvote_crypto::sharefile::SharePayload;
use hallvote_tally::record::KeyFingerprint;
use serde::Serialize;
use zeroize::Zeroizing;

use hallvote_protocol::lifecycle::PollState;
use hallvote_tally::Lang;

use hallvote_protocol::wire::{ConfirmRequest, DealingRequest, Fixed, RecipientRequest, SealedShare};

use super::{
    Result, Scrutineer, ScrutineerError, Step, View, WaitFor, grouped_hex, refused, say, share_ceremony_id, untrusted,
};

/// The shares this station received and checked, and the dealers it complained
/// about. The shares zeroize on drop.
pub(super) struct Received {
    pub(super) shares: Vec<DealerShare>,
    pub(super) complained: Vec<u32>,
}

/// What the station holds for one poll between steps. Every secret in it zeroizes
/// on drop ([`RecipientSecret`], [`DealerShare`], [`SharePayload`]'s secret scalar).
#[derive(Default)]
pub(super) struct PollWork {
    /// The ceremony this work belongs to. The organiser may abandon a ceremony and
    /// start another for the same poll (spec §14.3); the work of the old one is then
    /// dropped (zeroized), never reused.
    pub(super) ceremony: Vec<u8>,
    /// The receiving key of this ceremony (spec §5.6.1), from step 1 until the key
    /// share is computed.
    pub(super) recipient: Option<RecipientSecret>,
    /// The dealing as prepared (commitments and sealed shares), kept until the
    /// server has it so that a lost answer is followed by the very same dealing.
    /// The polynomial itself is dropped (zeroized) as soon as it is sealed.
    pub(super) dealing: Option<DealingRequest>,
    /// The shares received, from step 3 until the key share is computed.
    pub(super) received: Option<Received>,
    /// The key share, from the end of the ceremony until it is saved.
    pub(super) key_share: Option<SharePayload>,
    /// The key share loaded from the share file, until the decryption is posted.
    pub(super) loaded: Option<SharePayload>,
}

impl PollWork {
    /// Starts afresh if the server's ceremony is not the one this work is for.
    fn follow(&mut self, ceremony: &[u8]) {
        if self.ceremony != ceremony {
            *self = Self { ceremony: ceremony.to_vec(), ..Self::default() };
        }
    }
}

/// Where the ceremony stands for this station.
#[derive(Debug, Clone, Serialize)]
pub struct CeremonyStatus {
    /// The poll.
    pub poll: i64,
    /// The poll's state on the server.
    pub state: PollState,
    /// This station's scrutineer index `j`.
    pub index: u32,
    /// `n`.
    pub participants: u32,
    /// `k`.
    pub threshold: u32,
    /// Scrutineers who have published their receiving keys.
    pub published: Vec<u32>,
    /// Scrutineers who have dealt.
    pub dealt: Vec<u32>,
    /// Scrutineers who have confirmed.
    pub confirmed: Vec<u32>,
    /// This station's next step: `publish`, `deal`, `confirm`, `wait`, `save_share`,
    /// `check_key` (the share file is saved; its key check has not passed),
    /// `key_checked` (it has: nothing left before the poll opens) or `lost` (the
    /// ceremony's secrets are gone from this station).
    pub next: String,
    /// Dealers this station complained about.
    pub complaints: Vec<u32>,
    /// Once the ceremony has finished: the joint key, in hex groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub joint_key: Option<String>,
    /// The share file, once saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_file: Option<String>,
    /// Scrutineers whose key check has passed (spec §5.7).
    pub key_checked: Vec<u32>,
    /// Once the ceremony has finished: the election fingerprint (spec §11.4) in its
    /// short form, computed here, to copy into the paper minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// This station's key fingerprint (spec §11.4), to copy beside it.
    pub key_fingerprint: String,
    /// What to do now, in the request's language.
    pub message: String,
}

impl Scrutineer {
    pub(super) fn status_of(&self, poll: i64, view: &View, work: &PollWork, lang: Lang) -> CeremonyStatus {
        let j = view.index;
        let saved = self.share_saved_for(poll, &view.ceremony);
        let checked = view.key_checked.contains(&j);
        let next = match view.next_step() {
            Some(Step::Publish) => "publish",
            Some(Step::Deal) if work.recipient.is_none() => "lost",
            Some(Step::Deal) if view.recipients.len() < view.n() as usize => "wait",
            Some(Step::Deal) => "deal",
            Some(Step::Confirm) if work.recipient.is_none() => "lost",
            Some(Step::Confirm) if view.dealings.len() < view.n() as usize => "wait",
            Some(Step::Confirm) => "confirm",
            Some(Step::SaveShare) => "save_share",
            None if view.state == PollState::Draft => "not_started",
            None if view.state == PollState::Ceremony => "wait",
            None if saved && checked => "key_checked",
            None if saved && view.state == PollState::Ready => "check_key",
            None if saved => "share_saved",
            None if work.key_share.is_some() || work.received.is_some() => "save_share",
            None => "lost",
        };
        let message = match next {
            "publish" => say(lang, "下一步：发布接收密钥。".into(), "Next: publish the receiving key.".into()),
            "deal" => say(lang, "下一步：分发份额。".into(), "Next: deal the shares.".into()),
            "confirm" => say(lang, "下一步：核验并确认收到的份额。".into(), "Next: check and confirm the shares received.".into()),
            "wait" => say(
                lang,
                "请稍候，等待其他监票人完成当前步骤。".into(),
                "Please wait for the other scrutineers to finish this step.".into(),
            ),
            "save_share" => say(
                lang,
                "密钥生成已完成。下一步：设定口令，保存密钥份额文件。".into(),
                "The key ceremony is complete. Next: choose a passphrase and save the key share file.".into(),
            ),
            "share_saved" => say(
                lang,
                "密钥份额文件已保存。请妥善保管U盘和纸质备份，牢记口令。".into(),
                "The key share file is saved. Keep the USB stick and the paper backup safe, and remember the passphrase.".into(),
            ),
            "check_key" => say(
                lang,
                "密钥份额文件已保存。下一步：输入口令“检查密钥份额”，证明文件能打开并能解密。全部监票人通过后才能开始投票。请把选举指纹和本人密钥指纹抄入监票记录。".into(),
                "The key share file is saved. Next: enter the passphrase and check your key share, to prove the file opens and decrypts. The poll opens once every scrutineer has passed. Copy the election fingerprint and your key fingerprint into the minutes.".into(),
            ),
            "key_checked" => say(
                lang,
                "密钥检查已通过：密钥份额文件能打开并能解密。请妥善保管U盘和纸质备份，牢记口令，并把选举指纹和本人密钥指纹抄入监票记录。".into(),
                "The key check has passed: the key share file opens and decrypts. Keep the USB stick and the paper backup safe, remember the passphrase, and copy the election fingerprint and your key fingerprint into the minutes.".into(),
            ),
            "not_started" => ScrutineerError::NotStarted.message(lang),
            _ => ScrutineerError::SecretLost.message(lang),
        };
        CeremonyStatus {
            poll,
            state: view.state,
            index: j,
            participants: view.n(),
            threshold: view.params.threshold(),
            published: view.recipients.iter().map(|(i, _)| *i).collect(),
            dealt: view.dealings.iter().map(|(i, _)| *i).collect(),
            confirmed: view.confirmed.clone(),
            next: next.to_owned(),
            complaints: work.received.as_ref().map(|r| r.complained.clone()).unwrap_or_default(),
            joint_key: view.finished.as_ref().map(|f| grouped_hex(&f.joint_key)),
            share_file: saved.then(|| self.share_path(poll).display().to_string()),
            key_checked: view.key_checked.clone(),
            fingerprint: view.fingerprint().ok().map(|f| f.short()),
            key_fingerprint: KeyFingerprint::of(&self.identity.key.verifying_key()).short(),
            message,
        }
    }

    /// Where the ceremony of poll `poll` stands for this station.
    pub async fn ceremony_status(&self, poll: i64, lang: Lang) -> Result<CeremonyStatus> {
        let mut polls = self.polls.lock().await;
        let work = polls.entry(poll).or_default();
        let view = self.view(poll, lang).await?;
        Ok(self.status_of(poll, &view, work, lang))
    }

    /// Takes whichever ceremony step is due: publish, deal, confirm, or (once every
    /// scrutineer has confirmed) compute the key share so it can be saved. Refuses
    /// with [`ScrutineerError::Waiting`] while the others are behind.
    pub async fn step(&self, poll: i64, lang: Lang) -> Result<CeremonyStatus> {
        let view = self.view(poll, lang).await?;
        match view.next_step() {
            Some(Step::Publish) => self.publish_recipient_key(poll, lang).await,
            Some(Step::Deal) => self.deal(poll, lang).await,
            Some(Step::Confirm) => self.confirm(poll, lang).await,
            _ if view.state == PollState::Ceremony => Err(ScrutineerError::Waiting {
                what: WaitFor::Confirmations,
                have: view.confirmed.len(),
                need: view.n() as usize,
            }),
            _ => {
                let mut polls = self.polls.lock().await;
                let work = polls.entry(poll).or_default();
                if work.key_share.is_none() && !self.share_saved_for(poll, &view.ceremony) {
                    Self::finish(&view, work)?;
                }
                Ok(self.status_of(poll, &view, work, lang))
            }
        }
    }

    /// Step 1 (spec §5.6.1–§5.6.2): a fresh receiving key for this ceremony, signed
    /// by the station's key for the ceremony and this scrutineer's index, published
    /// through the server. Taking the step again after it succeeded changes nothing.
    pub async fn publish_recipient_key(&self, poll: i64, lang: Lang) -> Result<CeremonyStatus> {
        let mut polls = self.polls.lock().await;
        let work = polls.entry(poll).or_default();
        let view = self.view(poll, lang).await?;
        view.in_ceremony()?;
        work.follow(&view.ceremony);
        let j = view.index;
        if let Some(published) = view.published(j) {
            return match &work.recipient {
                Some(sk) if published.get(..32) == Some(&sk.public().as_bytes()[..]) => {
                    Ok(self.status_of(poll, &view, work, lang))
                }
                _ => Err(ScrutineerError::SecretLost),
            };
        }
        // The same key again if an earlier attempt got no answer.
        let sk = work.recipient.get_or_insert_with(|| RecipientSecret::generate(&mut rand::rng()));
        let signature = sk.public().sign_publication(&self.identity.key, &view.ceremony, j);
        let body =
            RecipientRequest { key: sk.public().as_bytes().as_slice().into(), signature: signature.as_slice().into() };
        let a = self.post(lang, &format!("/api/station/polls/{poll}/ceremony/recipient"), &body).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let view = self.view(poll, lang).await?;
        Ok(self.status_of(poll, &view, work, lang))
    }

    /// Step 2 (spec §5.2, §5.6.3): once every scrutineer has published a receiving
    /// key, checks each key's publication signature against the station key the
    /// manifest lists for that scrutineer, makes a random polynomial, and posts its
    /// commitments with the proof of knowledge and one share sealed to each key.
    pub async fn deal(&self, poll: i64, lang: Lang) -> Result<CeremonyStatus> {
        let mut polls = self.polls.lock().await;
        let work = polls.entry(poll).or_default();
        let view = self.view(poll, lang).await?;
        view.in_ceremony()?;
        work.follow(&view.ceremony);
        let j = view.index;
        if view.dealing(j).is_some() {
            work.dealing = None;
            return Ok(self.status_of(poll, &view, work, lang));
        }
        match (view.published(j), &work.recipient) {
            (None, _) => return Err(ScrutineerError::OutOfOrder(Step::Publish)),
            (Some(p), Some(sk)) if p.get(..32) == Some(&sk.public().as_bytes()[..]) => {}
            _ => return Err(ScrutineerError::SecretLost),
        }
        let n = view.n();
        if view.recipients.len() < n as usize {
            return Err(ScrutineerError::Waiting {
                what: WaitFor::Recipients,
                have: view.recipients.len(),
                need: n as usize,
            });
        }
        if work.dealing.is_none() {
            work.dealing = Some(Self::prepare_dealing(&view)?);
        }
        let body = work.dealing.as_ref().ok_or(ScrutineerError::SecretLost)?;
        let a = self.post(lang, &format!("/api/station/polls/{poll}/ceremony/dealing"), body).await?;
        if !a.status.is_success() && a.error_code() != Some("already_done") {
            return Err(refused(&a));
        }
        let view = self.view(poll, lang).await?;
        if view.dealing(j).is_some() {
            work.dealing = None;
        }
        Ok(self.status_of(poll, &view, work, lang))
    }

    pub(super) fn prepare_dealing(view: &View) -> Result<DealingRequest> {
        let mut rng = rand::rng();
        let (j, n) = (view.index, view.n());
        let mut keys = Vec::with_capacity(n as usize);
        for to in 1..=n {
            let published = view.published(to).ok_or(ScrutineerError::Waiting {
                what: WaitFor::Recipients,
                have: view.recipients.len(),
                need: n as usize,
            })?;
            let signer =
                &view.manifest.scrutineers.get(to as usize - 1).ok_or_else(|| untrusted("recipient index"))?.key;
            let key = published
                .get(..32)
                .and_then(|k| RecipientKey::from_bytes(k).ok())
                .ok_or(ScrutineerError::BadRecipientKey(to))?;
            key.verify_publication(signer, &view.ceremony, to, published.get(32..).unwrap_or_default())
                .map_err(|_| ScrutineerError::BadRecipientKey(to))?;
            keys.push((to, key));
        }
        // The polynomial lives only in this function: dropped (and zeroized) once sealed.
        let dealer = Dealer::new(view.params, j, &mut rng).map_err(|e| untrusted(e.to_string()))?;
        let mut shares = Vec::with_capacity(keys.len());
        for (to, key) in &keys {
            let share = dealer.share_for(*to).map_err(|e| ScrutineerError::Internal(e.to_string()))?;
            let sealed = seal_share(key, &view.ceremony, &share, &mut rng)
                .map_err(|e| ScrutineerError::Internal(e.to_string()))?;
            shares.push(SealedShare { recipient: *to, sealed: sealed.as_slice().into() });
        }
        let message = dealer.commitments(&view.ceremony, &mut rng).to_bytes();
        Ok(DealingRequest { message: message.into(), shares })
    }

    /// Step 3 (spec §5.3, §5.6.4): once every scrutineer has dealt, opens each share
    /// dealt to this station and checks it against its dealer's commitments, then
    /// confirms with a complaint for each share that failed: the share as opened, or,
    /// when it could not be opened at all, the dealer and this index with the value
    /// zero (a share this station did not correctly receive). A dealer whose message
    /// is itself invalid is left out by every party without a complaint.
    pub async fn confirm(&self, poll: i64, lang: Lang) -> Result<CeremonyStatus> {
        let mut polls = self.polls.lock().await;
        let work = polls.entry(poll).or_default();
        let view = self.view(poll, lang).await?;
        view.in_ceremony()?;
        work.follow(&view.ceremony);
        let j = view.index;
        if view.confirmed.contains(&j) {
            return Ok(self.status_of(poll, &view, work, lang));
        }
        if view.dealing(j).is_none() {
            return Err(if view.published(j).is_none() {
                ScrutineerError::OutOfOrder(Step::Publish)
            } else {
                ScrutineerError::OutOfOrder(Step::Deal)
            });
        }
        let n = view.n();
        if view.dealings.len() < n as usize {
            return Err(ScrutineerError::Waiting {
                what: WaitFor::Dealings,
                have: view.dealings.len(),
                need: n as usize,
            });
        }
        if work.received.is_none() {
            let sk = work.recipient.as_ref().ok_or(ScrutineerError::SecretLost)?;
            work.received = Some(Self::open_shares(&view, sk));
        }
        let received = work.received.as_ref().ok_or(ScrutineerError::SecretLost)?;
        let complaints = received
            .complained
            .iter()
            .filter_map(|i| Self::complaint(&view, work.recipient.as_ref(), *i))
            .map(|bytes| Fixed(*bytes))
            .collect();
        let body = ConfirmRequest { complaints };
        let a = self.post(lang, &format!("/api/station/polls/{poll}/ceremony/confirm"), &body).await?;
        if !a.status.is_success() && a.error_code() != Some("already_done") {
            return Err(refused(&a));
        }
        let view = self.view(poll, lang).await?;
        if !view.state.before_ready() {
            Self::finish(&view, work)?;
        }
        Ok(self.status_of(poll, &view, work, lang))
    }

    /// Opens and checks every share dealt to this station.
    pub(super) fn open_shares(view: &View, sk: &RecipientSecret) -> Received {
        let j = view.index;
        let mut shares = Vec::new();
        let mut complained = Vec::new();
        for i in 1..=view.n() {
            let Some(message) = view
                .dealing(i)
                .and_then(|m| DealerCommitments::decode(m).ok())
                .filter(|m| m.dealer == i && m.verify(&view.ceremony, view.params).is_ok())
            else {
                // An invalid dealer message disqualifies its dealer for everyone (spec §5.3).
                continue;
            };
            let sealed = view.shares.iter().find(|(d, _)| *d == i).map(|(_, s)| s.as_slice()).unwrap_or_default();
            match open_share(sk, &view.ceremony, i, j, sealed) {
                Ok(share) if share.verify(&message).is_ok() => shares.push(share),
                _ => {
                    tracing::warn!(dealer = i, "the share dealt to this station does not check out: complaining");
                    complained.push(i);
                }
            }
        }
        Received { shares, complained }
    }

    /// The complaint against dealer `i` (spec §5.3): the share as opened if it opened,
    /// else `i ‖ j ‖ 0`.
    pub(super) fn complaint(view: &View, sk: Option<&RecipientSecret>, i: u32) -> Option<Zeroizing<[u8; 40]>> {
        let j = view.index;
        let sealed = view.shares.iter().find(|(d, _)| *d == i).map(|(_, s)| s.as_slice()).unwrap_or_default();
        if let Some(share) = sk.and_then(|sk| open_share(sk, &view.ceremony, i, j, sealed).ok()) {
            return Some(share.to_bytes());
        }
        let mut bytes = Zeroizing::new([0u8; 40]);
        bytes[..4].copy_from_slice(&i.to_be_bytes());
        bytes[4..8].copy_from_slice(&j.to_be_bytes());
        Some(bytes)
    }

    /// After the ceremony: recomputes the outcome from the qualified dealers'
    /// messages, checks it is the server's, sums this station's key share and checks
    /// it against its public share (spec §5.3). The receiving key and the received
    /// shares are dropped here.
    pub(super) fn finish(view: &View, work: &mut PollWork) -> Result<()> {
        if work.key_share.is_some() {
            return Ok(());
        }
        let finished = view.finished()?;
        let received = work.received.as_ref().ok_or(ScrutineerError::SecretLost)?;
        let j = view.index;
        let mut messages = Vec::with_capacity(finished.qualified.len());
        for i in &finished.qualified {
            if received.complained.contains(i) {
                return Err(untrusted(format!("dealer {i} is counted although its share to this station failed")));
            }
            let m = view
                .dealing(*i)
                .and_then(|m| DealerCommitments::decode(m).ok())
                .filter(|m| m.dealer == *i && m.verify(&view.ceremony, view.params).is_ok())
                .ok_or_else(|| untrusted(format!("dealer {i}'s message")))?;
            messages.push(m);
        }
        let output =
            ceremony_output(view.params, &messages).map_err(|e| untrusted(format!("ceremony outcome: {e}")))?;
        if output.joint_key.element().as_bytes() != &finished.joint_key {
            return Err(untrusted("the joint key is not the one the dealer messages give"));
        }
        let public: Vec<[u8; 32]> = output.public_shares.iter().map(|x| *x.as_bytes()).collect();
        if public != finished.public_shares {
            return Err(untrusted("the public shares are not the ones the dealer messages give"));
        }
        let mine: Vec<DealerShare> =
            received.shares.iter().filter(|s| finished.qualified.contains(&s.dealer)).cloned().collect();
        let share = key_share(j, &mine, &output).map_err(|_| ScrutineerError::KeyShareMismatch)?;
        let payload = SharePayload::new(
            share_ceremony_id(&view.ceremony),
            j,
            view.params.threshold(),
            view.n(),
            share.secret().clone(),
            *output.joint_key.element(),
        )
        .map_err(|e| ScrutineerError::Internal(e.to_string()))?;
        work.key_share = Some(payload);
        // The ceremony has ended for this station: its receiving key and the shares go.
        work.recipient = None;
        work.received = None;
        Ok(())
    }
}
