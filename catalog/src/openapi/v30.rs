//! OpenAPI 3.0 read with 3.1 semantics. 3.0's Schema Object is a dialect of
//! draft-04/05, not JSON Schema 2020-12; the catalog translates it at load so
//! every reader (validator, generator) sees one dialect:
//!
//! * `nullable: true` beside a `type` adds `"null"` to the types (and `null`
//!   to an `enum`, which 3.0.3 leaves to the author but means by `nullable`);
//!   `nullable` is dropped;
//! * draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` become the
//!   numeric ones: `minimum: 5, exclusiveMinimum: true` is `exclusiveMinimum: 5`;
//! * `example`, an annotation in both, is left as it is.
//!
//! Values under `example`, `examples`, `default`, `enum`, `const` and `x-`
//! extensions are data, not schemas, and are never rewritten.

use serde_json::{Map, Value};

/// Whether a document is an OpenAPI 3.0 description.
pub fn is_v30(doc: &Value) -> bool {
    doc.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.0"))
}

/// Rewrites every 3.0 schema keyword in `value` (a whole document) to its 3.1
/// form; returns how many schema objects changed.
pub fn translate(value: &mut Value) -> usize {
    let mut changed = 0;
    walk(value, false, &mut changed);
    changed
}

/// `names`: the keys of this object are names (of properties, definitions,
/// component schemas), so a property called `default` or `example` is a
/// schema like any other, not data.
fn walk(value: &mut Value, names: bool, changed: &mut usize) {
    match value {
        Value::Object(map) => {
            if !names && rewrite(map) {
                *changed += 1;
            }
            for (key, child) in map.iter_mut() {
                let data = !names
                    && (matches!(key.as_str(), "example" | "examples" | "default" | "enum" | "const")
                        || key.starts_with("x-"));
                let holds_names = !names
                    && matches!(
                        key.as_str(),
                        "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" | "schemas"
                    );
                if !data {
                    walk(child, holds_names, changed);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk(v, false, changed)),
        _ => {}
    }
}

/// Rewrites one schema object; whether anything changed.
fn rewrite(map: &mut Map<String, Value>) -> bool {
    let mut changed = false;
    if let Some(Value::Bool(nullable)) = map.get("nullable") {
        let nullable = *nullable;
        if nullable {
            match map.get_mut("type") {
                Some(Value::String(t)) => {
                    let t = std::mem::take(t);
                    map.insert("type".into(), Value::Array(vec![Value::String(t), Value::String("null".into())]));
                }
                Some(Value::Array(types)) if !types.iter().any(|t| t == "null") => types.push("null".into()),
                _ => {}
            }
            if let Some(Value::Array(values)) = map.get_mut("enum")
                && !values.contains(&Value::Null)
            {
                values.push(Value::Null);
            }
        }
        map.remove("nullable");
        changed = true;
    }
    for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Bool(exclusive)) = map.get(flag) {
            if *exclusive {
                match map.remove(bound) {
                    Some(n) => {
                        map.insert(flag.into(), n);
                    }
                    None => {
                        map.remove(flag);
                    }
                }
            } else {
                map.remove(flag);
            }
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn translates_nullable_and_boolean_bounds_but_never_data() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "components": {"schemas": {"Item": {"properties": {
                "name": {"type": "string", "nullable": true},
                "kind": {"type": "string", "enum": ["a"], "nullable": true},
                "price": {"type": "number", "minimum": 5, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": false},
                "plain": {"type": "string", "nullable": false},
                "note": {"type": "object", "example": {"nullable": true, "exclusiveMinimum": true}},
                "default": {"type": "string", "nullable": true}
            }}}}
        });
        assert_eq!(translate(&mut doc), 5);
        let p = &doc["components"]["schemas"]["Item"]["properties"];
        assert_eq!(p["name"], json!({"type": ["string", "null"]}));
        assert_eq!(p["kind"], json!({"type": ["string", "null"], "enum": ["a", null]}));
        assert_eq!(p["price"], json!({"type": "number", "exclusiveMinimum": 5, "maximum": 9}));
        assert_eq!(p["plain"], json!({"type": "string"}));
        assert_eq!(p["note"]["example"], json!({"nullable": true, "exclusiveMinimum": true}));
        assert_eq!(p["default"], json!({"type": ["string", "null"]}), "a property named `default` is a schema");
    }
}
