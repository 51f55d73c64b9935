//! The casting pipeline of a poll (docs/adr/0008): officers, the relayed key
//! ceremony, credential issuance, the bulletin board, decryption shares, result
//! signatures and the record. Each write that matters is one transaction.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError};
use crate::board::{BoardCache, BoardLeaves};
use crate::lifecycle::PollState;

/// The lifecycle columns of a poll.
#[derive(Clone, Debug, Default)]
pub struct PollRun {
    /// Row id.
    pub id: i64,
    /// The session.
    pub session_id: i64,
    /// Where the poll is in its lifecycle.
    pub state: PollState,
    /// `k`, once officers are appointed.
    pub threshold: Option<u32>,
    /// The ceremony id (spec §5.1).
    pub ceremony_id: Option<Vec<u8>>,
    /// The manifest bytes (spec §11.2).
    pub manifest: Option<Vec<u8>>,
    /// The sealed credential key (spec §14.6).
    pub credential_secret: Option<Vec<u8>>,
    /// `Y`.
    pub joint_key: Option<Vec<u8>>,
    /// `E`.
    pub election_hash: Option<Vec<u8>>,
    /// 应到, frozen at open.
    pub expected: Option<u32>,
    /// 实到, frozen at open.
    pub present: Option<u32>,
    /// Credentials issued.
    pub issued: u32,
    /// Entries on the board.
    pub board_size: u64,
    /// The sealing tree head and its signature (104 bytes).
    pub final_head: Option<Vec<u8>>,
    /// The totals (JSON array), once tallied.
    pub totals: Option<Vec<u64>>,
    /// The outcome bytes (spec §12.7).
    pub outcome: Option<Vec<u8>>,
    /// The result digest (spec §12.8).
    pub result_digest: Option<Vec<u8>>,
    /// The aggregate ciphertexts (64 bytes each), computed at close.
    pub aggregates: Option<Vec<u8>>,
    /// Whether the record has been stored.
    pub has_record: bool,
    /// The last attendance event of the session when the poll opened: who was
    /// present then is the poll's 实到, and only they may be issued a ballot.
    pub open_mark: Option<i64>,
}

const RUN_COLUMNS: &str = "id, session_id, state, threshold, ceremony_id, manifest, credential_secret, joint_key, \
     election_hash, expected, present, issued, board_size, final_head, totals, outcome, result_digest, aggregates, \
     CASE WHEN record IS NULL THEN 0 ELSE 1 END AS has_record, open_mark";

fn u32_of(v: Option<i64>) -> Result<Option<u32>, StoreError> {
    v.map(|x| u32::try_from(x).map_err(|_| StoreError::Corrupt(format!("count {x} out of range")))).transpose()
}

fn run_from_row(row: &AnyRow) -> Result<PollRun, StoreError> {
    let totals: Option<String> = row.try_get("totals")?;
    let has_record: i64 = row.try_get("has_record")?;
    Ok(PollRun {
        id: row.try_get("id")?,
        session_id: row.try_get("session_id")?,
        state: super::poll_state(row)?,
        threshold: u32_of(row.try_get("threshold")?)?,
        ceremony_id: row.try_get("ceremony_id")?,
        manifest: row.try_get("manifest")?,
        credential_secret: row.try_get("credential_secret")?,
        joint_key: row.try_get("joint_key")?,
        election_hash: row.try_get("election_hash")?,
        expected: u32_of(row.try_get("expected")?)?,
        present: u32_of(row.try_get("present")?)?,
        issued: u32_of(Some(row.try_get("issued")?))?.unwrap_or(0),
        board_size: u64::try_from(row.try_get::<i64, _>("board_size")?)
            .map_err(|_| StoreError::Corrupt("negative board size".into()))?,
        final_head: row.try_get("final_head")?,
        totals: totals
            .map(|t| serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(format!("totals: {e}"))))
            .transpose()?,
        outcome: row.try_get("outcome")?,
        result_digest: row.try_get("result_digest")?,
        aggregates: row.try_get("aggregates")?,
        has_record: has_record != 0,
        open_mark: row.try_get("open_mark")?,
    })
}

/// The lifecycle columns of poll `id`.
pub async fn run(store: &Store, id: i64) -> Result<Option<PollRun>, StoreError> {
    let row = sqlx::query(&format!("SELECT {RUN_COLUMNS} FROM polls WHERE id = $1"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(run_from_row).transpose()
}

/// Scrutineer (监票人) or counter (计票人).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfficerRole {
    /// Holds a key share; decrypts; signs the result.
    Scrutineer,
    /// Signs the result.
    Counter,
}

impl OfficerRole {
    /// The column value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scrutineer => "scrutineer",
            Self::Counter => "counter",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "scrutineer" => Ok(Self::Scrutineer),
            "counter" => Ok(Self::Counter),
            other => Err(StoreError::Corrupt(format!("officer role {other}"))),
        }
    }
}

/// An appointed officer of a poll.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Officer {
    /// The role.
    pub role: OfficerRole,
    /// 1-based; for scrutineers the ceremony index `j`.
    pub position: u32,
    /// The delegate.
    pub delegate_id: i64,
    /// The scrutineer station that signs for the officer.
    pub station_id: i64,
    /// The name printed on the result sheet.
    pub name: String,
}

