//! Walking a body over its unit tree: which documented properties are
//! present, which enum values are sent, which branches are taken.
//!
//! [`walk_text`] follows the tree while serde_json parses the text, building
//! nothing: properties and items no node counts are skipped unparsed into a
//! value, so a body the fast path judged valid is never built for coverage
//! either. Only a value that reaches a `oneOf`/`anyOf` is built (that value
//! alone), since a branch is taken when its schema accepts the value.

use super::plan::{BodyNode, NodeId, Plan};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// Counts the units the JSON text `text` reaches from `node` into `hits`.
/// Text that does not parse counts what was reached before the error.
pub(crate) fn walk_text(plan: &Plan, node: NodeId, text: &str, hits: &mut Vec<u32>) {
    let mut de = serde_json::Deserializer::from_str(text);
    let _ = Seed { plan, node, hits }.deserialize(&mut de);
}

/// Counts the units the parsed `value` reaches from `node` into `hits`.
pub(crate) fn walk_value(plan: &Plan, node: NodeId, value: &Value, hits: &mut Vec<u32>) {
    let n = &plan.nodes[node];
    enums(n, value, hits);
    for branch in &n.branches {
        if branch.validator.as_ref().is_some_and(|v| v.is_valid(value)) {
            hits.push(branch.unit);
            if let Some(child) = branch.node {
                walk_value(plan, child, value, hits);
            }
        }
    }
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if let Some((unit, child)) = n.props.get(key) {
                    hits.push(*unit);
                    if let Some(child) = child {
                        walk_value(plan, *child, v, hits);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(child) = n.items {
                items.iter().for_each(|v| walk_value(plan, child, v, hits));
            }
        }
        _ => {}
    }
}

fn enums(node: &BodyNode, value: &Value, hits: &mut Vec<u32>) {
    if let Some((_, unit)) = node.enums.iter().find(|(v, _)| v == value) {
        hits.push(*unit);
    }
}

struct Seed<'a> {
    plan: &'a Plan,
    node: NodeId,
    hits: &'a mut Vec<u32>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.plan.nodes[self.node].branches.is_empty() {
            deserializer.deserialize_any(self)
        } else {
            let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
            walk_value(self.plan, self.node, &value, self.hits);
            Ok(())
        }
    }
}

impl Seed<'_> {
    fn scalar(self, value: Value) {
        enums(&self.plan.nodes[self.node], &value, self.hits);
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.scalar(Value::Bool(v));
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.scalar(Value::from(v));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.scalar(Value::from(v));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.scalar(Value::from(v));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        let node = &self.plan.nodes[self.node];
        if let Some((_, unit)) = node.enums.iter().find(|(e, _)| e.as_str() == Some(v)) {
            self.hits.push(*unit);
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar(Value::Null);
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self.plan.nodes[self.node].items {
            Some(child) => {
                while seq.next_element_seed(Seed { plan: self.plan, node: child, hits: self.hits })?.is_some() {}
            }
            None => while seq.next_element::<IgnoredAny>()?.is_some() {},
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let node = &self.plan.nodes[self.node];
        while let Some(found) = map.next_key_seed(Key(node))? {
            match found {
                Some((unit, Some(child))) => {
                    self.hits.push(unit);
                    map.next_value_seed(Seed { plan: self.plan, node: child, hits: self.hits })?;
                }
                Some((unit, None)) => {
                    self.hits.push(unit);
                    map.next_value::<IgnoredAny>()?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Reads a property name and looks it up among the node's documented ones.
struct Key<'a>(&'a BodyNode);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = Option<(u32, Option<NodeId>)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = Option<(u32, Option<NodeId>)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.props.get(v).copied())
    }
}
