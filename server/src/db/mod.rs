//! Storage: one schema on two backends, SQLite (a file; the default) and
//! PostgreSQL. All SQL of the server lives under this module, one file per
//! aggregate, in functions that take the [`Store`] or an open transaction.
//!
//! Queries use only types both backends share through `sqlx::Any` (64-bit
//! integers, text, bytes) and `$1, $2, …` placeholders in order.

pub mod accounts;
pub mod attendance;
pub mod attendees;
pub mod audit;
pub mod board;
pub mod casting;
pub mod congress;
pub mod delegate_status;
pub mod eligible;
pub mod key_checks;
pub mod mix;
pub mod polls;
pub mod proposals;
pub mod reports;
pub mod roster;
pub mod server_key;
pub mod sessions;
pub mod stations;

use std::sync::{Arc, Once};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use thiserror::Error;

/// Which database a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, a single file.
    Sqlite,
    /// PostgreSQL, shared by several server processes.
    Postgres,
}

/// The `state` column of a `polls` row, read strictly: a name the server does not
/// know is corrupt data, not a state.
pub(crate) fn poll_state(row: &sqlx::any::AnyRow) -> Result<crate::lifecycle::PollState, StoreError> {
    use sqlx::Row as _;
    let name: String = row.try_get("state")?;
    crate::lifecycle::PollState::parse(&name).ok_or_else(|| StoreError::Corrupt(format!("poll state {name:?}")))
}

/// A failure of the storage layer.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The URL names a database this server does not support.
    #[error("unsupported database URL (use sqlite://PATH or postgres://…): {0}")]
    UnsupportedUrl(String),
    /// A row that must be unique already exists.
    #[error("already exists: {0}")]
    Conflict(&'static str),
    /// The database refused or failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database holds a value the schema does not allow (a bug or tampering).
    #[error("corrupt data in the database: {0}")]
    Corrupt(String),
    /// The SQLite file could not be created or its permissions set.
    #[error("database file: {0}")]
    Io(String),
}

impl StoreError {
    /// Maps a unique-constraint violation to [`StoreError::Conflict`].
    pub(crate) fn conflict_on_unique(e: sqlx::Error, what: &'static str) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict(what),
            _ => Self::Database(e),
        }
    }
}

/// A connection pool to the server's database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite: whose turn it is to write (see [`Store::begin_write`]).
    writer: Arc<tokio::sync::Mutex<()>>,
}

/// A turn at writing: held until the transaction it was taken for has ended.
/// On SQLite it is this process's turn at the file's single write lock.
#[derive(Debug)]
pub struct WriteTurn(#[allow(dead_code)] Option<tokio::sync::OwnedMutexGuard<()>>);

static DRIVERS: Once = Once::new();

impl Store {
    /// Connects to `url` (creating a SQLite file if `mode=rwc` is given) and
    /// applies every migration that has not been applied yet.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating.
    ///
    /// A SQLite file is created (or kept) readable by its owner only (0600): it holds
    /// password hashes and the sealed credential keys. SQLite gives its `-wal` and
    /// `-shm` files the database file's permissions.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        DRIVERS.call_once(install_default_drivers);
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        if backend == Backend::Sqlite {
            private_sqlite_file(url)?;
        }
        let options: AnyConnectOptions = url.parse()?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL for concurrent readers; FULL so that a commit, and
                            // so a receipt, survives a power cut; foreign keys on.
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = FULL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?
            }
        };
        Ok(Self { pool, backend, writer: Arc::default() })
    }

    /// Applies the numbered migrations of this backend (server/migrations/).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&self.pool).await?,
        }
        Ok(())
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool. Application code goes through the functions of this module;
    /// this is for them and for tests that must reach the tables directly.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction that will write, with the turn that must be held until
    /// it ends (keep it in scope past the commit: `let (_turn, mut tx) = …`).
    ///
    /// On SQLite the transaction takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so one that reads before it writes waits for its turn instead of failing
    /// when it tries to upgrade its lock; and the writers of this process queue
    /// for the lock here, in order, instead of in SQLite's busy handler, which
    /// polls with sleeps of up to 100 ms and under load put tens of milliseconds
    /// on a cast whose group commit met the station-nonce writer's (measured in
    /// docs/PERFORMANCE.md). PostgreSQL locks rows, so writers do not queue.
    pub async fn begin_write(&self) -> Result<(WriteTurn, sqlx::Transaction<'static, sqlx::Any>), StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let turn = WriteTurn(Some(Arc::clone(&self.writer).lock_owned().await));
                (turn, self.pool.begin_with("BEGIN IMMEDIATE").await?)
            }
            Backend::Postgres => (WriteTurn(None), self.pool.begin().await?),
        })
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A round trip to the database, for health checks.
pub async fn ping(store: &Store) -> Result<(), StoreError> {
    sqlx::query("SELECT 1").execute(store.pool()).await?;
    Ok(())
}

/// Whether the PostgreSQL server is a replica still in recovery (a hot standby,
/// read-only) rather than a primary that accepts writes (spec §14.14).
pub async fn in_recovery(store: &Store) -> Result<bool, StoreError> {
    use sqlx::Row as _;
    let row = sqlx::query("SELECT CAST(CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END AS BIGINT) AS r")
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get::<i64, _>("r")? != 0)
}

/// Promotes the replica to a primary (`pg_promote`), waiting up to a minute for it
/// to finish; true once it accepts writes.
pub async fn promote(store: &Store) -> Result<bool, StoreError> {
    use sqlx::Row as _;
    let row = sqlx::query("SELECT CAST(CASE WHEN pg_promote(true, 60) THEN 1 ELSE 0 END AS BIGINT) AS p")
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get::<i64, _>("p")? != 0)
}

/// The file of a `sqlite://PATH?…` or `sqlite:PATH` URL, created empty with mode 0600
/// if it does not exist, and narrowed to 0600 if it does. In-memory databases are
/// left alone.
fn private_sqlite_file(url: &str) -> Result<(), StoreError> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or_default();
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" || rest.contains("mode=memory") {
        return Ok(());
    }
    let io = |e: std::io::Error| StoreError::Io(format!("{path}: {e}"));
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io)
        }
        Err(e) => Err(io(e)),
    }
}
