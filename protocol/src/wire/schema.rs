//! OpenAPI schemas written out (feature `openapi`) for the wire types whose content
//! is not a plain struct: [`Blob`] and [`Fixed`] are strings in standard base64 with
//! padding, a fixed length shown as the exact length of its text, so a schema check
//! refuses a value of another size; a [`PollDefinition`] is the counting library's
//! poll, which knows nothing of OpenAPI.

use std::borrow::Cow;

use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use super::{Blob, Fixed, PollDefinition};

/// Standard base64 with padding, any length (RFC 4648 §4).
const BASE64_PATTERN: &str = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$";

fn base64_string(description: String, length: Option<usize>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Byte)))
        .content_encoding("base64")
        .pattern(Some(BASE64_PATTERN))
        .min_length(length)
        .max_length(length)
        .description(Some(description))
}

/// The length of the base64 text of `n` bytes, with padding.
const fn encoded_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

impl PartialSchema for Blob {
    fn schema() -> RefOr<Schema> {
        base64_string("Bytes in standard base64 with padding (spec §14.2).".into(), None).into()
    }
}

impl ToSchema for Blob {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Blob")
    }
}

impl<const N: usize> PartialSchema for Fixed<N> {
    fn schema() -> RefOr<Schema> {
        base64_string(format!("Exactly {N} bytes in standard base64 with padding (spec §14.2)."), Some(encoded_len(N)))
            .into()
    }
}

impl<const N: usize> ToSchema for Fixed<N> {
    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("Bytes{N}"))
    }
}

impl PartialSchema for PollDefinition {
    fn schema() -> RefOr<Schema> {
        let contests = ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::Object)).description(Some(
            "The contests in ballot order, each with `id`, `title` and `type` (`election`, `confidence`, \
             `evaluation`, `motion` or `recall`) and that type's fields; `GET /api/poll-templates` has one of each.",
        ));
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("name", ObjectBuilder::new().schema_type(Type::String).description(Some("选举镇党委委员")))
            .required("name")
            .property("contests", contests)
            .required("contests")
            .into()
    }
}

impl ToSchema for PollDefinition {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PollDefinition")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_values_have_the_length_of_their_text() {
        let schema = serde_json::to_value(Fixed::<64>::schema()).unwrap();
        assert_eq!((schema["type"].as_str(), schema["minLength"].as_u64()), (Some("string"), Some(88)));
        assert_eq!(schema["maxLength"], 88);
        assert_eq!(Fixed::<32>::name(), "Bytes32");
        let blob = serde_json::to_value(Blob::schema()).unwrap();
        assert!(blob.get("maxLength").is_none(), "{blob}");
        assert_eq!(blob["contentEncoding"], "base64");
    }
}
