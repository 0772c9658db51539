//! Rules beyond JSON Schema, read and compiled once, at load:
//!
//! - `x-accord-rules` on a schema (message rules, over `self`);
//! - `x-accord-rules` on an OpenAPI operation (exchange rules, over
//!   `request`, `response` and `operation`);
//! - `x-accord-idempotency-key` and `x-accord-unique` on an operation
//!   (capture rules, across the exchanges of one run).
//!
//! A rule that is not CEL, that names something not in scope, that compares
//! a field with a literal of another type, or that selects a field (or has a
//! `fieldPath`) the schema says cannot exist stops the load, naming the file,
//! the JSON pointer of the rule and the line:column inside the expression.

use crate::error::CatalogError;
use crate::location::Location;
use crate::openapi::{Body, Operation};
use crate::root::SchemaRoot;
use crate::source::Origin;
use accord_rules::{Decimals, Literal, Rule, RuleError, RuleErrorKind, RuleSpec, Selection, Where};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The keyword holding rules.
pub const RULES: &str = "x-accord-rules";
/// The keyword naming an operation's idempotency key.
pub const IDEMPOTENCY_KEY: &str = "x-accord-idempotency-key";
/// The keyword naming values that must not repeat across a run.
pub const UNIQUE: &str = "x-accord-unique";

/// The names a message rule may use.
pub const MESSAGE_SCOPE: &[&str] = &["self"];
/// The names an exchange rule may use.
pub const EXCHANGE_SCOPE: &[&str] = &["request", "response", "operation"];
/// The fields of `request` in an exchange rule.
pub const REQUEST_FIELDS: &[&str] = &["method", "path", "query", "headers", "params", "body"];
/// The fields of `response` in an exchange rule.
pub const RESPONSE_FIELDS: &[&str] = &["status", "headers", "body"];
/// The fields of `operation` in an exchange rule.
pub const OPERATION_FIELDS: &[&str] = &["id", "method", "path"];

/// The compiled rules of one `x-accord-rules` list.
#[derive(Debug)]
pub struct RuleSet {
    /// Where the list is (`.../x-accord-rules`).
    pub at: Location,
    /// The rules, in order.
    pub rules: Vec<Rule>,
    /// Where strings are decimals below the value a message rule sees.
    pub decimals: Decimals,
}

/// Where a capture rule reads its value: a JSON pointer into the request
/// body, or a request header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `/requestId`: a pointer into the request body.
    Body(String),
    /// `header:Idempotency-Key`: a request header (case-insensitive).
    Header(String),
}

impl KeySource {
    fn parse(text: &str) -> Option<KeySource> {
        if let Some(h) = text.strip_prefix("header:") {
            return (!h.trim().is_empty()).then(|| KeySource::Header(h.trim().to_ascii_lowercase()));
        }
        (text.is_empty() || text.starts_with('/')).then(|| KeySource::Body(text.to_string()))
    }

    /// As written: `/requestId` or `header:idempotency-key`.
    pub fn describe(&self) -> String {
        match self {
            KeySource::Body(p) => format!("request body {p}"),
            KeySource::Header(h) => format!("header {h}"),
        }
    }
}

/// The capture rules of one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaptureRules {
    /// `x-accord-idempotency-key`.
    pub idempotency_key: Option<KeySource>,
    /// `x-accord-unique`: values that must not repeat across a run.
    pub unique: Vec<KeySource>,
}

/// Every rule of a catalog.
#[derive(Debug, Default)]
pub struct Rules {
    /// Message rules, by the place of their `x-accord-rules` list.
    pub messages: HashMap<Location, Arc<RuleSet>>,
    /// Exchange rules, by the operation's place.
    pub exchanges: HashMap<Location, Arc<RuleSet>>,
    /// Capture rules, by the operation's place.
    pub captures: HashMap<Location, CaptureRules>,
}

impl Rules {
    /// How many rules there are, of every scope.
    pub fn len(&self) -> usize {
        let sets = self.messages.values().chain(self.exchanges.values());
        sets.map(|s| s.rules.len()).sum::<usize>()
            + self.captures.values().map(|c| usize::from(c.idempotency_key.is_some()) + c.unique.len()).sum::<usize>()
    }

    /// Whether there is no rule at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The message rules whose list is `value` (a value of the root, found by address).
    pub fn message_rules_of(&self, root: &SchemaRoot, value: &Value) -> Option<Arc<RuleSet>> {
        self.messages.get(&root.locate_value(value)?).cloned()
    }
}

