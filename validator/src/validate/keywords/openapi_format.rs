//! OpenAPI's format registry for numbers (OpenAPI 3.1 §4.4): `int32`,
//! `int64`, `float` and `double` are ranges, not annotations. JSON Schema's
//! `format` reads only strings, so the catalog marks each such schema with
//! `x-accord-openapiFormat` (see `accord_catalog::openapi::formats`) and this
//! keyword judges numbers by it; findings are reported as `format`.

use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError};
use serde_json::{Map, Value};

/// A numeric format of OpenAPI's registry.
#[derive(Debug, Clone, Copy)]
enum NumberFormat {
    Int32,
    Int64,
    Float,
    Double,
}

impl NumberFormat {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "int32" => Self::Int32,
            "int64" => Self::Int64,
            "float" => Self::Float,
            "double" => Self::Double,
            _ => return None,
        })
    }

    /// Whether `n` is a value of the format.
    fn admits(self, n: &serde_json::Number) -> bool {
        match self {
            Self::Int32 => integer(n).is_some_and(|i| i32::try_from(i).is_ok()),
            Self::Int64 => integer(n).is_some_and(|i| i64::try_from(i).is_ok()),
            Self::Float => n.as_f64().is_some_and(|f| f.is_finite() && f.abs() <= f64::from(f32::MAX)),
            Self::Double => n.as_f64().is_some_and(f64::is_finite),
        }
    }
}

/// The value of an integer-valued number (`5` or `5.0`), as JSON Schema reads integers.
fn integer(n: &serde_json::Number) -> Option<i128> {
    if let Some(i) = n.as_i64() {
        return Some(i128::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Some(i128::from(u));
    }
    let f = n.as_f64()?;
    (f.fract() == 0.0 && f.abs() < 1e38).then_some(f as i128)
}

/// What a format's range is, for messages.
pub fn describe(format: &str) -> &'static str {
    match format {
        "int32" => "a 32-bit signed integer, -2147483648 to 2147483647",
        "int64" => "a 64-bit signed integer, -9223372036854775808 to 9223372036854775807",
        "float" => "a single-precision number, at most 3.4028235e38 in magnitude",
        "double" => "a double-precision number",
        _ => "a value of the format",
    }
}

struct OpenApiFormat {
    format: NumberFormat,
}

impl<'i> Keyword<'i> for OpenApiFormat {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(ValidationError::custom(format!("is not {}", describe(&format!("{:?}", self.format).to_lowercase()))))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        match instance {
            Value::Number(n) => self.format.admits(n),
            _ => true,
        }
    }
}

pub(super) fn factory<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    _path: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    match value.as_str().and_then(NumberFormat::parse) {
        Some(format) => Ok(Box::new(OpenApiFormat { format })),
        None => Err(ValidationError::schema(format!(
            "{} must be one of int32, int64, float, double",
            super::OPENAPI_FORMAT
        ))),
    }
}

/// Whether `value` is a number in the range of `format`.
#[cfg(test)]
fn admits(format: &str, value: &Value) -> bool {
    match (NumberFormat::parse(format), value) {
        (Some(f), Value::Number(n)) => f.admits(n),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ranges() {
        assert!(admits("int32", &json!(2147483647)) && !admits("int32", &json!(2147483648_u64)));
        assert!(admits("int32", &json!(-2147483648)) && !admits("int32", &json!(3000000000_u64)));
        assert!(!admits("int32", &json!(1.5)), "not an integer");
        assert!(admits("int32", &json!(7.0)), "1.0 is an integer in JSON Schema");
        assert!(admits("int64", &json!(i64::MIN)) && !admits("int64", &json!(u64::MAX)));
        assert!(admits("float", &json!(3.0e38)) && !admits("float", &json!(3.5e38)));
        assert!(admits("double", &json!(1.7e308)));
        assert!(admits("int32", &json!("text")), "other types are not judged");
    }
}
