//! A station's identity on disk: enrolment by the one-time QR code (spec §15.2–§15.4)
//! and the files it keeps — `station.json` (server address, pinned certificate
//! fingerprint, station id, kind, name) and `station.key` (the Ed25519 seed, mode
//! 0600, written once).

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hallvote_crypto::sign::SigningKey;
use hallvote_protocol::stations::{EnrolmentPayload, StationKind};
use hallvote_protocol::wire::{EnrolRequest, EnrolledStation};
use http::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::link::{Link, LinkError, StationIdentity};

/// The station's settings file in its folder.
pub const CONFIG_FILE: &str = "station.json";
/// The station's key file in its folder (mode 0600).
pub const KEY_FILE: &str = "station.key";

/// Why a station cannot enrol or start.
#[derive(Debug, Error)]
pub enum StationError {
    /// The scanned text is not an enrolment code.
    #[error("enrolment code: {0}")]
    Code(#[from] hallvote_protocol::stations::PayloadError),
    /// The code is for another kind of station.
    #[error("this enrolment code is for a {found} station, not a {wanted}")]
    WrongKind {
        /// What the code enrols.
        found: &'static str,
        /// What this station is.
        wanted: &'static str,
    },
    /// The server cannot be reached.
    #[error("{0}")]
    Link(#[from] LinkError),
    /// The server refused the enrolment.
    #[error("the server refused: {0}")]
    Refused(String),
    /// The station's folder cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The folder holds no station, or a damaged one.
    #[error("{0}")]
    Config(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StationError + '_ {
    move |source| StationError::Io { path: path.to_owned(), source }
}

/// What `station.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationConfig {
    /// The server's address.
    pub server_url: String,
    /// The pinned certificate fingerprint, for https.
    pub tls_fingerprint: Option<String>,
    /// The standby hall server's address, tried when `server_url` does not answer
    /// (spec §15.3, §15.10); absent for a hall with one server, and in the files of
    /// stations enrolled before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standby_url: Option<String>,
    /// The station's id on the server.
    pub id: u64,
    /// What the station is.
    pub kind: StationKind,
    /// Its name.
    pub name: String,
}

/// An enrolled station, loaded from its folder.
#[derive(Debug, Clone)]
pub struct Station {
    /// Its settings.
    pub config: StationConfig,
    /// Its signing identity.
    pub identity: Arc<StationIdentity>,
}

impl Station {
    /// A link to the server that signs every request as this station.
    pub fn link(&self) -> Result<Link, LinkError> {
        let mut link = Link::new(&self.config.server_url, self.config.tls_fingerprint.as_deref())?;
        if let Some(standby) = &self.config.standby_url {
            link = link.with_standby(standby)?;
        }
        Ok(link.signed_by(Arc::clone(&self.identity)))
    }

    /// Loads the station kept in `dir`.
    pub fn load(dir: &Path) -> Result<Self, StationError> {
        let path = dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(io(&path))?;
        let config: StationConfig =
            serde_json::from_str(&text).map_err(|e| StationError::Config(format!("{}: {e}", path.display())))?;
        let key_path = dir.join(KEY_FILE);
        let mode = std::fs::metadata(&key_path).map_err(io(&key_path))?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(StationError::Config(format!(
                "{}: readable by others (mode {:o}); run chmod 600 on it",
                key_path.display(),
                mode & 0o777
            )));
        }
        let seed = Zeroizing::new(std::fs::read(&key_path).map_err(io(&key_path))?);
        let seed: &[u8; 32] = seed
            .as_slice()
            .try_into()
            .map_err(|_| StationError::Config(format!("{}: not a 32-byte key", key_path.display())))?;
        let key = SigningKey::from_bytes(seed);
        Ok(Self { identity: Arc::new(StationIdentity { id: config.id, key }), config })
    }

    /// Enrols a new station of kind `kind` with the scanned enrolment code and keeps
    /// it in `dir` (created if missing). The key is made here and never leaves.
    pub async fn enrol(dir: &Path, code: &str, kind: StationKind) -> Result<Self, StationError> {
        let payload = EnrolmentPayload::from_qr_text(code.trim())?;
        if payload.kind != kind {
            return Err(StationError::WrongKind { found: payload.kind.as_str(), wanted: kind.as_str() });
        }
        // Before the one-time code is spent: a folder that already holds a station
        // would make the enrolment fail after the server has registered it.
        for file in [KEY_FILE, CONFIG_FILE] {
            if dir.join(file).exists() {
                return Err(StationError::Config(format!(
                    "{} already holds an enrolled station ({file}); start it without --enrol, or enrol into a new folder \
                     (该文件夹已有登记的终端，请不带 --enrol 启动，或换一个文件夹登记)",
                    dir.display()
                )));
            }
        }
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let key = SigningKey::generate(&mut rand::rng());
        let mut link = Link::new(&payload.server_url, payload.tls_fingerprint.as_deref())?;
        if let Some(standby) = &payload.standby_url {
            link = link.with_standby(standby)?;
        }
        let body =
            EnrolRequest { token: payload.token.to_hex(), public_key: hex::encode(key.verifying_key().as_bytes()) };
        let answer = link.call_json(Method::POST, "/api/stations/enrol", &body).await?;
        if answer.status != StatusCode::CREATED {
            return Err(StationError::Refused(
                answer.error_message().map_or_else(|| answer.status.to_string(), str::to_owned),
            ));
        }
        let enrolled: EnrolledStation = answer.decode().map_err(|e| StationError::Refused(e.to_string()))?;
        let id = u64::try_from(enrolled.id).map_err(|_| {
            StationError::Refused(format!("the server's answer: id: {} is not a station id", enrolled.id))
        })?;
        let config = StationConfig {
            server_url: payload.server_url,
            tls_fingerprint: payload.tls_fingerprint,
            standby_url: payload.standby_url,
            id,
            kind,
            name: payload.name,
        };
        let key_path = dir.join(KEY_FILE);
        let mut f =
            OpenOptions::new().write(true).create_new(true).mode(0o600).open(&key_path).map_err(io(&key_path))?;
        f.write_all(key.to_bytes().as_slice()).and_then(|()| f.sync_all()).map_err(io(&key_path))?;
        let path = dir.join(CONFIG_FILE);
        let text = serde_json::to_string_pretty(&config).map_err(|e| StationError::Config(e.to_string()))?;
        std::fs::write(&path, text).map_err(io(&path))?;
        Ok(Self { identity: Arc::new(StationIdentity { id, key }), config })
    }
}