/// Reads and compiles every rule of `root`; `operations` are its operations.
pub fn read(root: &SchemaRoot, operations: &[Operation]) -> Result<Rules, CatalogError> {
    let mut rules = Rules::default();
    let mut ids: BTreeMap<String, Location> = BTreeMap::new();
    let op_at: HashMap<&Location, &Operation> = operations.iter().map(|o| (&o.location, o)).collect();
    let mut found = Vec::new();
    for doc in root.documents().filter(|d| d.origin == Origin::Root) {
        collect(&doc.value, &Location { file: doc.path.clone(), pointer: String::new() }, &mut found);
    }
    for (owner, keyword, value) in found {
        let doc = root.document(&owner.file).map_or_else(|| owner.file.clone(), |d| d.shown.clone());
        let invalid = |pointer: String, message: String| CatalogError::Invalid { path: doc.clone(), pointer, message };
        let at = owner.join(keyword);
        match (keyword, op_at.get(&owner)) {
            (RULES, Some(op)) => {
                let set = compile_list(&value, &at, EXCHANGE_SCOPE, &invalid, &mut ids)?;
                for rule in &set.rules {
                    check_exchange(root, op, rule, &at, &invalid, set.rules.iter().position(|r| r.id == rule.id))?;
                }
                rules.exchanges.insert(owner.clone(), Arc::new(set));
            }
            (RULES, None) => {
                let mut set = compile_list(&value, &at, MESSAGE_SCOPE, &invalid, &mut ids)?;
                for (i, rule) in set.rules.iter().enumerate() {
                    check_message(root, &owner, rule, &at.join(&i.to_string()), &invalid)?;
                }
                set.decimals = Decimals::new(decimal_paths(root, &owner));
                rules.messages.insert(at, Arc::new(set));
            }
            (_, None) => {
                return Err(invalid(at.pointer, format!("`{keyword}` belongs on an operation, not here")));
            }
            (IDEMPOTENCY_KEY, Some(_)) => {
                let key = value.as_str().and_then(KeySource::parse).ok_or_else(|| {
                    invalid(
                        at.pointer.clone(),
                        "expected a JSON pointer into the request body (`/requestId`) or `header:NAME`".into(),
                    )
                })?;
                rules.captures.entry(owner.clone()).or_default().idempotency_key = Some(key);
            }
            (_, Some(_)) => {
                let list: Vec<&Value> = match &value {
                    Value::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                let mut keys = Vec::new();
                for (i, v) in list.into_iter().enumerate() {
                    let key = v.as_str().and_then(KeySource::parse).ok_or_else(|| {
                        invalid(
                            at.join(&i.to_string()).pointer,
                            "expected a JSON pointer into the request body or `header:NAME`".into(),
                        )
                    })?;
                    keys.push(key);
                }
                rules.captures.entry(owner.clone()).or_default().unique = keys;
            }
        }
    }
    Ok(rules)
}

/// Every rule keyword in `value`: (the object holding it, the keyword, its value).
fn collect(value: &Value, at: &Location, out: &mut Vec<(Location, &'static str, Value)>) {
    match value {
        Value::Object(m) => {
            for keyword in [RULES, IDEMPOTENCY_KEY, UNIQUE] {
                if let Some(v) = m.get(keyword) {
                    out.push((at.clone(), keyword, v.clone()));
                }
            }
            for (k, v) in m {
                // Data, not schemas: a rule keyword inside is a value like any other.
                if [RULES, "const", "enum", "default", "example", "examples"].contains(&k.as_str()) {
                    continue;
                }
                collect(v, &at.join(k), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect(v, &at.join(&i.to_string()), out);
            }
        }
        _ => {}
    }
}

fn compile_list(
    value: &Value,
    at: &Location,
    scope: &[&str],
    invalid: &dyn Fn(String, String) -> CatalogError,
    ids: &mut BTreeMap<String, Location>,
) -> Result<RuleSet, CatalogError> {
    let Some(items) = value.as_array() else {
        return Err(invalid(
            at.pointer.clone(),
            format!("`{RULES}` must be a list of {{id, rule, message?, messageExpression?, fieldPath?}}"),
        ));
    };
    let mut rules = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let here = at.join(&i.to_string());
        let Some(m) = item.as_object() else {
            return Err(invalid(
                here.pointer,
                "a rule must be an object {id, rule, message?, messageExpression?, fieldPath?}".into(),
            ));
        };
        if let Some(k) =
            m.keys().find(|k| !["id", "rule", "message", "messageExpression", "fieldPath"].contains(&k.as_str()))
        {
            return Err(invalid(
                here.join(k).pointer,
                format!("unknown key `{k}`; a rule has id, rule, message, messageExpression and fieldPath"),
            ));
        }
        let text = |k: &str| -> Result<Option<&str>, CatalogError> {
            match m.get(k) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.as_str())),
                Some(_) => Err(invalid(here.join(k).pointer, format!("`{k}` must be a string"))),
            }
        };
        let id = text("id")?
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| invalid(here.pointer.clone(), "a rule needs a non-empty `id`".into()))?;
        let rule = text("rule")?
            .ok_or_else(|| invalid(here.pointer.clone(), format!("rule `{id}` has no `rule` expression")))?;
        if let Some(first) = ids.get(id) {
            return Err(invalid(
                here.join("id").pointer,
                format!("rule id `{id}` is used twice (first at {}#{})", first.file, first.pointer),
            ));
        }
        ids.insert(id.to_string(), here.clone());
        let spec = RuleSpec {
            id,
            rule,
            message: text("message")?,
            message_expression: text("messageExpression")?,
            field_path: text("fieldPath")?,
        };
        let compiled = accord_rules::compile(&spec, scope).map_err(|e| rule_error(invalid, &here, id, &e))?;
        rules.push(compiled);
    }
    Ok(RuleSet { at: at.clone(), rules, decimals: Decimals::none() })
}

