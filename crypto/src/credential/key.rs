//! The poll's RSA key pair and its encodings (spec §6.1).

use core::fmt;

use blind_rsa_signatures::{KeyPairSha384PSSRandomized, PublicKeySha384PSSRandomized, SecretKeySha384PSSRandomized};
use rsa::pkcs1;
use rsa::pkcs8::ObjectIdentifier;
use rsa::pkcs8::der::Decode as _;
use rsa::pkcs8::spki::SubjectPublicKeyInfoRef;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use rsa::traits::PublicKeyParts as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use thiserror::Error;
use zeroize::Zeroizing;

use super::{MAX_MODULUS_BITS, MIN_MODULUS_BITS};
use crate::CryptoRng;

/// id-RSASSA-PSS (RFC 4055 §3.1), the algorithm of a poll's public key (spec §6.1).
const ID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// A poll's credential key could not be made, read or used (spec §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Not DER of the expected structure (SubjectPublicKeyInfo or PKCS #8).
    #[error("not a DER-encoded credential key")]
    Malformed,
    /// A public key whose algorithm is not id-RSASSA-PSS.
    #[error("public key algorithm is not id-RSASSA-PSS")]
    WrongAlgorithm,
    /// The modulus is outside 2048–4096 bits.
    #[error("RSA modulus of {bits} bits; credential keys have 2048 to 4096")]
    UnsupportedSize {
        /// The modulus size that was found or asked for.
        bits: usize,
    },
    /// The public exponent is not 65537.
    #[error("RSA public exponent is not 65537")]
    UnsupportedExponent,
    /// Well-formed, but not the one canonical encoding (for a public key: other
    /// PSS parameters than SHA-384, MGF1-SHA-384 and a 48-byte salt).
    #[error("credential key is not canonically encoded")]
    NotCanonical,
    /// The parts of a secret key do not belong together.
    #[error("RSA secret key parts are inconsistent")]
    Inconsistent,
    /// Key generation failed.
    #[error("RSA key generation failed")]
    Generation,
    /// The key could not be encoded.
    #[error("credential key could not be encoded")]
    Encoding,
}

/// The public half of a poll's credential key (spec §6.1).
///
/// It exists only with a 2048–4096-bit modulus and exponent 65537, and is
/// published in the election record as its canonical encoding, a DER
/// SubjectPublicKeyInfo with algorithm id-RSASSA-PSS and the variant's
/// parameters.
#[derive(Clone)]
pub struct CredentialPublicKey {
    pub(super) inner: PublicKeySha384PSSRandomized,
    spki: Vec<u8>,
    /// The modulus, big-endian, exactly `modulus_len` bytes.
    pub(super) modulus: Vec<u8>,
}

impl CredentialPublicKey {
    fn new(inner: PublicKeySha384PSSRandomized) -> Result<Self, KeyError> {
        let n = inner.components().n();
        let bits = bit_length(&n);
        if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) {
            return Err(KeyError::UnsupportedSize { bits });
        }
        if strip_leading_zeros(&inner.components().e()) != exponent_bytes() {
            return Err(KeyError::UnsupportedExponent);
        }
        let modulus = be_padded(&n, inner.as_ref().size());
        let spki = inner.to_spki().map_err(|_| KeyError::Encoding)?;
        Ok(Self { inner, spki, modulus })
    }

    /// The public half of `sk`, checked like any other public key.
    fn for_secret(sk: &SecretKeySha384PSSRandomized) -> Result<Self, KeyError> {
        // Not the crate's `public_key()`, whose check would hide which
        // parameter is unsupported.
        Self::new(PublicKeySha384PSSRandomized::new(rsa::RsaPublicKey::from(sk.as_ref())))
    }

    /// Decodes the canonical encoding (spec §6.1), and nothing else: another
    /// algorithm, other PSS parameters, non-minimal DER or trailing bytes are
    /// refused.
    pub fn from_spki_der(bytes: &[u8]) -> Result<Self, KeyError> {
        let spki = SubjectPublicKeyInfoRef::from_der(bytes).map_err(|_| KeyError::Malformed)?;
        if spki.algorithm.oid != ID_RSASSA_PSS {
            return Err(KeyError::WrongAlgorithm);
        }
        let key_bytes = spki.subject_public_key.as_bytes().ok_or(KeyError::Malformed)?;
        let pkcs1_key = pkcs1::RsaPublicKey::from_der(key_bytes).map_err(|_| KeyError::Malformed)?;
        // Checked here, before the rsa crate sees the key, so that the error
        // says what is wrong rather than that something is.
        let bits = bit_length(pkcs1_key.modulus.as_bytes());
        if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) {
            return Err(KeyError::UnsupportedSize { bits });
        }
        if strip_leading_zeros(pkcs1_key.public_exponent.as_bytes()) != exponent_bytes() {
            return Err(KeyError::UnsupportedExponent);
        }
        let rsa = rsa::RsaPublicKey::try_from(pkcs1_key).map_err(|_| KeyError::Malformed)?;
        let key = Self::new(PublicKeySha384PSSRandomized::new(rsa))?;
        // The parameters (hash, mask function, salt length) are not parsed but
        // compared: the one encoding this key can have must be the one given.
        if key.spki != bytes {
            return Err(KeyError::NotCanonical);
        }
        Ok(key)
    }

    /// The canonical encoding: DER SubjectPublicKeyInfo, id-RSASSA-PSS with
    /// SHA-384, MGF1-SHA-384 and salt length 48 (spec §6.1).
    pub fn to_spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// SHA-256 of the canonical encoding, to name the key in logs and on screens (spec §6.1).
    pub fn fingerprint(&self) -> [u8; 32] {
        Sha256::digest(&self.spki).into()
    }

    /// Length of the modulus in bytes, which is the length of every blinded
    /// message, blind signature and signature under this key.
    pub fn modulus_len(&self) -> usize {
        self.modulus.len()
    }

    /// Size of the modulus in bits.
    pub fn modulus_bits(&self) -> usize {
        bit_length(&self.modulus)
    }
}

