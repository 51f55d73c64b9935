//! The wire protocol between a hall station and the server (spec §15): station
//! kinds, the one-time enrolment token and the text of its QR code, and the
//! headers of a signed station request.
//!
//! Nothing here touches storage, the clock or the network: the time, the nonce
//! and the token's randomness are passed in. A station (the kiosk) needs exactly
//! this module to enrol and to sign its requests, and the server's
//! `station_auth` extractor checks requests with the same
//! [`station_request_message`], so the two cannot drift apart.

use core::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hallvote_crypto::CryptoRng;
use hallvote_crypto::sign::{self, SigningKey};
use hallvote_crypto::tags;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Length of an enrolment token (spec §15.2).
pub const TOKEN_LEN: usize = 16;
/// Length of a request nonce (spec §15.5.1).
pub const NONCE_LEN: usize = 16;
/// How long an enrolment token is valid after it is issued (spec §15.2).
pub const ENROLMENT_SECONDS: i64 = 15 * 60;
/// How far a request's timestamp may be from the server's clock (spec §15.5.3).
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 120;
/// The first characters of an enrolment QR text; the `1` is the format version (spec §15.3).
pub const QR_PREFIX: &str = "HVENROL1:";
/// The longest station name, in characters (spec §15.3).
pub const MAX_NAME_CHARS: usize = 60;
/// The longest server URL, in bytes (spec §15.3).
pub const MAX_URL_BYTES: usize = 200;

/// Header: the station's id, decimal (spec §15.5.1).
pub const STATION_HEADER: &str = "x-hallvote-station";
/// Header: the request's Unix time in seconds, decimal (spec §15.5.1).
pub const TIMESTAMP_HEADER: &str = "x-hallvote-timestamp";
/// Header: 16 random bytes, lowercase hex (spec §15.5.1).
pub const NONCE_HEADER: &str = "x-hallvote-nonce";
/// Header: the Ed25519 signature, lowercase hex (spec §15.5.1).
pub const SIGNATURE_HEADER: &str = "x-hallvote-signature";

/// What a hall station is for (spec §15.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StationKind {
    /// 报到处: checks delegates in and issues credentials.
    Desk,
    /// 投票机: shows ballots and casts them.
    Booth,
    /// 监票人: a scrutineer's machine for the key ceremony and the decryption.
    Scrutineer,
}

impl StationKind {
    /// Every kind.
    pub const ALL: [StationKind; 3] = [StationKind::Desk, StationKind::Booth, StationKind::Scrutineer];

    /// The name used in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            StationKind::Desk => "desk",
            StationKind::Booth => "booth",
            StationKind::Scrutineer => "scrutineer",
        }
    }

    /// The byte that stands for the kind in the QR payload (spec §15.3).
    pub fn code(self) -> u8 {
        match self {
            StationKind::Desk => 0,
            StationKind::Booth => 1,
            StationKind::Scrutineer => 2,
        }
    }

    /// The kind a QR payload byte stands for.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl fmt::Display for StationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StationKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or(())
    }
}

/// A one-time enrolment token: 16 random bytes (spec §15.2). It is a secret
/// until used: it zeroizes on drop and prints as `[redacted]`.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct EnrolmentToken([u8; TOKEN_LEN]);

impl EnrolmentToken {
    /// A fresh token.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = [0u8; TOKEN_LEN];
        rng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// The token with these bytes.
    pub fn from_bytes(bytes: [u8; TOKEN_LEN]) -> Self {
        Self(bytes)
    }

    /// Decodes the 32 lowercase hex digits of the JSON form (spec §15.4).
    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = strict_hex(text)?;
        Some(Self(bytes.try_into().ok()?))
    }

    /// The 32 lowercase hex digits of the JSON form.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The 16 bytes.
    pub fn as_bytes(&self) -> &[u8; TOKEN_LEN] {
        &self.0
    }

    /// What the server stores instead of the token: its SHA-256 (spec §15.2).
    pub fn stored_hash(&self) -> [u8; 32] {
        Sha256::digest(self.0).into()
    }
}

impl fmt::Debug for EnrolmentToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnrolmentToken([redacted])")
    }
}

