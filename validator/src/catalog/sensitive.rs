//! Collects the names of fields and headers whose values must never be shown.
//!
//! A property is sensitive when its schema, or the schema its `$ref` points
//! to, carries `x-accord-sensitive`. Names are collected across the whole
//! catalog: masking a same-named field elsewhere is the safe side to err on.

use super::operation::Operation;
use super::source::SchemaSet;
use crate::diagnostic::{Part, Redactor};
use serde_json::Value;

/// A redactor for everything `set` and `operations` mark sensitive.
pub fn redactor(set: &SchemaSet, operations: &[Operation]) -> Redactor {
    let mut fields = Vec::new();
    for doc in set.documents.values() {
        let mut stack = vec![&doc.value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(map) => {
                    if let Some(props) = map.get("properties").and_then(Value::as_object) {
                        for (name, schema) in props {
                            if is_marked(set, &doc.path, schema) {
                                fields.push(name.clone());
                            }
                        }
                    }
                    stack.extend(map.values());
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
    }
    let headers = operations
        .iter()
        .flat_map(|op| &op.parameters)
        .filter(|p| p.sensitive && p.location == Part::Header)
        .map(|p| p.name.clone());
    fields.extend(
        operations
            .iter()
            .flat_map(|op| &op.parameters)
            .filter(|p| p.sensitive && p.location != Part::Header)
            .map(|p| p.name.clone()),
    );
    Redactor::new(fields, headers)
}

fn is_marked(set: &SchemaSet, doc: &str, schema: &Value) -> bool {
    if schema.get("x-accord-sensitive").is_some() {
        return true;
    }
    let Some(reference) = schema.get("$ref").and_then(Value::as_str) else { return false };
    set.resolve_ref(doc, reference)
        .ok()
        .and_then(|(d, p)| set.get(&d, &p))
        .is_some_and(|target| target.get("x-accord-sensitive").is_some())
}