/// Appoints the officers of a draft poll and sets `k`, in one transaction.
/// Returns false if the poll is not a draft or already has officers.
pub async fn appoint(store: &Store, poll_id: i64, threshold: u32, officers: &[Officer]) -> Result<bool, StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    let updated =
        sqlx::query("UPDATE polls SET threshold = $1 WHERE id = $2 AND state = 'draft' AND threshold IS NULL")
            .bind(i64::from(threshold))
            .bind(poll_id)
            .execute(&mut *tx)
            .await?;
    if updated.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    for o in officers {
        sqlx::query(
            "INSERT INTO poll_officers (poll_id, role, position, delegate_id, station_id, name) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(poll_id)
        .bind(o.role.as_str())
        .bind(i64::from(o.position))
        .bind(o.delegate_id)
        .bind(o.station_id)
        .bind(&o.name)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "officer"))?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The offices a station holds: (poll, officer), newest poll first, scrutineers before
/// counters within a poll.
pub async fn offices_of_station(store: &Store, station_id: i64) -> Result<Vec<(i64, Officer)>, StoreError> {
    let rows = sqlx::query(
        "SELECT poll_id, role, position, delegate_id, station_id, name FROM poll_officers WHERE station_id = $1 \
         ORDER BY poll_id DESC, CASE role WHEN 'scrutineer' THEN 0 ELSE 1 END, position",
    )
    .bind(station_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok((r.try_get("poll_id")?, officer_of_row(r)?))).collect()
}

/// An officer from a `poll_officers` row.
fn officer_of_row(r: &AnyRow) -> Result<Officer, StoreError> {
    Ok(Officer {
        role: OfficerRole::parse(&r.try_get::<String, _>("role")?)?,
        position: u32_of(Some(r.try_get("position")?))?.unwrap_or(0),
        delegate_id: r.try_get("delegate_id")?,
        station_id: r.try_get("station_id")?,
        name: r.try_get("name")?,
    })
}

/// The officers of a poll, scrutineers first, each in position order.
pub async fn officers(store: &Store, poll_id: i64) -> Result<Vec<Officer>, StoreError> {
    let rows = sqlx::query(
        "SELECT role, position, delegate_id, station_id, name FROM poll_officers WHERE poll_id = $1 \
         ORDER BY CASE role WHEN 'scrutineer' THEN 0 ELSE 1 END, position",
    )
    .bind(poll_id)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(officer_of_row).collect()
}

/// Freezes the manifest and starts the ceremony: draft → ceremony.
pub async fn start_ceremony(
    store: &Store,
    poll_id: i64,
    ceremony_id: &[u8],
    manifest: &[u8],
    credential_secret: &[u8],
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE polls SET state = 'ceremony', ceremony_id = $1, manifest = $2, credential_secret = $3 \
         WHERE id = $4 AND state = 'draft' AND threshold IS NOT NULL",
    )
    .bind(ceremony_id.to_vec())
    .bind(manifest.to_vec())
    .bind(credential_secret.to_vec())
    .bind(poll_id)
    .execute(store.pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A ceremony message of scrutineer or dealer `index`.
pub type Indexed = (u32, Vec<u8>);

fn indexed(rows: &[AnyRow], col: &str, blob: &str) -> Result<Vec<Indexed>, StoreError> {
    rows.iter().map(|r| Ok((u32_of(Some(r.try_get(col)?))?.unwrap_or(0), r.try_get::<Vec<u8>, _>(blob)?))).collect()
}

/// Stores scrutineer `j`'s key for receiving shares (once).
pub async fn put_recipient(store: &Store, poll_id: i64, j: u32, key: &[u8]) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO ceremony_recipients (poll_id, scrutineer, public_key) VALUES ($1, $2, $3)")
        .bind(poll_id)
        .bind(i64::from(j))
        .bind(key.to_vec())
        .execute(store.pool())
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "recipient key"))?;
    Ok(())
}

/// Every scrutineer's receiving key, by index.
pub async fn recipients(store: &Store, poll_id: i64) -> Result<Vec<Indexed>, StoreError> {
    let rows =
        sqlx::query("SELECT scrutineer, public_key FROM ceremony_recipients WHERE poll_id = $1 ORDER BY scrutineer")
            .bind(poll_id)
            .fetch_all(store.pool())
            .await?;
    indexed(&rows, "scrutineer", "public_key")
}