fn rule_error(
    invalid: &dyn Fn(String, String) -> CatalogError,
    at: &Location,
    id: &str,
    e: &RuleError,
) -> CatalogError {
    invalid(at.join(e.within.key()).pointer, format!("rule `{id}`: {e}"))
}

fn type_error(within: Where, s: &Selection, message: String) -> RuleError {
    RuleError { kind: RuleErrorKind::Type, within, line: s.line, column: s.column, message }
}

/// Checks a message rule's selections of `self` and its `fieldPath` against the schema at `owner`.
fn check_message(
    root: &SchemaRoot,
    owner: &Location,
    rule: &Rule,
    at: &Location,
    invalid: &dyn Fn(String, String) -> CatalogError,
) -> Result<(), CatalogError> {
    for s in rule.selections.iter().filter(|s| s.root == "self") {
        check_selection(root, std::slice::from_ref(owner), "self", &s.path, s)
            .map_err(|e| rule_error(invalid, at, &rule.id, &e))?;
    }
    if !rule.field_segments.is_empty()
        && let Walked::Missing(why) = walk(root, std::slice::from_ref(owner), &rule.field_segments)
    {
        let e = RuleError {
            kind: RuleErrorKind::FieldPath,
            within: Where::FieldPath,
            line: 1,
            column: 1,
            message: format!("`{}` cannot exist: {why}", rule.field_path.as_deref().unwrap_or_default()),
        };
        return Err(rule_error(invalid, at, &rule.id, &e));
    }
    Ok(())
}

/// Checks an exchange rule's selections of `request`, `response` and `operation`.
fn check_exchange(
    root: &SchemaRoot,
    op: &Operation,
    rule: &Rule,
    list: &Location,
    invalid: &dyn Fn(String, String) -> CatalogError,
    index: Option<usize>,
) -> Result<(), CatalogError> {
    let at = list.join(&index.unwrap_or(0).to_string());
    let bodies = |b: Option<&Body>| -> Vec<Location> {
        b.into_iter().flat_map(|b| b.media.iter().filter_map(|m| m.schema.clone())).collect()
    };
    for s in &rule.selections {
        let (fields, schemas): (&[&str], Vec<Location>) = match s.root.as_str() {
            "request" => (REQUEST_FIELDS, bodies(op.request_body.as_ref())),
            "response" => (RESPONSE_FIELDS, op.responses.values().flat_map(|r| bodies(r.body.as_ref())).collect()),
            _ => (OPERATION_FIELDS, Vec::new()),
        };
        let first = s.path[0].as_str();
        let result = if !fields.contains(&first) {
            Err(type_error(
                Where::Rule,
                s,
                format!("`{}` has no field `{first}`; it has {}", s.root, fields.join(", ")),
            ))
        } else if first == "body" && s.path.len() > 1 && !schemas.is_empty() {
            check_selection(root, &schemas, &format!("{}.body", s.root), &s.path[1..], s)
        } else {
            Ok(())
        };
        result.map_err(|e| rule_error(invalid, &at, &rule.id, &e))?;
    }
    if let Some(first) = rule.field_segments.first()
        && !["request", "response"].contains(&first.as_str())
    {
        let e = RuleError {
            kind: RuleErrorKind::FieldPath,
            within: Where::FieldPath,
            line: 1,
            column: 1,
            message: "an exchange rule's fieldPath starts at `.request` or `.response`".into(),
        };
        return Err(rule_error(invalid, &at, &rule.id, &e));
    }
    Ok(())
}

