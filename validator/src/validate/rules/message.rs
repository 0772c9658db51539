//! `x-accord-rules`: CEL rules over the value the schema applies to,
//! compiled at load by `accord-catalog` and evaluated here wherever the
//! schema applies (behind `$ref`, in `items`, in every `allOf` member...).
//!
//! One keyword reports every failing rule of its list: the error message is
//! a JSON list of failures that [`crate::validate::message`] turns into one
//! `rule` finding each.

use accord_catalog::rules::RuleSet;
use accord_rules::{Projection, Verdict};
use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// One failing rule, as carried in the keyword's error message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The rule's position in its list.
    pub index: usize,
    /// Its id.
    pub id: String,
    /// The message.
    pub message: String,
    /// `fieldPath` as segments below the value.
    pub field: Vec<String>,
    /// Whether the rule could not be evaluated (rather than evaluated to false).
    pub error: bool,
}

/// Every failure of `set` on `instance`; `projection` is what the set reads.
pub fn failures(set: &RuleSet, projection: &Projection, instance: &Value) -> Vec<Failure> {
    let value = projection.apply(instance, &set.decimals);
    let bound = [("self", value)];
    let mut out = Vec::new();
    for (index, rule) in set.rules.iter().enumerate() {
        let (message, error) = match rule.evaluate(&bound) {
            Verdict::Pass => continue,
            Verdict::Fail { message } => (message, false),
            Verdict::Error { message } => (message, true),
        };
        out.push(Failure { index, id: rule.id.clone(), message, field: rule.field_segments.clone(), error });
    }
    out
}

struct Rules {
    set: Arc<RuleSet>,
    /// What the rules read of the value (the rest is not converted).
    projection: Projection,
    /// The schema's own `type`, if it has one: rules presume that shape, and
    /// a value of another type is the `type` keyword's finding, not theirs.
    types: Option<Vec<String>>,
}

impl Rules {
    fn applies(&self, instance: &Value) -> bool {
        let Some(types) = &self.types else { return true };
        let kind = match instance {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        types.iter().any(|t| t == kind || (t == "number" && kind == "integer"))
    }
}

impl<'i> Keyword<'i> for Rules {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if !self.applies(instance) {
            return Ok(());
        }
        let failed = failures(&self.set, &self.projection, instance);
        if failed.is_empty() {
            return Ok(());
        }
        Err(ValidationError::custom(serde_json::to_string(&failed).unwrap_or_default()))
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        if !self.applies(instance) {
            return true;
        }
        let value = self.projection.apply(instance, &self.set.decimals);
        let bound = [("self", value)];
        self.set.rules.iter().all(|r| r.evaluate(&bound) == Verdict::Pass)
    }
}

/// The compiled rule lists of a catalog, by the address of their
/// `x-accord-rules` value (the documents never move while the catalog lives).
pub type ByAddress = Arc<HashMap<usize, Arc<RuleSet>>>;

/// The address key of a value.
pub fn address(value: &Value) -> usize {
    std::ptr::from_ref(value) as usize
}

/// What a keyword factory returns.
type Built<'a> = Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>>;

/// A factory that finds the compiled list for the keyword's value.
pub(crate) fn factory(
    compiled: ByAddress,
) -> impl for<'a> Fn(&'a Map<String, Value>, &'a Value, Location) -> Built<'a> + Send + Sync + 'static {
    move |parent, value, _path| match compiled.get(&address(value)) {
        Some(set) => {
            let types = match parent.get("type") {
                Some(Value::String(t)) => Some(vec![t.clone()]),
                Some(Value::Array(ts)) => Some(ts.iter().filter_map(Value::as_str).map(str::to_string).collect()),
                _ => None,
            };
            let projection = Projection::of(&set.rules, "self");
            Ok(Box::new(Rules { set: Arc::clone(set), projection, types }))
        }
        None => Err(ValidationError::schema(format!(
            "{} was not read with the catalog (a schema built outside it cannot carry rules)",
            crate::validate::keywords::RULES
        ))),
    }
}
