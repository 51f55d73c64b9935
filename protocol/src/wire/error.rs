//! A refusal's body (spec §14.2): `{"error": {"code", "message"}}`, the code stable,
//! the message in the request's language.

use serde::{Deserialize, Serialize};

/// The body of every refusal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Error))]
pub struct ErrorBody {
    /// What was refused.
    pub error: ErrorDetail,
}

/// A refusal's code and message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// The stable machine code (`poll_wrong_state`).
    pub code: String,
    /// For people, in the request's language.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_refusal_reads_back() {
        let v = json!({"error": {"code": "poll_wrong_state", "message": "本次投票当前状态为「草稿」"}});
        let e: ErrorBody = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(e.error.code, "poll_wrong_state");
        assert_eq!(serde_json::to_value(&e).unwrap(), v);
        assert!(serde_json::from_value::<ErrorBody>(json!({"error": "x"})).is_err());
    }
}
