//! The key check at the scrutineer's station (spec §5.7): after saving the share file,
//! the scrutineer opens it again with the passphrase, as for the decryption, and the
//! station answers a fresh test ciphertext from the server with its decryption share
//! and proof. The server checks the proof against the scrutineer's public share; the
//! poll opens only when every scrutineer has passed. A file that does not open, or
//! belongs to another ceremony or scrutineer, fails here, before anything is sent.

use hallvote_crypto::elgamal::Ciphertext;
use hallvote_crypto::threshold::KeyShare;
use hallvote_tally::key_check;
use serde::Serialize;
use serde_json::json;
use zeroize::Zeroizing;

use hallvote_protocol::wire::{KeyCheckAnswer, KeyCheckPassed, KeyCheckTest};

use super::{Result, Scrutineer, ShareSource, decode, refused, say, untrusted};
use hallvote_tally::Lang;

/// A key check that passed.
#[derive(Debug, Clone, Serialize)]
pub struct KeyChecked {
    /// The poll.
    pub poll: i64,
    /// The scrutineer index `j`.
    pub index: u32,
    /// The scrutineers who have not passed yet.
    pub pending: Vec<u32>,
    /// What happened, in the request's language.
    pub message: String,
}

impl Scrutineer {
    /// Checks this scrutineer's share file of poll `poll` (spec §5.7): opens it with
    /// `passphrase`, checks it belongs to the poll's ceremony and this scrutineer, and
    /// answers the server's fresh test ciphertext with its decryption share. The key
    /// share is dropped as soon as the share is made.
    pub async fn check_key(
        &self,
        poll: i64,
        passphrase: Zeroizing<String>,
        source: ShareSource,
        lang: Lang,
    ) -> Result<KeyChecked> {
        let payload = self.open_share_file(poll, &passphrase, source).await?;
        let view = self.view(poll, lang).await?;
        Self::check_share(&payload, &view)?;
        let election = view.election()?;
        let j = view.index;
        let a = self.post(lang, &format!("/api/station/polls/{poll}/key-check/test"), &json!({})).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let t: KeyCheckTest = decode(&a)?;
        if t.index != j || t.election.0 != election {
            return Err(untrusted("the key check's test is not for this scrutineer of this poll"));
        }
        let test = Ciphertext::decode(&t.ciphertext.0).map_err(|_| untrusted("test ciphertext"))?;
        let share = KeyShare::new(payload.index(), payload.secret().clone());
        drop(payload);
        let answer = key_check::answer(&share, &election, &test, &mut rand::rng());
        drop(share);
        let body = KeyCheckAnswer { share: answer.as_slice().into() };
        let a = self.post(lang, &format!("/api/station/polls/{poll}/key-check"), &body).await?;
        if !a.status.is_success() {
            return Err(refused(&a));
        }
        let KeyCheckPassed { pending, .. } = decode(&a)?;
        let (rest_zh, rest_en) = if pending.is_empty() {
            (
                "全部监票人均已通过，可以开始投票。".to_owned(),
                "Every scrutineer has passed: the poll can open.".to_owned(),
            )
        } else {
            let list: Vec<String> = pending.iter().map(u32::to_string).collect();
            (
                format!("尚待第 {} 号监票人通过。", list.join("、")),
                format!("Still to pass: scrutineer {}.", list.join(", ")),
            )
        };
        Ok(KeyChecked {
            poll,
            index: j,
            message: say(
                lang,
                format!("第 {j} 号监票人的密钥检查已通过：密钥份额文件能用口令打开，并能正确解密。{rest_zh}"),
                format!(
                    "Scrutineer {j}'s key check has passed: the key share file opens with the passphrase and decrypts. {rest_en}"
                ),
            ),
            pending,
        })
    }
}
