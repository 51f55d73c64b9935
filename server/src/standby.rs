//! The standby hall server (spec §14.13): a `hallvote serve --standby` process on a
//! second machine, pointed at a synchronous streaming replica of the primary's
//! PostgreSQL. It neither listens nor touches the database while the replica is in
//! recovery (`pg_is_in_recovery()`), so it can never take a write while the primary
//! lives; once the replica has been promoted (by the operator, or by this process
//! after `--promote-after` seconds without the primary), it starts as any server
//! does: migrations (none to run), the server key check, the caches built from the
//! database, and the listening socket.

use std::time::{Duration, Instant};

use crate::db::{self, Backend, Store};

/// How often the standby asks the replica whether it is still in recovery.
pub const POLL_EVERY: Duration = Duration::from_millis(500);
/// How long one look at the primary server (a TCP connection) may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// How a standby waits for its turn.
#[derive(Clone, Debug)]
pub struct StandbyOptions {
    /// The database: the replica.
    pub database_url: String,
    /// Promote the replica itself once the primary server (`peer_url`) has not
    /// accepted a connection for this long; `None`: the operator promotes.
    pub promote_after: Option<Duration>,
    /// The primary server's address (`http(s)://host:port`).
    pub peer_url: Option<String>,
}

/// Waits until the database accepts writes: returns at once on a primary, and on a
/// replica when it has been promoted. `say` is told, once each, what it waits for.
pub async fn wait_for_promotion(
    options: &StandbyOptions,
    mut say: impl FnMut(&str),
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    if !(options.database_url.starts_with("postgres:") || options.database_url.starts_with("postgresql:")) {
        return Err("--standby needs a PostgreSQL replica (postgres://…) \
                    (备用服务器须连接 PostgreSQL 副本)"
            .into());
    }
    let peer = match (&options.promote_after, &options.peer_url) {
        (Some(_), None) => {
            return Err("--promote-after needs --peer-url, the primary server it watches \
                        (--promote-after 须与 --peer-url 一起使用)"
                .into());
        }
        (Some(_), Some(url)) => Some(peer_address(url)?),
        (None, _) => None,
    };
    let mut store: Option<Store> = None;
    let mut said_waiting = false;
    let mut said_unreachable = false;
    let mut peer_lost_since: Option<Instant> = None;
    loop {
        if store.is_none() {
            match Store::connect(&options.database_url).await {
                Ok(s) if s.backend() == Backend::Postgres => store = Some(s),
                Ok(_) => return Err("--standby needs PostgreSQL".into()),
                Err(e) => {
                    if !said_unreachable {
                        say(&format!("数据库暂不可达，继续等待 / the database cannot be reached yet, waiting: {e}"));
                        said_unreachable = true;
                    }
                    tokio::time::sleep(POLL_EVERY).await;
                    continue;
                }
            }
        }
        let Some(s) = &store else { continue };
        match db::in_recovery(s).await {
            Ok(false) => {
                s.close().await;
                return Ok(());
            }
            Ok(true) => {
                said_unreachable = false;
                if !said_waiting {
                    say("数据库是恢复中的副本：本备用服务器等待提升后接管 / the database is a replica in recovery: \
                         this standby waits until it is promoted, then takes over");
                    said_waiting = true;
                }
            }
            Err(e) => {
                // The replica restarting, or the connection dropped: connect again.
                if !said_unreachable {
                    say(&format!("数据库连接中断 / lost the database connection: {e}"));
                    said_unreachable = true;
                }
                s.close().await;
                store = None;
                tokio::time::sleep(POLL_EVERY).await;
                continue;
            }
        }
        if let (Some(after), Some(addr)) = (options.promote_after, &peer) {
            if reachable(addr).await {
                peer_lost_since = None;
            } else {
                let since = *peer_lost_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= after {
                    say(&format!(
                        "主服务器 {addr} 已 {} 秒无法连接：提升副本 / the primary server {addr} has not answered for {} s: \
                         promoting the replica",
                        after.as_secs(),
                        after.as_secs()
                    ));
                    db::promote(s).await?;
                    continue;
                }
            }
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// `host:port` of an `http(s)://` address.
fn peer_address(url: &str) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let uri: axum::http::Uri = url.parse().map_err(|e| format!("--peer-url {url}: {e}"))?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(format!("--peer-url {url}: not http:// or https://").into()),
    };
    let host = uri.host().ok_or_else(|| format!("--peer-url {url}: no host"))?;
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    Ok(if host.contains(':') && !host.starts_with('[') { format!("[{host}]:{port}") } else { format!("{host}:{port}") })
}

async fn reachable(addr: &str) -> bool {
    matches!(tokio::time::timeout(PROBE_TIMEOUT, tokio::net::TcpStream::connect(addr)).await, Ok(Ok(_)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_peer_address_is_host_and_port() {
        assert_eq!(peer_address("https://10.0.0.2:8443").unwrap(), "10.0.0.2:8443");
        assert_eq!(peer_address("http://hall-a").unwrap(), "hall-a:80");
        assert_eq!(peer_address("https://[fe80::1]").unwrap(), "[fe80::1]:443");
        assert!(peer_address("ftp://x").is_err());
    }

    #[tokio::test]
    async fn a_standby_refuses_sqlite_and_promote_after_without_a_peer() {
        let sqlite = StandbyOptions { database_url: "sqlite://x.db".into(), promote_after: None, peer_url: None };
        assert!(wait_for_promotion(&sqlite, |_| {}).await.is_err());
        let lonely = StandbyOptions {
            database_url: "postgres://127.0.0.1:1/x".into(),
            promote_after: Some(Duration::from_secs(5)),
            peer_url: None,
        };
        assert!(wait_for_promotion(&lonely, |_| {}).await.is_err());
    }
}
