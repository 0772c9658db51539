//! OpenAPI's format registry (OpenAPI 3.1 §4.4): `int32`, `int64`, `float`
//! and `double` constrain numbers, which JSON Schema's `format` never reads.
//! In a schema root that holds an OpenAPI document, every schema with one of
//! them gets a sibling [`KEYWORD`] naming it, which the validator enforces
//! (and reports as `format`); `byte` (base64), `binary` and `password` are
//! string formats the validator registers itself.

use serde_json::Value;

/// The keyword added beside a numeric `format`.
pub const KEYWORD: &str = "x-accord-openapiFormat";

/// The numeric formats of the registry.
pub const NUMERIC: &[&str] = &["int32", "int64", "float", "double"];

/// Adds [`KEYWORD`] beside every numeric `format` in `value`; returns how many.
pub fn mark(value: &mut Value) -> usize {
    let mut count = 0;
    match value {
        Value::Object(map) => {
            let format = map.get("format").and_then(Value::as_str).filter(|f| NUMERIC.contains(f)).map(str::to_string);
            if let Some(format) = format
                && !map.contains_key(KEYWORD)
            {
                map.insert(KEYWORD.to_string(), Value::String(format));
                count += 1;
            }
            for v in map.values_mut() {
                count += mark(v);
            }
        }
        Value::Array(items) => {
            for v in items {
                count += mark(v);
            }
        }
        _ => {}
    }
    count
}
