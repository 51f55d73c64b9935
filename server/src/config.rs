//! What `hallvote serve` is told on its command line.

use std::net::SocketAddr;

/// The database a server uses when given none: a SQLite file in the working directory.
pub const DEFAULT_DATABASE: &str = "sqlite://hallvote.db?mode=rwc";
/// The address a server listens on when given none: this machine only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Configuration of one server process.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// `sqlite://PATH?mode=rwc` or `postgres://…`.
    pub database_url: String,
    /// Where to listen.
    pub listen: SocketAddr,
    /// The server's signing key file (created on first start).
    pub key_file: std::path::PathBuf,
    /// TLS, if the server speaks it; `None`: plain HTTP.
    pub tls: Option<TlsSource>,
    /// Connection caps and timeouts; tests set small ones, `hallvote serve` the
    /// defaults (`crate::listen`).
    pub connections: crate::listen::ConnectionLimits,
}

/// Where the server's TLS certificate comes from (docs/adr/0011).
#[derive(Clone, Debug)]
pub enum TlsSource {
    /// A certificate chain and its private key, PEM files the operator gives.
    Files {
        /// The certificate chain, end-entity first.
        cert: std::path::PathBuf,
        /// Its private key.
        key: std::path::PathBuf,
    },
    /// A self-signed certificate kept in the key file's directory
    /// (`hallvote-tls.pem`, `hallvote-tls.key`), made on first start.
    SelfSigned,
}

/// The key file a server uses when given none: beside the database, in the working directory.
pub const DEFAULT_KEY_FILE: &str = "hallvote-server.key";

impl ServeConfig {
    /// A database argument as a person gives it: a URL, or a path to a SQLite file.
    pub fn database_url_from_arg(arg: &str) -> String {
        if arg.starts_with("sqlite:") || arg.starts_with("postgres:") || arg.starts_with("postgresql:") {
            arg.to_owned()
        } else {
            format!("sqlite://{arg}?mode=rwc")
        }
    }
}
