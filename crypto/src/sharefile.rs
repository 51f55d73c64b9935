//! The passphrase-protected file that holds a scrutineer's key share (spec §9).
//!
//! After the key ceremony (spec §5) each scrutineer keeps their secret share in
//! a small binary file, typically on a USB stick, and may print it as a paper
//! backup ([`to_paper`], spec §9.6). The file is sealed with a key derived from
//! the scrutineer's passphrase by Argon2id (RFC 9106) and encrypted with
//! XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03); the whole header is the
//! associated data, so no byte of the file can change without [`open`]
//! failing. ADR 0004 records why this construction and not `age`.
//!
//! ```text
//! file    = "HVSHARE" ‖ 0x01 ‖ u32be m ‖ u32be t ‖ u32be p ‖ salt[16] ‖ nonce[24] ‖ ciphertext ‖ tag[16]
//! key     = Argon2id(passphrase, salt, m KiB, t passes, p lanes, 32 bytes)
//! (ct,tag)= XChaCha20-Poly1305(key, nonce, aad = header (the first 60 bytes), payload)
//! ```
//!
//! [`open`] checks the header, and that the Argon2 parameters are within the
//! bounds of spec §9.3, before it runs the (deliberately expensive) key
//! derivation, so a crafted file cannot make a kiosk allocate gigabytes.

use argon2::{Algorithm, Argon2, Block, Version};
use chacha20poly1305::{AeadInOut, Key, KeyInit, XChaCha20Poly1305, XNonce};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::CryptoRng;
use crate::dkg::MAX_PARTICIPANTS;
use crate::error::DecodeError;
use crate::group::{Element, SecretScalar};

mod paper;

pub use paper::{BEGIN_LINE, END_LINE, PaperError, from_paper, to_paper};

/// The first 7 bytes of every share file (spec §9.2).
pub const MAGIC: [u8; 7] = *b"HVSHARE";
/// The file format version this code reads and writes (spec §9.2).
pub const FORMAT_VERSION: u8 = 1;
/// Length of the header, which is also the AEAD's associated data (spec §9.2).
pub const HEADER_LEN: usize = 7 + 1 + 4 + 4 + 4 + SALT_LEN + NONCE_LEN;
/// The payload version this code reads and writes (spec §9.4).
pub const PAYLOAD_VERSION: u8 = 1;
/// Length of an encoded payload of version 1 (spec §9.4).
pub const PAYLOAD_LEN: usize = 1 + 32 + 4 + 4 + 4 + 32 + 32 + 32;
/// Length of a complete share file of format 1 holding a version 1 payload.
pub const FILE_LEN: usize = HEADER_LEN + PAYLOAD_LEN + TAG_LEN;

/// Length of the Argon2 salt.
pub const SALT_LEN: usize = 16;
/// Length of the XChaCha20-Poly1305 nonce.
pub const NONCE_LEN: usize = 24;
/// Length of the Poly1305 tag that ends the file.
pub const TAG_LEN: usize = 16;
const KEY_LEN: usize = 32;

/// Smallest Argon2 memory cost of a real share file, in KiB (8 MiB; spec §9.3).
pub const MIN_M_COST_KIB: u32 = 8 * 1024;
/// Largest Argon2 memory cost [`open`] will run, in KiB (1 GiB; spec §9.3).
pub const MAX_M_COST_KIB: u32 = 1024 * 1024;
/// Largest Argon2 pass count [`open`] will run (spec §9.3).
pub const MAX_T_COST: u32 = 10;
/// Largest Argon2 lane count [`open`] will run (spec §9.3).
pub const MAX_P_COST: u32 = 4;