/// Stores dealer `i`'s message and its sealed shares, in one transaction (once).
pub async fn put_dealing(
    store: &Store,
    poll_id: i64,
    dealer: u32,
    message: &[u8],
    sealed: &[Indexed],
) -> Result<(), StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    sqlx::query("INSERT INTO ceremony_dealings (poll_id, dealer, message) VALUES ($1, $2, $3)")
        .bind(poll_id)
        .bind(i64::from(dealer))
        .bind(message.to_vec())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "dealer message"))?;
    for (recipient, bytes) in sealed {
        sqlx::query("INSERT INTO ceremony_shares (poll_id, dealer, recipient, sealed) VALUES ($1, $2, $3, $4)")
            .bind(poll_id)
            .bind(i64::from(dealer))
            .bind(i64::from(*recipient))
            .bind(bytes.clone())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Every dealer message, by dealer.
pub async fn dealings(store: &Store, poll_id: i64) -> Result<Vec<Indexed>, StoreError> {
    let rows = sqlx::query("SELECT dealer, message FROM ceremony_dealings WHERE poll_id = $1 ORDER BY dealer")
        .bind(poll_id)
        .fetch_all(store.pool())
        .await?;
    indexed(&rows, "dealer", "message")
}

/// The sealed shares addressed to scrutineer `j`, by dealer.
pub async fn shares_for(store: &Store, poll_id: i64, j: u32) -> Result<Vec<Indexed>, StoreError> {
    let rows =
        sqlx::query("SELECT dealer, sealed FROM ceremony_shares WHERE poll_id = $1 AND recipient = $2 ORDER BY dealer")
            .bind(poll_id)
            .bind(i64::from(j))
            .fetch_all(store.pool())
            .await?;
    indexed(&rows, "dealer", "sealed")
}

/// Stores scrutineer `j`'s confirmation with its complaints (once).
pub async fn confirm(store: &Store, poll_id: i64, j: u32, complaints: &[u8]) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO ceremony_confirmations (poll_id, scrutineer, complaints) VALUES ($1, $2, $3)")
        .bind(poll_id)
        .bind(i64::from(j))
        .bind(complaints.to_vec())
        .execute(store.pool())
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "confirmation"))?;
    Ok(())
}

/// Every confirmation, by scrutineer.
pub async fn confirmations(store: &Store, poll_id: i64) -> Result<Vec<Indexed>, StoreError> {
    let rows =
        sqlx::query("SELECT scrutineer, complaints FROM ceremony_confirmations WHERE poll_id = $1 ORDER BY scrutineer")
            .bind(poll_id)
            .fetch_all(store.pool())
            .await?;
    indexed(&rows, "scrutineer", "complaints")
}

