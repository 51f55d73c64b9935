//! `hallvote serve`: open the database, make sure an organiser exists, listen.

use tokio::net::TcpListener;
use zeroize::Zeroizing;

use crate::auth::Role;
use crate::auth::password::{generate_password, hash_password};
use crate::clock::system_now as now;
use crate::config::ServeConfig;
use crate::db::accounts::{self, NewAccount};
use crate::db::{Store, StoreError, audit};
use crate::http::{AppState, router};
use crate::listen::{ConnectionLimits, ServeOptions};
use crate::tls::TlsIdentity;

/// The login name of the organiser account created on first start.
pub const FIRST_ORGANISER: &str = "organiser";

/// A server bound to its address, not yet serving.
pub struct Server {
    listener: TcpListener,
    state: AppState,
    tls: Option<TlsIdentity>,
    /// Set on the first start: the one-time password of the first organiser.
    pub first_password: Option<Zeroizing<String>>,
    /// Whether each client address is rate-limited (ADR 0011); off only for a
    /// simulation whose stations all share the loopback address.
    client_limits: bool,
    connections: ConnectionLimits,
}

impl Server {
    /// Opens the database (migrating it), loads (or makes) the TLS certificate if
    /// the server speaks TLS, creates the first organiser if there is none, and
    /// binds the listening socket.
    pub async fn bind(config: &ServeConfig) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let store = Store::open(&config.database_url).await?;
        let key = crate::keys::load_or_create(&config.key_file)?;
        if !crate::db::server_key::register(&store, &key.verifying_key().to_bytes(), now()).await? {
            return Err(format!(
                "the database belongs to another server key than {}; give every server process the same key file \
                 (数据库属于另一个服务器密钥，请为每个服务器进程提供同一个密钥文件)",
                config.key_file.display()
            )
            .into());
        }
        // Before the first organiser: a start that fails here must not have
        // created the account whose one-time password it never printed.
        let tls = match &config.tls {
            Some(source) => Some(TlsIdentity::load(source, config.listen, &config.key_file)?),
            None => None,
        };
        let first_password = first_organiser(&store, now()).await?;
        // Before the listener: the connection cap is derived from the limit raised here.
        crate::listen::raise_descriptor_limit();
        let listener = TcpListener::bind(config.listen).await?;
        let mut state = AppState::new(store, key);
        if let Some(tls) = &tls {
            state = state.with_tls_fingerprint(tls.fingerprint.clone());
        }
        Ok(Self { listener, state, tls, first_password, client_limits: true, connections: config.connections.clone() })
    }

    /// The same server without the per-address rate limit: for `hallvote demo
    /// --simulate`, whose desk, booths and scrutineers all reach it from 127.0.0.1
    /// at machine speed. A hall's server keeps the limit.
    #[must_use]
    pub fn without_client_limits(mut self) -> Self {
        self.client_limits = false;
        self
    }

    /// The same server as one of two hall servers (spec §14.13): `url` is the other
    /// one's address, written into enrolment QR codes for stations to fail over to.
    #[must_use]
    pub fn with_peer_url(mut self, url: String) -> Self {
        self.state = self.state.with_peer_url(url);
        self
    }

    /// The application state (for seeding the demo).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The server's TLS certificate, if it speaks TLS.
    pub fn tls(&self) -> Option<&TlsIdentity> {
        self.tls.as_ref()
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests and
    /// closes the database. Connections are taken by the server's own accept loop
    /// (`crate::listen`), under its caps and timeouts.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let store = self.state.store.clone();
        let options = ServeOptions {
            limits: self.connections,
            // The peer address is what the rate limit counts by (`http::limits`);
            // without it, the limit lets every request through.
            connect_info: self.client_limits,
            tls: self.tls.as_ref().map(TlsIdentity::acceptor),
            stations: std::sync::Arc::clone(&self.state.known_stations),
        };
        let result = crate::listen::serve(self.listener, router(self.state), options, shutdown).await;
        store.close().await;
        result
    }
}

/// Creates the first organiser account with a one-time password if no organiser
/// exists, and returns that password (to be printed once, never logged or stored).
/// Several server processes starting together on one database create one account:
/// the others lose the race on the unique username and return `None`.
pub async fn first_organiser(store: &Store, now: i64) -> Result<Option<Zeroizing<String>>, StoreError> {
    if accounts::count_with_role(store, Role::Organiser).await? > 0 {
        return Ok(None);
    }
    let mut rng = rand::rng();
    let password = generate_password(&mut rng);
    let hash = hash_password(&password, &mut rng).map_err(StoreError::Corrupt)?;
    let new = NewAccount {
        username: FIRST_ORGANISER,
        display_name: "会务组 / Organiser",
        role: Role::Organiser,
        password_hash: &hash,
        must_change_password: true,
    };
    match accounts::create(store, &new, now).await {
        Ok(_) => {
            audit::append(store, now, "hallvote", "account.create", "first organiser account created on first start")
                .await?;
            Ok(Some(password))
        }
        Err(StoreError::Conflict(_)) => Ok(None),
        Err(e) => Err(e),
    }
}
