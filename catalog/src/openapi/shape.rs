//! What a schema says about the JSON type of its instances: enough to read a
//! parameter's text (`?limit=31`, `?ids=1,2,3`, `filter[color]=green`) as the
//! value the schema expects before validating it.

use crate::location::Location;
use crate::root::SchemaRoot;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The JSON types a schema admits, and the shapes of its items and properties.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shape {
    /// JSON Schema type names (`string`, `integer`, ...); empty means any.
    pub types: BTreeSet<String>,
    /// The shape of array items, when the schema says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Shape>>,
    /// The shapes of named properties.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, Shape>,
    /// The shape of other properties (`additionalProperties`), when the schema says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional: Option<Box<Shape>>,
}

impl Shape {
    /// Whether the schema admits `kind` (any type when it names none).
    pub fn admits(&self, kind: &str) -> bool {
        self.types.is_empty() || self.types.contains(kind) || (kind == "integer" && self.types.contains("number"))
    }

    /// Whether the schema names `kind` explicitly.
    pub fn names(&self, kind: &str) -> bool {
        self.types.contains(kind)
    }

    /// Whether values of this schema are arrays (it names `array` and no scalar type).
    pub fn is_array(&self) -> bool {
        self.names("array") && !self.names("object")
    }

    /// Whether values of this schema are objects.
    pub fn is_object(&self) -> bool {
        self.names("object") && !self.names("array")
    }

    /// The shape of property `name`.
    pub fn property(&self, name: &str) -> Option<&Shape> {
        self.properties.get(name).or(self.additional.as_deref())
    }

    fn merge(&mut self, other: Shape) {
        self.types.extend(other.types);
        if let Some(items) = other.items {
            match &mut self.items {
                Some(mine) => mine.merge(*items),
                None => self.items = Some(items),
            }
        }
        for (name, shape) in other.properties {
            self.properties.entry(name).or_default().merge(shape);
        }
        if self.additional.is_none() {
            self.additional = other.additional;
        }
    }
}

/// The shape of the schema at `at` (following `$ref` and `allOf`/`anyOf`/`oneOf`).
pub fn shape_at(root: &SchemaRoot, at: &Location) -> Shape {
    shape(root, at, 0)
}

const MAX_DEPTH: usize = 12;

fn shape(root: &SchemaRoot, at: &Location, depth: usize) -> Shape {
    let mut out = Shape::default();
    if depth > MAX_DEPTH {
        return out;
    }
    let Some(schema) = root.get(at) else { return out };
    let Some(map) = schema.as_object() else { return out };
    match map.get("type") {
        Some(Value::String(t)) => {
            out.types.insert(t.clone());
        }
        Some(Value::Array(ts)) => out.types.extend(ts.iter().filter_map(Value::as_str).map(str::to_string)),
        _ => {
            // No `type`: a `const` or an `enum` of one kind still says what it is.
            let values: Vec<&Value> = match (map.get("const"), map.get("enum")) {
                (Some(c), _) => vec![c],
                (None, Some(Value::Array(vs))) => vs.iter().collect(),
                _ => Vec::new(),
            };
            out.types.extend(values.into_iter().map(|v| kind_of(v).to_string()));
        }
    }
    if map.contains_key("items") {
        out.items = Some(Box::new(shape(root, &at.join("items"), depth + 1)));
    }
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        for name in props.keys() {
            out.properties.insert(name.clone(), shape(root, &at.join("properties").join(name), depth + 1));
        }
    }
    if map.get("additionalProperties").is_some_and(Value::is_object) {
        out.additional = Some(Box::new(shape(root, &at.join("additionalProperties"), depth + 1)));
    }
    if let Some(reference) = map.get("$ref").and_then(Value::as_str)
        && let Ok((target, _)) = root.follow(at, reference)
    {
        out.merge(shape(root, &target, depth + 1));
    }
    // `allOf` members all apply; `anyOf`/`oneOf` members are alternatives. Either way
    // their types are the candidates for reading text, unless the schema itself names some.
    let own_types = !out.types.is_empty();
    for key in ["allOf", "anyOf", "oneOf"] {
        for (i, _) in map.get(key).and_then(Value::as_array).into_iter().flatten().enumerate() {
            let mut member = shape(root, &at.join(key).join(&i.to_string()), depth + 1);
            if own_types {
                member.types.clear();
            }
            out.merge(member);
        }
    }
    out
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