/// Seals `payload` under `passphrase` into a share file (spec §9.2).
///
/// Salt and nonce are drawn from `rng`. The passphrase is used as given (the
/// UI should NFC-normalise it, spec §9.1); the caller keeps it in a
/// [`Zeroizing`] buffer. An empty passphrase is refused.
pub fn seal<R: CryptoRng + ?Sized>(
    payload: &SharePayload,
    passphrase: &[u8],
    params: SealParams,
    rng: &mut R,
) -> Result<Vec<u8>, ShareFileError> {
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut salt);
    rng.fill_bytes(&mut nonce);
    seal_with(&payload.encode(), passphrase, params, &salt, &nonce)
}

/// Opens a share file with `passphrase` (spec §9.5).
///
/// Checks, in order: the magic and version, the length, that the Argon2
/// parameters are within `limits` (before any key derivation), the AEAD tag,
/// the payload encoding, and that the secret matches the stored public share.
/// Pass [`ParamLimits::STANDARD`].
pub fn open(file: &[u8], passphrase: &[u8], limits: ParamLimits) -> Result<SharePayload, ShareFileError> {
    let header = Header::decode(file, limits)?;
    let key = derive_key(passphrase, &header.salt, header.params)?;
    let cipher = cipher(&key);
    let mut buffer = Zeroizing::new(file[HEADER_LEN..].to_vec());
    cipher
        .decrypt_in_place(&XNonce::from(header.nonce), &file[..HEADER_LEN], &mut *buffer)
        .map_err(|_| ShareFileError::WrongPassphraseOrCorrupt)?;
    SharePayload::decode(&buffer)
}

/// What a share file holds: one scrutineer's share of the joint key (spec §9.4).
///
/// A value of this type is consistent: `1 ≤ index ≤ participants ≤ 255`,
/// `1 ≤ threshold ≤ participants`, the secret is a nonzero scalar, the public
/// share is `secret · G`, and the joint key is a non-identity element.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SharePayload {
    ceremony_id: [u8; 32],
    index: u32,
    threshold: u32,
    participants: u32,
    secret: SecretScalar,
    public_share: Element,
    joint_key: Element,
}

impl SharePayload {
    /// Bundles a share for sealing; the public share is computed as `secret · G`.
    ///
    /// `index` is the scrutineer's 1-based participant index in the ceremony
    /// `ceremony_id`, which needed `threshold` of `participants` to decrypt.
    pub fn new(
        ceremony_id: [u8; 32],
        index: u32,
        threshold: u32,
        participants: u32,
        secret: SecretScalar,
        joint_key: Element,
    ) -> Result<Self, DecodeError> {
        check_counts(index, threshold, participants)?;
        if joint_key.is_identity() {
            return Err(DecodeError::Identity);
        }
        Ok(Self { ceremony_id, index, threshold, participants, public_share: secret.public(), secret, joint_key })
    }

    /// The identifier of the key ceremony this share comes from.
    pub fn ceremony_id(&self) -> &[u8; 32] {
        &self.ceremony_id
    }

    /// The scrutineer's participant index, from 1.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// How many shares are needed to decrypt.
    pub fn threshold(&self) -> u32 {
        self.threshold
    }

    /// How many scrutineers took part in the ceremony.
    pub fn participants(&self) -> u32 {
        self.participants
    }

    /// The secret share.
    pub fn secret(&self) -> &SecretScalar {
        &self.secret
    }

    /// The public share, `secret · G`.
    pub fn public_share(&self) -> &Element {
        &self.public_share
    }

    /// The joint public key of the ceremony.
    pub fn joint_key(&self) -> &Element {
        &self.joint_key
    }