/// What the enrolment QR code tells a new station (spec §15.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentPayload {
    /// Where the station reaches the server: `http://` or `https://` and an authority.
    pub server_url: String,
    /// The one-time token.
    pub token: EnrolmentToken,
    /// What the station will be.
    pub kind: StationKind,
    /// The station's name, as the organiser gave it.
    pub name: String,
    /// The fingerprint of the server's TLS certificate, `sha256:` and 64 lowercase
    /// hex digits; `None` while the server speaks plain HTTP.
    pub tls_fingerprint: Option<String>,
    /// The standby hall server's address, which the station tries when `server_url`
    /// does not answer (spec §15.3, §14.13); `None` for a hall with one server. It
    /// speaks with the same certificate, so one fingerprint pins both.
    pub standby_url: Option<String>,
}

/// An enrolment QR text, or one of its fields, that spec §15.3 does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// The text does not start with `HVENROL1:`.
    #[error("not a hallvote enrolment code (expected the prefix HVENROL1:)")]
    Prefix,
    /// The rest is not unpadded, canonical base64url.
    #[error("the enrolment code is not valid base64url")]
    Base64,
    /// The payload ends inside a field.
    #[error("the enrolment payload is truncated")]
    Truncated,
    /// Bytes follow the last field.
    #[error("the enrolment payload has trailing bytes")]
    TrailingBytes,
    /// The kind byte names no station kind.
    #[error("unknown station kind {0}")]
    UnknownKind(u8),
    /// A flag byte other than 0 or 1.
    #[error("flag byte {0} is neither 0 nor 1")]
    NotBool(u8),
    /// A text field is not UTF-8.
    #[error("a text field is not UTF-8")]
    NotUtf8,
    /// The name is empty, too long, padded with spaces or holds control characters.
    #[error("invalid station name")]
    Name,
    /// The server URL is not `http(s)://` and visible ASCII of at most 200 bytes.
    #[error("invalid server URL")]
    ServerUrl,
    /// The TLS fingerprint is not `sha256:` and 64 lowercase hex digits.
    #[error("invalid TLS fingerprint")]
    TlsFingerprint,
}

impl EnrolmentPayload {
    /// The QR text `HVENROL1:` ‖ base64url(payload) (spec §15.3); refuses fields
    /// the format does not allow, so that every text made here also decodes.
    pub fn to_qr_text(&self) -> Result<String, PayloadError> {
        self.check()?;
        let mut out = Vec::with_capacity(64 + self.server_url.len() + self.name.len());
        out.extend_from_slice(self.token.as_bytes());
        out.push(self.kind.code());
        put_str(&mut out, &self.server_url);
        put_str(&mut out, &self.name);
        match &self.tls_fingerprint {
            None => out.push(0),
            Some(fp) => {
                out.push(1);
                put_str(&mut out, fp);
            }
        }
        // An optional trailing field: absent (not a 0x00 flag) when there is no
        // standby, so that texts made before it existed decode unchanged.
        if let Some(url) = &self.standby_url {
            out.push(1);
            put_str(&mut out, url);
        }
        Ok(format!("{QR_PREFIX}{}", URL_SAFE_NO_PAD.encode(&out)))
    }

    /// Decodes a QR text strictly (spec §15.3).
    pub fn from_qr_text(text: &str) -> Result<Self, PayloadError> {
        let b64 = text.strip_prefix(QR_PREFIX).ok_or(PayloadError::Prefix)?;
        // The engine refuses padding and non-zero trailing bits, so each payload
        // has exactly one text.
        let bytes = URL_SAFE_NO_PAD.decode(b64).map_err(|_| PayloadError::Base64)?;
        let mut r = Reader(&bytes);
        let token = EnrolmentToken::from_bytes(r.array()?);
        let code = r.byte()?;
        let kind = StationKind::from_code(code).ok_or(PayloadError::UnknownKind(code))?;
        let server_url = r.str()?;
        let name = r.str()?;
        let tls_fingerprint = match r.byte()? {
            0 => None,
            1 => Some(r.str()?),
            other => return Err(PayloadError::NotBool(other)),
        };
        let standby_url = match r.0.first() {
            None => None,
            Some(1) => {
                r.byte()?;
                Some(r.str()?)
            }
            Some(_) => return Err(PayloadError::TrailingBytes),
        };
        if !r.0.is_empty() {
            return Err(PayloadError::TrailingBytes);
        }
        let payload = Self { server_url, token, kind, name, tls_fingerprint, standby_url };
        payload.check()?;
        Ok(payload)
    }

