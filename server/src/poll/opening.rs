//! What a poll needs before it opens, besides its state and quorum: every
//! scrutineer's key check (spec §5.7).

use axum::http::StatusCode;

use crate::ApiError;
use crate::db::casting::{self, OfficerRole};
use crate::db::{Store, key_checks};

/// Refuses (409 `key_check_pending`, naming them) while any scrutineer of the poll has
/// not passed the key check (spec §5.7): a poll opens only when every one of the `n`
/// scrutineers, not just `k`, has shown that its key share works.
pub async fn refuse_unless_all_passed(store: &Store, id: i64) -> Result<(), ApiError> {
    let passed = key_checks::passed(store, id).await?;
    let pending: Vec<_> = casting::officers(store, id)
        .await?
        .into_iter()
        .filter(|o| o.role == OfficerRole::Scrutineer && !passed.contains(&o.position))
        .collect();
    if pending.is_empty() {
        return Ok(());
    }
    let zh: Vec<String> = pending.iter().map(|o| format!("第 {} 号监票人 {}", o.position, o.name)).collect();
    let en: Vec<String> = pending.iter().map(|o| format!("scrutineer {} ({})", o.position, o.name)).collect();
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "key_check_pending",
        &format!(
            "{}尚未通过密钥检查：请在其监票终端上用保存的密钥份额文件和口令“检查密钥份额”。全部监票人通过后才能开始投票。",
            zh.join("、")
        ),
        &format!(
            "Not every scrutineer has passed the key check: {} must check their key share at their station, \
             with the saved share file and its passphrase. The poll opens once every scrutineer has passed.",
            en.join(", ")
        ),
    ))
}
