//! `x-accord-knownValues: [...]`: the documented values of a list the provider
//! says is open. Any other value is allowed, so it is reported as a warning
//! (with a did-you-mean), never as an error.

use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError};
use serde_json::{Map, Value};

struct KnownValues {
    values: Vec<Value>,
}

impl<'i> Keyword<'i> for KnownValues {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(ValidationError::custom("is not one of the known values of this open list"))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        // Only values of a kind the list holds are compared; type is another keyword's job.
        let comparable = self.values.iter().any(|v| std::mem::discriminant(v) == std::mem::discriminant(instance));
        !comparable || self.values.contains(instance)
    }
}

pub(super) fn factory<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    _path: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    match value.as_array() {
        Some(values) => Ok(Box::new(KnownValues { values: values.clone() })),
        None => Err(ValidationError::schema(format!("{} must be an array", super::KNOWN_VALUES))),
    }
}
