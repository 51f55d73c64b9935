//! A delegate card as the desk and the booth's issuing station scan it: its QR
//! text (signed by this server for one congress) or its number typed by hand.

use axum::http::StatusCode;

use crate::ApiError;
use crate::cards::{CardError, verify_qr};
use crate::http::AppState;

/// What the desk scanned: the delegate card's QR text (the normal case), or the
/// card number typed by hand when a card is lost or unreadable.
pub(crate) use hallvote_protocol::wire::CardScan;

/// The card number a scan names, after checking a QR's signature and congress.
pub(crate) fn scanned_card(state: &AppState, congress_id: i64, scan: CardScan) -> Result<String, ApiError> {
    match (scan.qr, scan.card) {
        (Some(qr), None) => {
            let (congress, card) = verify_qr(&state.server_key.verifying_key(), &qr).map_err(|e| match e {
                CardError::Malformed => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "card_qr_unreadable",
                    "扫描的内容不是代表证二维码，请重新扫描。",
                    "What was scanned is not a delegate card QR code; please scan again.",
                ),
                CardError::Forged => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "card_qr_forged",
                    "代表证二维码签名无效（不是本系统签发的代表证）。",
                    "The delegate card's QR signature is not valid (not a card this system issued).",
                ),
            })?;
            if congress != congress_id as u64 {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "not_a_delegate",
                    "此代表证属于另一届代表大会。",
                    "This card belongs to another congress.",
                ));
            }
            Ok(card)
        }
        (None, Some(card)) => Ok(card),
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_request",
            "请提供代表证二维码（qr）或代表证号（card）之一。",
            "Give either the card's QR text (qr) or the card number (card).",
        )),
    }
}
