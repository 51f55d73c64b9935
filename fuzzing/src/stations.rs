//! What hall stations and desks read: a station request's authentication
//! headers (spec §15.5.1), the enrolment QR text (§15.3), a ballot credential's
//! QR text (§15.7) and a delegate card's QR text (§16).

use hallvote_crypto::sign::SigningKey;
use hallvote_kiosk::credential_text::CredentialText;
use hallvote_protocol::stations::{
    EnrolmentPayload, NONCE_HEADER, SIGNATURE_HEADER, STATION_HEADER, StationHeaders, TIMESTAMP_HEADER,
};
use hallvote_server::cards;
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::Input;

/// The header names the station-header target draws from: the four of spec
/// §15.5.1 and one unrelated.
pub const HEADER_NAMES: [&str; 5] = [STATION_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER, "x-other"];

/// The headers of a request as the fuzz input spells them: lines of one name
/// byte (an index into [`HEADER_NAMES`]) and the value's bytes.
pub fn headers_from(data: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for line in data.split(|b| *b == b'\n') {
        let mut input = Input(line);
        let Some(name) = input.byte() else { continue };
        let name = HEADER_NAMES[usize::from(name) % HEADER_NAMES.len()];
        if let Ok(value) = HeaderValue::from_bytes(input.rest()) {
            headers.append(HeaderName::from_static(name), value);
        }
    }
    headers
}

/// The fuzz input of [`station_headers`] for these headers (the seed corpus).
pub fn headers_to(headers: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in headers {
        if !out.is_empty() {
            out.push(b'\n');
        }
        out.push(HEADER_NAMES.iter().position(|n| n == name).unwrap_or(4) as u8);
        out.extend_from_slice(value);
    }
    out
}

/// A station request's authentication headers are read strictly: each present
/// once, in its one canonical form (decimal without sign or leading zeros,
/// lowercase hex of the exact length), so what parses is what prints.
pub fn station_headers(data: &[u8]) {
    let headers = headers_from(data);
    let Ok(parsed) = StationHeaders::parse(&headers) else { return };
    assert!(parsed.station_id >= 1, "station ids start at 1");
    let one = |name: &str| {
        let mut values = headers.get_all(name).iter();
        let value = values.next().expect("a parsed header is present");
        assert!(values.next().is_none(), "a parsed header is present once");
        value.as_bytes().to_vec()
    };
    assert_eq!(one(STATION_HEADER), parsed.station_id.to_string().into_bytes());
    assert_eq!(one(TIMESTAMP_HEADER), parsed.timestamp.to_string().into_bytes());
    assert_eq!(one(NONCE_HEADER), hex(&parsed.nonce).into_bytes());
    assert_eq!(one(SIGNATURE_HEADER), hex(&parsed.signature).into_bytes());
}

/// The enrolment QR text `HVENROL1:…`: what decodes is the one text its payload
/// encodes to (spec §15.3: unpadded, canonical base64url, no trailing bytes).
pub fn enrolment_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(payload) = EnrolmentPayload::from_qr_text(text) {
        assert_eq!(payload.to_qr_text().as_deref(), Ok(text), "an enrolment text has one form");
    }
}

/// A ballot credential's QR text `HVCRED1:<poll>:…`: what decodes, with the
/// scanner's surrounding white space taken off, is the one text it encodes to.
pub fn credential_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(c) = CredentialText::decode(text) {
        assert!(c.poll >= 1, "poll numbers start at 1");
        assert_eq!(CredentialText::encode(c.poll, &c.credential), text.trim(), "a credential text has one form");
    }
}

/// The key the delegate-card seeds are signed with.
pub fn card_key() -> SigningKey {
    SigningKey::from_bytes(&[9; 32])
}

/// A delegate card's QR text `HVCARD1:…`, checked against [`card_key`]: a card
/// that verifies is the one text the server makes for it (no second encoding of
/// a card passes).
pub fn card_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let key = card_key();
    if let Ok((congress, card)) = cards::verify_qr(&key.verifying_key(), text) {
        assert_eq!(cards::qr_text(&key, congress, &card), text.trim(), "a card has one text");
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
