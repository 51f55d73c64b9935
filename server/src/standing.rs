//! A delegate's status as the desk and the pages speak of it: the words for each
//! status, and the refusal of one who does not hold it (a change recorded on the
//! roll, `db::delegate_status`, takes effect at once).

use axum::http::StatusCode;
use hallvote_tally::text::Text;

use crate::ApiError;
use crate::db::delegate_status::{DelegateStanding, standing};
use crate::db::roster::DelegateRecord;

/// A status in words, as the roll and the refusals say it.
pub fn standing_words(s: DelegateStanding) -> Text {
    match s {
        DelegateStanding::Active => Text::new("有效", "active"),
        DelegateStanding::Terminated => Text::new("代表资格终止", "status terminated"),
        DelegateStanding::Suspended => Text::new("停止执行代表职务", "suspended from office"),
    }
}

/// Refuses, at check-in and at issuance, a delegate who does not hold the status
/// now: 资格终止 and 停止执行代表职务 each with its own code, so the desk can say which.
pub fn standing_admits(d: &DelegateRecord) -> Result<(), ApiError> {
    match standing(&d.status) {
        DelegateStanding::Active => Ok(()),
        DelegateStanding::Terminated => Err(ApiError::new(
            StatusCode::CONFLICT,
            "delegate_status_lost",
            &format!("{} 的代表资格已终止，不能报到或领取选票。", d.name),
            &format!("{} no longer holds the status of delegate and cannot check in or be issued a ballot.", d.name),
        )),
        DelegateStanding::Suspended => Err(ApiError::new(
            StatusCode::CONFLICT,
            "delegate_suspended",
            &format!("{} 已停止执行代表职务，不能报到或领取选票。", d.name),
            &format!("{} is suspended from the office of delegate and cannot check in or be issued a ballot.", d.name),
        )),
    }
}
