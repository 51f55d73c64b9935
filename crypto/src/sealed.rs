//! Dealer shares sealed to their recipient for the server relay (spec §5.6).
//!
//! In round 1 of the key ceremony (spec §5.2) dealer `i` sends scrutineer `j`
//! the secret share `sᵢⱼ`. The shares travel through the server, which must
//! not be able to read them, so each is sealed to a one-ceremony X25519 key of
//! its recipient with RFC 9180 HPKE in base mode. ADR 0010 records why HPKE
//! and why the `hpke` crate.
//!
//! ```text
//! suite  = DHKEM(X25519, HKDF-SHA256) 0x0020, HKDF-SHA256 0x0001, ChaCha20Poly1305 0x0003
//! info   = H("hallvote/dkg/sealed-share/v1", ceremony, u64be(i), u64be(j))      (64 bytes, §2.1)
//! pt     = u32be(i) ‖ u32be(j) ‖ sᵢⱼ                                            (40 bytes, §5.2)
//! (enc, ct) = SealBase(pkⱼ, info, aad = "", pt)                                 (RFC 9180 §6.1)
//! sealed = enc[32] ‖ ct[56]                                                     (88 bytes)
//! ```
//!
//! [`open_share`] refuses any other length, an encapsulated key that is not a
//! canonical X25519 key of large order, a ciphertext that does not decrypt
//! under `info` for the expected `(i, j)`, a plaintext that is not a dealer
//! share, and a share whose own indices are not `(i, j)`.

use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::scalar::Scalar;
use hpke::aead::{Aead as _, AeadTag, ChaCha20Poly1305};
use hpke::inout::InOutBuf;
use hpke::kdf::{HkdfSha256, Kdf as _};
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, HpkeError, Kem as _, OpModeR, OpModeS, Serializable};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::dkg::{DEALER_SHARE_LEN, DealerShare};
use crate::error::DecodeError;
use crate::hash::Hasher;
use crate::{CryptoRng, tags};

/// RFC 9180 KEM identifier: DHKEM(X25519, HKDF-SHA256).
pub const KEM_ID: u16 = 0x0020;
/// RFC 9180 KDF identifier: HKDF-SHA256.
pub const KDF_ID: u16 = 0x0001;
/// RFC 9180 AEAD identifier: ChaCha20Poly1305.
pub const AEAD_ID: u16 = 0x0003;

/// Length of an X25519 public key, and so of a recipient key and of `enc`.
pub const KEY_LEN: usize = 32;
/// Length of the Poly1305 tag at the end of a sealed share.
pub const TAG_LEN: usize = 16;
/// Length of a sealed share: `enc ‖ ciphertext ‖ tag` (spec §5.6).
pub const SEALED_SHARE_LEN: usize = KEY_LEN + DEALER_SHARE_LEN + TAG_LEN;
/// Length of the HPKE `info` of a sealed share, the output of `H` (spec §5.6).
pub const INFO_LEN: usize = 64;

type Kem = X25519HkdfSha256;
type Kdf = HkdfSha256;
type Aead = ChaCha20Poly1305;
type PrivateKey = <Kem as hpke::Kem>::PrivateKey;
type PublicKey = <Kem as hpke::Kem>::PublicKey;
type EncappedKey = <Kem as hpke::Kem>::EncappedKey;

// The identifiers the spec names are the ones of the types used here.
const _: () = assert!(Kem::KEM_ID == KEM_ID && Kdf::KDF_ID == KDF_ID && Aead::AEAD_ID == AEAD_ID);