    /// The canonical encoding of spec §9.4, in a buffer that zeroizes on drop.
    ///
    /// The buffer has room for the AEAD tag, so sealing never reallocates it
    /// (which would leave an unzeroized copy of the secret behind).
    fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(PAYLOAD_LEN + TAG_LEN));
        out.push(PAYLOAD_VERSION);
        out.extend_from_slice(&self.ceremony_id);
        out.extend_from_slice(&self.index.to_be_bytes());
        out.extend_from_slice(&self.threshold.to_be_bytes());
        out.extend_from_slice(&self.participants.to_be_bytes());
        out.extend_from_slice(self.secret.to_bytes().as_ref());
        out.extend_from_slice(self.public_share.as_bytes());
        out.extend_from_slice(self.joint_key.as_bytes());
        out
    }

    /// Strict decoding of spec §9.4, then the public-share check of spec §9.5.
    fn decode(bytes: &[u8]) -> Result<Self, ShareFileError> {
        if bytes.len() != PAYLOAD_LEN {
            return Err(DecodeError::Length { expected: PAYLOAD_LEN, actual: bytes.len() }.into());
        }
        let (version, rest) = bytes.split_at(1);
        if version[0] != PAYLOAD_VERSION {
            return Err(ShareFileError::UnsupportedVersion(version[0]));
        }
        let (ceremony_id, rest) = rest.split_at(32);
        let (index, rest) = rest.split_at(4);
        let (threshold, rest) = rest.split_at(4);
        let (participants, rest) = rest.split_at(4);
        let (secret, rest) = rest.split_at(32);
        let (public_share, joint_key) = rest.split_at(32);

        let index = u32_be(index);
        let threshold = u32_be(threshold);
        let participants = u32_be(participants);
        check_counts(index, threshold, participants)?;
        let secret = SecretScalar::decode(secret)?;
        let public_share = Element::decode_non_identity(public_share)?;
        let joint_key = Element::decode_non_identity(joint_key)?;
        let mut ceremony = [0u8; 32];
        ceremony.copy_from_slice(ceremony_id);

        let payload = Self::new(ceremony, index, threshold, participants, secret, joint_key)?;
        if payload.public_share != public_share {
            return Err(ShareFileError::PublicShareMismatch);
        }
        Ok(payload)
    }
}

/// The Argon2id cost parameters a file is sealed with (spec §9.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SealParams {
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
}

impl SealParams {
    /// The default: 64 MiB, 3 passes, 1 lane (about a second on a hall kiosk).
    pub const DEFAULT: Self = Self { m_cost_kib: 64 * 1024, t_cost: 3, p_cost: 1 };

    /// Parameters within the bounds every reader accepts ([`ParamLimits::STANDARD`]).
    pub fn new(m_cost_kib: u32, t_cost: u32, p_cost: u32) -> Result<Self, ShareFileError> {
        let params = Self { m_cost_kib, t_cost, p_cost };
        ParamLimits::STANDARD.check(params)?;
        Ok(params)
    }

    /// Tiny parameters (64 KiB, 1 pass, 1 lane) so that tests run fast.
    ///
    /// A file sealed with them offers next to no protection against guessing
    /// the passphrase, and [`open`] refuses it unless given
    /// [`ParamLimits::ALLOW_TEST_PARAMS`]. Never use outside tests.
    #[doc(hidden)]
    pub const fn for_tests() -> Self {
        Self { m_cost_kib: 64, t_cost: 1, p_cost: 1 }
    }

    /// Memory cost in KiB (Argon2 `m`).
    pub fn m_cost_kib(&self) -> u32 {
        self.m_cost_kib
    }

    /// Number of passes (Argon2 `t`).
    pub fn t_cost(&self) -> u32 {
        self.t_cost
    }

    /// Degree of parallelism (Argon2 `p`).
    pub fn p_cost(&self) -> u32 {
        self.p_cost
    }
}

impl Default for SealParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The Argon2 parameters [`open`] is willing to run (spec §9.3).
///
/// The upper bounds are the same in every mode: they stop a crafted file
/// from making the reader allocate or compute without limit. Only the lower
/// bound on memory differs, and only for tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamLimits {
    min_m_cost_kib: u32,
}

impl ParamLimits {
    /// The bounds of spec §9.3, for every real share file:
    /// `8 MiB ≤ m ≤ 1 GiB`, `1 ≤ t ≤ 10`, `1 ≤ p ≤ 4`.
    pub const STANDARD: Self = Self { min_m_cost_kib: MIN_M_COST_KIB };