    fn check(&self) -> Result<(), PayloadError> {
        check_server_url(&self.server_url)?;
        check_name(&self.name)?;
        if let Some(url) = &self.standby_url {
            check_server_url(url)?;
            // One fingerprint pins both servers: both speak TLS, or neither does.
            if url.starts_with("https://") != self.server_url.starts_with("https://") || *url == self.server_url {
                return Err(PayloadError::ServerUrl);
            }
        }
        match &self.tls_fingerprint {
            Some(fp) => check_tls_fingerprint(fp),
            None => Ok(()),
        }
    }
}

/// A station name: 1–60 characters, no control characters, no leading or
/// trailing white space (spec §15.3).
pub fn check_name(name: &str) -> Result<(), PayloadError> {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS || name.trim() != name || name.chars().any(char::is_control) {
        return Err(PayloadError::Name);
    }
    Ok(())
}

/// A server URL: `http://` or `https://` followed by at least one byte, all
/// visible ASCII (`0x21`–`0x7e`), at most 200 bytes in all (spec §15.3).
pub fn check_server_url(url: &str) -> Result<(), PayloadError> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).ok_or(PayloadError::ServerUrl)?;
    if rest.is_empty() || url.len() > MAX_URL_BYTES || !url.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(PayloadError::ServerUrl);
    }
    Ok(())
}

/// A TLS fingerprint: `sha256:` and 64 lowercase hex digits (spec §15.3).
pub fn check_tls_fingerprint(fp: &str) -> Result<(), PayloadError> {
    match fp.strip_prefix("sha256:").and_then(strict_hex) {
        Some(bytes) if bytes.len() == 32 => Ok(()),
        _ => Err(PayloadError::TlsFingerprint),
    }
}

/// `str` of spec §11.1: `u32be(len) ‖ UTF-8`. Every caller has checked the
/// length (at most a few hundred bytes).
fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], PayloadError> {
        if self.0.len() < n {
            return Err(PayloadError::Truncated);
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, PayloadError> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], PayloadError> {
        self.take(N)?.try_into().map_err(|_| PayloadError::Truncated)
    }

    fn str(&mut self) -> Result<String, PayloadError> {
        let len = u32::from_be_bytes(self.array()?) as usize;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| PayloadError::NotUtf8)
    }
}

/// The message `m` a station signs for one request (spec §15.5.2):
///
/// `u64be(station_id) ‖ enc(method) ‖ enc(path_and_query) ‖ u64be(timestamp) ‖ enc(nonce) ‖ enc(SHA-256(body))`
///
/// with `enc(x) = u64be(len x) ‖ x`. It is signed under the tag
/// `hallvote/sig/station-request/v1` (spec §8.3).
pub fn station_request_message(
    station_id: u64,
    method: &Method,
    path_and_query: &str,
    timestamp: u64,
    nonce: &[u8; NONCE_LEN],
    body: &[u8],
) -> Vec<u8> {
    let digest: [u8; 32] = Sha256::digest(body).into();
    let mut m = Vec::with_capacity(8 + 8 + method.as_str().len() + 8 + path_and_query.len() + 8 + 24 + 40);
    m.extend_from_slice(&station_id.to_be_bytes());
    enc(&mut m, method.as_str().as_bytes());
    enc(&mut m, path_and_query.as_bytes());
    m.extend_from_slice(&timestamp.to_be_bytes());
    enc(&mut m, nonce);
    enc(&mut m, &digest);
    m
}

fn enc(out: &mut Vec<u8>, x: &[u8]) {
    out.extend_from_slice(&(x.len() as u64).to_be_bytes());
    out.extend_from_slice(x);
}

