//! One-time ballot credentials: RFC 9474 blind RSA signatures (spec §6).
//!
//! Each poll has its own RSA key ([`CredentialSecretKey`], spec §6.1). To issue a
//! credential, the desk makes a random [`Token`] and [`blind`]s the message that
//! names the poll and the token (spec §6.2); the server checks the delegate's
//! eligibility and answers the [`BlindRequest`] with [`sign_blinded`]; the desk
//! [`finalize`]s the answer into a [`Credential`]. The booth presents the
//! credential with the ballot; the server and anyone reading the election
//! record [`Credential::verify`] it against the poll's [`CredentialPublicKey`],
//! and the server spends its [`Credential::serial`] once (spec §6.5).
//!
//! The variant is RSABSSA-SHA384-PSS-Randomized (RFC 9474 §5): SHA-384, MGF1
//! with SHA-384, a 48-byte PSS salt and a 32-byte random message prefix. The
//! signer sees only the blinded message, which is uniformly distributed and
//! independent of the token, so it cannot tell which delegate a credential was
//! issued to (spec §6.6). The RSA arithmetic is the `blind-rsa-signatures`
//! crate's; this module fixes the variant, the message, the encodings and the
//! checks around it (docs/adr/0002-blind-rsa-signatures.md).

use core::fmt;

use blind_rsa_signatures::{
    BlindMessage, BlindSignature as RawBlindSignature, BlindingResult, MessageRandomizer, Secret,
    Signature as RawSignature,
};
use subtle::ConstantTimeEq;
use thiserror::Error;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

mod key;

pub use key::{CredentialPublicKey, CredentialSecretKey, KeyError};

use crate::error::{DecodeError, VerifyError};
use crate::hash::Hasher;
use crate::{CryptoRng, tags};

/// Modulus size of a new poll key unless the caller asks for another (spec §6.1).
pub const DEFAULT_MODULUS_BITS: usize = 2048;
/// Smallest modulus accepted, in bits (spec §6.1).
pub const MIN_MODULUS_BITS: usize = 2048;
/// Largest modulus accepted, in bits (spec §6.1).
pub const MAX_MODULUS_BITS: usize = 4096;
/// The only public exponent accepted (spec §6.1).
pub const PUBLIC_EXPONENT: u32 = 65537;
/// Length of a poll identifier (spec §6.2).
pub const POLL_ID_LEN: usize = 32;
/// Length of a token (spec §6.2).
pub const TOKEN_LEN: usize = 32;
/// Length of the RFC 9474 message randomizer, `msg_prefix` (spec §6.3).
pub const RANDOMIZER_LEN: usize = 32;
/// PSS salt length of the variant, the SHA-384 output length (spec §6.3).
pub const SALT_LEN: usize = 48;
/// Length of a credential serial (spec §6.5).
pub const SERIAL_LEN: usize = 32;
/// The version byte that starts an encoded credential (spec §6.4).
pub const CREDENTIAL_VERSION: u8 = 1;

/// Bytes of an encoded credential before the signature (spec §6.4).
const CREDENTIAL_HEADER_LEN: usize = 1 + TOKEN_LEN + RANDOMIZER_LEN + 2;
const MIN_MODULUS_LEN: usize = MIN_MODULUS_BITS / 8;
const MAX_MODULUS_LEN: usize = MAX_MODULUS_BITS / 8;

/// A step of issuing a credential failed (spec §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// The blinded message is not exactly as long as the modulus.
    #[error("blinded message has {actual} bytes; this key needs {expected}")]
    BlindedMessageLength {
        /// The modulus length in bytes.
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// The blinded message, read as an integer, is not below the modulus.
    #[error("blinded message is not below the RSA modulus")]
    BlindedMessageOutOfRange,
    /// The blinded message is 0, 1 or n − 1, whose signature is itself: no desk
    /// that blinds as RFC 9474 does sends one, and signing it would spend a
    /// delegate's credential on nothing.
    #[error("blinded message is 0, 1 or n − 1")]
    BlindedMessageDegenerate,
    /// The blind signature is not exactly as long as the modulus.
    #[error("blind signature has {actual} bytes; this key needs {expected}")]
    BlindSignatureLength {
        /// The modulus length in bytes.
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// The unblinded signature does not verify: the answer came from another
    /// key, or the signer is faulty.
    #[error("the blind signature does not unblind to a valid signature")]
    InvalidBlindSignature,
    /// Blinding failed (the encoded message shares a factor with the modulus).
    #[error("blinding failed")]
    Blinding,
    /// The RSA signing operation failed.
    #[error("RSA signing failed")]
    Signing,
}

/// The random value a credential is made from (spec §6.2).
///
/// Whoever holds a token with its signature can cast one ballot, so a token is
/// treated as a secret until it is spent: zeroized on drop, printed as
/// `[redacted]`, compared in constant time.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Token([u8; TOKEN_LEN]);

impl Token {
    /// Draws a fresh token: 32 uniformly random bytes.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = [0u8; TOKEN_LEN];
        rng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Wraps 32 bytes as a token.
    pub fn from_bytes(bytes: [u8; TOKEN_LEN]) -> Self {
        Self(bytes)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; TOKEN_LEN] {
        &self.0
    }
}

impl PartialEq for Token {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for Token {}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token([redacted])")
    }
}