/// Seals dealer share `share` to its recipient's key for ceremony `ceremony` (spec §5.6).
///
/// The recipient and dealer indices are taken from the share; `recipient` must
/// be the key that scrutineer `share.recipient` published for this ceremony.
/// The ephemeral key is drawn from `rng`, so two seals of one share differ.
pub fn seal_share<R: CryptoRng + ?Sized>(
    recipient: &RecipientKey,
    ceremony: &[u8],
    share: &DealerShare,
    rng: &mut R,
) -> Result<[u8; SEALED_SHARE_LEN], SealError> {
    let info = share_info(ceremony, share.dealer, share.recipient);
    // Encrypted in place in the zeroizing buffer, so no copy of the plaintext
    // is left behind, even if sealing fails.
    let mut body = share.to_bytes();
    let (enc, tag) = seal_in_place(recipient, &info, &[], body.as_mut_slice(), rng)?;
    let mut sealed = [0u8; SEALED_SHARE_LEN];
    sealed[..KEY_LEN].copy_from_slice(&enc);
    sealed[KEY_LEN..KEY_LEN + DEALER_SHARE_LEN].copy_from_slice(body.as_ref());
    sealed[KEY_LEN + DEALER_SHARE_LEN..].copy_from_slice(&tag);
    Ok(sealed)
}

/// Opens the share that dealer `dealer` sealed to scrutineer `recipient` in
/// ceremony `ceremony` (spec §5.6).
///
/// Checks, in order: the length, the encapsulated key, the decryption (which
/// fails for another key, ceremony, dealer or recipient, and for any altered
/// byte), the share encoding, and that the share names `dealer` and
/// `recipient`. The returned share still has to be checked against the
/// dealer's commitments (spec §5.3, [`DealerShare::verify`]).
pub fn open_share(
    secret: &RecipientSecret,
    ceremony: &[u8],
    dealer: u32,
    recipient: u32,
    sealed: &[u8],
) -> Result<DealerShare, OpenError> {
    if sealed.len() != SEALED_SHARE_LEN {
        return Err(OpenError::Length { expected: SEALED_SHARE_LEN, actual: sealed.len() });
    }
    let (enc, rest) = sealed.split_at(KEY_LEN);
    let (ciphertext, tag) = rest.split_at(DEALER_SHARE_LEN);
    let info = share_info(ceremony, dealer, recipient);
    let mut body = Zeroizing::new([0u8; DEALER_SHARE_LEN]);
    body.copy_from_slice(ciphertext);
    open_in_place(secret, &array(enc), &info, &[], body.as_mut_slice(), &array(tag))?;
    let share = DealerShare::decode(body.as_ref()).map_err(OpenError::Malformed)?;
    if share.dealer != dealer || share.recipient != recipient {
        return Err(OpenError::WrongIndices { dealer: share.dealer, recipient: share.recipient });
    }
    Ok(share)
}

/// A scrutineer's X25519 key pair for receiving dealer shares in one ceremony
/// (spec §5.6). The secret is zeroized on drop and never printed.
pub struct RecipientSecret {
    secret: PrivateKey,
    public: RecipientKey,
}

impl RecipientSecret {
    /// A fresh key pair: RFC 9180 `DeriveKeyPair` of 32 bytes drawn from `rng`
    /// (spec §5.6). Use it for one ceremony only.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        // `&mut R` is itself a (sized) CryptoRng, which is what hpke takes.
        let mut rng = rng;
        let (secret, _) = Kem::gen_keypair_with_rng(&mut rng);
        Self::from_private(secret)
    }

    /// The key pair of a stored private key (RFC 9180 `DeserializePrivateKey`:
    /// the bytes are clamped as RFC 7748 §5 does, so every 32-byte string is a key).
    pub fn from_bytes(bytes: &[u8; KEY_LEN]) -> Self {
        #[allow(clippy::expect_used)]
        let secret = PrivateKey::from_bytes(bytes)
            // Invariant: hpke refuses an X25519 private key only for a length other than 32.
            .expect("32 bytes are an X25519 private key");
        Self::from_private(secret)
    }

    /// The private key as RFC 9180 `SerializePrivateKey` writes it (clamped), in
    /// a buffer that zeroizes on drop.
    pub fn to_bytes(&self) -> Zeroizing<[u8; KEY_LEN]> {
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        self.secret.write_exact(out.as_mut_slice());
        out
    }

    /// The public key to publish for this ceremony.
    pub fn public(&self) -> RecipientKey {
        self.public
    }

    fn from_private(secret: PrivateKey) -> Self {
        let mut public = [0u8; KEY_LEN];
        Kem::sk_to_pk(&secret).write_exact(&mut public);
        // X25519 of the base point under a clamped scalar is canonical and of
        // large order, so this key passes `RecipientKey::from_bytes`.
        Self { secret, public: RecipientKey(public) }
    }
}