/// Whether `path` can exist below any of `schemas`, and agrees with what it is compared with.
fn check_selection(
    root: &SchemaRoot,
    schemas: &[Location],
    base: &str,
    path: &[String],
    s: &Selection,
) -> Result<(), RuleError> {
    let shown = format!("{base}.{}", path.join("."));
    match walk(root, schemas, path) {
        Walked::Missing(why) => Err(type_error(Where::Rule, s, format!("`{shown}` cannot exist: {why}"))),
        Walked::Unknown => Ok(()),
        Walked::Found(places) => {
            let Some(literal) = s.compared_with else { return Ok(()) };
            let mut kinds = BTreeSet::new();
            for p in &places {
                match value_kinds(root, p, 0) {
                    Some(k) => kinds.extend(k),
                    None => return Ok(()), // a schema that does not say: anything goes
                }
            }
            let fits = match literal {
                Literal::Null => true,
                Literal::Bool => kinds.contains("boolean"),
                Literal::Number => kinds.contains("number") || kinds.contains("integer") || kinds.contains("decimal"),
                Literal::String => kinds.contains("string"),
            };
            if fits {
                return Ok(());
            }
            let what = match literal {
                Literal::Bool => "a bool",
                Literal::Number => "a number",
                Literal::String => "a string",
                Literal::Null => "null",
            };
            let is: Vec<&str> = kinds.iter().map(String::as_str).collect();
            Err(type_error(Where::Rule, s, format!("`{shown}` is {}; it is compared with {what}", is.join(" or "))))
        }
    }
}

/// What a walk down a schema finds.
enum Walked {
    /// The places the path can lead to.
    Found(Vec<Location>),
    /// Somewhere on the way the schema does not say (any property allowed).
    Unknown,
    /// The path cannot exist, and why.
    Missing(String),
}

fn deref(root: &SchemaRoot, at: &Location) -> Option<(Location, Value)> {
    let mut at = at.clone();
    let mut value = root.get(&at)?;
    for _ in 0..32 {
        let Some(r) = value.get("$ref").and_then(Value::as_str) else { return Some((at, value.clone())) };
        let (next, v) = root.follow(&at, r).ok()?;
        at = next;
        value = v;
    }
    None
}

/// Follows `path` (property names; digits also index arrays) from any of `schemas`.
fn walk(root: &SchemaRoot, schemas: &[Location], path: &[String]) -> Walked {
    let Some((first, rest)) = path.split_first() else { return Walked::Found(schemas.to_vec()) };
    let mut next = Vec::new();
    let mut unknown = false;
    let mut why = String::new();
    for s in schemas {
        match step(root, s, first, 0) {
            Walked::Found(p) => next.extend(p),
            Walked::Unknown => unknown = true,
            Walked::Missing(w) => why = w,
        }
    }
    if next.is_empty() {
        return if unknown { Walked::Unknown } else { Walked::Missing(why) };
    }
    match walk(root, &next, rest) {
        Walked::Missing(_) if unknown => Walked::Unknown,
        other => other,
    }
}

/// One step: the field `name` of the schema at `at`.
fn step(root: &SchemaRoot, at: &Location, name: &str, depth: usize) -> Walked {
    let Some((at, v)) = deref(root, at) else { return Walked::Unknown };
    if depth > 16 {
        return Walked::Unknown;
    }
    let m = match &v {
        Value::Bool(false) => return Walked::Missing("the schema allows nothing here".into()),
        Value::Object(m) => m,
        _ => return Walked::Unknown,
    };
    let mut found = Vec::new();
    let mut unknown = false;
    if let Some(p) = m.get("properties").and_then(Value::as_object)
        && p.contains_key(name)
    {
        found.push(at.join("properties").join(name));
    }
    if let (Some(Value::Array(prefix)), Ok(i)) = (m.get("prefixItems"), name.parse::<usize>())
        && i < prefix.len()
    {
        found.push(at.join("prefixItems").join(name));
    }
    if name.parse::<usize>().is_ok() && m.get("items").is_some_and(Value::is_object) {
        found.push(at.join("items"));
    }
    for k in ["allOf", "anyOf", "oneOf"] {
        for (i, _) in m.get(k).and_then(Value::as_array).into_iter().flatten().enumerate() {
            match step(root, &at.join(k).join(&i.to_string()), name, depth + 1) {
                Walked::Found(p) => found.extend(p),
                Walked::Unknown => unknown = true,
                Walked::Missing(_) => {}
            }
        }
    }
    if !found.is_empty() {
        return Walked::Found(found);
    }
    let types = type_set(m);
    if let Some(t) = &types
        && !(t.contains("object") || (t.contains("array") && name.parse::<usize>().is_ok()))
    {
        let list: Vec<&str> = t.iter().map(String::as_str).collect();
        let hint =
            if t.contains("array") { "; select a field of its items inside all(), exists() or map()" } else { "" };
        return Walked::Missing(format!("the value there is {}{hint}", list.join(" or ")));
    }
    if unknown || m.contains_key("patternProperties") {
        return Walked::Unknown;
    }
    let closed = |k: &str| m.get(k) == Some(&Value::Bool(false));
    if closed("additionalProperties") || closed("unevaluatedProperties") {
        let known: Vec<&String> =
            m.get("properties").and_then(Value::as_object).map(|p| p.keys().collect()).unwrap_or_default();
        let list = known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
        return Walked::Missing(format!("no property `{name}` (the object allows only {list})"));
    }
    // Open objects: a property the schema does not list may still be sent.
    Walked::Unknown
}

