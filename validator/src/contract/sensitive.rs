//! Collects the names of fields and headers whose values must never be shown.
//!
//! A property is sensitive when its schema, or the schema its `$ref` points
//! to, carries `x-accord-sensitive`, `writeOnly: true` or `format: password`.
//! The header, query parameter and cookie names of apiKey security schemes are
//! sensitive too. Names are collected across the whole catalog: masking a
//! same-named field elsewhere is the safe side to err on.

use super::{Location, Operation, ParameterIn, SchemaRoot, SchemeKind};
use crate::diagnostic::Redactor;
use accord_catalog::openapi::is_sensitive;
use serde_json::Value;

/// A redactor for everything `root` and `operations` mark sensitive.
pub fn redactor(root: &SchemaRoot, operations: &[Operation]) -> Redactor {
    let mut fields = Vec::new();
    for doc in root.documents() {
        let mut stack = vec![(&*doc.value, Location::document(doc.path.clone()))];
        while let Some((v, at)) = stack.pop() {
            match v {
                Value::Object(map) => {
                    if let Some(props) = map.get("properties").and_then(Value::as_object) {
                        for name in props.keys() {
                            if is_sensitive(root, &at.join("properties").join(name)) {
                                fields.push(name.clone());
                            }
                        }
                    }
                    stack.extend(map.iter().map(|(k, v)| (v, at.join(k))));
                }
                Value::Array(items) => {
                    stack.extend(items.iter().enumerate().map(|(i, v)| (v, at.join(&i.to_string()))))
                }
                _ => {}
            }
        }
    }
    let params = operations.iter().flat_map(|op| &op.parameters).filter(|p| p.sensitive);
    let mut headers: Vec<String> = params
        .clone()
        .filter(|p| matches!(p.location, ParameterIn::Header | ParameterIn::Cookie))
        .map(|p| p.name.clone())
        .collect();
    fields.extend(
        params.filter(|p| matches!(p.location, ParameterIn::Query | ParameterIn::Path)).map(|p| p.name.clone()),
    );
    let schemes = operations.iter().flat_map(|op| &op.security).flat_map(|r| &r.schemes);
    for scheme in schemes {
        if let SchemeKind::ApiKey { name, location } = &scheme.kind {
            match location {
                ParameterIn::Query | ParameterIn::Path => fields.push(name.clone()),
                ParameterIn::Header | ParameterIn::Cookie => headers.push(name.clone()),
            }
        }
    }
    Redactor::new(fields, headers)
}
