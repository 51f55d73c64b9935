//! A poll's lifecycle (spec §14.3): the state type is shared with the stations
//! (`hallvote_protocol::lifecycle`); what only the server's pages need is here.

pub use hallvote_protocol::lifecycle::PollState;

use crate::i18n::Lang;

/// Every state's words in `lang`, for a page's script to look up: a JSON object from
/// each state's name to its [`PollState::label`].
#[must_use]
pub fn words(lang: Lang) -> serde_json::Value {
    PollState::ALL.iter().map(|s| (s.as_str().to_owned(), serde_json::Value::from(s.label(lang)))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_get_every_state_and_json_carries_its_name() {
        let words = words(Lang::ZhCn);
        assert_eq!(words.as_object().map(serde_json::Map::len), Some(PollState::ALL.len()));
        assert_eq!(words["ceremony"], "密钥生成中");
        for s in PollState::ALL {
            assert_eq!(serde_json::to_value(s).ok(), Some(serde_json::Value::from(s.as_str())));
        }
    }
}