/// Ends the ceremony with its joint key and the election hash: ceremony → ready.
pub async fn finish_ceremony(
    store: &Store,
    poll_id: i64,
    joint_key: &[u8],
    election: &[u8],
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE polls SET state = 'ready', joint_key = $1, election_hash = $2 WHERE id = $3 AND state = 'ceremony'",
    )
    .bind(joint_key.to_vec())
    .bind(election.to_vec())
    .bind(poll_id)
    .execute(store.pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Abandons a key ceremony that cannot finish (a scrutineer station lost its
/// secrets, or too few dealers qualified), or whose key a scrutineer cannot use (its
/// key check fails, spec §5.7): ceremony or ready → draft, in one transaction. The
/// ceremony's messages, its identifier, manifest, credential key and outcome, the key
/// checks, and the appointment of officers are removed, so the organiser can appoint
/// again (the same stations or others) and start a new ceremony with a new
/// identifier. Nothing has been issued or cast before a poll opens, so nothing that
/// counts is lost. `false` if the poll is neither in its ceremony nor ready.
pub async fn restart_ceremony(store: &Store, poll_id: i64) -> Result<bool, StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE polls SET state = 'draft', threshold = NULL, ceremony_id = NULL, manifest = NULL, \
         credential_secret = NULL, joint_key = NULL, election_hash = NULL \
         WHERE id = $1 AND state IN ('ceremony', 'ready')",
    )
    .bind(poll_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    for table in [
        "key_checks",
        "ceremony_confirmations",
        "ceremony_shares",
        "ceremony_dealings",
        "ceremony_recipients",
        "poll_officers",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE poll_id = $1")).bind(poll_id).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Opens the poll with the attendance frozen: ready → open. `expected` and
/// `present` are the figures of the attendance log at event `mark`
/// (`attendance::last_event`, `attendance::present_cards_at`): the delegates present
/// then are the poll's 实到 and the only ones who may be issued its ballot, so the
/// count frozen here and the check at issuance read the same log at the same point.
pub async fn open(store: &Store, poll_id: i64, expected: u32, present: u32, mark: i64) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "UPDATE polls SET state = 'open', expected = $1, present = $2, open_mark = $3 WHERE id = $4 AND state = 'ready'",
    )
    .bind(i64::from(expected))
    .bind(i64::from(present))
    .bind(mark)
    .bind(poll_id)
    .execute(store.pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Why an issuance was refused.
#[derive(Debug, thiserror::Error)]
pub enum IssueError<E> {
    /// The delegate already has a credential for this poll.
    #[error("already issued")]
    AlreadyIssued,
    /// The poll is not open.
    #[error("poll not open")]
    NotOpen,
    /// Signing failed.
    #[error("signing failed")]
    Sign(E),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<E> From<sqlx::Error> for IssueError<E> {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// Records that `delegate_id` was issued a credential for the poll and counts it,
/// signs (`sign`), and commits: the signature is returned only if the issuance is
/// stored, and a second issuance for the same delegate and poll is refused.
pub async fn issue<T, E>(
    store: &Store,
    poll_id: i64,
    delegate_id: i64,
    sign: impl FnOnce() -> Result<T, E>,
) -> Result<T, IssueError<E>> {
    let (_turn, mut tx) = store.begin_write().await?;
    let counted = sqlx::query("UPDATE polls SET issued = issued + 1 WHERE id = $1 AND state = 'open'")
        .bind(poll_id)
        .execute(&mut *tx)
        .await?;
    if counted.rows_affected() != 1 {
        tx.rollback().await?;
        return Err(IssueError::NotOpen);
    }
    let inserted = sqlx::query("INSERT INTO issuances (poll_id, delegate_id) VALUES ($1, $2)")
        .bind(poll_id)
        .bind(delegate_id)
        .execute(&mut *tx)
        .await;
    if let Err(e) = inserted {
        tx.rollback().await?;
        return match StoreError::conflict_on_unique(e, "issuance") {
            StoreError::Conflict(_) => Err(IssueError::AlreadyIssued),
            other => Err(other.into()),
        };
    }
    let signed = sign().map_err(IssueError::Sign)?;
    tx.commit().await?;
    Ok(signed)
}

/// Whether `delegate_id` has been issued a credential for the poll.
pub async fn was_issued(store: &Store, poll_id: i64, delegate_id: i64) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT 1 AS x FROM issuances WHERE poll_id = $1 AND delegate_id = $2")
        .bind(poll_id)
        .bind(delegate_id)
        .fetch_optional(store.pool())
        .await?;
    Ok(row.is_some())
}

/// What a board entry is (spec §12.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A cast ballot.
    Cast,
    /// A challenged ballot with its opening.
    Spoiled,
    /// A credential handed back at the desk and cancelled (spec §6.7).
    Cancelled,
    /// A lost credential replaced with a scrutineer's approval (spec §6.7).
    Replaced,
}

impl EntryKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Cast => "cast",
            Self::Spoiled => "spoiled",
            Self::Cancelled => "cancelled",
            Self::Replaced => "replaced",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        Ok(match text {
            "cast" => Self::Cast,
            "spoiled" => Self::Spoiled,
            "cancelled" => Self::Cancelled,
            "replaced" => Self::Replaced,
            other => return Err(StoreError::Corrupt(format!("board entry kind {other}"))),
        })
    }

    /// Whether the entry holds a ballot (cast or spoiled).
    pub fn is_ballot(self) -> bool {
        matches!(self, Self::Cast | Self::Spoiled)
    }
}

/// An entry to append.
#[derive(Clone, Debug)]
pub struct NewEntry {
    /// Cast or spoiled.
    pub kind: EntryKind,
    /// The credential's serial.
    pub serial: [u8; 32],
    /// The ballot's tracking code.
    pub tracking: [u8; 10],
    /// The encoded board entry (spec §12.4).
    pub entry: Vec<u8>,
    /// Its Merkle leaf hash.
    pub leaf_hash: [u8; 32],
}

/// A stored board entry with the signed head of its receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    /// 0-based position.
    pub position: u64,
    /// Cast (else spoiled, cancelled or replaced: see `kind`).
    pub cast: bool,
    /// What the entry is.
    pub kind: EntryKind,
    /// The tracking code (zero for a cancellation or replacement, which has none).
    pub tracking: [u8; 10],
    /// The encoded entry.
    pub entry: Vec<u8>,
    /// The tree head at `position + 1` (40 bytes).
    pub head: Vec<u8>,
    /// The server's signature on it.
    pub signature: Vec<u8>,
}

/// What happened to an append.
#[derive(Clone, Debug)]
pub enum Appended {
    /// Appended now.
    New(StoredEntry),
    /// The same cast was already on the board (a retry): its entry.
    Again(StoredEntry),
    /// A different ballot was already cast under this credential.
    Spent,
    /// The credential was cancelled at the desk (spec §6.7).
    Cancelled,
    /// The poll is not open.
    NotOpen,
}

fn entry_from_row(row: &AnyRow) -> Result<StoredEntry, StoreError> {
    let tracking: Vec<u8> = row.try_get("tracking")?;
    let kind = EntryKind::parse(&row.try_get::<String, _>("kind")?)?;
    Ok(StoredEntry {
        position: u64::try_from(row.try_get::<i64, _>("position")?)
            .map_err(|_| StoreError::Corrupt("negative position".into()))?,
        cast: kind == EntryKind::Cast,
        kind,
        tracking: tracking.try_into().map_err(|_| StoreError::Corrupt("tracking code length".into()))?,
        entry: row.try_get("entry")?,
        head: row.try_get("head")?,
        signature: row.try_get("signature")?,
    })
}

const ENTRY_COLUMNS: &str = "position, kind, tracking, entry, head, signature";

