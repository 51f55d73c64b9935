//! The server's Ed25519 signing key: it signs tree heads, receipts, delegate cards
//! and election records (spec §8). It lives in a file beside the database, created
//! on first start with permissions 0600, never in the database and never logged.
//! Several server processes sharing one PostgreSQL database are given the same file;
//! the database remembers the public key of the first start and refuses a process
//! that comes with another (see `db::server_key`).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use hallvote_crypto::sign::SigningKey;
use thiserror::Error;
use zeroize::Zeroizing;

/// The first line of a key file.
const HEADER: &str = "hallvote-server-key v1";

/// A key file that cannot be read or written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KeyFileError {
    /// The file exists but is not a hallvote server key.
    #[error("{0} is not a hallvote server key file")]
    Malformed(String),
    /// The file cannot be read or created.
    #[error("server key file {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

/// Reads the key at `path`, or creates it (0600) if there is no file.
pub fn load_or_create(path: &Path) -> Result<SigningKey, KeyFileError> {
    let io = |source| KeyFileError::Io { path: path.display().to_string(), source };
    match fs::read_to_string(path) {
        Ok(text) => parse(&text).ok_or_else(|| KeyFileError::Malformed(path.display().to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SigningKey::generate(&mut rand::rng());
            let text = Zeroizing::new(format!("{HEADER}\n{}\n", hex::encode(*key.to_bytes())));
            // create_new: two processes starting at once cannot overwrite each other's key.
            let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(io)?;
            file.write_all(text.as_bytes()).map_err(io)?;
            file.sync_all().map_err(io)?;
            Ok(key)
        }
        Err(e) => Err(io(e)),
    }
}

fn parse(text: &str) -> Option<SigningKey> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let bytes = Zeroizing::new(hex::decode(lines.next()?.trim()).ok()?);
    let seed: &[u8; 32] = bytes.as_slice().try_into().ok()?;
    Some(SigningKey::from_bytes(seed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn created_once_with_private_permissions_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.key");
        let a = load_or_create(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let b = load_or_create(&path).unwrap();
        assert_eq!(a.verifying_key().to_bytes(), b.verifying_key().to_bytes());
        fs::write(&path, "something else\n").unwrap();
        assert!(matches!(load_or_create(&path), Err(KeyFileError::Malformed(_))));
    }
}
