#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use hallvote_crypto::sign::{Signature, VerifyingKey};

fn payload() -> EnrolmentPayload {
    EnrolmentPayload {
        server_url: "http://192.168.1.10:8080".into(),
        token: EnrolmentToken::from_bytes(*b"0123456789abcdef"),
        kind: StationKind::Booth,
        name: "3号投票机".into(),
        tls_fingerprint: None,
        standby_url: None,
    }
}

#[test]
fn a_standby_address_is_an_optional_trailing_field() {
    let old = payload().to_qr_text().unwrap();
    let with = EnrolmentPayload { standby_url: Some("http://192.168.1.11:8080".into()), ..payload() };
    let text = with.to_qr_text().unwrap();
    assert_eq!(EnrolmentPayload::from_qr_text(&text).unwrap(), with);
    // The text without it is the text of before, byte for byte, and still decodes.
    assert!(raw(&text).starts_with(&raw(&old)));
    assert_eq!(EnrolmentPayload::from_qr_text(&old).unwrap().standby_url, None);
    // No standby is written as nothing, never as a 0x00 flag: one text per payload.
    let mut zero = raw(&old);
    zero.push(0);
    assert_eq!(EnrolmentPayload::from_qr_text(&text_of(&zero)), Err(PayloadError::TrailingBytes));
    let mut cut = raw(&text);
    cut.pop();
    assert_eq!(EnrolmentPayload::from_qr_text(&text_of(&cut)), Err(PayloadError::Truncated));
    // One fingerprint pins both: a standby of another scheme, or the same address, is refused.
    let tls = Some(format!("sha256:{}", "ab".repeat(32)));
    for (url, fp) in [("https://192.168.1.11:8443", None), ("http://192.168.1.11:8080", tls.clone())] {
        let server_url = if fp.is_some() { "https://192.168.1.10:8443" } else { "http://192.168.1.10:8080" };
        let bad = EnrolmentPayload {
            server_url: server_url.into(),
            tls_fingerprint: fp,
            standby_url: Some(url.into()),
            ..payload()
        };
        assert_eq!(bad.to_qr_text(), Err(PayloadError::ServerUrl), "{url}");
    }
    let same = EnrolmentPayload { standby_url: Some(payload().server_url), ..payload() };
    assert_eq!(same.to_qr_text(), Err(PayloadError::ServerUrl));
    let both_tls = EnrolmentPayload {
        server_url: "https://192.168.1.10:8443".into(),
        tls_fingerprint: tls,
        standby_url: Some("https://192.168.1.11:8443".into()),
        ..payload()
    };
    assert_eq!(EnrolmentPayload::from_qr_text(&both_tls.to_qr_text().unwrap()).unwrap(), both_tls);
}

#[test]
fn qr_text_round_trips() {
    let p = payload();
    let text = p.to_qr_text().unwrap();
    assert!(text.starts_with("HVENROL1:"));
    assert_eq!(EnrolmentPayload::from_qr_text(&text).unwrap(), p);
    let with_tls = EnrolmentPayload { tls_fingerprint: Some(format!("sha256:{}", "ab".repeat(32))), ..payload() };
    let text = with_tls.to_qr_text().unwrap();
    assert_eq!(EnrolmentPayload::from_qr_text(&text).unwrap(), with_tls);
}

fn raw(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text.strip_prefix(QR_PREFIX).unwrap()).unwrap()
}