/// Appends entries to an open poll's board in one transaction (ADR 0008 §7, with
/// group commit): takes the poll's lock, refuses a cast or challenge under a serial
/// already cast (a retry of the same cast gets its stored entry back, also within the
/// batch), computes and signs the tree head at each new entry's size (`sign`: head
/// bytes → signature), inserts the entries, advances the board size, commits. The
/// answers, one per entry in order, hold only once the transaction has committed.
pub async fn append_batch(
    store: &Store,
    cache: &BoardCache,
    poll_id: i64,
    batch: &[NewEntry],
    sign: impl Fn(&[u8; 40]) -> [u8; 64],
) -> Result<Vec<Appended>, StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    let size =
        sqlx::query("UPDATE polls SET board_size = board_size WHERE id = $1 AND state = 'open' RETURNING board_size")
            .bind(poll_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(size) = size else {
        tx.rollback().await?;
        return Ok(batch.iter().map(|_| Appended::NotOpen).collect());
    };
    let size =
        u64::try_from(size.try_get::<i64, _>("board_size")?).map_err(|_| StoreError::Corrupt("board size".into()))?;
    // Casts already on the board under the batch's serials.
    let mut cast: std::collections::HashMap<[u8; 32], StoredEntry> = std::collections::HashMap::new();
    for chunk in batch.chunks(500) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT serial, {ENTRY_COLUMNS} FROM board_entries WHERE poll_id = $1 AND kind IN ('cast', 'cancelled') \
             AND serial IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(poll_id);
        for e in chunk {
            q = q.bind(e.serial.to_vec());
        }
        for row in q.fetch_all(&mut *tx).await? {
            let serial: Vec<u8> = row.try_get("serial")?;
            let serial: [u8; 32] = serial.try_into().map_err(|_| StoreError::Corrupt("serial length".into()))?;
            cast.insert(serial, entry_from_row(&row)?);
        }
    }
    // The fencing check (module board): this process's log is used only if its head
    // is the one stored at its size, read here under the poll's lock.
    let at = cache.len(poll_id).min(size);
    let stored = stored_head(&mut *tx, poll_id, at).await?;
    let missing = cache.missing(poll_id, size, at, stored.as_deref());
    let mut leaves = None;
    if let Some(from) = missing {
        let rows =
            sqlx::query("SELECT entry FROM board_entries WHERE poll_id = $1 AND position >= $2 ORDER BY position")
                .bind(poll_id)
                .bind(i64::try_from(from).unwrap_or(i64::MAX))
                .fetch_all(&mut *tx)
                .await?;
        let entries = rows.iter().map(|r| r.try_get::<Vec<u8>, _>("entry")).collect::<Result<Vec<_>, _>>()?;
        leaves = Some(BoardLeaves { from, entries });
    }
    let mut answers = Vec::with_capacity(batch.len());
    let mut fresh: Vec<(&NewEntry, StoredEntry)> = Vec::new();
    let mut next = size;
    for e in batch {
        // A replacement entry has no credential, hence no serial.
        if let Some(stored) = cast.get(&e.serial).filter(|_| e.kind != EntryKind::Replaced) {
            answers.push(match (e.kind, stored.kind) {
                (EntryKind::Cast | EntryKind::Cancelled, _) if stored.entry == e.entry => {
                    Appended::Again(stored.clone())
                }
                (_, EntryKind::Cancelled) => Appended::Cancelled,
                _ => Appended::Spent,
            });
            continue;
        }
        let head = cache.append(poll_id, next, leaves.take(), e.leaf_hash)?;
        let stored = StoredEntry {
            position: next,
            cast: e.kind == EntryKind::Cast,
            kind: e.kind,
            tracking: e.tracking,
            entry: e.entry.clone(),
            head: head.to_vec(),
            signature: sign(&head).to_vec(),
        };
        if matches!(e.kind, EntryKind::Cast | EntryKind::Cancelled) {
            cast.insert(e.serial, stored.clone());
        }
        answers.push(Appended::New(stored.clone()));
        fresh.push((e, stored));
        next += 1;
    }
    let written = write_entries(&mut tx, poll_id, &fresh, next).await;
    let committed = match written {
        Ok(()) => tx.commit().await.map_err(StoreError::from),
        Err(e) => Err(e),
    };
    if let Err(e) = committed {
        // The cache holds leaves that are not in the database: forget the poll's log.
        cache.forget(poll_id);
        return Err(e);
    }
    Ok(answers)
}

/// The tree head the board stores at size `size`: the head of the receipt of entry
/// `size - 1` (spec §12.5); `None` for 0.
async fn stored_head<'c, E>(conn: E, poll_id: i64, size: u64) -> Result<Option<Vec<u8>>, StoreError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let Some(last) = size.checked_sub(1) else {
        return Ok(None);
    };
    let last = i64::try_from(last).map_err(|_| StoreError::Corrupt("board size".into()))?;
    let row = sqlx::query("SELECT head FROM board_entries WHERE poll_id = $1 AND position = $2")
        .bind(poll_id)
        .bind(last)
        .fetch_optional(conn)
        .await?;
    match row {
        Some(r) => Ok(Some(r.try_get("head")?)),
        None => Err(StoreError::Corrupt(format!("poll {poll_id}: no board entry at {last}"))),
    }
}

/// The tree head the board stores at size `size` (see [`append_batch`]); `None` for 0.
pub async fn head_at_size(store: &Store, poll_id: i64, size: u64) -> Result<Option<Vec<u8>>, StoreError> {
    stored_head(store.pool(), poll_id, size).await
}