    /// Also accepts the tiny memory cost of [`SealParams::for_tests`]
    /// (down to Argon2's own minimum of 8 KiB per lane). Never use outside tests.
    #[doc(hidden)]
    pub const ALLOW_TEST_PARAMS: Self = Self { min_m_cost_kib: 8 };

    fn check(self, params: SealParams) -> Result<(), ShareFileError> {
        let SealParams { m_cost_kib: m, t_cost: t, p_cost: p } = params;
        let ok = (self.min_m_cost_kib..=MAX_M_COST_KIB).contains(&m)
            && (1..=MAX_T_COST).contains(&t)
            && (1..=MAX_P_COST).contains(&p)
            && m >= 8 * p; // Argon2 needs 8 KiB per lane (RFC 9106 §3.1).
        if ok { Ok(()) } else { Err(ShareFileError::ParamsOutOfBounds) }
    }
}

/// Why a share file could not be sealed or opened (spec §9.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ShareFileError {
    /// The AEAD tag does not verify: the passphrase is wrong, or the file was
    /// changed or damaged (the two cannot be told apart, by design).
    #[error("wrong passphrase, or the share file is damaged")]
    WrongPassphraseOrCorrupt,
    /// The bytes are not a share file, or its decrypted payload is malformed.
    #[error("malformed share file: {0}")]
    Malformed(#[from] DecodeError),
    /// A file format or payload version this code does not know.
    #[error("unsupported share file version {0}")]
    UnsupportedVersion(u8),
    /// Argon2 parameters outside the bounds of spec §9.3.
    #[error("share file key-derivation parameters out of bounds")]
    ParamsOutOfBounds,
    /// The decrypted secret does not match the public share stored beside it.
    #[error("secret share does not match its public share")]
    PublicShareMismatch,
    /// Not enough memory to run the key derivation.
    #[error("not enough memory for the key derivation")]
    OutOfMemory,
    /// Sealing under an empty passphrase was refused.
    #[error("the passphrase is empty")]
    EmptyPassphrase,
}

/// The public fields of the header (spec §9.2).
struct Header {
    params: SealParams,
    salt: [u8; SALT_LEN],
    nonce: [u8; NONCE_LEN],
}

impl Header {
    fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[..7].copy_from_slice(&MAGIC);
        out[7] = FORMAT_VERSION;
        out[8..12].copy_from_slice(&self.params.m_cost_kib.to_be_bytes());
        out[12..16].copy_from_slice(&self.params.t_cost.to_be_bytes());
        out[16..20].copy_from_slice(&self.params.p_cost.to_be_bytes());
        out[20..36].copy_from_slice(&self.salt);
        out[36..60].copy_from_slice(&self.nonce);
        out
    }

    /// Decodes the header of `file` and checks everything that can be
    /// checked without the passphrase.
    fn decode(file: &[u8], limits: ParamLimits) -> Result<Self, ShareFileError> {
        if file.get(..MAGIC.len()) != Some(&MAGIC[..]) {
            return Err(DecodeError::UnknownFormat { what: "share file magic" }.into());
        }
        match file.get(7) {
            Some(&FORMAT_VERSION) => {}
            Some(&other) => return Err(ShareFileError::UnsupportedVersion(other)),
            None => return Err(too_short(file)),
        }
        if file.len() < HEADER_LEN + TAG_LEN {
            return Err(too_short(file));
        }
        let params = SealParams {
            m_cost_kib: u32_be(&file[8..12]),
            t_cost: u32_be(&file[12..16]),
            p_cost: u32_be(&file[16..20]),
        };
        limits.check(params)?;
        let mut salt = [0u8; SALT_LEN];
        let mut nonce = [0u8; NONCE_LEN];
        salt.copy_from_slice(&file[20..36]);
        nonce.copy_from_slice(&file[36..60]);
        Ok(Self { params, salt, nonce })
    }
}

