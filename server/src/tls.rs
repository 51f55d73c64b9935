//! TLS for `hallvote serve` (docs/adr/0011-tls-and-rate-limits.md): rustls on the
//! ring provider. The handshakes run in the server's accept loop (`crate::listen`),
//! under its handshake caps and timeout.
//!
//! The server speaks TLS with a certificate the operator gives (`--tls-cert`,
//! `--tls-key`) or with a self-signed one it makes on first start for a hall LAN
//! (`--tls-self-signed`) and keeps beside its signing key, so that its fingerprint
//! stays the same from one start to the next. Either way the fingerprint,
//! `sha256:` and the hex SHA-256 of the DER certificate, goes into every enrolment
//! QR code (spec §15.3), and a station accepts only the certificate with that
//! fingerprint ([`PinnedCertVerifier`]).

use std::fs::OpenOptions;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use thiserror::Error;
use tokio_rustls::TlsAcceptor;
use zeroize::Zeroizing;

use crate::config::TlsSource;

/// The self-signed certificate's file (PEM), in the directory of the server's key file.
pub const SELF_SIGNED_CERT_FILE: &str = "hallvote-tls.pem";
/// The self-signed certificate's private key (PKCS#8 PEM, mode 0600), beside it.
pub const SELF_SIGNED_KEY_FILE: &str = "hallvote-tls.key";
/// How long a self-signed certificate is valid. Stations pin its fingerprint and
/// do not look at the dates; a browser warns about a self-signed certificate
/// whatever they are. Ten years: a hall's server is not re-enrolled for expiry.
const SELF_SIGNED_VALIDITY: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// A certificate or key that cannot be loaded, made or used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A file cannot be read or written.
    #[error("TLS file {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// A certificate file holds no PEM certificate, or one that cannot be decoded.
    #[error("{path} holds no readable PEM certificate: {detail}")]
    Certificate {
        /// The path.
        path: String,
        /// What was wrong.
        detail: String,
    },
    /// A key file holds no PEM private key, or one that cannot be decoded.
    #[error("{path} holds no readable PEM private key (PKCS#8, PKCS#1 or SEC1): {detail}")]
    PrivateKey {
        /// The path.
        path: String,
        /// What was wrong.
        detail: String,
    },
    /// Only one of the self-signed certificate's two files exists.
    #[error(
        "{present} exists but {missing} does not; restore it, or remove {present} to make a new self-signed \
         certificate (stations enrolled with the old one must then be enrolled again)"
    )]
    Incomplete {
        /// The file that is there.
        present: String,
        /// The file that is not.
        missing: String,
    },
    /// The self-signed certificate cannot be made.
    #[error("cannot make the self-signed certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refuses the certificate and key (e.g. the key is not the certificate's).
    #[error("the TLS certificate and key cannot be used: {0}")]
    Rustls(#[from] rustls::Error),
}

pub use hallvote_protocol::pinned::{PinnedCertVerifier, fingerprint, provider};

/// The server's TLS certificate and key, ready to serve.
#[derive(Clone, Debug)]
pub struct TlsIdentity {
    /// The fingerprint of the end-entity certificate ([`fingerprint`]).
    pub fingerprint: String,
    /// The certificate file served.
    pub cert_file: PathBuf,
    /// Whether the self-signed certificate was made by this start.
    pub created: bool,
    config: Arc<rustls::ServerConfig>,
}

