//! The result of a counted poll, recounted from what is stored (spec §12.6–§12.7):
//! the result sheet, the hall display and a follow-up poll all start from it.

use hallvote_tally::count::PollResult;
use hallvote_tally::record::builder::{outcome, poll_counts};
use hallvote_tally::record::mix::add_write_ins;
use hallvote_tally::record::{Attendance, Manifest};

use crate::ApiError;
use crate::db::Store;
use crate::db::casting::{self, PollRun};

/// The result of a tallied or published poll, recounted from its stored totals under
/// the manifest's poll and ruleset (spec §12.6–§12.7); refused if the recount does not
/// give the stored outcome.
pub async fn recount(store: &Store, run: &PollRun) -> Result<(Manifest, PollResult), ApiError> {
    let missing = |what: &str| ApiError::internal(format!("poll {}: {what} missing", run.id));
    let manifest = Manifest::decode(run.manifest.as_deref().ok_or_else(|| missing("manifest"))?)
        .map_err(|e| ApiError::internal(format!("manifest: {e}")))?;
    let shape = manifest.shape().map_err(|e| ApiError::internal(format!("shape: {e}")))?;
    let totals = run.totals.as_deref().ok_or_else(|| missing("totals"))?;
    let cast = casting::cast_count(store, run.id).await?;
    let attendance =
        Attendance { expected: run.expected.unwrap_or(0), present: run.present.unwrap_or(0), issued: run.issued };
    let cast = u32::try_from(cast).map_err(ApiError::internal)?;
    let mut counts = poll_counts(&manifest.poll, &shape, attendance, cast, totals)
        .map_err(|e| ApiError::internal(format!("counts: {e}")))?;
    (counts.replaced, counts.replaced_lost) = casting::replacement_counts(store, run.id).await?;
    let names = crate::db::mix::names(store, run.id).await?;
    add_write_ins(&mut counts, &manifest.poll, &crate::poll::mix::counted_mixes(&names));
    let (result, bytes) =
        outcome(&manifest.poll, &manifest.ruleset, &counts).map_err(|e| ApiError::internal(format!("count: {e:?}")))?;
    if run.outcome.as_deref() != Some(bytes.as_slice()) {
        return Err(ApiError::internal(format!("poll {}: the recount differs from the stored outcome", run.id)));
    }
    Ok((manifest, result))
}