/// Board entries inserted by one statement (8 parameters each).
const ENTRIES_PER_STATEMENT: usize = 64;

async fn write_entries(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    poll_id: i64,
    fresh: &[(&NewEntry, StoredEntry)],
    size: u64,
) -> Result<(), StoreError> {
    // One statement per chunk of entries: a group commit is a few round trips to
    // the database, not one per ballot.
    for chunk in fresh.chunks(ENTRIES_PER_STATEMENT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p: Vec<String> = (1..=8).map(|k| format!("${}", 8 * i + k)).collect();
                format!("({})", p.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO board_entries (poll_id, position, kind, serial, tracking, entry, head, signature) VALUES {}",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (e, stored) in chunk {
            q = q
                .bind(poll_id)
                .bind(i64::try_from(stored.position).unwrap_or(i64::MAX))
                .bind(e.kind.as_str())
                .bind(e.serial.to_vec())
                .bind(e.tracking.to_vec())
                .bind(e.entry.clone())
                .bind(stored.head.clone())
                .bind(stored.signature.clone());
        }
        q.execute(&mut **tx).await.map_err(|err| StoreError::conflict_on_unique(err, "board entry"))?;
    }
    sqlx::query("UPDATE polls SET board_size = $1 WHERE id = $2")
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(poll_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The board entries of a poll in order.
pub async fn entries(store: &Store, poll_id: i64) -> Result<Vec<StoredEntry>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {ENTRY_COLUMNS} FROM board_entries WHERE poll_id = $1 ORDER BY position"))
        .bind(poll_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(entry_from_row).collect()
}

/// One line of a board's list: an entry's position, kind and tracking code, without
/// its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListedEntry {
    /// 0-based position.
    pub position: u64,
    /// Cast (else spoiled, cancelled or replaced: see `kind`).
    pub cast: bool,
    /// What the entry is.
    pub kind: EntryKind,
    /// The tracking code.
    pub tracking: [u8; 10],
}

/// One page of a board's list: the entries from position `from` on, at most `count`
/// of them and none at or past `size` (the board's size the page was counted for,
/// so that a page stays what its page count said while casts go on), in order.
/// Reads the primary key's range, not the whole board.
pub async fn list_entries(
    store: &Store,
    poll_id: i64,
    from: u64,
    count: u64,
    size: u64,
) -> Result<Vec<ListedEntry>, StoreError> {
    let to = from.saturating_add(count).min(size);
    if from >= to {
        return Ok(Vec::new());
    }
    let bound = |v: u64| i64::try_from(v).map_err(|_| StoreError::Corrupt(format!("position {v} out of range")));
    let rows = sqlx::query(
        "SELECT position, kind, tracking FROM board_entries WHERE poll_id = $1 AND position >= $2 AND position < $3 \
         ORDER BY position",
    )
    .bind(poll_id)
    .bind(bound(from)?)
    .bind(bound(to)?)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            let tracking: Vec<u8> = row.try_get("tracking")?;
            let kind = EntryKind::parse(&row.try_get::<String, _>("kind")?)?;
            Ok(ListedEntry {
                position: u64::try_from(row.try_get::<i64, _>("position")?)
                    .map_err(|_| StoreError::Corrupt("negative position".into()))?,
                cast: kind == EntryKind::Cast,
                kind,
                tracking: tracking.try_into().map_err(|_| StoreError::Corrupt("tracking code length".into()))?,
            })
        })
        .collect()
}

/// The entry at `position` of a poll's board, if there is one.
pub async fn entry_at(store: &Store, poll_id: i64, position: u64) -> Result<Option<StoredEntry>, StoreError> {
    let Ok(position) = i64::try_from(position) else {
        return Ok(None);
    };
    let row = sqlx::query(&format!("SELECT {ENTRY_COLUMNS} FROM board_entries WHERE poll_id = $1 AND position = $2"))
        .bind(poll_id)
        .bind(position)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(entry_from_row).transpose()
}

/// The newest signed tree head of a poll's board while it runs (`head ‖ signature`
/// of its last entry, spec §12.5), or `None` while the board is empty.
pub async fn latest_head(store: &Store, poll_id: i64) -> Result<Option<(Vec<u8>, Vec<u8>)>, StoreError> {
    let row =
        sqlx::query("SELECT head, signature FROM board_entries WHERE poll_id = $1 ORDER BY position DESC LIMIT 1")
            .bind(poll_id)
            .fetch_optional(store.pool())
            .await?;
    match row {
        Some(r) => Ok(Some((r.try_get("head")?, r.try_get("signature")?))),
        None => Ok(None),
    }
}

/// The entries with a tracking code (normally one; a challenged ballot re-sent is another).
pub async fn by_tracking(store: &Store, poll_id: i64, tracking: &[u8; 10]) -> Result<Vec<StoredEntry>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {ENTRY_COLUMNS} FROM board_entries WHERE poll_id = $1 AND tracking = $2 \
         AND kind IN ('cast', 'spoiled') ORDER BY position"
    ))
    .bind(poll_id)
    .bind(tracking.to_vec())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(entry_from_row).collect()
}

