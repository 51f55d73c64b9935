//! Test stores on both backends. PostgreSQL tests need a server: by default
//! postgres://postgres@127.0.0.1:5432/test (override with HALLVOTE_TEST_POSTGRES);
//! when it cannot be reached they fail, they do not skip.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use hallvote_server::db::Store;
use rand::RngExt;

/// The PostgreSQL server the tests use.
pub fn postgres_url() -> String {
    std::env::var("HALLVOTE_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh SQLite database in a temporary directory (kept alive by the returned guard).
pub async fn sqlite() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("hallvote.db").display());
    (Store::open(&url).await.unwrap(), dir)
}

/// Drops a test's schema once it has passed (a failed test leaves it for a look).
pub async fn drop_schema(schema: &str) {
    let admin = Store::connect(&postgres_url()).await.unwrap();
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(admin.pool()).await.unwrap();
    admin.close().await;
}

/// A fresh, empty PostgreSQL schema of its own, so tests run side by side.
/// Returns the store and the schema's name.
pub async fn postgres() -> (Store, String) {
    let base = postgres_url();
    let admin = Store::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL tests need a server at {base} (set HALLVOTE_TEST_POSTGRES): {e}"));
    let schema = format!("hv_test_{:016x}", rand::rng().random::<u64>());
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(admin.pool()).await.unwrap();
    admin.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    (Store::open(&url).await.unwrap(), schema)
}

/// Runs an async test body against both backends.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (store, _dir) = super::common::sqlite().await;
                super::$body(store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let (store, schema) = super::common::postgres().await;
                super::$body(store.clone()).await;
                store.close().await;
                super::common::drop_schema(&schema).await;
            }
        }
    };
}