fn text_of(bytes: &[u8]) -> String {
    format!("{QR_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[test]
fn qr_text_is_decoded_strictly() {
    let good = payload().to_qr_text().unwrap();
    let bytes = raw(&good);
    let decode = |b: &[u8]| EnrolmentPayload::from_qr_text(&text_of(b));
    assert_eq!(EnrolmentPayload::from_qr_text(&good.replace("HVENROL1", "HVENROL2")), Err(PayloadError::Prefix));
    assert_eq!(EnrolmentPayload::from_qr_text(&format!("{good}=")), Err(PayloadError::Base64));
    // The standard alphabet's `+` and `/` are not base64url.
    let mut plus = good.clone();
    plus.pop();
    assert_eq!(EnrolmentPayload::from_qr_text(&format!("{plus}+")), Err(PayloadError::Base64));
    // Non-zero unused bits in the last character: another text for the same bytes.
    let odd = EnrolmentPayload { name: "3号投票机a".into(), ..payload() }.to_qr_text().unwrap();
    assert_eq!(raw(&odd).len() % 3, 1, "four unused bits in the last character");
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut malleated = odd.clone();
    let last = malleated.pop().unwrap();
    let value = ALPHABET.find(last).unwrap();
    assert_eq!(value % 16, 0);
    malleated.push(ALPHABET.as_bytes()[value + 1] as char);
    assert_eq!(EnrolmentPayload::from_qr_text(&malleated), Err(PayloadError::Base64));
    // A single character in the last group encodes no whole byte.
    assert_eq!((good.len() - QR_PREFIX.len()) % 4, 0);
    assert_eq!(EnrolmentPayload::from_qr_text(&format!("{good}A")), Err(PayloadError::Base64));
    // Every truncation is refused.
    for n in 0..bytes.len() {
        assert_eq!(decode(&bytes[..n]), Err(PayloadError::Truncated), "cut at {n}");
    }
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert_eq!(decode(&trailing), Err(PayloadError::TrailingBytes));
    let mut kind = bytes.clone();
    kind[16] = 3;
    assert_eq!(decode(&kind), Err(PayloadError::UnknownKind(3)));
    let mut flag = bytes.clone();
    *flag.last_mut().unwrap() = 2;
    assert_eq!(decode(&flag), Err(PayloadError::NotBool(2)));
    // The name "3号投票机" starts after token, kind and the URL (4 + 24 bytes) and its length.
    let name_at = 16 + 1 + 4 + 24 + 4;
    assert_eq!(bytes[name_at], b'3');
    let mut utf8 = bytes.clone();
    utf8[name_at + 1] = 0xff;
    assert_eq!(decode(&utf8), Err(PayloadError::NotUtf8));
    let mut control = bytes.clone();
    control[name_at] = b'\n';
    assert_eq!(decode(&control), Err(PayloadError::Name));
    let mut scheme = bytes.clone();
    scheme[16 + 1 + 4] = b'f'; // "ftp…" is not http
    assert_eq!(decode(&scheme), Err(PayloadError::ServerUrl));
}

#[test]
fn fields_are_checked_when_encoding() {
    let long = EnrolmentPayload { name: "名".repeat(61), ..payload() };
    assert_eq!(long.to_qr_text(), Err(PayloadError::Name));
    assert!(EnrolmentPayload { name: "名".repeat(60), ..payload() }.to_qr_text().is_ok());
    for name in ["", " 1号", "1号 ", "a\tb"] {
        assert_eq!(check_name(name), Err(PayloadError::Name), "{name:?}");
    }
    for url in ["http://", "ftp://x", "http://a b", "HTTP://x", &format!("http://{}", "a".repeat(194))] {
        assert_eq!(check_server_url(url), Err(PayloadError::ServerUrl), "{url:?}");
    }
    assert!(check_server_url(&format!("http://{}", "a".repeat(193))).is_ok());
    assert!(check_server_url("https://[fe80::1]:8443").is_ok());
    for fp in ["", "sha256:", &format!("sha256:{}", "AB".repeat(32)), &format!("sha1:{}", "ab".repeat(32))] {
        assert_eq!(check_tls_fingerprint(fp), Err(PayloadError::TlsFingerprint), "{fp:?}");
    }
}

#[test]
fn tokens_are_secret_and_decoded_strictly() {
    let token = EnrolmentToken::from_bytes([0xab; TOKEN_LEN]);
    assert_eq!(format!("{token:?}"), "EnrolmentToken([redacted])");
    assert_eq!(EnrolmentToken::from_hex(&token.to_hex()), Some(token.clone()));
    assert_eq!(EnrolmentToken::from_hex(&token.to_hex().to_uppercase()), None);
    assert_eq!(EnrolmentToken::from_hex(&"ab".repeat(15)), None);
    assert_eq!(EnrolmentToken::from_hex(&"ab".repeat(17)), None);
    let a = EnrolmentToken::generate(&mut rand::rng());
    let b = EnrolmentToken::generate(&mut rand::rng());
    assert_ne!(a, b);
}

/// The example of spec §15.3.
#[test]
fn qr_text_known_answer() {
    let p = EnrolmentPayload {
        server_url: "http://10.0.0.2:8080".into(),
        token: EnrolmentToken::from_bytes(core::array::from_fn(|i| i as u8)),
        kind: StationKind::Desk,
        name: "报到1".into(),
        tls_fingerprint: None,
        standby_url: None,
    };
    assert_eq!(p.to_qr_text().unwrap(), QR_EXAMPLE);
    let with = EnrolmentPayload { standby_url: Some("http://10.0.0.3:8080".into()), ..p };
    assert_eq!(with.to_qr_text().unwrap(), QR_EXAMPLE_STANDBY);
}

/// The example of spec §15.3 with the standby `http://10.0.0.3:8080`, checked likewise.
const QR_EXAMPLE_STANDBY: &str =
    "HVENROL1:AAECAwQFBgcICQoLDA0ODwAAAAAUaHR0cDovLzEwLjAuMC4yOjgwODAAAAAH5oql5YiwMQABAAAAFGh0dHA6Ly8xMC4wLjAuMzo4MDgw";

/// Computed by this implementation and checked with Python's `base64` and
/// `struct` (spec §15.3 gives the bytes).
const QR_EXAMPLE: &str = "HVENROL1:AAECAwQFBgcICQoLDA0ODwAAAAAUaHR0cDovLzEwLjAuMC4yOjgwODAAAAAH5oql5YiwMQA";

/// The example of spec §15.5.4: seed 07 × 32, station 3, `POST /api/x?y=1`,
/// time 1700000000, nonce 00 01 … 0f, body `{"a":1}`.
#[test]
fn request_signature_known_answer() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let nonce: [u8; NONCE_LEN] = core::array::from_fn(|i| i as u8);
    let m = station_request_message(3, &Method::POST, "/api/x?y=1", 1_700_000_000, &nonce, br#"{"a":1}"#);
    assert_eq!(hex::encode(&m), MESSAGE_EXAMPLE);
    let headers = sign_request(&key, 3, &Method::POST, "/api/x?y=1", 1_700_000_000, &nonce, br#"{"a":1}"#);
    let get = |name: &str| headers.iter().find(|(n, _)| n == name).unwrap().1.to_str().unwrap().to_owned();
    assert_eq!(get(STATION_HEADER), "3");
    assert_eq!(get(TIMESTAMP_HEADER), "1700000000");
    assert_eq!(get(NONCE_HEADER), "000102030405060708090a0b0c0d0e0f");
    assert_eq!(get(SIGNATURE_HEADER), SIGNATURE_EXAMPLE);
    // The signature verifies under the station-request tag only.
    let sig = Signature::decode(&hex::decode(SIGNATURE_EXAMPLE).unwrap()).unwrap();
    let vk: VerifyingKey = key.verifying_key();
    assert!(sign::verify(&vk, tags::SIG_STATION_REQUEST, &m, &sig).is_ok());
    assert!(sign::verify(&vk, tags::SIG_RECEIPT, &m, &sig).is_err());
}

/// Computed by this implementation; checked independently with Python's
/// `hashlib` and `cryptography` (Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)).
const MESSAGE_EXAMPLE: &str = concat!(
    "0000000000000003",
    "0000000000000004504f5354",
    "000000000000000a2f6170692f783f793d31",
    "000000006553f100",
    "0000000000000010000102030405060708090a0b0c0d0e0f",
    "0000000000000020015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
);
const SIGNATURE_EXAMPLE: &str = concat!(
    "5699f4cbc73a566f412b27e3fd7b5286beeb61f46b6c6f7abbd63063664adcaa",
    "c0d7afa5bd9c6b604ddd7fe73f27ebe47df40dda3f9fd809160b89c737c5140f",
);

#[test]
fn every_field_of_the_request_is_signed() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let vk = key.verifying_key();
    let nonce = [1u8; NONCE_LEN];
    let base = station_request_message(3, &Method::POST, "/a", 10, &nonce, b"body");
    let headers = sign_request(&key, 3, &Method::POST, "/a", 10, &nonce, b"body");
    let sig_hex = headers.iter().find(|(n, _)| n == SIGNATURE_HEADER).unwrap().1.to_str().unwrap().to_owned();
    let sig = Signature::decode(&hex::decode(sig_hex).unwrap()).unwrap();
    assert!(sign::verify(&vk, tags::SIG_STATION_REQUEST, &base, &sig).is_ok());
    let variants = [
        station_request_message(4, &Method::POST, "/a", 10, &nonce, b"body"),
        station_request_message(3, &Method::PUT, "/a", 10, &nonce, b"body"),
        station_request_message(3, &Method::POST, "/a?", 10, &nonce, b"body"),
        station_request_message(3, &Method::POST, "/a", 11, &nonce, b"body"),
        station_request_message(3, &Method::POST, "/a", 10, &[2; NONCE_LEN], b"body"),
        station_request_message(3, &Method::POST, "/a", 10, &nonce, b"bodY"),
    ];
    for m in &variants {
        assert_ne!(m, &base);
        assert!(sign::verify(&vk, tags::SIG_STATION_REQUEST, m, &sig).is_err());
    }
}

fn header_map(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

#[test]
fn headers_are_parsed_strictly() {
    let sig = "00".repeat(64);
    let nonce = "0f".repeat(16);
    let good =
        [(STATION_HEADER, "12"), (TIMESTAMP_HEADER, "1700000000"), (NONCE_HEADER, &nonce), (SIGNATURE_HEADER, &sig)];
    let parsed = StationHeaders::parse(&header_map(&good)).unwrap();
    assert_eq!((parsed.station_id, parsed.timestamp, parsed.nonce), (12, 1_700_000_000, [0x0f; 16]));
    assert_eq!(StationHeaders::parse(&HeaderMap::new()), Err(HeaderError::Absent));
    assert_eq!(StationHeaders::parse(&header_map(&good[1..])), Err(HeaderError::Missing(STATION_HEADER)));
    let upper = nonce.to_uppercase();
    let short = "0f".repeat(15);
    let bad_values: [(&'static str, &str); 9] = [
        (STATION_HEADER, "0"),
        (STATION_HEADER, "012"),
        (STATION_HEADER, "+12"),
        (STATION_HEADER, "-1"),
        (TIMESTAMP_HEADER, "18446744073709551616"),
        (TIMESTAMP_HEADER, " 17"),
        (NONCE_HEADER, &upper),
        (NONCE_HEADER, &short),
        (SIGNATURE_HEADER, "00"),
    ];
    for (name, value) in bad_values {
        let pairs: Vec<_> = good.iter().map(|&(k, v)| if k == name { (k, value) } else { (k, v) }).collect();
        assert_eq!(StationHeaders::parse(&header_map(&pairs)), Err(HeaderError::Malformed(name)), "{name}: {value}");
    }
    let mut twice = good.to_vec();
    twice.push((NONCE_HEADER, &nonce));
    assert_eq!(StationHeaders::parse(&header_map(&twice)), Err(HeaderError::Malformed(NONCE_HEADER)));
}
