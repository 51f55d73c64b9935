//! Hall stations (table `stations`), their one-time enrolment tokens
//! (`station_enrolments`) and the nonces of their signed requests
//! (`station_nonces`); spec §15.

use hallvote_crypto::sign::VerifyingKey;
use sqlx::Row;
use sqlx::any::AnyRow;
use thiserror::Error;

use super::{Store, StoreError};
use crate::stations_protocol::{ENROLMENT_SECONDS, EnrolmentToken, MAX_CLOCK_SKEW_SECONDS, StationKind};

/// An enrolled station.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StationRecord {
    /// Row id, the `X-Hallvote-Station` of its requests.
    pub id: i64,
    /// What it is for.
    pub kind: StationKind,
    /// Its name, as the organiser gave it.
    pub name: String,
    /// The key that signs its requests.
    pub public_key: VerifyingKey,
    /// Unix seconds.
    pub enrolled_at: i64,
    /// Username of the organiser who issued its enrolment token.
    pub enrolled_by: String,
    /// A revoked station's requests are refused.
    pub revoked: bool,
}

/// An issued enrolment token, as stored (without the token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    /// What the station will be.
    pub kind: StationKind,
    /// Its name.
    pub name: String,
    /// Username of the organiser.
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
    /// The token is refused from this time on.
    pub expires_at: i64,
}

/// Why an enrolment was refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EnrolError {
    /// No token like this was ever issued.
    #[error("unknown enrolment token")]
    UnknownToken,
    /// The token was issued more than 15 minutes ago.
    #[error("enrolment token expired")]
    Expired,
    /// The token already enrolled a station.
    #[error("enrolment token already used")]
    Used,
    /// Another station already has this public key.
    #[error("public key already enrolled")]
    KeyTaken,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for EnrolError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// The outcome of a revocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revocation {
    /// The station was live and is revoked now.
    Revoked,
    /// It was revoked before.
    AlreadyRevoked,
    /// No such station.
    NotFound,
}

const COLUMNS: &str = "id, kind, name, public_key, enrolled_at, enrolled_by, revoked";

fn kind_of(row: &AnyRow) -> Result<StationKind, StoreError> {
    let kind: String = row.try_get("kind")?;
    kind.parse().map_err(|()| StoreError::Corrupt(format!("unknown station kind {kind:?}")))
}

fn from_row(row: &AnyRow) -> Result<StationRecord, StoreError> {
    let key: Vec<u8> = row.try_get("public_key")?;
    Ok(StationRecord {
        id: row.try_get("id")?,
        kind: kind_of(row)?,
        name: row.try_get("name")?,
        public_key: VerifyingKey::decode(&key).map_err(|e| StoreError::Corrupt(format!("station key: {e}")))?,
        enrolled_at: row.try_get("enrolled_at")?,
        enrolled_by: row.try_get("enrolled_by")?,
        revoked: row.try_get::<i64, _>("revoked")? != 0,
    })
}

/// Records an issued token, valid for [`ENROLMENT_SECONDS`] from `now`.
pub async fn create_enrolment(
    store: &Store,
    token: &EnrolmentToken,
    kind: StationKind,
    name: &str,
    created_by: &str,
    now: i64,
) -> Result<Enrolment, StoreError> {
    let expires_at = now + ENROLMENT_SECONDS;
    sqlx::query(
        "INSERT INTO station_enrolments (token_hash, kind, name, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token.stored_hash().to_vec())
    .bind(kind.as_str())
    .bind(name)
    .bind(created_by)
    .bind(now)
    .bind(expires_at)
    .execute(store.pool())
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "enrolment token"))?;
    Ok(Enrolment { kind, name: name.to_owned(), created_by: created_by.to_owned(), created_at: now, expires_at })
}

/// Consumes `token` and enrols a station with `public_key`, in one transaction:
/// the token is marked used only if the station is created, and of several
/// concurrent enrolments with one token exactly one succeeds.
pub async fn enrol(
    store: &Store,
    token: &EnrolmentToken,
    public_key: &VerifyingKey,
    now: i64,
) -> Result<StationRecord, EnrolError> {
    let hash = token.stored_hash().to_vec();
    let (_turn, mut tx) = store.begin_write().await?;
    // The conditional update is the claim: on PostgreSQL a concurrent claim waits
    // for this row and then finds `used_at` set.
    let claimed = sqlx::query(
        "UPDATE station_enrolments SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3 \
         RETURNING kind, name, created_by",
    )
    .bind(now)
    .bind(hash.clone())
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(claimed) = claimed else {
        let row = sqlx::query("SELECT used_at FROM station_enrolments WHERE token_hash = $1")
            .bind(hash)
            .fetch_optional(&mut *tx)
            .await?;
        tx.rollback().await?;
        return Err(match row {
            None => EnrolError::UnknownToken,
            Some(row) if row.try_get::<Option<i64>, _>("used_at")?.is_some() => EnrolError::Used,
            Some(_) => EnrolError::Expired,
        });
    };
    let kind = kind_of(&claimed)?;
    let name: String = claimed.try_get("name")?;
    let created_by: String = claimed.try_get("created_by")?;
    let inserted = sqlx::query(&format!(
        "INSERT INTO stations (kind, name, public_key, enrolled_at, enrolled_by, revoked) \
         VALUES ($1, $2, $3, $4, $5, 0) RETURNING {COLUMNS}"
    ))
    .bind(kind.as_str())
    .bind(name)
    .bind(public_key.as_bytes().to_vec())
    .bind(now)
    .bind(created_by)
    .fetch_one(&mut *tx)
    .await;
    let row = match inserted {
        Ok(row) => row,
        Err(e) => {
            tx.rollback().await?;
            return Err(match StoreError::conflict_on_unique(e, "station key") {
                StoreError::Conflict(_) => EnrolError::KeyTaken,
                other => other.into(),
            });
        }
    };
    let station = from_row(&row)?;
    sqlx::query("UPDATE station_enrolments SET station_id = $1 WHERE token_hash = $2")
        .bind(station.id)
        .bind(token.stored_hash().to_vec())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(station)
}