impl core::fmt::Debug for RecipientSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "RecipientSecret {{ public: {:?}, secret: [redacted] }}", self.public)
    }
}

/// A scrutineer's published X25519 key for receiving dealer shares in one
/// ceremony (spec §5.6): canonical, and not of small order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecipientKey([u8; KEY_LEN]);

impl RecipientKey {
    /// Decodes strictly: exactly 32 bytes, the canonical encoding of a
    /// u-coordinate `u < 2^255 − 19`, and not a point of small order (spec §5.6).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, RecipientKeyError> {
        let key: [u8; KEY_LEN] =
            bytes.try_into().map_err(|_| RecipientKeyError::Length { expected: KEY_LEN, actual: bytes.len() })?;
        check_x25519_public(&key)?;
        Ok(Self(key))
    }

    /// The 32 bytes of the key.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The message scrutineer `j`'s station signs to publish this key for
    /// `ceremony` (spec §5.6.2): `u8(1) ‖ u64be(len(ceremony)) ‖ ceremony ‖ u64be(j) ‖ key`,
    /// signed under `hallvote/sig/dkg-message/v1` (the leading 1 says "recipient key").
    pub fn publication_message(&self, ceremony: &[u8], j: u32) -> Vec<u8> {
        let mut m = Vec::with_capacity(1 + 8 + ceremony.len() + 8 + KEY_LEN);
        m.push(1);
        m.extend_from_slice(&(ceremony.len() as u64).to_be_bytes());
        m.extend_from_slice(ceremony);
        m.extend_from_slice(&u64::from(j).to_be_bytes());
        m.extend_from_slice(&self.0);
        m
    }

    /// Scrutineer `j`'s signature publishing this key (spec §5.6.2).
    pub fn sign_publication(&self, station: &crate::sign::SigningKey, ceremony: &[u8], j: u32) -> [u8; 64] {
        crate::sign::sign(station, tags::SIG_DKG_MESSAGE, &self.publication_message(ceremony, j)).to_bytes()
    }

    /// Checks that scrutineer `j`, whose key the manifest lists as `station`, published
    /// this key for `ceremony`. A dealer seals only to a key that passes (spec §5.6.2).
    pub fn verify_publication(
        &self,
        station: &crate::sign::VerifyingKey,
        ceremony: &[u8],
        j: u32,
        signature: &[u8],
    ) -> Result<(), crate::error::VerifyError> {
        let sig = crate::sign::Signature::decode(signature).map_err(|_| crate::error::VerifyError::Signature)?;
        crate::sign::verify(station, tags::SIG_DKG_MESSAGE, &self.publication_message(ceremony, j), &sig)
    }

    fn to_hpke(self) -> PublicKey {
        #[allow(clippy::expect_used)]
        PublicKey::from_bytes(&self.0)
            // Invariant: hpke refuses an X25519 public key only for a length other than 32.
            .expect("32 bytes are an X25519 public key")
    }
}

/// Why bytes are not a recipient key, or an encapsulated key (spec §5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RecipientKeyError {
    /// Not 32 bytes.
    #[error("wrong length for an X25519 public key: expected {expected} bytes, got {actual}")]
    Length {
        /// Always 32.
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// The bytes read as a little-endian integer are not below `2^255 − 19`.
    #[error("not a canonical X25519 public key")]
    NonCanonical,
    /// A point of order 1, 2, 4 or 8: every Diffie–Hellman with it gives zero.
    #[error("X25519 public key of small order")]
    SmallOrder,
}

/// Why a share could not be sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SealError {
    /// The HPKE library refused to encapsulate or encrypt. This does not happen
    /// with a [`RecipientKey`], which is checked when it is decoded; the error
    /// is returned rather than a panic.
    #[error("HPKE sealing failed")]
    Hpke,
}

