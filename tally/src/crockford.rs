//! Crockford base32: the alphabet of every code a person reads aloud, copies by hand
//! or scans (tracking codes §10.5, the election fingerprint §11.4, receipts §12.11).
//!
//! The 32 symbols `0–9 A–Z` without `I L O U`, five bits each, most significant bit
//! first. When reading, case, spaces and dashes are ignored and `O`, `I`, `L` read as
//! `0`, `1`, `1`. Upper-case text of this alphabet (with `:` and `-`) is also what a
//! QR code's alphanumeric mode stores most densely.

/// The alphabet, in value order.
pub(crate) const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The first `chars × 5` bits of `bytes` as `chars` symbols; bits past the end of
/// `bytes` are zero.
pub(crate) fn encode(bytes: &[u8], chars: usize) -> String {
    (0..chars)
        .map(|k| {
            let v = (0..5).fold(0usize, |acc, b| (acc << 1) | usize::from(bit(bytes, 5 * k + b)));
            char::from(ALPHABET[v])
        })
        .collect()
}

/// All of `bytes`, padded with zero bits to whole symbols.
pub(crate) fn encode_all(bytes: &[u8]) -> String {
    encode(bytes, (bytes.len() * 8).div_ceil(5))
}

/// `text` in groups of `size` symbols joined by dashes: `ABCDE-FGHJK`.
pub(crate) fn grouped(text: &str, size: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(size).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The symbols of `text` as a person types them (case, spaces and dashes ignored,
/// `O I L` read as `0 1 1`), or `None` at the first other character.
pub(crate) fn symbols(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    for ch in text.chars() {
        let v = match ch.to_ascii_uppercase() {
            ' ' | '-' => continue,
            'O' => 0,
            'I' | 'L' => 1,
            c => ALPHABET.iter().position(|x| char::from(*x) == c)? as u8,
        };
        out.push(v);
    }
    Some(out)
}

/// Decodes exactly `len` bytes from `text`, strictly: the symbol count must be the
/// one [`encode_all`] writes for `len` bytes and the padding bits must be zero, so
/// every byte string has exactly one upper-case encoding.
pub(crate) fn decode_exact(text: &str, len: usize) -> Option<Vec<u8>> {
    let syms = symbols(text)?;
    if syms.len() != (len * 8).div_ceil(5) {
        return None;
    }
    let mut out = vec![0u8; len];
    for (k, v) in syms.iter().enumerate() {
        for b in 0..5 {
            let pos = 5 * k + b;
            let set = (v >> (4 - b)) & 1 == 1;
            if pos >= len * 8 {
                if set {
                    return None;
                }
            } else if set {
                out[pos / 8] |= 0x80 >> (pos % 8);
            }
        }
    }
    Some(out)
}

fn bit(bytes: &[u8], pos: usize) -> bool {
    bytes.get(pos / 8).is_some_and(|byte| byte & (0x80 >> (pos % 8)) != 0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn round_trips_and_is_strict() {
        for len in [1usize, 5, 10, 32, 104, 155] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = encode_all(&bytes);
            assert_eq!(decode_exact(&text, len).unwrap(), bytes);
            assert_eq!(decode_exact(&text.to_lowercase(), len).unwrap(), bytes);
            assert_eq!(decode_exact(&text[1..], len), None);
            if (len * 8) % 5 != 0 {
                // A set padding bit is another spelling of the same bytes: refused.
                let mut bad = text.clone().into_bytes();
                let last = ALPHABET.iter().position(|c| *c == bad[bad.len() - 1]).unwrap();
                bad.pop();
                bad.push(ALPHABET[last | 1]);
                let bad = String::from_utf8(bad).unwrap();
                if bad != text {
                    assert_eq!(decode_exact(&bad, len), None);
                }
            }
        }
        assert_eq!(decode_exact("U", 0), None);
        assert_eq!(encode(&[0xff, 0x00], 3), "ZW0");
        assert_eq!(grouped("ABCDEFGHJK", 5), "ABCDE-FGHJK");
        assert_eq!(symbols("o-i L"), Some(vec![0, 1, 1]));
    }
}