/// Whether a credential serial has been cast in the poll.
pub async fn is_spent(store: &Store, poll_id: i64, serial: &[u8; 32]) -> Result<bool, StoreError> {
    Ok(standing(store, poll_id, serial).await? == Some(EntryKind::Cast))
}

/// Where a credential serial stands on the poll's board: cast, cancelled (spec
/// §6.7), or neither (`None`).
pub async fn standing(store: &Store, poll_id: i64, serial: &[u8; 32]) -> Result<Option<EntryKind>, StoreError> {
    let row = sqlx::query(
        "SELECT kind FROM board_entries WHERE poll_id = $1 AND serial = $2 AND kind IN ('cast', 'cancelled')",
    )
    .bind(poll_id)
    .bind(serial.to_vec())
    .fetch_optional(store.pool())
    .await?;
    row.map(|r| EntryKind::parse(&r.try_get::<String, _>("kind")?)).transpose()
}

/// Why a replacement credential was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReplaceError<E> {
    /// The delegate was never issued a credential for this poll: the desk issues one.
    #[error("not issued")]
    NotIssued,
    /// A credential was already issued against this board entry.
    #[error("already replaced")]
    AlreadyReplaced,
    /// The poll is not open.
    #[error("poll not open")]
    NotOpen,
    /// Signing failed.
    #[error("signing failed")]
    Sign(E),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<E> From<sqlx::Error> for ReplaceError<E> {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

/// Why a credential is replaced (spec §6.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Replacement {
    /// The slip was handed back and its credential cancelled at board entry `position`.
    Damaged,
    /// The slip was lost; `approved_by` is the approving scrutineer's account.
    Lost {
        /// The account name.
        approved_by: String,
    },
}