/// Why a sealed share was refused (spec §5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum OpenError {
    /// A sealed share is exactly [`SEALED_SHARE_LEN`] bytes.
    #[error("wrong length for a sealed share: expected {expected} bytes, got {actual}")]
    Length {
        /// Always [`SEALED_SHARE_LEN`].
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// The first 32 bytes are not a canonical X25519 key of large order.
    #[error("bad encapsulated key: {0}")]
    BadEncapsulatedKey(RecipientKeyError),
    /// The AEAD tag does not verify: the share was sealed to another key, for
    /// another ceremony, dealer or recipient, or was altered (these cannot be
    /// told apart, by design).
    #[error("the sealed share does not decrypt with this key for this ceremony, dealer and recipient")]
    Decryption,
    /// The plaintext is not a dealer share (spec §5.2): the dealer sealed garbage.
    #[error("the sealed plaintext is not a dealer share: {0}")]
    Malformed(DecodeError),
    /// The share inside names other indices than the ones it was sealed for:
    /// the dealer sealed a share meant for someone else.
    #[error("the sealed share is from dealer {dealer} to scrutineer {recipient}, not the expected pair")]
    WrongIndices {
        /// The dealer index the share carries.
        dealer: u32,
        /// The recipient index the share carries.
        recipient: u32,
    },
}

