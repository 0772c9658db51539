//! `x-accord-maxSerializedLength: N`: the instance, serialized as compact JSON,
//! has at most N characters. D-Store limits `extendInfo` objects this way.

use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError};
use serde_json::{Map, Value};

struct MaxSerializedLength {
    limit: u64,
}

/// Characters in the compact JSON serialization of `value`.
pub fn serialized_length(value: &Value) -> u64 {
    let text = serde_json::to_string(value).unwrap_or_default();
    text.chars().count() as u64
}

impl<'i> Keyword<'i> for MaxSerializedLength {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        let length = serialized_length(instance);
        if length <= self.limit {
            Ok(())
        } else {
            Err(ValidationError::custom(format!("serializes to {length} characters; the limit is {}", self.limit)))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        serialized_length(instance) <= self.limit
    }
}

pub(super) fn factory<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    _path: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    match value.as_u64() {
        Some(limit) => Ok(Box::new(MaxSerializedLength { limit })),
        None => {
            Err(ValidationError::schema(format!("{} must be a non-negative integer", super::MAX_SERIALIZED_LENGTH)))
        }
    }
}