impl TlsIdentity {
    /// The identity `source` names. A self-signed certificate lives in the
    /// directory of `key_file` (the server's signing key), for `listen`.
    pub fn load(source: &TlsSource, listen: SocketAddr, key_file: &Path) -> Result<Self, TlsError> {
        match source {
            TlsSource::Files { cert, key } => Self::from_files(cert, key),
            TlsSource::SelfSigned => {
                let dir = match key_file.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d,
                    _ => Path::new("."),
                };
                Self::self_signed(dir, listen.ip())
            }
        }
    }

    /// A certificate chain (PEM, end-entity first) and its private key (PEM).
    pub fn from_files(cert_file: &Path, key_file: &Path) -> Result<Self, TlsError> {
        let certificate = |detail: String| TlsError::Certificate { path: cert_file.display().to_string(), detail };
        let chain = CertificateDer::pem_file_iter(cert_file)
            .map_err(|e| pem_error(cert_file, e, certificate))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| pem_error(cert_file, e, certificate))?;
        let Some(end_entity) = chain.first() else {
            return Err(certificate("no CERTIFICATE section".into()));
        };
        let fingerprint = fingerprint(end_entity);
        let private_key = |detail: String| TlsError::PrivateKey { path: key_file.display().to_string(), detail };
        let key = PrivateKeyDer::from_pem_file(key_file).map_err(|e| pem_error(key_file, e, private_key))?;
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        // The server speaks HTTP/1.1 only (axum's `http1` feature).
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self { fingerprint, cert_file: cert_file.to_owned(), created: false, config: Arc::new(config) })
    }

    /// The self-signed certificate in `dir`: read if its two files are there,
    /// made and saved (the key with mode 0600) if neither is.
    pub fn self_signed(dir: &Path, listen: IpAddr) -> Result<Self, TlsError> {
        let cert_file = dir.join(SELF_SIGNED_CERT_FILE);
        let key_file = dir.join(SELF_SIGNED_KEY_FILE);
        match (cert_file.exists(), key_file.exists()) {
            (true, true) => return Self::from_files(&cert_file, &key_file),
            (true, false) => return Err(incomplete(&cert_file, &key_file)),
            (false, true) => return Err(incomplete(&key_file, &cert_file)),
            (false, false) => {}
        }
        let (cert_pem, key_pem) = generate(&subject_alt_names(listen))?;
        // create_new: a second process starting at the same moment fails here
        // instead of overwriting the first one's certificate.
        write_new(&key_file, key_pem.as_bytes(), 0o600)?;
        write_new(&cert_file, cert_pem.as_bytes(), 0o644)?;
        let identity = Self::from_files(&cert_file, &key_file)?;
        Ok(Self { created: true, ..identity })
    }

    /// The acceptor that performs the server's side of the handshake.
    pub fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(Arc::clone(&self.config))
    }
}

fn pem_error(path: &Path, e: rustls::pki_types::pem::Error, kind: impl Fn(String) -> TlsError) -> TlsError {
    match e {
        rustls::pki_types::pem::Error::Io(source) => TlsError::Io { path: path.display().to_string(), source },
        rustls::pki_types::pem::Error::NoItemsFound => kind("no PEM section of that kind".into()),
        other => kind(other.to_string()),
    }
}

fn incomplete(present: &Path, missing: &Path) -> TlsError {
    TlsError::Incomplete { present: present.display().to_string(), missing: missing.display().to_string() }
}

/// The names a self-signed certificate is made for: the listening address
/// (unless it is the unspecified one), the loopback addresses, `localhost` and
/// the machine's host name. Stations pin the fingerprint and do not check names;
/// the names are for browsers.
fn subject_alt_names(listen: IpAddr) -> Vec<String> {
    let mut names = vec!["localhost".to_owned()];
    if let Some(host) = host_name() {
        names.push(host);
    }
    let mut ips = vec![IpAddr::from([127, 0, 0, 1]), IpAddr::from(std::net::Ipv6Addr::LOCALHOST)];
    if !listen.is_unspecified() {
        ips.push(listen);
    }
    names.extend(ips.iter().map(ToString::to_string));
    names.sort();
    names.dedup();
    names
}

/// The machine's host name, if it can be read and is a plain DNS name.
fn host_name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    let name = name.trim().to_ascii_lowercase();
    let plain = !name.is_empty()
        && name.len() <= 253
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && name != "localhost";
    plain.then_some(name)
}

