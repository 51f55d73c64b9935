//! The decryption (spec §5.4, §12.6, §15.9): one decryption share per selection of the
//! aggregates the station recomputed from the sealed board.

use hallvote_crypto::threshold::KeyShare;
use hallvote_tally::record::builder::decrypt;
use serde::Serialize;

use hallvote_tally::Lang;

use hallvote_protocol::wire::{DecryptionRequest, Fixed};

use super::board_check;
use super::{Result, Scrutineer, ScrutineerError, blocking, refused, say, untrusted};

/// A decryption posted to the server.
#[derive(Debug, Clone, Serialize)]
pub struct Decrypted {
    /// The poll.
    pub poll: i64,
    /// The scrutineer index.
    pub index: u32,
    /// How many decryption shares (one per selection).
    pub selections: usize,
    /// Whether the poll has a write-in mix for the station to take part in next
    /// ([`Scrutineer::mix`]); its key share is kept until its list shares are posted.
    pub mix: bool,
    /// What happened, in the request's language.
    pub message: String,
}

impl Scrutineer {
    /// Decrypts poll `poll` with the loaded key share (spec §5.4, §12.6, §15.9):
    /// downloads the sealed board, checks it against the server's signed final tree
    /// head, checks every cast ballot, recomputes the aggregates and refuses unless
    /// they are the server's ([`ScrutineerError::NotTheBoardTotal`]); then makes one
    /// decryption share with its proof per selection of those aggregates and posts
    /// them. The key share is forgotten once the server has them.
    pub async fn decrypt(&self, poll: i64, lang: Lang) -> Result<Decrypted> {
        let mut polls = self.polls.lock().await;
        let work = polls.entry(poll).or_default();
        let payload = work.loaded.clone().ok_or(ScrutineerError::ShareNotLoaded)?;
        let view = self.view(poll, lang).await?;
        Self::check_share(&payload, &view)?;
        let election = view.election()?;
        let shape = view.manifest.shape().map_err(|e| untrusted(format!("ballot shape: {e}")))?;
        let checked = board_check::Poll {
            manifest_bytes: view.manifest_bytes.clone(),
            manifest: view.manifest.clone(),
            shape: shape.clone(),
            joint_key: view.joint_key()?,
            election,
        };
        let aggregates = self.board_total(poll, lang, checked).await?;
        if aggregates.len() != shape.selections() {
            return Err(untrusted(format!("{} aggregates for {} selections", aggregates.len(), shape.selections())));
        }
        let index = payload.index();
        // A poll with write-ins keeps the key share for the list shares of its mix
        // (spec §15.11), which come after every scrutineer's turn.
        let mixed = shape.contests.iter().any(|c| c.write_in.is_some());
        let share = KeyShare::new(index, payload.secret().clone());
        drop(payload);
        let d = blocking(move || decrypt(&share, &election, &shape, &aggregates, &mut rand::rng())).await?;
        let selections = d.shares.len();
        let body = DecryptionRequest { shares: d.shares.iter().map(|s| Fixed(*s)).collect() };
        let a = self.post(lang, &format!("/api/station/polls/{poll}/decryption"), &body).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        if mixed {
            return Ok(Decrypted {
                poll,
                index,
                selections,
                mix: true,
                message: say(
                    lang,
                    format!(
                        "第 {index} 号监票人的解密份额（{selections} 项）已提交。本次投票允许另选他人：接下来本终端自动进行混合并提交列表解密份额，完成后清除密钥份额。"
                    ),
                    format!(
                        "Scrutineer {index}'s decryption shares ({selections}) are posted. This poll takes write-ins: the station now takes its mix turn and posts its list shares by itself, then clears the key share."
                    ),
                ),
            });
        }
        work.loaded = None;
        Ok(Decrypted {
            poll,
            index,
            selections,
            mix: false,
            message: say(
                lang,
                format!("第 {index} 号监票人的解密份额（{selections} 项）已提交。密钥份额已从本终端内存中清除。"),
                format!(
                    "Scrutineer {index}'s decryption shares ({selections}) are posted. The key share is cleared from this station's memory."
                ),
            ),
        })
    }
}
