//! Delegate cards (代表证): the QR code on each card carries the congress and the
//! card number, signed by the server (spec §16), so a desk can refuse a forged or
//! foreign card before looking anything up.
//!
//! `HVCARD1:` ‖ base64url( u64be(congress_id) ‖ u32be(len) ‖ card (UTF-8) ‖ signature (64) )
//! where the signature is Ed25519 over `u64be(congress_id) ‖ enc(card)` with tag
//! `hallvote/sig/delegate-card/v1` (spec §8.3).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hallvote_crypto::sign::{Signature, SigningKey, VerifyingKey, sign, verify};
use hallvote_crypto::tags;
use qrcode::{EcLevel, QrCode};

/// The prefix of a delegate card's QR text.
pub const PREFIX: &str = "HVCARD1:";

/// Why a scanned text is not a valid delegate card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardError {
    /// Not a hallvote card, or garbled.
    Malformed,
    /// Well formed, but the signature is not this server's.
    Forged,
}

fn message(congress_id: u64, card: &str) -> Vec<u8> {
    let mut m = congress_id.to_be_bytes().to_vec();
    m.extend_from_slice(&(card.len() as u64).to_be_bytes());
    m.extend_from_slice(card.as_bytes());
    m
}

/// The QR text of a card.
pub fn qr_text(key: &SigningKey, congress_id: u64, card: &str) -> String {
    let sig = sign(key, tags::SIG_DELEGATE_CARD, &message(congress_id, card));
    let mut payload = congress_id.to_be_bytes().to_vec();
    payload.extend_from_slice(&(card.len() as u32).to_be_bytes());
    payload.extend_from_slice(card.as_bytes());
    payload.extend_from_slice(&sig.to_bytes());
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(payload))
}

/// Checks a scanned text and returns `(congress_id, card)`. Spaces and a trailing
/// newline (as a USB scanner types them) are ignored.
pub fn verify_qr(key: &VerifyingKey, text: &str) -> Result<(u64, String), CardError> {
    let body = text.trim().strip_prefix(PREFIX).ok_or(CardError::Malformed)?;
    let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| CardError::Malformed)?;
    if bytes.len() < 8 + 4 + 64 {
        return Err(CardError::Malformed);
    }
    let congress_id = u64::from_be_bytes(bytes[..8].try_into().map_err(|_| CardError::Malformed)?);
    let len = u32::from_be_bytes(bytes[8..12].try_into().map_err(|_| CardError::Malformed)?) as usize;
    if bytes.len() != 12 + len + 64 {
        return Err(CardError::Malformed);
    }
    let card = std::str::from_utf8(&bytes[12..12 + len]).map_err(|_| CardError::Malformed)?.to_owned();
    let sig: &[u8; 64] = bytes[12 + len..].try_into().map_err(|_| CardError::Malformed)?;
    let sig = Signature::from_bytes(sig).map_err(|_| CardError::Malformed)?;
    verify(key, tags::SIG_DELEGATE_CARD, &message(congress_id, &card), &sig).map_err(|_| CardError::Forged)?;
    Ok((congress_id, card))
}

/// The QR code as an SVG image (for the printable page).
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    Some(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(160, 160).quiet_zone(true).build())
}

pub use hallvote_protocol::qr::qr_png;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_verifies_and_a_changed_or_foreign_one_does_not() {
        let key = SigningKey::generate(&mut rand::rng());
        let pk = key.verifying_key();
        let text = qr_text(&key, 7, "QS15-001");
        assert_eq!(verify_qr(&pk, &format!("{text}\n")).unwrap(), (7, "QS15-001".to_owned()));
        // Another server's card.
        let other = SigningKey::generate(&mut rand::rng());
        assert_eq!(verify_qr(&other.verifying_key(), &text), Err(CardError::Forged));
        // Any byte of the payload changed: the congress, the card number, the signature.
        let payload = URL_SAFE_NO_PAD.decode(text.strip_prefix(PREFIX).unwrap()).unwrap();
        for i in 0..payload.len() {
            let mut p = payload.clone();
            p[i] ^= 1;
            let t = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(&p));
            assert!(verify_qr(&pk, &t).is_err(), "byte {i}");
        }
        assert_eq!(verify_qr(&pk, "QS15-001"), Err(CardError::Malformed));
        assert_eq!(verify_qr(&pk, "HVCARD1:!!!"), Err(CardError::Malformed));
    }

    #[test]
    fn images_are_made() {
        let key = SigningKey::generate(&mut rand::rng());
        let text = qr_text(&key, 1, "QS15-120");
        assert!(qr_svg(&text).unwrap().starts_with("<?xml"));
        let png = qr_png(&text, 4).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
}