/// The station with this id.
pub async fn by_id(store: &Store, id: i64) -> Result<Option<StationRecord>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM stations WHERE id = $1"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every station, revoked ones included, in order of enrolment.
pub async fn list(store: &Store) -> Result<Vec<StationRecord>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM stations ORDER BY id")).fetch_all(store.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// Revokes a station: from now on its requests are refused. There is no way back;
/// the machine enrols again with a new token and key.
pub async fn revoke(store: &Store, id: i64) -> Result<Revocation, StoreError> {
    let done = sqlx::query("UPDATE stations SET revoked = 1 WHERE id = $1 AND revoked = 0")
        .bind(id)
        .execute(store.pool())
        .await?;
    if done.rows_affected() == 1 {
        return Ok(Revocation::Revoked);
    }
    Ok(if by_id(store, id).await?.is_some() { Revocation::AlreadyRevoked } else { Revocation::NotFound })
}

/// What recording a request's nonce found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonceUse {
    /// Not used before: recorded now, the request may go on.
    Fresh,
    /// The station used it before (a replay); nothing was recorded.
    Replayed,
    /// The station is revoked; nothing was recorded.
    Revoked,
}

impl NonceUse {
    /// Whether the nonce was recorded now.
    pub fn is_fresh(self) -> bool {
        self == Self::Fresh
    }
}

/// Records the nonce of an accepted request (see [`use_nonces`]). `at` is the
/// request's signed timestamp.
pub async fn use_nonce(
    store: &Store,
    station_id: i64,
    nonce: &[u8],
    at: i64,
    now: i64,
) -> Result<NonceUse, StoreError> {
    Ok(use_nonces(store, &[(station_id, nonce.to_vec(), at)], now)
        .await?
        .first()
        .copied()
        .unwrap_or(NonceUse::Replayed))
}

/// Nonces inserted by one statement (3 parameters each; SQLite allows 32,766).
const NONCES_PER_STATEMENT: usize = 500;

/// Records the nonces of accepted requests `(station, nonce, timestamp)` in one
/// transaction. A nonce is recorded only if its station is not revoked and has not
/// used it before (also within the batch): checking revocation here, in the same
/// statement, is what lets a process keep stations' keys in memory and still refuse
/// a station that another process revoked a moment ago. Also forgets nonces whose
/// timestamps are more than twice the freshness window before `now`: a replay of one
/// of those is refused as stale, and the margin covers clocks of several server
/// processes that differ a little.
pub async fn use_nonces(store: &Store, nonces: &[(i64, Vec<u8>, i64)], now: i64) -> Result<Vec<NonceUse>, StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    sqlx::query("DELETE FROM station_nonces WHERE at < $1")
        .bind(now - 2 * MAX_CLOCK_SKEW_SECONDS)
        .execute(&mut *tx)
        .await?;
    // One statement per chunk (not one per nonce): the batch is one round trip to
    // the database however many requests it holds. A nonce is fresh iff its row was
    // inserted; RETURNING names those (a pair sent twice in one batch returns once).
    let mut inserted: std::collections::HashMap<(i64, Vec<u8>), usize> = std::collections::HashMap::new();
    for chunk in nonces.chunks(NONCES_PER_STATEMENT) {
        let rows: Vec<String> =
            (0..chunk.len()).map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect();
        // `column1…3` are the standard names of a VALUES list's columns (both
        // databases); the WHERE also keeps SQLite from reading ON CONFLICT as a join.
        let sql = format!(
            "INSERT INTO station_nonces (station_id, nonce, at) \
             SELECT v.column1, v.column2, v.column3 FROM (VALUES {}) AS v \
             JOIN stations ON stations.id = v.column1 WHERE stations.revoked = 0 \
             ON CONFLICT (station_id, nonce) DO NOTHING RETURNING station_id, nonce",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (station_id, nonce, at) in chunk {
            q = q.bind(*station_id).bind(nonce.clone()).bind(*at);
        }
        for row in q.fetch_all(&mut *tx).await? {
            *inserted.entry((row.try_get("station_id")?, row.try_get("nonce")?)).or_default() += 1;
        }
    }
    let mut uses: Vec<NonceUse> = nonces
        .iter()
        .map(|(station_id, nonce, _)| match inserted.get_mut(&(*station_id, nonce.clone())) {
            Some(n) if *n > 0 => {
                *n -= 1;
                NonceUse::Fresh
            }
            _ => NonceUse::Replayed,
        })
        .collect();
    // Rarely any: tell a revoked station's nonces from replays.
    let mut refused: Vec<i64> =
        nonces.iter().zip(&uses).filter(|(_, u)| !u.is_fresh()).map(|((station_id, _, _), _)| *station_id).collect();
    refused.sort_unstable();
    refused.dedup();
    for chunk in refused.chunks(NONCES_PER_STATEMENT) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id FROM stations WHERE revoked <> 0 AND id IN ({})", marks.join(", "));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        let revoked: Vec<i64> =
            q.fetch_all(&mut *tx).await?.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?;
        for ((station_id, _, _), u) in nonces.iter().zip(uses.iter_mut()) {
            if revoked.contains(station_id) {
                *u = NonceUse::Revoked;
            }
        }
    }
    tx.commit().await?;
    Ok(uses)
}
