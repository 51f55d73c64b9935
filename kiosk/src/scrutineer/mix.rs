//! The write-in mix (spec §12.12, §14.15, §15.11): after the poll closes, this
//! station takes its turn of every contest's mix when it is due — downloads the
//! current list, re-encrypts and shuffles it with a proof ([`shuffle_turn`]) and
//! uploads the turn — and, once every scrutineer has taken its turn, posts its list
//! decryption share of the last list ([`list_share`]) with the key share loaded for
//! the decryption, which it then forgets. Each call does what is due now and says
//! where every contest's mix stands; the page calls it again until this station's
//! part is done, and after a decryption the station calls it by itself
//! ([`Scrutineer::mix_until_done`]) so that its part is done even when nobody keeps
//! the page open.

use std::time::Duration;

use hallvote_crypto::shuffle::Row;
use hallvote_crypto::threshold::KeyShare;
use hallvote_tally::Lang;
use hallvote_tally::record::format::SLOT_BYTES;
use hallvote_tally::record::mix::{decode_row, list_share, shuffle_turn};
use http::Method;
use serde::Serialize;

use hallvote_protocol::wire::MixStatus;

use super::{Result, Scrutineer, blocking, refused, say, untrusted};
use crate::link::Link;

/// How often the station's own loop asks whether a part of the mix is due.
const MIX_POLL: Duration = Duration::from_secs(2);

/// How many failed steps in a row end the station's own loop (about two minutes of
/// an unreachable server); the page's button starts the mix again.
const MIX_GIVE_UP: u32 = 60;

/// How long the station waits for the server to check an uploaded turn or share.
const MIX_TIMEOUT: Duration = Duration::from_secs(600);

/// The largest list or answer the station reads on the mix routes.
const MIX_ANSWER: usize = 64 * 1024 * 1024;

/// One contest's mix, as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ContestProgress {
    /// The contest's position on the ballot (1-based, as the page names it).
    pub contest: u32,
    /// Rows of every list.
    pub rows: u64,
    /// Turns taken.
    pub turns: usize,
    /// The scrutineer whose turn is due, if any.
    pub next: Option<u32>,
    /// List shares in.
    pub shares: usize,
}

/// Where the write-in mix stands after this station did what was due.
#[derive(Debug, Clone, Serialize)]
pub struct MixProgress {
    /// The poll.
    pub poll: i64,
    /// This station's scrutineer index.
    pub index: u32,
    /// `n`.
    pub scrutineers: u32,
    /// `k`.
    pub threshold: u32,
    /// Every contest that takes write-ins.
    pub contests: Vec<ContestProgress>,
    /// Turns this call took (contests, 1-based).
    pub shuffled: Vec<u32>,
    /// List shares this call posted (contests, 1-based).
    pub shared: Vec<u32>,
    /// Whether this station's part is done: its turns taken and its list shares
    /// posted (or, with no key share loaded, its turns taken).
    pub done: bool,
    /// What happened, in the request's language.
    pub message: String,
}

fn decode_list(bytes: &[u8]) -> Option<Vec<Row>> {
    if !bytes.len().is_multiple_of(SLOT_BYTES) {
        return None;
    }
    bytes
        .chunks_exact(SLOT_BYTES)
        .map(|c| c.try_into().ok().and_then(|slot: &[u8; SLOT_BYTES]| decode_row(slot).ok()))
        .collect()
}

impl Scrutineer {
    fn mix_link(&self, lang: Lang) -> Link {
        self.link(lang).timeout(MIX_TIMEOUT).max_answer(MIX_ANSWER)
    }

