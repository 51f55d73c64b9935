//! Argon2id password hashes (PHC strings) and one-time passwords.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use hallvote_crypto::CryptoRng;
use zeroize::Zeroizing;

/// The Argon2id parameters for account passwords: OWASP's recommendation
/// (19 MiB, 2 passes, 1 lane), about 20 ms on the hall laptop.
fn hasher() -> Argon2<'static> {
    // Constant parameters within Argon2's documented bounds.
    #[allow(clippy::expect_used)]
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with a fresh 16-byte salt, as a PHC string.
pub fn hash_password<R: CryptoRng + ?Sized>(password: &str, rng: &mut R) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rng.fill_bytes(&mut salt);
    hasher().hash_password_with_salt(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Whether `password` matches the PHC string (constant time in the hash comparison).
pub fn verify_password(password: &str, phc: &str) -> bool {
    hasher().verify_password(password.as_bytes(), phc).is_ok()
}

/// The alphabet of generated passwords: no 0/O, 1/l/I, so it can be read aloud and typed.
const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

/// A random one-time password of 16 characters (about 92 bits), in groups of four.
pub fn generate_password<R: CryptoRng + ?Sized>(rng: &mut R) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(19));
    let mut k = 0;
    while k < 16 {
        let mut b = [0u8; 1];
        rng.fill_bytes(&mut b);
        // Rejection sampling keeps every character equally likely.
        let v = usize::from(b[0]);
        if v >= ALPHABET.len() * (256 / ALPHABET.len()) {
            continue;
        }
        if k > 0 && k % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[v % ALPHABET.len()]));
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn hash_and_verify() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let h = hash_password("correct horse", &mut rng).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsE", &h));
        assert!(!verify_password("correct horse", "not a phc string"));
    }

    #[test]
    fn generated_passwords_are_readable_and_distinct() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let a = generate_password(&mut rng);
        let b = generate_password(&mut rng);
        assert_eq!(a.len(), 19);
        assert_ne!(*a, *b);
        assert!(a.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
    }
}