/// The four headers that authenticate one station request (spec §15.5.1): the
/// station side of the server's `SignedStationRequest` extractor.
///
/// `path_and_query` is the request target exactly as it will be sent (e.g.
/// `/api/stations/whoami`), `timestamp` the station's Unix time in seconds and
/// `nonce` 16 fresh random bytes; never reuse a nonce.
pub fn sign_request(
    key: &SigningKey,
    station_id: u64,
    method: &Method,
    path_and_query: &str,
    timestamp: u64,
    nonce: &[u8; NONCE_LEN],
    body: &[u8],
) -> Vec<(HeaderName, HeaderValue)> {
    let message = station_request_message(station_id, method, path_and_query, timestamp, nonce, body);
    let signature = sign::sign(key, tags::SIG_STATION_REQUEST, &message);
    vec![
        (HeaderName::from_static(STATION_HEADER), HeaderValue::from(station_id)),
        (HeaderName::from_static(TIMESTAMP_HEADER), HeaderValue::from(timestamp)),
        (HeaderName::from_static(NONCE_HEADER), hex_header(nonce)),
        (HeaderName::from_static(SIGNATURE_HEADER), hex_header(&signature.to_bytes())),
    ]
}

#[allow(clippy::expect_used)]
fn hex_header(bytes: &[u8]) -> HeaderValue {
    // Hex digits are visible ASCII, which is always a valid header value.
    HeaderValue::from_str(&hex::encode(bytes)).expect("hex is a valid header value")
}

/// The authentication headers of a station request, decoded (spec §15.5.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StationHeaders {
    /// The station's id.
    pub station_id: u64,
    /// Unix seconds, as the station's clock read them.
    pub timestamp: u64,
    /// The request's nonce.
    pub nonce: [u8; NONCE_LEN],
    /// The signature, 64 bytes (decoded per spec §8.2 by the verifier).
    pub signature: [u8; sign::SIGNATURE_LEN],
}

/// Station authentication headers that are absent or not of the form spec
/// §15.5.1 requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// None of the four headers is present: not a station request at all.
    #[error("no station authentication headers")]
    Absent,
    /// This header is missing while others are present.
    #[error("header {0} is missing")]
    Missing(&'static str),
    /// This header is present more than once, or is not of the required form.
    #[error("header {0} is malformed")]
    Malformed(&'static str),
}

impl StationHeaders {
    /// Decodes the four headers strictly: decimal without sign or leading zeros
    /// (the station id at least 1), lowercase hex of exactly the right length.
    pub fn parse(headers: &HeaderMap) -> Result<Self, HeaderError> {
        const ALL: [&str; 4] = [STATION_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER];
        if ALL.iter().all(|h| !headers.contains_key(*h)) {
            return Err(HeaderError::Absent);
        }
        let station_id = decimal(one(headers, STATION_HEADER)?)
            .filter(|id| *id >= 1)
            .ok_or(HeaderError::Malformed(STATION_HEADER))?;
        let timestamp = decimal(one(headers, TIMESTAMP_HEADER)?).ok_or(HeaderError::Malformed(TIMESTAMP_HEADER))?;
        let nonce = strict_hex(one(headers, NONCE_HEADER)?)
            .and_then(|b| b.try_into().ok())
            .ok_or(HeaderError::Malformed(NONCE_HEADER))?;
        let signature = strict_hex(one(headers, SIGNATURE_HEADER)?)
            .and_then(|b| b.try_into().ok())
            .ok_or(HeaderError::Malformed(SIGNATURE_HEADER))?;
        Ok(Self { station_id, timestamp, nonce, signature })
    }
}

fn one<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, HeaderError> {
    let mut values = headers.get_all(name).iter();
    let value = values.next().ok_or(HeaderError::Missing(name))?;
    if values.next().is_some() {
        return Err(HeaderError::Malformed(name));
    }
    value.to_str().map_err(|_| HeaderError::Malformed(name))
}

/// A u64 in canonical decimal: 1–20 digits, no sign, no leading zero.
fn decimal(s: &str) -> Option<u64> {
    let canonical = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if canonical { s.parse().ok() } else { None }
}

/// Lowercase hex only (the `hex` crate alone would accept upper case too).
fn strict_hex(s: &str) -> Option<Vec<u8>> {
    if s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) { hex::decode(s).ok() } else { None }
}

#[cfg(test)]
mod tests;
