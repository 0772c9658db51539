//! JSON to CEL: integers stay integers, every other number is an exact
//! decimal, and strings at decimal-tagged places become decimals too.

use crate::decimal;
use cel::objects::{Key, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Where strings are decimals (`x-accord-type: decimal`): paths below the
/// value, each segment a property name, or `*` for any array item or key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decimals {
    paths: Vec<Vec<String>>,
}

impl Decimals {
    /// No decimal-tagged strings.
    pub fn none() -> Self {
        Decimals::default()
    }

    /// These paths (`["amountCharged"]`, `["vouchers", "*", "amount"]`; `[]` is the value itself).
    pub fn new(paths: Vec<Vec<String>>) -> Self {
        Decimals { paths }
    }

    /// The paths.
    pub fn paths(&self) -> &[Vec<String>] {
        &self.paths
    }

    fn matches(&self, at: &[&str]) -> bool {
        self.paths.iter().any(|p| p.len() == at.len() && p.iter().zip(at).all(|(a, b)| a == "*" || a == b))
    }

    /// The paths below `segment`, for a value one level down.
    fn below(&self, key: &str) -> Decimals {
        let paths = self
            .paths
            .iter()
            .filter(|p| p.first().is_some_and(|s| s == "*" || s == key))
            .map(|p| p[1..].to_vec())
            .collect();
        Decimals { paths }
    }
}

/// `json` as a CEL value.
pub fn to_cel(json: &serde_json::Value, decimals: &Decimals) -> Value {
    use serde_json::Value as J;
    match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Value::Int(i),
            (None, Some(u), _) => Value::UInt(u),
            (_, _, Some(f)) => decimal::from_f64(f).map_or(Value::Float(f), decimal::value),
            _ => Value::Null,
        },
        J::String(s) if decimals.matches(&[]) => {
            decimal::parse(s).map_or_else(|| Value::String(Arc::new(s.clone())), decimal::value)
        }
        J::String(s) => Value::String(Arc::new(s.clone())),
        J::Array(items) => {
            let below = decimals.below("*");
            Value::List(Arc::new(items.iter().map(|v| to_cel(v, &below)).collect()))
        }
        J::Object(m) => {
            let map: HashMap<Key, Value> =
                m.iter().map(|(k, v)| (Key::String(Arc::new(k.clone())), to_cel(v, &decimals.below(k)))).collect();
            Value::Map(Map { map: Arc::new(map) })
        }
    }
}

/// A CEL result as text for a message (a string as is, anything else printed).
pub fn to_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Opaque(o) => o.downcast_ref::<decimal::Exact>().map_or_else(|| format!("{v:?}"), |d| d.0.to_string()),
        other => format!("{other:?}"),
    }
}