impl PartialEq for CredentialPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.spki == other.spki
    }
}

impl Eq for CredentialPublicKey {}

impl fmt::Debug for CredentialPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fingerprint = self.fingerprint();
        write!(f, "CredentialPublicKey({} bits, sha256:", self.modulus_bits())?;
        for b in &fingerprint[..8] {
            write!(f, "{b:02x}")?;
        }
        write!(f, "…)")
    }
}

/// The secret half of a poll's credential key, held by the server (spec §6.1).
///
/// Zeroized on drop (the RSA parts are zeroized by the `rsa` crate), printed as
/// `[redacted]`, and not `Serialize`; [`Self::to_pkcs8_der`] is the only way out.
pub struct CredentialSecretKey {
    pub(super) inner: SecretKeySha384PSSRandomized,
    pub(super) public: CredentialPublicKey,
}

impl CredentialSecretKey {
    /// Generates a key with a `bits`-bit modulus ([`super::DEFAULT_MODULUS_BITS`] for a
    /// poll) and exponent 65537 (spec §6.1).
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R, bits: usize) -> Result<Self, KeyError> {
        if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) {
            return Err(KeyError::UnsupportedSize { bits });
        }
        let pair = KeyPairSha384PSSRandomized::generate(rng, bits).map_err(|_| KeyError::Generation)?;
        let public = CredentialPublicKey::for_secret(&pair.sk)?;
        if public.modulus_bits() != bits {
            return Err(KeyError::Generation);
        }
        Ok(Self { inner: pair.sk, public })
    }

    /// Decodes an unencrypted PKCS #8 DER `PrivateKeyInfo` holding a two-prime
    /// RSA key (spec §6.1). Only the encoding [`Self::to_pkcs8_der`] would
    /// produce for the key is accepted.
    pub fn from_pkcs8_der(bytes: &[u8]) -> Result<Self, KeyError> {
        let mut rsa = rsa::RsaPrivateKey::from_pkcs8_der(bytes).map_err(|_| KeyError::Malformed)?;
        rsa.validate().map_err(|_| KeyError::Inconsistent)?;
        rsa.precompute().map_err(|_| KeyError::Inconsistent)?;
        let inner = SecretKeySha384PSSRandomized::new(rsa);
        let public = CredentialPublicKey::for_secret(&inner)?;
        let key = Self { inner, public };
        let canonical = key.to_pkcs8_der()?;
        if !bool::from(canonical.as_slice().ct_eq(bytes)) {
            return Err(KeyError::NotCanonical);
        }
        Ok(key)
    }

    /// Encodes the key as unencrypted PKCS #8 DER (rsaEncryption, RFC 8017
    /// `RSAPrivateKey`). The bytes are the whole secret: store them encrypted.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let document = self.inner.as_ref().to_pkcs8_der().map_err(|_| KeyError::Encoding)?;
        Ok(document.to_bytes())
    }

    /// The public key, to publish in the election record.
    pub fn public_key(&self) -> &CredentialPublicKey {
        &self.public
    }
}

impl fmt::Debug for CredentialSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CredentialSecretKey([redacted])")
    }
}

/// Bit length of a big-endian unsigned integer.
fn bit_length(be: &[u8]) -> usize {
    let be = strip_leading_zeros(be);
    match be.first() {
        Some(&top) => be.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

/// `be` without leading zero bytes, left-padded with zeros to `len` bytes.
fn be_padded(be: &[u8], len: usize) -> Vec<u8> {
    let be = strip_leading_zeros(be);
    let mut out = vec![0u8; len.saturating_sub(be.len())];
    out.extend_from_slice(be);
    out
}

/// The public exponent 65537 as minimal big-endian bytes, `01 00 01`.
fn exponent_bytes() -> &'static [u8] {
    &[0x01, 0x00, 0x01]
}

fn strip_leading_zeros(be: &[u8]) -> &[u8] {
    let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    &be[start..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::PUBLIC_EXPONENT;

    #[test]
    fn helpers() {
        assert_eq!(bit_length(&[0, 0, 0x01, 0x00]), 9);
        assert_eq!(bit_length(&[0x80]), 8);
        assert_eq!(bit_length(&[0, 0]), 0);
        assert_eq!(be_padded(&[0, 0, 5], 4), vec![0, 0, 0, 5]);
        assert_eq!(be_padded(&[1, 2], 2), vec![1, 2]);
        assert_eq!(strip_leading_zeros(&PUBLIC_EXPONENT.to_be_bytes()), exponent_bytes());
    }
}
