//! The desk's work, without its pages: a one-time ballot credential for a checked-in
//! delegate, by blind signature (spec §6.3). The desk blinds a fresh token, the
//! server signs the blinded message after checking the delegate may have one, and
//! the desk unblinds: the server never sees the credential it signed, so it cannot
//! link the ballot to the delegate.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hallvote_crypto::credential::{BlindSignature, blind, finalize};
use http::Method;
use serde_json::json;

use crate::booth::{Booth, BoothError};
use crate::credential_text::CredentialText;
use crate::link::Link;

/// Which delegate: the text of the card's QR code, or the card number typed.
#[derive(Debug, Clone)]
pub enum CardScan {
    /// The delegate card's QR text (spec §16.1).
    Qr(String),
    /// The card number, typed by hand.
    Number(String),
}

/// The desk.
#[derive(Debug)]
pub struct Desk {
    link: Link,
    ballots: Booth,
}

impl Desk {
    /// A desk talking to the server over `link` (signed as a desk station).
    pub fn new(link: Link) -> Self {
        Self { ballots: Booth::new(link.clone()), link }
    }

    /// Issues the delegate's credential for poll `poll` and returns its QR text
    /// (spec §15.7). Refusals (not a delegate, not checked in, already issued,
    /// poll not open) come back with the server's code and message.
    pub async fn issue(&self, poll: i64, card: &CardScan) -> Result<(String, String), BoothError> {
        let def = self.ballots.ballot(poll).await?;
        let (request, state) = blind(&def.manifest.credential_key, &def.poll_id, &mut rand::rng())
            .map_err(|e| BoothError::Untrusted(e.to_string()))?;
        let mut body = json!({ "blinded": STANDARD.encode(request.as_bytes()) });
        match card {
            CardScan::Qr(t) => body["qr"] = json!(t.trim()),
            CardScan::Number(n) => body["card"] = json!(n.trim()),
        }
        let a = self
            .link
            .call(Method::POST, &format!("/api/station/polls/{poll}/issue"), Some(&body))
            .await
            .map_err(BoothError::Unreachable)?;
        if !a.status.is_success() {
            return Err(BoothError::Refused {
                status: a.status,
                code: a.error_code().unwrap_or("unknown").to_owned(),
                message: a.error_message().unwrap_or("").to_owned(),
            });
        }
        let sig = STANDARD
            .decode(a.json["blind_signature"].as_str().unwrap_or_default())
            .ok()
            .and_then(|b| BlindSignature::from_bytes(&b).ok())
            .ok_or_else(|| BoothError::Untrusted("blind signature".into()))?;
        let credential = finalize(&def.manifest.credential_key, state, &sig)
            .map_err(|e| BoothError::Untrusted(format!("the server's signature does not verify: {e}")))?;
        let name = a.json["name"].as_str().unwrap_or_default().to_owned();
        Ok((name, CredentialText::encode(poll, &credential)))
    }
}