/// The message a credential signs (spec §6.2):
/// `enc("hallvote/credential/v1") ‖ enc(poll_id) ‖ enc(token)`, where
/// `enc(x) = u64be(len x) ‖ x`. It is 110 bytes long.
pub fn message(poll_id: &[u8; POLL_ID_LEN], token: &Token) -> Vec<u8> {
    let mut msg = Vec::with_capacity(3 * 8 + tags::CREDENTIAL.len() + POLL_ID_LEN + TOKEN_LEN);
    for part in [tags::CREDENTIAL.as_bytes(), poll_id, token.as_bytes()] {
        msg.extend_from_slice(&(part.len() as u64).to_be_bytes());
        msg.extend_from_slice(part);
    }
    msg
}

/// What the desk sends to the server: the blinded message (spec §6.3).
///
/// Public: it is uniformly distributed modulo `n` whatever the token.
#[derive(Clone, PartialEq, Eq)]
pub struct BlindRequest(Vec<u8>);

impl BlindRequest {
    /// Wraps received bytes. Only the length bounds of any credential key are
    /// checked here; [`sign_blinded`] checks them against the poll's key.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        check_rsa_len(bytes, "blinded message length")?;
        Ok(Self(bytes.to_vec()))
    }

    /// The blinded message, big-endian, as long as the modulus.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for BlindRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlindRequest({} bytes)", self.0.len())
    }
}

/// What the server answers: the blind signature (spec §6.3).
#[derive(Clone, PartialEq, Eq)]
pub struct BlindSignature(Vec<u8>);

impl BlindSignature {
    /// Wraps received bytes. Only the length bounds of any credential key are
    /// checked here; [`finalize`] checks them against the poll's key.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        check_rsa_len(bytes, "blind signature length")?;
        Ok(Self(bytes.to_vec()))
    }

    /// The blind signature, big-endian, as long as the modulus.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for BlindSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlindSignature({} bytes)", self.0.len())
    }
}

/// What the desk keeps between [`blind`] and [`finalize`] (spec §6.3): the
/// poll, the token, the message randomizer and the unblinding factor `inv`.
///
/// Anyone who sees it can link the credential to the request, so it is
/// zeroized on drop, printed as `[redacted]`, not `Clone` and not `Serialize`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct BlindingState {
    poll_id: [u8; POLL_ID_LEN],
    token: Token,
    msg_randomizer: [u8; RANDOMIZER_LEN],
    /// `inv = r⁻¹ mod n`, big-endian, as long as the modulus.
    inv: Vec<u8>,
}

impl fmt::Debug for BlindingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BlindingState([redacted])")
    }
}

/// Desk, step 1 (spec §6.3): draws a token and blinds the credential message
/// for `poll_id` under the poll's key (RFC 9474 §4.1 Prepare with a random
/// 32-byte prefix, then §4.2 Blind with a random 48-byte salt).
///
/// Send the [`BlindRequest`] to the server; keep the [`BlindingState`].
pub fn blind<R: CryptoRng + ?Sized>(
    pk: &CredentialPublicKey,
    poll_id: &[u8; POLL_ID_LEN],
    rng: &mut R,
) -> Result<(BlindRequest, BlindingState), CredentialError> {
    let token = Token::generate(rng);
    // The message holds the token: wiped like it.
    let msg = Zeroizing::new(message(poll_id, &token));
    let mut raw = pk.inner.blind(rng, &msg).map_err(|_| CredentialError::Blinding)?;
    let msg_randomizer = raw.msg_randomizer.ok_or(CredentialError::Blinding)?;
    let state = BlindingState {
        poll_id: *poll_id,
        token,
        msg_randomizer: msg_randomizer.0,
        inv: core::mem::take(&mut raw.secret.0),
    };
    let request = BlindRequest(core::mem::take(&mut raw.blind_message.0));
    Ok((request, state))
}