/// Records a replacement credential for `delegate_id`, issued against the board
/// entry at `position` (its cancellation or its replacement entry), and signs it
/// (`sign`), in one transaction: one new credential per entry, only for a delegate
/// already issued one, only while the poll is open. A lost slip's replacement counts
/// one more credential issued; a damaged slip's does not (its cancellation took the
/// old one out of the count).
pub async fn replace<T, E>(
    store: &Store,
    poll_id: i64,
    delegate_id: i64,
    position: u64,
    why: &Replacement,
    now: i64,
    sign: impl FnOnce() -> Result<T, E>,
) -> Result<T, ReplaceError<E>> {
    let (_turn, mut tx) = store.begin_write().await?;
    let bump = i64::from(matches!(why, Replacement::Lost { .. }));
    let counted = sqlx::query("UPDATE polls SET issued = issued + $1 WHERE id = $2 AND state = 'open'")
        .bind(bump)
        .bind(poll_id)
        .execute(&mut *tx)
        .await?;
    if counted.rows_affected() != 1 {
        tx.rollback().await?;
        return Err(ReplaceError::NotOpen);
    }
    let issued = sqlx::query("SELECT 1 AS x FROM issuances WHERE poll_id = $1 AND delegate_id = $2")
        .bind(poll_id)
        .bind(delegate_id)
        .fetch_optional(&mut *tx)
        .await?;
    if issued.is_none() {
        tx.rollback().await?;
        return Err(ReplaceError::NotIssued);
    }
    let (reason, approved_by) = match why {
        Replacement::Damaged => ("damaged", None),
        Replacement::Lost { approved_by } => ("lost", Some(approved_by.clone())),
    };
    let inserted = sqlx::query(
        "INSERT INTO replacements (poll_id, position, delegate_id, reason, approved_by, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(poll_id)
    .bind(i64::try_from(position).unwrap_or(i64::MAX))
    .bind(delegate_id)
    .bind(reason)
    .bind(approved_by)
    .bind(now)
    .execute(&mut *tx)
    .await;
    if let Err(e) = inserted {
        tx.rollback().await?;
        return match StoreError::conflict_on_unique(e, "replacement") {
            StoreError::Conflict(_) => Err(ReplaceError::AlreadyReplaced),
            other => Err(other.into()),
        };
    }
    let signed = sign().map_err(ReplaceError::Sign)?;
    tx.commit().await?;
    Ok(signed)
}

/// The credentials replaced in a poll: `(damaged, lost)`, the cancellation and
/// replacement entries of its board (spec §6.7).
pub async fn replacement_counts(store: &Store, poll_id: i64) -> Result<(u32, u32), StoreError> {
    let rows = sqlx::query(
        "SELECT kind, COUNT(*) AS n FROM board_entries WHERE poll_id = $1 AND kind IN ('cancelled', 'replaced') \
         GROUP BY kind",
    )
    .bind(poll_id)
    .fetch_all(store.pool())
    .await?;
    let (mut damaged, mut lost) = (0, 0);
    for r in rows {
        let n = u32::try_from(r.try_get::<i64, _>("n")?).map_err(|_| StoreError::Corrupt("count".into()))?;
        match EntryKind::parse(&r.try_get::<String, _>("kind")?)? {
            EntryKind::Cancelled => damaged = n,
            _ => lost = n,
        }
    }
    Ok((damaged, lost))
}

/// Closes an open poll and seals its board with `final_head` (head ‖ signature),
/// computed by `seal` from the board size under the poll's lock: open → closed.
pub async fn close(
    store: &Store,
    poll_id: i64,
    seal: impl FnOnce(u64) -> Result<Vec<u8>, StoreError>,
) -> Result<bool, StoreError> {
    let (_turn, mut tx) = store.begin_write().await?;
    let row = sqlx::query("UPDATE polls SET state = 'closed' WHERE id = $1 AND state = 'open' RETURNING board_size")
        .bind(poll_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else {
        tx.rollback().await?;
        return Ok(false);
    };
    let size = u64::try_from(row.try_get::<i64, _>("board_size")?).map_err(|_| StoreError::Corrupt("size".into()))?;
    let sealed = seal(size)?;
    sqlx::query("UPDATE polls SET final_head = $1 WHERE id = $2").bind(sealed).bind(poll_id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// Stores the aggregate ciphertexts of a closed poll (once).
pub async fn set_aggregates(store: &Store, poll_id: i64, aggregates: &[u8]) -> Result<bool, StoreError> {
    let r = sqlx::query("UPDATE polls SET aggregates = $1 WHERE id = $2 AND state = 'closed' AND aggregates IS NULL")
        .bind(aggregates.to_vec())
        .bind(poll_id)
        .execute(store.pool())
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Stores scrutineer `j`'s verified decryption shares (once).
pub async fn put_decryption(store: &Store, poll_id: i64, j: u32, shares: &[u8]) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO decryptions (poll_id, scrutineer, shares) VALUES ($1, $2, $3)")
        .bind(poll_id)
        .bind(i64::from(j))
        .bind(shares.to_vec())
        .execute(store.pool())
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "decryption"))?;
    Ok(())
}

/// Every decryption, by scrutineer.
pub async fn decryptions(store: &Store, poll_id: i64) -> Result<Vec<Indexed>, StoreError> {
    let rows = sqlx::query("SELECT scrutineer, shares FROM decryptions WHERE poll_id = $1 ORDER BY scrutineer")
        .bind(poll_id)
        .fetch_all(store.pool())
        .await?;
    indexed(&rows, "scrutineer", "shares")
}

/// Stores the tally: closed → tallied.
pub async fn tallied(
    store: &Store,
    poll_id: i64,
    totals: &[u64],
    outcome: &[u8],
    digest: &[u8],
) -> Result<bool, StoreError> {
    let totals = serde_json::to_string(totals).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let r = sqlx::query(
        "UPDATE polls SET state = 'tallied', totals = $1, outcome = $2, result_digest = $3 \
         WHERE id = $4 AND state = 'closed'",
    )
    .bind(totals)
    .bind(outcome.to_vec())
    .bind(digest.to_vec())
    .bind(poll_id)
    .execute(store.pool())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Stores an officer's signature on the result (once).
pub async fn put_signature(
    store: &Store,
    poll_id: i64,
    role: OfficerRole,
    position: u32,
    signature: &[u8],
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO result_signatures (poll_id, role, position, signature) VALUES ($1, $2, $3, $4)")
        .bind(poll_id)
        .bind(role.as_str())
        .bind(i64::from(position))
        .bind(signature.to_vec())
        .execute(store.pool())
        .await
        .map_err(|e| StoreError::conflict_on_unique(e, "signature"))?;
    Ok(())
}

/// Every result signature: (role, position, signature).
pub async fn signatures(store: &Store, poll_id: i64) -> Result<Vec<(OfficerRole, u32, Vec<u8>)>, StoreError> {
    let rows = sqlx::query("SELECT role, position, signature FROM result_signatures WHERE poll_id = $1")
        .bind(poll_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                OfficerRole::parse(&r.try_get::<String, _>("role")?)?,
                u32_of(Some(r.try_get("position")?))?.unwrap_or(0),
                r.try_get("signature")?,
            ))
        })
        .collect()
}

/// Stores the record and publishes: tallied → published.
pub async fn publish(store: &Store, poll_id: i64, record: &[u8]) -> Result<bool, StoreError> {
    let r = sqlx::query("UPDATE polls SET state = 'published', record = $1 WHERE id = $2 AND state = 'tallied'")
        .bind(record.to_vec())
        .bind(poll_id)
        .execute(store.pool())
        .await?;
    Ok(r.rows_affected() == 1)
}

/// The published record of a poll.
pub async fn record(store: &Store, poll_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
    let row = sqlx::query("SELECT record FROM polls WHERE id = $1").bind(poll_id).fetch_optional(store.pool()).await?;
    Ok(row.map(|r| r.try_get::<Option<Vec<u8>>, _>("record")).transpose()?.flatten())
}

/// The number of cast (not spoiled) ballots on a poll's board.
pub async fn cast_count(store: &Store, poll_id: i64) -> Result<u64, StoreError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM board_entries WHERE poll_id = $1 AND kind = 'cast'")
        .bind(poll_id)
        .fetch_one(store.pool())
        .await?;
    u64::try_from(row.try_get::<i64, _>("n")?).map_err(|_| StoreError::Corrupt("count".into()))
}
