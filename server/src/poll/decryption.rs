//! A scrutineer's decryption shares of a closed poll's aggregates (spec §5.4),
//! checked when its station submits them, by the tally's own check
//! (`hallvote_tally::record::builder::verify_decryption`) that the tally repeats
//! before it combines them.

use std::sync::Arc;

use axum::http::StatusCode;
use hallvote_crypto::elgamal::Ciphertext;
use hallvote_crypto::group::Element;
use hallvote_tally::record::Decryption;
use hallvote_tally::record::builder::verify_decryption;

use crate::ApiError;
use crate::casting::PollContext;

/// Refuses (422 `decryption_share_invalid`, saying what is wrong) a scrutineer's
/// decryption shares unless there is one per selection and each verifies against
/// the scrutineer's public share `Xⱼ` (`public`) and its aggregate. The proofs are
/// checked on the blocking pool.
pub async fn check_shares(
    ctx: &Arc<PollContext>,
    public: &[Element],
    aggregates: Vec<Ciphertext>,
    decryption: &Decryption,
) -> Result<(), ApiError> {
    let bad = |detail: String| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "decryption_share_invalid",
            &format!("解密份额无效：{detail}"),
            &format!("The decryption shares are invalid: {detail}"),
        )
    };
    if decryption.shares.len() != aggregates.len() {
        return Err(bad(format!("{} shares for {} selections", decryption.shares.len(), aggregates.len())));
    }
    let ctx = Arc::clone(ctx);
    let public = public.to_vec();
    let d = decryption.clone();
    let checked = tokio::task::spawn_blocking(move || {
        verify_decryption(&public, &ctx.election, &ctx.shape, &aggregates, &d).map(drop)
    })
    .await
    .map_err(ApiError::internal)?;
    checked.map_err(|e| bad(e.to_string()))
}