fn type_set(m: &Map<String, Value>) -> Option<BTreeSet<String>> {
    match m.get("type")? {
        Value::String(t) => Some([t.clone()].into()),
        Value::Array(ts) => Some(ts.iter().filter_map(Value::as_str).map(str::to_string).collect()),
        _ => None,
    }
}

/// The JSON types the schema at `at` allows (`decimal` for `x-accord-type: decimal`), if it says.
fn value_kinds(root: &SchemaRoot, at: &Location, depth: usize) -> Option<BTreeSet<String>> {
    let (at, v) = deref(root, at)?;
    let m = v.as_object()?;
    if m.get("x-accord-type").and_then(Value::as_str) == Some("decimal") {
        return Some(["decimal".to_string(), "number".to_string(), "string".to_string()].into());
    }
    if let Some(t) = type_set(m) {
        return Some(t);
    }
    if let Some(c) = m.get("const") {
        return Some([json_kind(c).to_string()].into());
    }
    if let Some(Value::Array(e)) = m.get("enum") {
        return Some(e.iter().map(|x| json_kind(x).to_string()).collect());
    }
    if depth > 8 {
        return None;
    }
    for k in ["anyOf", "oneOf"] {
        if let Some(members) = m.get(k).and_then(Value::as_array) {
            let mut out = BTreeSet::new();
            for i in 0..members.len() {
                out.extend(value_kinds(root, &at.join(k).join(&i.to_string()), depth + 1)?);
            }
            return Some(out);
        }
    }
    None
}

fn json_kind(v: &Value) -> &'static str {
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

/// Paths below the schema at `at` whose schema is `x-accord-type: decimal`.
fn decimal_paths(root: &SchemaRoot, at: &Location) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    decimals_below(root, at, &mut Vec::new(), &mut out, &mut seen);
    out
}

fn decimals_below(
    root: &SchemaRoot,
    at: &Location,
    path: &mut Vec<String>,
    out: &mut Vec<Vec<String>>,
    seen: &mut BTreeSet<(Location, usize)>,
) {
    if path.len() > 12 {
        return;
    }
    let Some((at, v)) = deref(root, at) else { return };
    if !seen.insert((at.clone(), path.len())) {
        return;
    }
    let Some(m) = v.as_object() else { return };
    if m.get("x-accord-type").and_then(Value::as_str) == Some("decimal") {
        out.push(path.clone());
    }
    let mut down = |child: Location, segment: &str, path: &mut Vec<String>, out: &mut Vec<Vec<String>>| {
        path.push(segment.to_string());
        decimals_below(root, &child, path, out, seen);
        path.pop();
    };
    if let Some(p) = m.get("properties").and_then(Value::as_object) {
        for k in p.keys() {
            down(at.join("properties").join(k), k, path, out);
        }
    }
    if m.get("items").is_some_and(Value::is_object) {
        down(at.join("items"), "*", path, out);
    }
    if m.get("additionalProperties").is_some_and(Value::is_object) {
        down(at.join("additionalProperties"), "*", path, out);
    }
    for k in ["allOf", "anyOf", "oneOf"] {
        for i in 0..m.get(k).and_then(Value::as_array).map_or(0, Vec::len) {
            decimals_below(root, &at.join(k).join(&i.to_string()), path, out, seen);
        }
    }
}
