//! The station's side of TLS (spec §15.3): a station accepts exactly the server
//! certificate whose fingerprint its enrolment QR code carries.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Why a pinned TLS configuration cannot be made.
#[derive(Debug, Error)]
pub enum PinError {
    /// Not `sha256:` and 64 lowercase hex digits.
    #[error("not a certificate fingerprint (sha256: and 64 hex digits): {0}")]
    Fingerprint(String),
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Tls(#[from] rustls::Error),
}

/// The crypto provider of every TLS connection here: ring (docs/adr/0011).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// `sha256:` and the lowercase hex SHA-256 of a DER certificate: the fingerprint
/// an enrolment QR code carries (spec §15.3).
pub fn fingerprint(cert_der: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(cert_der)))
}

/// What a station does with the fingerprint from its enrolment QR code (spec
/// §15.3): it accepts exactly the server certificate with that fingerprint,
/// whatever its names, issuer or dates, and checks the handshake signatures
/// with that certificate's key.
#[derive(Debug)]
pub struct PinnedCertVerifier {
    fingerprint: String,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedCertVerifier {
    /// A verifier for `fingerprint` (`sha256:` and 64 lowercase hex digits).
    pub fn new(fingerprint: &str) -> Result<Self, PinError> {
        crate::stations::check_tls_fingerprint(fingerprint)
            .map_err(|_| PinError::Fingerprint(fingerprint.to_owned()))?;
        Ok(Self { fingerprint: fingerprint.to_owned(), algorithms: provider().signature_verification_algorithms })
    }

    /// A client configuration that trusts only the certificate with `fingerprint`.
    pub fn client_config(fingerprint: &str) -> Result<rustls::ClientConfig, PinError> {
        let verifier = Arc::new(Self::new(fingerprint)?);
        let mut config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

impl ServerCertVerifier for PinnedCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if fingerprint(end_entity) == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