/// Seals an already encoded payload; `seal` with the randomness supplied.
fn seal_with(
    plaintext: &Zeroizing<Vec<u8>>,
    passphrase: &[u8],
    params: SealParams,
    salt: &[u8; SALT_LEN],
    nonce: &[u8; NONCE_LEN],
) -> Result<Vec<u8>, ShareFileError> {
    if passphrase.is_empty() {
        return Err(ShareFileError::EmptyPassphrase);
    }
    ParamLimits::ALLOW_TEST_PARAMS.check(params)?;
    let header = Header { params, salt: *salt, nonce: *nonce }.encode();
    let key = derive_key(passphrase, salt, params)?;
    let cipher = cipher(&key);

    let mut buffer = Zeroizing::new(Vec::with_capacity(plaintext.len() + TAG_LEN));
    buffer.extend_from_slice(plaintext);
    #[allow(clippy::expect_used)]
    cipher
        .encrypt_in_place(&XNonce::from(*nonce), &header, &mut *buffer)
        // Invariant: XChaCha20-Poly1305 fails only for messages over 256 GiB.
        .expect("a share payload is far below the AEAD's length limit");

    let mut file = Vec::with_capacity(HEADER_LEN + buffer.len());
    file.extend_from_slice(&header);
    file.extend_from_slice(&buffer);
    Ok(file)
}

/// `Argon2id(passphrase, salt, m, t, p)` → 32-byte key (spec §9.1).
///
/// The Argon2 working memory is allocated here, fallibly, and wiped after use.
fn derive_key(
    passphrase: &[u8],
    salt: &[u8; SALT_LEN],
    params: SealParams,
) -> Result<Zeroizing<[u8; KEY_LEN]>, ShareFileError> {
    let argon_params = argon2::Params::new(params.m_cost_kib, params.t_cost, params.p_cost, Some(KEY_LEN))
        .map_err(|_| ShareFileError::ParamsOutOfBounds)?;
    let blocks = argon_params.block_count();
    let mut memory: Zeroizing<Vec<Block>> = Zeroizing::new(Vec::new());
    memory.try_reserve_exact(blocks).map_err(|_| ShareFileError::OutOfMemory)?;
    memory.resize(blocks, Block::new());

    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params)
        .hash_password_into_with_memory(passphrase, salt, key.as_mut(), memory.as_mut_slice())
        // The remaining failure modes (a passphrase over 4 GiB) are not
        // reachable with bounded parameters; report them as out of bounds.
        .map_err(|_| ShareFileError::ParamsOutOfBounds)?;
    Ok(key)
}

/// The AEAD keyed with `key`, borrowed in place so no unzeroized copy is made
/// (the cipher wipes its own copy on drop).
fn cipher(key: &[u8; KEY_LEN]) -> XChaCha20Poly1305 {
    let key: &Key = key.into();
    XChaCha20Poly1305::new(key)
}

/// `1 ≤ index ≤ n`, `1 ≤ threshold ≤ n`, `n ≤ 255` (spec §9.4, §5.1).
fn check_counts(index: u32, threshold: u32, participants: u32) -> Result<(), DecodeError> {
    if participants > MAX_PARTICIPANTS {
        return Err(DecodeError::OutOfRange { what: "share participants" });
    }
    if !(1..=participants).contains(&index) {
        return Err(DecodeError::OutOfRange { what: "share index" });
    }
    if !(1..=participants).contains(&threshold) {
        return Err(DecodeError::OutOfRange { what: "share threshold" });
    }
    Ok(())
}

fn too_short(file: &[u8]) -> ShareFileError {
    DecodeError::Length { expected: HEADER_LEN + TAG_LEN, actual: file.len() }.into()
}

fn u32_be(bytes: &[u8]) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(bytes);
    u32::from_be_bytes(b)
}

#[cfg(test)]
mod tests;