/// RFC 9180 single-shot `SealBase(pkR, info, aad, pt)` in the suite of spec
/// §5.6, returning `enc ‖ ct`. Exposed for the RFC 9180 known-answer test and
/// negative tests only; protocol code calls [`seal_share`].
#[doc(hidden)]
pub fn seal_base<R: CryptoRng + ?Sized, const N: usize>(
    recipient: &RecipientKey,
    info: &[u8; N],
    aad: &[u8],
    plaintext: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>, SealError> {
    const { assert!(N <= INFO_LEN, "info is at most 64 bytes, RFC 9180 §7.2.1's recommended limit") };
    let mut body = Zeroizing::new(plaintext.to_vec());
    let (enc, tag) = seal_in_place(recipient, info, aad, body.as_mut_slice(), rng)?;
    let mut out = Vec::with_capacity(KEY_LEN + body.len() + TAG_LEN);
    out.extend_from_slice(&enc);
    out.extend_from_slice(&body);
    out.extend_from_slice(&tag);
    Ok(out)
}

/// RFC 9180 single-shot `OpenBase(enc, skR, info, aad, ct)` in the suite of spec
/// §5.6, for `sealed = enc ‖ ct`. Exposed for the RFC 9180 known-answer test
/// only; protocol code calls [`open_share`].
#[doc(hidden)]
pub fn open_base<const N: usize>(
    secret: &RecipientSecret,
    info: &[u8; N],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    const { assert!(N <= INFO_LEN, "info is at most 64 bytes, RFC 9180 §7.2.1's recommended limit") };
    if sealed.len() < KEY_LEN + TAG_LEN {
        return Err(OpenError::Length { expected: KEY_LEN + TAG_LEN, actual: sealed.len() });
    }
    let (enc, rest) = sealed.split_at(KEY_LEN);
    let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
    let mut body = Zeroizing::new(ciphertext.to_vec());
    open_in_place(secret, &array(enc), info, aad, body.as_mut_slice(), &array(tag))?;
    Ok(body)
}

/// `H("hallvote/dkg/sealed-share/v1", ceremony, u64be(i), u64be(j))` (spec §5.6).
///
/// Hashing keeps `info` at 64 bytes (RFC 9180 §7.2.1's recommended limit)
/// whatever the length of the ceremony identifier.
fn share_info(ceremony: &[u8], dealer: u32, recipient: u32) -> [u8; INFO_LEN] {
    let mut h = Hasher::new(tags::DKG_SEALED_SHARE);
    h.bytes(ceremony).u64(u64::from(dealer)).u64(u64::from(recipient));
    h.finalize()
}

/// `SealBase` with the ciphertext written over `buffer`; returns `enc` and the tag.
/// Callers keep `info` within 64 bytes (hpke panics at 2¹⁶).
fn seal_in_place<R: CryptoRng + ?Sized>(
    recipient: &RecipientKey,
    info: &[u8],
    aad: &[u8],
    buffer: &mut [u8],
    rng: &mut R,
) -> Result<([u8; KEY_LEN], [u8; TAG_LEN]), SealError> {
    // `&mut R` is itself a (sized) CryptoRng, which is what hpke takes.
    let mut rng = rng;
    let (enc, tag) = hpke::single_shot_seal_inout_detached_with_rng::<Aead, Kdf, Kem>(
        &OpModeS::Base,
        &recipient.to_hpke(),
        info,
        InOutBuf::from(buffer),
        aad,
        &mut rng,
    )
    .map_err(|_| SealError::Hpke)?;
    let mut enc_bytes = [0u8; KEY_LEN];
    enc.write_exact(&mut enc_bytes);
    let mut tag_bytes = [0u8; TAG_LEN];
    tag.write_exact(&mut tag_bytes);
    Ok((enc_bytes, tag_bytes))
}

/// `OpenBase` with the plaintext written over `buffer` (left as it was on failure).
/// Callers keep `info` within 64 bytes (hpke panics at 2¹⁶).
fn open_in_place(
    secret: &RecipientSecret,
    enc: &[u8; KEY_LEN],
    info: &[u8],
    aad: &[u8],
    buffer: &mut [u8],
    tag: &[u8; TAG_LEN],
) -> Result<(), OpenError> {
    // RFC 9180 §7.1.4 only asks for the all-zero DH check (which hpke makes);
    // spec §5.6 also refuses non-canonical and small-order keys up front.
    check_x25519_public(enc).map_err(OpenError::BadEncapsulatedKey)?;
    #[allow(clippy::expect_used)]
    let enc = EncappedKey::from_bytes(enc)
        // Invariant: hpke refuses an X25519 public key only for a length other than 32.
        .expect("32 bytes are an X25519 public key");
    #[allow(clippy::expect_used)]
    let tag = AeadTag::<Aead>::from_bytes(tag)
        // Invariant: hpke refuses a tag only for a length other than 16.
        .expect("16 bytes are a Poly1305 tag");
    hpke::single_shot_open_inout_detached::<Aead, Kdf, Kem>(
        &OpModeR::Base,
        &secret.secret,
        &enc,
        info,
        InOutBuf::from(buffer),
        aad,
        &tag,
    )
    .map_err(|e| match e {
        // Decap fails only on an all-zero DH output, i.e. a small-order `enc`,
        // which was refused above.
        HpkeError::DecapError => OpenError::BadEncapsulatedKey(RecipientKeyError::SmallOrder),
        _ => OpenError::Decryption,
    })
}

/// The first `N` bytes of `bytes`, which callers have checked are at least that long.
fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[..N]);
    out
}

/// `2^255 − 19`, little-endian.
const P_LE: [u8; 32] = {
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    p
};

/// Spec §5.6: `u < p` as a little-endian integer, and `[8]·u` is not the
/// identity (which excludes exactly the points of order 1, 2, 4 and 8 on the
/// curve and its twist: X25519 with them is zero for every private key).
/// Public data only, so variable time is fine.
fn check_x25519_public(u: &[u8; KEY_LEN]) -> Result<(), RecipientKeyError> {
    let below_p = u.iter().rev().zip(P_LE.iter().rev()).find(|(a, b)| a != b).is_some_and(|(a, b)| a < b);
    if !below_p {
        return Err(RecipientKeyError::NonCanonical);
    }
    // The Montgomery ladder maps the identity to u = 0, and no point of
    // larger order has [8]P of order 2, so u = 0 here means small order.
    if (Scalar::from(8u8) * MontgomeryPoint(*u)).to_bytes() == [0u8; 32] {
        return Err(RecipientKeyError::SmallOrder);
    }
    Ok(())
}
