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

/// The parts of a value some rules read (their [`crate::Rule::uses`] for
/// one variable): a value is converted for CEL only that far, so a rule that
/// counts `orders[*].testOrder` does not convert every field of every order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Projection {
    /// `None`: the whole value is read.
    paths: Option<Vec<Vec<String>>>,
}

impl Projection {
    /// What `rules` read of `variable`.
    pub fn of<'r>(rules: impl IntoIterator<Item = &'r crate::Rule>, variable: &str) -> Self {
        let mut paths = Vec::new();
        for rule in rules {
            for (root, path) in &rule.uses {
                if root == variable {
                    if path.is_empty() {
                        return Projection { paths: None };
                    }
                    paths.push(path.clone());
                }
            }
        }
        Projection { paths: Some(paths) }
    }

    /// `json` converted as far as the rules read it.
    pub fn apply(&self, json: &serde_json::Value, decimals: &Decimals) -> Value {
        match &self.paths {
            None => to_cel(json, decimals),
            Some(paths) => {
                let refs: Vec<&[String]> = paths.iter().map(Vec::as_slice).collect();
                project(json, &refs, decimals)
            }
        }
    }
}

fn project(json: &serde_json::Value, paths: &[&[String]], decimals: &Decimals) -> Value {
    use serde_json::Value as J;
    if paths.iter().any(|p| p.is_empty()) {
        return to_cel(json, decimals);
    }
    // Only presence tests (`has()`) reach here: the value itself is never read.
    let paths: Vec<&[String]> = paths.iter().copied().filter(|p| !(p.len() == 1 && p[0] == "?")).collect();
    if paths.is_empty() {
        return Value::Null;
    }
    let paths = paths.as_slice();
    let below = |key: &str| -> Vec<&[String]> {
        paths.iter().filter(|p| p[0] == key || p[0] == "*").map(|p| &p[1..]).collect()
    };
    match json {
        J::Object(m) => {
            let map: HashMap<Key, Value> = m
                .iter()
                .filter_map(|(k, v)| {
                    let sub = below(k);
                    (!sub.is_empty()).then(|| (Key::String(Arc::new(k.clone())), project(v, &sub, &decimals.below(k))))
                })
                .collect();
            Value::Map(Map { map: Arc::new(map) })
        }
        J::Array(items) => {
            let sub: Vec<&[String]> = paths.iter().filter(|p| p[0] == "*").map(|p| &p[1..]).collect();
            if sub.len() < paths.len() {
                // A field of a list: not CEL, but convert it all so the rule's own error shows.
                return to_cel(json, decimals);
            }
            let d = decimals.below("*");
            Value::List(Arc::new(items.iter().map(|v| project(v, &sub, &d)).collect()))
        }
        other => to_cel(other, decimals),
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

#[cfg(test)]
mod tests {
    use crate::{Decimals, Projection, RuleSpec, Verdict, compile};
    use serde_json::json;

    #[test]
    fn only_what_the_rules_read_is_converted_and_verdicts_do_not_change() {
        let rule = compile(
            &RuleSpec::new("r", "self.n == size(self.orders.map(o, has(o.test) && o.test).filter(t, t))"),
            &["self"],
        )
        .unwrap();
        let p = Projection::of([&rule], "self");
        let value = json!({"n": 1, "big": "x".repeat(1000), "orders": [{"test": true, "notes": "y"}, {"test": false}]});
        let projected = p.apply(&value, &Decimals::none());
        let shown = format!("{projected:?}");
        assert!(!shown.contains("big") && !shown.contains("notes"), "{shown}");
        assert!(shown.contains("test"), "{shown}");
        // `has(self.big)` reads presence only: the value is not converted.
        let has = compile(&RuleSpec::new("h", "has(self.big) && has(self.orders)"), &["self"]).unwrap();
        let shown = format!("{:?}", Projection::of([&has], "self").apply(&value, &Decimals::none()));
        assert!(!shown.contains("xxxx") && !shown.contains("notes"), "{shown}");
        assert_eq!(
            has.evaluate(&[("self", Projection::of([&has], "self").apply(&value, &Decimals::none()))]),
            Verdict::Pass
        );
        let full = crate::to_cel(&value, &Decimals::none());
        assert_eq!(rule.evaluate(&[("self", projected)]), Verdict::Pass);
        assert_eq!(rule.evaluate(&[("self", full)]), Verdict::Pass);
        // A rule that reads `self` whole gets it whole.
        let whole = compile(&RuleSpec::new("w", "size(self) == 3"), &["self"]).unwrap();
        let p = Projection::of([&rule, &whole], "self");
        assert_eq!(whole.evaluate(&[("self", p.apply(&value, &Decimals::none()))]), Verdict::Pass);
    }
}