/// Server, step 2 (spec §6.3, RFC 9474 §4.3 BlindSign): signs a blinded message
/// with the poll's key.
///
/// The caller has already checked that the delegate is eligible and has not
/// been issued a credential for this poll. The message must be exactly as long
/// as the modulus and, read as a big-endian integer, below it. `rng` blinds the
/// RSA private-key operation against timing attacks; the result is
/// deterministic.
pub fn sign_blinded<R: CryptoRng + ?Sized>(
    sk: &CredentialSecretKey,
    request: &BlindRequest,
    rng: &mut R,
) -> Result<BlindSignature, CredentialError> {
    let modulus = &sk.public.modulus;
    let blinded = request.as_bytes();
    if blinded.len() != modulus.len() {
        return Err(CredentialError::BlindedMessageLength { expected: modulus.len(), actual: blinded.len() });
    }
    // Both are big-endian and of equal length, so byte order is numeric order.
    // Variable time is fine: the blinded message and the modulus are public.
    if blinded >= modulus.as_slice() {
        return Err(CredentialError::BlindedMessageOutOfRange);
    }
    let (last, rest) = blinded.split_last().unwrap_or((&0, &[]));
    let small = rest.iter().all(|b| *b == 0) && *last <= 1;
    // n − 1: equal to the modulus but for its last byte, one less (n is odd).
    let minus_one = blinded.len() == modulus.len()
        && blinded[..blinded.len() - 1] == modulus[..modulus.len() - 1]
        && modulus.last().is_some_and(|m| m.checked_sub(1) == blinded.last().copied());
    if small || minus_one {
        return Err(CredentialError::BlindedMessageDegenerate);
    }
    let raw = sk.inner.blind_sign_with_rng(rng, blinded).map_err(|_| CredentialError::Signing)?;
    Ok(BlindSignature(raw.0))
}

/// Desk, step 3 (spec §6.3, RFC 9474 §4.4 Finalize): unblinds the server's
/// answer and checks that the result is a valid signature under `pk`.
pub fn finalize(
    pk: &CredentialPublicKey,
    state: BlindingState,
    blind_sig: &BlindSignature,
) -> Result<Credential, CredentialError> {
    if blind_sig.0.len() != pk.modulus_len() {
        return Err(CredentialError::BlindSignatureLength { expected: pk.modulus_len(), actual: blind_sig.0.len() });
    }
    let msg = Zeroizing::new(message(&state.poll_id, &state.token));
    let mut raw_state = BlindingResult {
        blind_message: BlindMessage(Vec::new()),
        secret: Secret(state.inv.clone()),
        msg_randomizer: Some(MessageRandomizer(state.msg_randomizer)),
    };
    let result = pk.inner.finalize(&RawBlindSignature(blind_sig.0.clone()), &raw_state, &msg);
    raw_state.secret.0.zeroize();
    // The crate fails with `VerificationFailed` when the unblinded signature
    // does not verify; lengths were checked above, so every failure means that.
    let signature = result.map_err(|_| CredentialError::InvalidBlindSignature)?.0;
    Ok(Credential { token: state.token.clone(), msg_randomizer: state.msg_randomizer, signature })
}

/// A one-time ballot credential: a token and its RFC 9474 signature (spec §6.4).
///
/// A credential in memory is well formed (it came from [`finalize`] or
/// [`Credential::from_bytes`]) but not necessarily valid: call
/// [`Credential::verify`] against the poll's key.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    token: Token,
    msg_randomizer: [u8; RANDOMIZER_LEN],
    signature: Vec<u8>,
}

impl Credential {
    /// Checks the credential for the poll `poll_id` under the poll's key (spec
    /// §6.5): an RSASSA-PSS signature (SHA-384, MGF1-SHA-384, salt length 48) on
    /// `msg_randomizer ‖ message(poll_id, token)`.
    pub fn verify(&self, pk: &CredentialPublicKey, poll_id: &[u8; POLL_ID_LEN]) -> Result<(), VerifyError> {
        if self.signature.len() != pk.modulus_len() {
            return Err(VerifyError::Signature);
        }
        let msg = Zeroizing::new(message(poll_id, &self.token));
        pk.inner
            .verify(&RawSignature(self.signature.clone()), Some(MessageRandomizer(self.msg_randomizer)), &msg)
            .map_err(|_| VerifyError::Signature)
    }

    /// The key under which the server records the credential as spent (spec
    /// §6.5): the first 32 bytes of `H("hallvote/credential/serial/v1", token)`.
    ///
    /// It depends on the token alone, never on the randomizer or the
    /// signature, so no other signature on the same token can be spent again.
    pub fn serial(&self) -> [u8; SERIAL_LEN] {
        let mut hasher = Hasher::new(tags::CREDENTIAL_SERIAL);
        hasher.bytes(self.token.as_bytes());
        let digest = hasher.finalize();
        let mut serial = [0u8; SERIAL_LEN];
        serial.copy_from_slice(&digest[..SERIAL_LEN]);
        serial
    }

    /// The token.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The RFC 9474 message randomizer (`msg_prefix`).
    pub fn msg_randomizer(&self) -> &[u8; RANDOMIZER_LEN] {
        &self.msg_randomizer
    }