    async fn mix_list(&self, poll: i64, contest: u32, rows: u64, lang: Lang) -> Result<Vec<Row>> {
        let path = format!("/api/station/polls/{poll}/mix/{contest}/list");
        let a =
            self.mix_link(lang).call(Method::GET, &path, None).await.map_err(super::ScrutineerError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let body = a.body;
        let list =
            blocking(move || decode_list(&body)).await?.ok_or_else(|| untrusted("the mix list does not decode"))?;
        if list.len() as u64 != rows {
            return Err(untrusted(format!("the mix list has {} rows, not {rows}", list.len())));
        }
        Ok(list)
    }

    async fn mix_post(&self, poll: i64, contest: u32, what: &str, body: Vec<u8>, lang: Lang) -> Result<()> {
        let path = format!("/api/station/polls/{poll}/mix/{contest}/{what}");
        let a = self
            .mix_link(lang)
            .call_raw(Method::POST, &path, body, "application/octet-stream", &[])
            .await
            .map_err(super::ScrutineerError::Unreachable)?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        Ok(())
    }

    /// Takes this station's part of poll `poll`'s write-in mix that is due now (spec
    /// §15.11): its turn of every contest whose turn is its own, then, once every
    /// turn of a contest is taken, its list share of that contest if the key share is
    /// loaded. The key share is forgotten once every list share is posted.
    pub async fn mix(&self, poll: i64, lang: Lang) -> Result<MixProgress> {
        let _step = self.mixing.lock().await;
        let view = self.view(poll, lang).await?;
        let index = view.index;
        let election = view.election()?;
        let key = view.joint_key()?;
        let mut status: MixStatus = self.get(lang, &format!("/api/station/polls/{poll}/mix")).await?;
        let (mut shuffled, mut shared) = (Vec::new(), Vec::new());
        for c in &status.contests {
            if c.next != Some(index) {
                continue;
            }
            let turn = u32::try_from(c.turns.len()).map_err(|e| untrusted(e.to_string()))?;
            let input = self.mix_list(poll, c.contest, c.rows, lang).await?;
            let (contest, key) = (c.contest, key.clone());
            let body = blocking(move || {
                let (_, t) =
                    shuffle_turn(&election, &key, contest as usize, turn as usize, index, &input, &mut rand::rng())
                        .map_err(|e| e.to_string())?;
                let mut out = Vec::with_capacity(8 + t.output.len() * SLOT_BYTES + t.proof.len());
                out.extend_from_slice(&turn.to_be_bytes());
                out.extend_from_slice(&u32::try_from(t.output.len()).map_err(|e| e.to_string())?.to_be_bytes());
                for slot in &t.output {
                    out.extend_from_slice(slot);
                }
                out.extend_from_slice(&t.proof);
                Ok::<_, String>(out)
            })
            .await?
            .map_err(untrusted)?;
            self.mix_post(poll, c.contest, "turn", body, lang).await?;
            shuffled.push(c.contest + 1);
        }
        if !shuffled.is_empty() {
            status = self.get(lang, &format!("/api/station/polls/{poll}/mix")).await?;
        }
        let loaded = self.polls.lock().await.get(&poll).and_then(|w| w.loaded.clone());
        if let Some(payload) = &loaded {
            for c in &status.contests {
                let finished = c.next.is_none() && c.rows > 0;
                if !finished || c.shares.contains(&index) {
                    continue;
                }
                let last = self.mix_list(poll, c.contest, c.rows, lang).await?;
                let share = KeyShare::new(payload.index(), payload.secret().clone());
                let contest = c.contest;
                let body =
                    blocking(move || list_share(&share, &election, contest as usize, &last, &mut rand::rng())).await?;
                self.mix_post(poll, c.contest, "share", body, lang).await?;
                shared.push(c.contest + 1);
            }
            if !shared.is_empty() {
                status = self.get(lang, &format!("/api/station/polls/{poll}/mix")).await?;
            }
        }
        let turns_done = status.contests.iter().all(|c| c.rows == 0 || c.turns.contains(&index));
        let shares_done = status.contests.iter().all(|c| c.rows == 0 || c.shares.contains(&index));
        if turns_done && shares_done && loaded.is_some() {
            // The key share is no longer needed: every list share of this station is in.
            if let Some(w) = self.polls.lock().await.get_mut(&poll) {
                w.loaded = None;
            }
        }
        let done = turns_done && (shares_done || loaded.is_none());
        let contests: Vec<ContestProgress> = status
            .contests
            .iter()
            .map(|c| ContestProgress {
                contest: c.contest + 1,
                rows: c.rows,
                turns: c.turns.len(),
                next: c.next,
                shares: c.shares.len(),
            })
            .collect();
        let message = mix_message(lang, index, &status, &shuffled, &shared, done, loaded.is_some(), shares_done);
        Ok(MixProgress {
            poll,
            index,
            scrutineers: status.scrutineers,
            threshold: status.threshold,
            contests,
            shuffled,
            shared,
            done,
            message,
        })
    }
}

#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
fn mix_message(
    lang: Lang,
    index: u32,
    status: &MixStatus,
    shuffled: &[u32],
    shared: &[u32],
    done: bool,
    loaded: bool,
    shares_done: bool,
) -> String {
    if status.contests.is_empty() {
        return say(
            lang,
            "本次投票不允许另选他人，无需混合。".into(),
            "This poll takes no write-ins: there is no mix.".into(),
        );
    }
    let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join("、");
    let list_en = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let mut zh = String::new();
    let mut en = String::new();
    if !shuffled.is_empty() {
        zh.push_str(&format!("第 {index} 号监票人已完成第 {} 项选举另选姓名的混合，服务器已核验。", list(shuffled)));
        en.push_str(&format!(
            "Scrutineer {index} has mixed the write-ins of contest {}; the server checked the turn. ",
            list_en(shuffled)
        ));
    }
    if !shared.is_empty() {
        zh.push_str(&format!("第 {} 项选举的列表解密份额已提交。", list(shared)));
        en.push_str(&format!("The list shares of contest {} are posted. ", list_en(shared)));
    }
    if done && loaded && shares_done {
        zh.push_str("本终端的混合与列表解密已全部完成，密钥份额已从内存中清除。");
        en.push_str("This station's mix turns and list shares are all done; the key share is cleared from memory.");
    } else if done && !loaded {
        zh.push_str("本终端的混合已完成；如需提交列表解密份额，请载入密钥份额文件。");
        en.push_str("This station's mix turns are done; to post list shares, load the key share file.");
    } else if let Some(next) = status.contests.iter().find_map(|c| c.next) {
        zh.push_str(&format!("正在等待第 {next} 号监票人的终端进行混合……"));
        en.push_str(&format!("Waiting for scrutineer {next}'s station to take its mix turn…"));
    } else {
        zh.push_str("正在等待……");
        en.push_str("Waiting…");
    }
    say(lang, zh, en)
}

impl Scrutineer {
    /// Takes this station's part of poll `poll`'s mix as it falls due, every
    /// [`MIX_POLL`], until it is done — started after the decryption of a poll that
    /// takes write-ins, so that the turns and list shares do not wait for someone to
    /// keep the page open, and by the page's button for a scrutineer who does not
    /// decrypt. Ends after [`MIX_GIVE_UP`] failed steps in a row.
    /// Does nothing if the loop already runs for `poll`.
    pub async fn mix_until_done(&self, poll: i64, lang: Lang) {
        if !self.looping.lock().await.insert(poll) {
            return;
        }
        self.mix_loop(poll, lang).await;
        self.looping.lock().await.remove(&poll);
    }

    async fn mix_loop(&self, poll: i64, lang: Lang) {
        let mut failures = 0;
        loop {
            match self.mix(poll, lang).await {
                Ok(p) if p.done => return,
                Ok(_) => failures = 0,
                Err(e) => {
                    failures += 1;
                    if failures >= MIX_GIVE_UP {
                        tracing::warn!(poll, "the write-in mix stopped after {failures} failed steps: {e}");
                        return;
                    }
                }
            }
            tokio::time::sleep(MIX_POLL).await;
        }
    }
}