/// A new ECDSA P-256 key and a certificate for `names` signed by it: (certificate
/// PEM, private key PEM).
fn generate(names: &[String]) -> Result<(String, Zeroizing<String>), TlsError> {
    let key = rcgen::KeyPair::generate()?;
    let mut params = rcgen::CertificateParams::new(names.to_vec())?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(rcgen::DnType::CommonName, "hallvote server (self-signed)");
    let now = SystemTime::now();
    // A day's margin for a station whose clock is behind (browsers look at it).
    params.not_before = now.checked_sub(Duration::from_secs(24 * 3600)).unwrap_or(now).into();
    params.not_after = now.checked_add(SELF_SIGNED_VALIDITY).unwrap_or(now).into();
    let cert = params.self_signed(&key)?;
    Ok((cert.pem(), Zeroizing::new(key.serialize_pem())))
}

fn write_new(path: &Path, contents: &[u8], mode: u32) -> Result<(), TlsError> {
    let io = |source| TlsError::Io { path: path.display().to_string(), source };
    let mut file = OpenOptions::new().write(true).create_new(true).mode(mode).open(path).map_err(io)?;
    file.write_all(contents).map_err(io)?;
    file.sync_all().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn fingerprint_is_sha256_of_the_der() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(fingerprint(b"abc"), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(crate::stations_protocol::check_tls_fingerprint(&fingerprint(b"")).is_ok());
    }

    #[test]
    fn self_signed_is_made_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = TlsIdentity::self_signed(dir.path(), IpAddr::from([127, 0, 0, 1])).unwrap();
        assert!(first.created);
        let mode = std::fs::metadata(dir.path().join(SELF_SIGNED_KEY_FILE)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let again = TlsIdentity::self_signed(dir.path(), IpAddr::from([127, 0, 0, 1])).unwrap();
        assert!(!again.created);
        assert_eq!(first.fingerprint, again.fingerprint);
        std::fs::remove_file(dir.path().join(SELF_SIGNED_KEY_FILE)).unwrap();
        assert!(matches!(
            TlsIdentity::self_signed(dir.path(), IpAddr::from([127, 0, 0, 1])),
            Err(TlsError::Incomplete { .. })
        ));
    }

    #[test]
    fn a_key_that_is_not_the_certificates_is_refused() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        TlsIdentity::self_signed(a.path(), IpAddr::from([127, 0, 0, 1])).unwrap();
        TlsIdentity::self_signed(b.path(), IpAddr::from([127, 0, 0, 1])).unwrap();
        let mixed =
            TlsIdentity::from_files(&a.path().join(SELF_SIGNED_CERT_FILE), &b.path().join(SELF_SIGNED_KEY_FILE));
        assert!(matches!(mixed, Err(TlsError::Rustls(_))), "{mixed:?}");
        let missing = TlsIdentity::from_files(&a.path().join("none.pem"), &a.path().join(SELF_SIGNED_KEY_FILE));
        assert!(matches!(missing, Err(TlsError::Io { .. })), "{missing:?}");
        let not_a_cert =
            TlsIdentity::from_files(&a.path().join(SELF_SIGNED_KEY_FILE), &a.path().join(SELF_SIGNED_KEY_FILE));
        assert!(matches!(not_a_cert, Err(TlsError::Certificate { .. })), "{not_a_cert:?}");
    }

    #[test]
    fn names_cover_the_listening_address_and_loopback() {
        let names = subject_alt_names(IpAddr::from([192, 168, 1, 10]));
        for n in ["localhost", "127.0.0.1", "::1", "192.168.1.10"] {
            assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
        }
        let any = subject_alt_names(IpAddr::from([0, 0, 0, 0]));
        assert!(!any.iter().any(|x| x == "0.0.0.0"), "{any:?}");
        assert!(PinnedCertVerifier::new("sha256:AB").is_err());
    }
}