    /// The signature, big-endian, as long as the modulus.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The canonical encoding (spec §6.4):
    /// `0x01 ‖ token (32) ‖ msg_randomizer (32) ‖ u16be(len sig) ‖ sig`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(CREDENTIAL_HEADER_LEN + self.signature.len());
        out.push(CREDENTIAL_VERSION);
        out.extend_from_slice(self.token.as_bytes());
        out.extend_from_slice(&self.msg_randomizer);
        // The signature length is at most 512 bytes, checked on construction.
        out.extend_from_slice(&(self.signature.len() as u16).to_be_bytes());
        out.extend_from_slice(&self.signature);
        out
    }

    /// Decodes the canonical encoding (spec §6.4): version 1, a signature length
    /// of 256 to 512 bytes, and nothing after the signature.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let Some(&version) = bytes.first() else {
            return Err(DecodeError::Length { expected: CREDENTIAL_HEADER_LEN, actual: 0 });
        };
        if version != CREDENTIAL_VERSION {
            return Err(DecodeError::UnknownFormat { what: "credential version" });
        }
        if bytes.len() < CREDENTIAL_HEADER_LEN {
            return Err(DecodeError::Length { expected: CREDENTIAL_HEADER_LEN, actual: bytes.len() });
        }
        let (token, rest) = bytes[1..].split_at(TOKEN_LEN);
        let (msg_randomizer, rest) = rest.split_at(RANDOMIZER_LEN);
        let (sig_len, signature) = rest.split_at(2);
        let sig_len = usize::from(u16::from_be_bytes([sig_len[0], sig_len[1]]));
        if !(MIN_MODULUS_LEN..=MAX_MODULUS_LEN).contains(&sig_len) {
            return Err(DecodeError::OutOfRange { what: "credential signature length" });
        }
        if signature.len() != sig_len {
            return Err(DecodeError::Length { expected: CREDENTIAL_HEADER_LEN + sig_len, actual: bytes.len() });
        }
        let mut token_bytes = [0u8; TOKEN_LEN];
        token_bytes.copy_from_slice(token);
        let mut randomizer = [0u8; RANDOMIZER_LEN];
        randomizer.copy_from_slice(msg_randomizer);
        let credential = Self { token: Token(token_bytes), msg_randomizer: randomizer, signature: signature.to_vec() };
        token_bytes.zeroize();
        Ok(credential)
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The serial identifies the credential without giving away the token.
        write!(f, "Credential(serial ")?;
        for b in &self.serial()[..8] {
            write!(f, "{b:02x}")?;
        }
        write!(f, "…, {}-byte signature)", self.signature.len())
    }
}

/// Checks a length against the modulus lengths any credential key can have.
fn check_rsa_len(bytes: &[u8], what: &'static str) -> Result<(), DecodeError> {
    if (MIN_MODULUS_LEN..=MAX_MODULUS_LEN).contains(&bytes.len()) {
        Ok(())
    } else {
        Err(DecodeError::OutOfRange { what })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn message_is_spelled_out() {
        let poll_id = [7u8; 32];
        let token = Token::from_bytes([9u8; 32]);
        let msg = message(&poll_id, &token);
        let mut expected = Vec::new();
        expected.extend_from_slice(&22u64.to_be_bytes());
        expected.extend_from_slice(b"hallvote/credential/v1");
        expected.extend_from_slice(&32u64.to_be_bytes());
        expected.extend_from_slice(&[7u8; 32]);
        expected.extend_from_slice(&32u64.to_be_bytes());
        expected.extend_from_slice(&[9u8; 32]);
        assert_eq!(msg, expected);
        assert_eq!(msg.len(), 110);
    }

    #[test]
    fn serial_depends_on_the_token_only() {
        let make = |token: u8, randomizer: u8, sig: u8| Credential {
            token: Token::from_bytes([token; 32]),
            msg_randomizer: [randomizer; 32],
            signature: vec![sig; 256],
        };
        assert_eq!(make(1, 2, 3).serial(), make(1, 4, 5).serial());
        assert_ne!(make(1, 2, 3).serial(), make(6, 2, 3).serial());
        let full = crate::hash::hash(tags::CREDENTIAL_SERIAL, &[&[1u8; 32]]);
        assert_eq!(make(1, 2, 3).serial()[..], full[..32]);
    }

    #[test]
    fn secrets_are_redacted() {
        let token = Token::from_bytes([0xab; 32]);
        assert_eq!(format!("{token:?}"), "Token([redacted])");
        let credential = Credential { token, msg_randomizer: [0xcd; 32], signature: vec![0xef; 256] };
        let shown = format!("{credential:?}");
        assert!(!shown.contains("abab"), "{shown}");
    }
}
