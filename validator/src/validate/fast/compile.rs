//! From schema documents to the fast path's automaton.
//!
//! Every schema place reached from the root becomes a [`Node`]: its own
//! keywords, compiled into checks the streaming evaluator runs on scalars
//! and counts, and its applicators (`$ref`, `allOf`, `anyOf`, `oneOf`, `not`,
//! `if`/`then`/`else`) as links to other nodes. A keyword the fast path does
//! not implement exactly marks the node *unknown* for the instance types it
//! constrains, so a value that meets it can only be deferred.
//!
//! A [`State`] is the set of nodes that apply to one value at once: a node
//! and everything its applicators reach at the same instance place. One pass
//! over the value judges all of them together. For objects and arrays a
//! state names the state of each property or item, so the whole automaton is
//! built here, once, and evaluation only follows it.

use super::eval::Tri;
use super::{ARRAY, BOOLEAN, INTEGER, NULL, NUMBER, OBJECT, STRING, TypeMask};
use crate::contract::Catalog;
use crate::validate::keywords::{
    DISCRIMINATOR, KNOWN_VALUES, MAX_SERIALIZED_LENGTH, OPENAPI_FORMAT, RULES, string_formats,
};
use accord_catalog::{Draft, Location};
use jsonschema::Validator;
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashMap, VecDeque};

/// A node's index in [`Automaton::nodes`].
pub type NodeId = usize;
/// A state's index in [`Automaton::states`].
pub type StateId = usize;

/// More states than this and the schema is not given a fast path (a
/// combination of applicators that grows without bound is left to the full path).
const MAX_STATES: usize = 20_000;
/// Known property names one state tracks (a bit each, for `required` and duplicates).
const MAX_KNOWN_KEYS: usize = 128;

/// The compiled checks of one schema place.
pub struct Node {
    /// Where the schema is (`file#pointer`), for explanations.
    pub place: String,
    /// Instance types the node accepts (`type`; all for no `type`, none for `false`).
    pub types: TypeMask,
    /// Instance types for which the node cannot be judged here.
    pub unknown_for: TypeMask,
    /// Why, for the coverage report: the first keyword that made it unknown.
    pub unknown_because: Option<String>,
    /// `minLength`, in characters.
    pub min_length: Option<u64>,
    /// `maxLength`, in characters.
    pub max_length: Option<u64>,
    /// `pattern`, translated from ECMA-262 as jsonschema translates it.
    pub patterns: Vec<fancy_regex::Regex>,
    /// `format`, judged by jsonschema itself (compiled from the keyword alone).
    pub format: Option<Validator>,
    /// `enum` and `const` value lists (each one a constraint).
    pub enums: Vec<Vec<Value>>,
    /// Numeric keywords, `enum` and `const`, judged by jsonschema on a number.
    pub number: Option<Validator>,
    /// `x-accord-knownValues`.
    pub known_values: Option<Vec<Value>>,
    /// `minProperties`.
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `required`.
    pub required: Vec<String>,
    /// `dependentRequired`: a name, and the names required when it is present.
    pub dependent_required: Vec<(String, Vec<String>)>,
    /// `x-accord-maxSerializedLength`, judged from the value's text (index front end only).
    pub max_serialized: Option<u64>,
    /// Instance types for which the node has keywords judged from the value's
    /// whole text (`x-accord-maxSerializedLength`; `enum`/`const` lists with
    /// objects or arrays): the index front end judges them, the serde front end defers.
    pub span_for: TypeMask,
    /// The first such keyword, for explanations.
    pub span_because: Option<String>,
    /// `uniqueItems: true` (index front end: judged by jsonschema on the array's value).
    pub unique: bool,
    /// `contains` (index front end: each item walked again in its state).
    pub contains: Option<NodeId>,
    /// `minContains`.
    pub min_contains: Option<u64>,
    /// `maxContains`.
    pub max_contains: Option<u64>,
    /// `propertyNames` (index front end: each name judged as a string in its state).
    pub property_names: Option<NodeId>,
    /// `patternProperties` (index front end: a value whose name matches is
    /// walked again in the pattern's state; `additionalProperties` skips the name).
    pub pattern_properties: Vec<(fancy_regex::Regex, NodeId)>,
    /// Whether a span keyword may still defer (`enum` lists with containers
    /// defer when no member is equal).
    pub span_may_defer: bool,
    /// `properties`.
    pub properties: Vec<(String, NodeId)>,
    /// `additionalProperties`.
    pub additional: Option<NodeId>,
    /// `prefixItems`.
    pub prefix: Vec<NodeId>,
    /// `items`.
    pub items: Option<NodeId>,
    /// `$ref` and `allOf` members.
    pub all_of: Vec<NodeId>,
    /// `anyOf` members.
    pub any_of: Vec<NodeId>,
    /// `oneOf` members.
    pub one_of: Vec<NodeId>,
    /// `not`.
    pub not: Option<NodeId>,
    /// `if`, `then`, `else`.
    pub condition: Option<(NodeId, Option<NodeId>, Option<NodeId>)>,
}

impl Node {
    fn new() -> Self {
        Node {
            place: String::new(),
            types: ALL,
            unknown_for: 0,
            unknown_because: None,
            min_length: None,
            max_length: None,
            patterns: Vec::new(),
            format: None,
            enums: Vec::new(),
            number: None,
            known_values: None,
            min_properties: None,
            max_properties: None,
            min_items: None,
            max_items: None,
            required: Vec::new(),
            dependent_required: Vec::new(),
            max_serialized: None,
            span_for: 0,
            span_because: None,
            span_may_defer: false,
            unique: false,
            contains: None,
            min_contains: None,
            max_contains: None,
            property_names: None,
            pattern_properties: Vec::new(),
            properties: Vec::new(),
            additional: None,
            prefix: Vec::new(),
            items: None,
            all_of: Vec::new(),
            any_of: Vec::new(),
            one_of: Vec::new(),
            not: None,
            condition: None,
        }
    }

    fn unknown(&mut self, types: TypeMask, keyword: &str) {
        self.unknown_for |= types;
        if self.unknown_because.is_none() {
            self.unknown_because = Some(keyword.to_string());
        }
    }

    fn span(&mut self, types: TypeMask, keyword: &str) {
        self.span_for |= types;
        if self.span_because.is_none() {
            self.span_because = Some(keyword.to_string());
        }
    }

    /// The nodes judged at the same instance place (applicator members).
    fn same_place(&self) -> impl Iterator<Item = NodeId> + '_ {
        let condition = self.condition.iter().flat_map(|(i, t, e)| [Some(*i), *t, *e]).flatten();
        self.all_of.iter().chain(&self.any_of).chain(&self.one_of).copied().chain(self.not).chain(condition)
    }
}

const ALL: TypeMask = NULL | BOOLEAN | INTEGER | NUMBER | STRING | ARRAY | OBJECT;

/// How a node's result is combined from its applicator members (positions in its state).
#[derive(Debug, Default, Clone)]
pub struct Combine {
    /// `$ref` and `allOf` members.
    pub all_of: Vec<u16>,
    /// `anyOf` members.
    pub any_of: Vec<u16>,
    /// `oneOf` members.
    pub one_of: Vec<u16>,
    /// `not`.
    pub not: Option<u16>,
    /// `if`, `then`, `else`.
    pub condition: Option<(u16, Option<u16>, Option<u16>)>,
}

/// Where a property or item value goes: its state, and which results of the
/// child state each parent node takes in (`parent &= child`).
#[derive(Debug, Clone)]
pub struct Edge {
    /// The child state.
    pub state: StateId,
    /// `(parent position, child position)` pairs.
    pub links: Vec<(u16, u16)>,
}

/// A property name some node of the state names.
#[derive(Debug, Clone)]
pub struct Key {
    /// The name.
    pub name: Box<str>,
    /// Its bit in the state's `seen` mask.
    pub bit: u32,
    /// Where its value goes (`None`: no node constrains it).
    pub edge: Option<Edge>,
}

/// The nodes judged together at one instance place.
#[derive(Debug, Clone)]
pub struct State {
    /// Node ids, members before the nodes that combine them.
    pub nodes: Vec<NodeId>,
    /// Per position, the node's hot facts packed beside each other (the
    /// nodes themselves are large): what the evaluator reads first.
    pub facts: Vec<Facts>,
    /// Set when the state is one node with no applicators: a scalar is
    /// then judged from these facts where they decide, with no result stack.
    pub leaf: Option<Facts>,
    /// Per position: how its applicators combine.
    pub combine: Vec<Combine>,
    /// Set when applicators at this place loop (`$ref` to itself): judged unknown.
    pub cyclic: bool,
    /// Known property names, sorted.
    pub keys: Vec<Key>,
    /// The names' open-addressing table.
    pub table: Vec<Slot>,
    /// Whether any node combines applicators (otherwise nothing to combine).
    pub combines: bool,
    /// Whether any node has a string length limit (count characters only then).
    pub counts_characters: bool,
    /// Where other properties go (`additionalProperties`).
    pub other: Option<Edge>,
    /// Whether other property names must be checked for duplicates (they are
    /// judged by a schema or counted).
    pub dedupe_other: bool,
    /// Per position: the bits of its required names.
    pub required: Vec<u128>,
    /// Per position: `dependentRequired` as (the name's bit, the bits it requires).
    pub dependent: Vec<Vec<(u128, u128)>>,
    /// Set when the state names more property names than it can track: objects are unknown.
    pub too_many_keys: bool,
    /// Item edges by position (`prefixItems`).
    pub positions: Vec<Option<Edge>>,
    /// Where the rest of the items go.
    pub rest: Option<Edge>,
    /// Where each item goes again for `contains` (its results are counted, not folded).
    pub contains: Option<Edge>,
    /// Where each property name goes, as a string, for `propertyNames`.
    pub names: Option<Edge>,
    /// `patternProperties`: (position, pattern index in its node, where a matching value goes).
    pub patterns: Vec<(u16, usize, Edge)>,
}

/// A node's type facts, per state position.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// [`Node::types`].
    pub types: TypeMask,
    /// [`Node::unknown_for`].
    pub unknown_for: TypeMask,
    /// The scalar types for which the node checks nothing but its type.
    pub plain: TypeMask,
    /// The container types some `enum` or `const` list of the node holds
    /// no member of (a value of that type fails at once).
    pub rejects: TypeMask,
    /// [`Node::span_for`].
    pub span_for: TypeMask,
}

impl Facts {
    /// The verdict of `type` and of keywords the fast path does not
    /// implement for `kind`, when they decide alone (invalid, or unknown).
    #[inline]
    pub fn typed(&self, kind: TypeMask) -> Option<Tri> {
        if self.types & kind == 0 {
            Some(Tri::Invalid)
        } else if self.unknown_for & kind != 0 {
            Some(Tri::Unknown)
        } else {
            None
        }
    }

    fn of(node: &Node) -> Facts {
        let mut plain = 0;
        if node.known_values.is_none() {
            if node.min_length.is_none()
                && node.max_length.is_none()
                && node.patterns.is_empty()
                && node.format.is_none()
                && node.enums.is_empty()
            {
                plain |= STRING;
            }
            if node.number.is_none() {
                plain |= INTEGER | NUMBER;
            }
            if node.enums.is_empty() {
                plain |= NULL | BOOLEAN;
            }
        }
        let mut rejects = 0;
        for list in &node.enums {
            if !list.iter().any(Value::is_object) {
                rejects |= OBJECT;
            }
            if !list.iter().any(Value::is_array) {
                rejects |= ARRAY;
            }
        }
        Facts {
            types: node.types,
            unknown_for: node.unknown_for,
            plain: plain & !node.span_for,
            rejects,
            span_for: node.span_for,
        }
    }
}

/// The whole compiled schema.
pub struct Automaton {
    /// Every node.
    pub nodes: Vec<Node>,
    /// Every state.
    pub states: Vec<State>,
    /// The state of the document, whose position 0 is the schema itself.
    pub root: StateId,
    /// The position of the schema itself in the root state.
    pub root_position: u16,
}

/// Why a schema gets no fast path at all.
#[derive(Debug, Clone)]
pub struct NotCompiled(pub String);

struct Builder<'c> {
    catalog: &'c Catalog,
    assert_formats: bool,
    nodes: Vec<Node>,
    by_location: HashMap<Location, NodeId>,
    pending: VecDeque<(NodeId, Location)>,
}

/// Compiles the schema at `uri` of `catalog`.
pub fn compile(catalog: &Catalog, uri: &str, assert_formats: bool) -> Result<Automaton, NotCompiled> {
    let at = catalog.root.locate_uri(uri).ok_or_else(|| NotCompiled(format!("{uri} is not in the catalog")))?;
    if catalog.root.draft_at(&at) != Draft::Draft202012 {
        return Err(NotCompiled("the fast path reads draft 2020-12 schemas only".into()));
    }
    let mut b =
        Builder { catalog, assert_formats, nodes: Vec::new(), by_location: HashMap::new(), pending: VecDeque::new() };
    let root_node = b.node(at);
    while let Some((id, location)) = b.pending.pop_front() {
        b.fill(id, &location);
    }
    let nodes = b.nodes;
    let (states, root) = states(&nodes, root_node)?;
    let root_position = states[root].nodes.iter().position(|n| *n == root_node).unwrap_or(0) as u16;
    Ok(Automaton { nodes, states, root, root_position })
}

impl Builder<'_> {
    fn node(&mut self, location: Location) -> NodeId {
        if let Some(id) = self.by_location.get(&location) {
            return *id;
        }
        let id = self.nodes.len();
        self.nodes.push(Node::new());
        self.by_location.insert(location.clone(), id);
        self.pending.push_back((id, location));
        id
    }

    fn child(&mut self, location: &Location, segments: &[&str]) -> NodeId {
        let mut at = location.clone();
        for s in segments {
            at = at.join(s);
        }
        self.node(at)
    }

    fn fill(&mut self, id: NodeId, location: &Location) {
        let value = self.catalog.root.get(location).cloned();
        let mut node = Node::new();
        node.place = self.catalog.root.shown(location);
        if self.catalog.root.draft_at(location) != Draft::Draft202012 {
            // A resource of another draft (its own `$schema`): not read here at all.
            node.unknown(ALL, "$schema");
            self.nodes[id] = node;
            return;
        }
        match value {
            Some(Value::Bool(true)) => {}
            Some(Value::Bool(false)) => node.types = 0,
            Some(Value::Object(schema)) => self.keywords(&mut node, location, &schema),
            _ => node.unknown(ALL, "a schema that is neither an object nor a boolean"),
        }
        self.nodes[id] = node;
    }

    fn keywords(&mut self, node: &mut Node, location: &Location, schema: &Map<String, Value>) {
        let number_keywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
        let mut number_schema = Map::new();
        let mut format_bounds: Vec<Value> = Vec::new();
        for (keyword, value) in schema {
            match keyword.as_str() {
                "type" => match type_mask(value) {
                    Some(mask) => node.types &= mask,
                    None => node.unknown(ALL, "type"),
                },
                "$schema" => {
                    let known = [
                        "https://json-schema.org/draft/2020-12/schema",
                        "https://json-schema.org/draft/2020-12/schema#",
                    ];
                    if !value.as_str().is_some_and(|s| known.contains(&s)) {
                        node.unknown(ALL, "$schema");
                    }
                }
                "enum" => match value.as_array() {
                    Some(values) => self.enum_values(node, values.clone(), "enum"),
                    None => node.unknown(ALL, "enum"),
                },
                "const" => self.enum_values(node, vec![value.clone()], "const"),
                k if number_keywords.contains(&k) => {
                    number_schema.insert(k.to_string(), value.clone());
                }
                "minLength" => set_count(node, value, "minLength", STRING, |n, v| n.min_length = Some(v)),
                "maxLength" => set_count(node, value, "maxLength", STRING, |n, v| n.max_length = Some(v)),
                "minItems" => set_count(node, value, "minItems", ARRAY, |n, v| n.min_items = Some(v)),
                "maxItems" => set_count(node, value, "maxItems", ARRAY, |n, v| n.max_items = Some(v)),
                "minProperties" => set_count(node, value, "minProperties", OBJECT, |n, v| n.min_properties = Some(v)),
                "maxProperties" => set_count(node, value, "maxProperties", OBJECT, |n, v| n.max_properties = Some(v)),
                "pattern" => match value.as_str().and_then(pattern) {
                    Some(regex) => node.patterns.push(regex),
                    None => node.unknown(STRING, "pattern"),
                },
                // Formats are annotations unless asserted.
                "format" if self.assert_formats => {
                    match string_formats(jsonschema::options())
                        .with_draft(jsonschema::Draft::Draft202012)
                        .should_validate_formats(true)
                        .build(&json!({ "format": value }))
                    {
                        Ok(v) => node.format = Some(v),
                        Err(_) => node.unknown(STRING, "format"),
                    }
                }
                "required" => match value.as_array().map(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>()) {
                    Some(Some(names)) => node.required = names.into_iter().map(str::to_string).collect(),
                    _ => node.unknown(OBJECT, "required"),
                },
                "properties" => match value.as_object() {
                    Some(props) => {
                        for name in props.keys() {
                            let child = self.child(location, &["properties", name]);
                            node.properties.push((name.clone(), child));
                        }
                    }
                    None => node.unknown(OBJECT, "properties"),
                },
                // With `patternProperties`, the names the patterns match are not "additional":
                // the walk leaves them out of this node's `additionalProperties`.
                "additionalProperties" => node.additional = Some(self.child(location, &["additionalProperties"])),
                "patternProperties" => match value.as_object() {
                    Some(patterns) => {
                        for source in patterns.keys() {
                            match pattern(source) {
                                Some(regex) => {
                                    let child = self.child(location, &["patternProperties", source]);
                                    node.pattern_properties.push((regex, child));
                                }
                                None => node.unknown(OBJECT, keyword),
                            }
                        }
                        node.span(OBJECT, keyword);
                    }
                    None => node.unknown(OBJECT, keyword),
                },
                "prefixItems" => match value.as_array() {
                    Some(items) => {
                        for i in 0..items.len() {
                            let child = self.child(location, &["prefixItems", &i.to_string()]);
                            node.prefix.push(child);
                        }
                    }
                    None => node.unknown(ARRAY, "prefixItems"),
                },
                "items" => {
                    if value.is_object() || value.is_boolean() {
                        node.items = Some(self.child(location, &["items"]));
                    } else {
                        node.unknown(ARRAY, "items");
                    }
                }
                "$ref" => match value.as_str().map(|r| self.catalog.root.resolve(location, r)) {
                    Some(Ok(target)) => {
                        let target = self.node(target);
                        node.all_of.push(target);
                    }
                    _ => node.unknown(ALL, "$ref"),
                },
                "allOf" | "anyOf" | "oneOf" => match value.as_array() {
                    Some(members) if !members.is_empty() => {
                        let ids: Vec<NodeId> =
                            (0..members.len()).map(|i| self.child(location, &[keyword, &i.to_string()])).collect();
                        match keyword.as_str() {
                            "allOf" => node.all_of.extend(ids),
                            "anyOf" => node.any_of = ids,
                            _ => node.one_of = ids,
                        }
                    }
                    _ => node.unknown(ALL, keyword),
                },
                "not" => node.not = Some(self.child(location, &["not"])),
                "if" => {
                    let condition = self.child(location, &["if"]);
                    let then = schema.contains_key("then").then(|| self.child(location, &["then"]));
                    let otherwise = schema.contains_key("else").then(|| self.child(location, &["else"]));
                    node.condition = Some((condition, then, otherwise));
                }
                KNOWN_VALUES => match value.as_array() {
                    Some(values) => {
                        let containers = values.iter().filter(|v| v.is_object() || v.is_array()).count();
                        if containers > 0 {
                            node.unknown(OBJECT | ARRAY, KNOWN_VALUES);
                        }
                        node.known_values = Some(values.clone());
                    }
                    None => node.unknown(ALL, KNOWN_VALUES),
                },
                "dependentRequired" => match dependent_required(value) {
                    Some(list) => node.dependent_required = list,
                    None => node.unknown(OBJECT, keyword),
                },
                MAX_SERIALIZED_LENGTH => match value.as_u64() {
                    Some(limit) => {
                        node.max_serialized = Some(limit);
                        node.span(ALL, keyword);
                    }
                    None => node.unknown(ALL, keyword),
                },
                // Judged on the index front end only (the serde front end defers, as for span keywords).
                "propertyNames" => {
                    node.property_names = Some(self.child(location, &["propertyNames"]));
                    node.span(OBJECT, keyword);
                }
                "contains" => {
                    node.contains = Some(self.child(location, &["contains"]));
                    node.span(ARRAY, keyword);
                }
                "minContains" => set_count(node, value, keyword, ARRAY, |n, v| n.min_contains = Some(v)),
                "maxContains" => set_count(node, value, keyword, ARRAY, |n, v| n.max_contains = Some(v)),
                "uniqueItems" => match value {
                    Value::Bool(true) => {
                        node.unique = true;
                        node.span(ARRAY, keyword);
                    }
                    Value::Bool(false) => {}
                    _ => node.unknown(ARRAY, keyword),
                },
                // Keywords jsonschema judges that the fast path does not: whatever they constrain is deferred.
                "dependentSchemas" | "dependencies" | "unevaluatedProperties" => node.unknown(OBJECT, keyword),
                "unevaluatedItems" | "additionalItems" => node.unknown(ARRAY, keyword),
                "contentMediaType" | "contentEncoding" | "contentSchema" => node.unknown(STRING, keyword),
                "$dynamicRef" | "$recursiveRef" | RULES => node.unknown(ALL, keyword),
                // An OpenAPI discriminator is asserted on the full path.
                DISCRIMINATOR
                    if self.catalog.root.get(&location.join(keyword)).is_some_and(|d| {
                        self.catalog.discriminators().contains_key(&crate::validate::rules::message::address(d))
                    }) =>
                {
                    node.unknown(OBJECT, keyword)
                }
                // OpenAPI's numeric formats, as the bounds they are (an integer format is a multiple of 1).
                OPENAPI_FORMAT => match value.as_str() {
                    Some("int32") => {
                        format_bounds.push(json!({"minimum": i32::MIN, "maximum": i32::MAX, "multipleOf": 1}))
                    }
                    Some("int64") => {
                        format_bounds.push(json!({"minimum": i64::MIN, "maximum": i64::MAX, "multipleOf": 1}))
                    }
                    Some("float") => {
                        format_bounds.push(json!({"minimum": -f64::from(f32::MAX), "maximum": f64::from(f32::MAX)}))
                    }
                    Some("double") => {}
                    _ => node.unknown(INTEGER | NUMBER, keyword),
                },
                // Annotations, identifiers and unknown keywords: jsonschema does not judge them either.
                _ => {}
            }
        }
        if !number_schema.is_empty() || !node.enums.is_empty() || !format_bounds.is_empty() {
            // `enum` and `const` lists each as an `allOf` member, so none replaces another.
            let mut lists: Vec<Value> = node.enums.iter().map(|values| json!({ "enum": values })).collect();
            lists.extend(format_bounds);
            if !lists.is_empty() {
                number_schema.insert("allOf".into(), Value::Array(lists));
            }
            match jsonschema::options().with_draft(jsonschema::Draft::Draft202012).build(&Value::Object(number_schema))
            {
                Ok(v) => node.number = Some(v),
                Err(_) => node.unknown(INTEGER | NUMBER, "minimum"),
            }
        }
    }

    fn enum_values(&mut self, node: &mut Node, values: Vec<Value>, keyword: &str) {
        // Objects and arrays are compared as values, from their text (index front end).
        if values.iter().any(Value::is_object) {
            node.span(OBJECT, keyword);
            node.span_may_defer = true;
        }
        if values.iter().any(Value::is_array) {
            node.span(ARRAY, keyword);
            node.span_may_defer = true;
        }
        node.enums.push(values);
    }
}

/// `dependentRequired`'s value: names to the names they require.
fn dependent_required(value: &Value) -> Option<Vec<(String, Vec<String>)>> {
    value
        .as_object()?
        .iter()
        .map(|(k, v)| {
            let names = v.as_array()?.iter().map(|n| n.as_str().map(str::to_string)).collect::<Option<Vec<_>>>()?;
            Some((k.clone(), names))
        })
        .collect()
}

fn set_count(node: &mut Node, value: &Value, keyword: &str, types: TypeMask, set: impl FnOnce(&mut Node, u64)) {
    // jsonschema reads counts as non-negative integers (2.0 included).
    match value.as_u64().or_else(|| value.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64)) {
        Some(v) => set(node, v),
        None => node.unknown(types, keyword),
    }
}

fn type_mask(value: &Value) -> Option<TypeMask> {
    let one = |name: &str| -> Option<TypeMask> {
        Some(match name {
            "null" => NULL,
            "boolean" => BOOLEAN,
            "integer" => INTEGER,
            "number" => INTEGER | NUMBER,
            "string" => STRING,
            "array" => ARRAY,
            "object" => OBJECT,
            _ => return None,
        })
    };
    match value {
        Value::String(s) => one(s),
        Value::Array(names) => names.iter().try_fold(0, |mask, n| Some(mask | one(n.as_str()?)?)),
        _ => None,
    }
}

/// An ECMA-262 pattern, translated and compiled as jsonschema does.
fn pattern(source: &str) -> Option<fancy_regex::Regex> {
    let translated = jsonschema_regex::to_rust_regex(source).ok()?;
    fancy_regex::Regex::new(&translated).ok()
}

/// Builds every state reachable from the one of `root`.
fn states(nodes: &[Node], root: NodeId) -> Result<(Vec<State>, StateId), NotCompiled> {
    let mut states: Vec<State> = Vec::new();
    let mut by_set: HashMap<Vec<NodeId>, StateId> = HashMap::new();
    let mut queue: VecDeque<StateId> = VecDeque::new();
    let mut intern = |set: BTreeSet<NodeId>, states: &mut Vec<State>, queue: &mut VecDeque<StateId>| {
        let closed = closure(nodes, set);
        if let Some(id) = by_set.get(&closed) {
            return Ok(*id);
        }
        if states.len() >= MAX_STATES {
            return Err(NotCompiled(format!("more than {MAX_STATES} combinations of schemas")));
        }
        // Positions in a state are u16 (and u16::MAX marks an empty key slot).
        if closed.len() >= usize::from(u16::MAX) {
            return Err(NotCompiled(format!("more than {} schemas apply at one place", u16::MAX - 1)));
        }
        let id = states.len();
        states.push(ordered(nodes, &closed));
        by_set.insert(closed, id);
        queue.push_back(id);
        Ok(id)
    };
    let root_state = intern(BTreeSet::from([root]), &mut states, &mut queue)?;
    while let Some(id) = queue.pop_front() {
        let members = states[id].nodes.clone();
        let position = |n: NodeId| members.iter().position(|m| *m == n).map(|p| p as u16);
        // Objects: every name some node knows, then everything else.
        let mut names: BTreeSet<&str> = BTreeSet::new();
        for n in &members {
            names.extend(nodes[*n].properties.iter().map(|(k, _)| k.as_str()));
            names.extend(nodes[*n].required.iter().map(String::as_str));
            for (name, needed) in &nodes[*n].dependent_required {
                names.insert(name.as_str());
                names.extend(needed.iter().map(String::as_str));
            }
        }
        let too_many_keys = names.len() > MAX_KNOWN_KEYS;
        let mut keys = Vec::new();
        let mut required = vec![0u128; members.len()];
        let mut dependent: Vec<Vec<(u128, u128)>> = vec![Vec::new(); members.len()];
        if !too_many_keys {
            for (bit, name) in names.iter().enumerate() {
                let targets: Vec<(u16, NodeId)> = members
                    .iter()
                    .enumerate()
                    .filter_map(|(p, n)| {
                        let node = &nodes[*n];
                        // A name one of the node's patterns matches is not additional to it.
                        let patterned = node.pattern_properties.iter().any(|(r, _)| r.is_match(name).unwrap_or(true));
                        let additional = if patterned { None } else { node.additional };
                        let child = node.properties.iter().find(|(k, _)| k == name).map(|(_, c)| *c).or(additional);
                        child.map(|c| (p as u16, c))
                    })
                    .collect();
                let edge = edge(targets, &mut states, &mut queue, &mut intern)?;
                for (p, n) in members.iter().enumerate() {
                    if nodes[*n].required.iter().any(|r| r == name) {
                        required[p] |= 1 << bit;
                    }
                }
                keys.push(Key { name: (*name).into(), bit: bit as u32, edge });
            }
            let bit_of = |name: &str| names.iter().position(|n| *n == name).map_or(0, |b| 1u128 << b);
            for (p, n) in members.iter().enumerate() {
                for (name, needed) in &nodes[*n].dependent_required {
                    dependent[p].push((bit_of(name), needed.iter().map(|m| bit_of(m)).fold(0, |a, b| a | b)));
                }
            }
        }
        let others: Vec<(u16, NodeId)> =
            members.iter().enumerate().filter_map(|(p, n)| nodes[*n].additional.map(|c| (p as u16, c))).collect();
        let other = edge(others, &mut states, &mut queue, &mut intern)?;
        let counted = members.iter().any(|n| nodes[*n].min_properties.is_some() || nodes[*n].max_properties.is_some());
        // Arrays: each prefix position, then the rest.
        let longest = members.iter().map(|n| nodes[*n].prefix.len()).max().unwrap_or(0);
        let mut positions = Vec::with_capacity(longest);
        for i in 0..longest {
            let targets: Vec<(u16, NodeId)> = members
                .iter()
                .enumerate()
                .filter_map(|(p, n)| nodes[*n].prefix.get(i).copied().or(nodes[*n].items).map(|c| (p as u16, c)))
                .collect();
            positions.push(edge(targets, &mut states, &mut queue, &mut intern)?);
        }
        let rest_targets: Vec<(u16, NodeId)> =
            members.iter().enumerate().filter_map(|(p, n)| nodes[*n].items.map(|c| (p as u16, c))).collect();
        let rest = edge(rest_targets, &mut states, &mut queue, &mut intern)?;
        let at_place = |pick: fn(&Node) -> Option<NodeId>| -> Vec<(u16, NodeId)> {
            members.iter().enumerate().filter_map(|(p, n)| pick(&nodes[*n]).map(|c| (p as u16, c))).collect()
        };
        let (contains_targets, name_targets) = (at_place(|n| n.contains), at_place(|n| n.property_names));
        let contains = edge(contains_targets, &mut states, &mut queue, &mut intern)?;
        let mut patterns = Vec::new();
        for (p, n) in members.iter().enumerate() {
            for (k, (_, child)) in nodes[*n].pattern_properties.iter().enumerate() {
                if let Some(e) = edge(vec![(p as u16, *child)], &mut states, &mut queue, &mut intern)? {
                    patterns.push((p as u16, k, e));
                }
            }
        }
        // Positions are tracked in a 128-bit mask when names are matched against patterns.
        let too_many_keys = too_many_keys || (!patterns.is_empty() && members.len() > 128);
        let names = edge(name_targets, &mut states, &mut queue, &mut intern)?;
        let combine = members
            .iter()
            .map(|n| {
                let node = &nodes[*n];
                let at = |list: &[NodeId]| list.iter().filter_map(|m| position(*m)).collect::<Vec<u16>>();
                Combine {
                    all_of: at(&node.all_of),
                    any_of: at(&node.any_of),
                    one_of: at(&node.one_of),
                    not: node.not.and_then(position),
                    condition: node
                        .condition
                        .map(|(i, t, e)| (position(i).unwrap_or(0), t.and_then(position), e.and_then(position))),
                }
            })
            .collect();
        let state = &mut states[id];
        state.combine = combine;
        state.dedupe_other = other.is_some() || counted || !state.patterns.is_empty();
        state.table = key_table(&keys);
        state.keys = keys;
        state.combines = state.cyclic
            || state.combine.iter().any(|c| {
                !c.all_of.is_empty()
                    || !c.any_of.is_empty()
                    || !c.one_of.is_empty()
                    || c.not.is_some()
                    || c.condition.is_some()
            });
        state.facts = state.nodes.iter().map(|n| Facts::of(&nodes[*n])).collect();
        state.leaf = (state.facts.len() == 1 && !state.combines).then(|| state.facts[0]);
        state.counts_characters =
            state.nodes.iter().any(|n| nodes[*n].min_length.is_some() || nodes[*n].max_length.is_some());
        state.other = other;
        state.required = required;
        state.dependent = dependent;
        state.too_many_keys = too_many_keys;
        state.positions = positions;
        state.rest = rest;
        state.patterns = patterns;
        state.contains = contains;
        state.names = names;
    }
    Ok((states, root_state))
}

/// A property name's first and last eight bytes as little-endian words
/// (shorter names: all of it in the first word, zero-padded, and 0). With the
/// length they are the name itself up to 16 bytes, so a probe compares words.
#[inline]
pub fn key_words(name: &[u8]) -> (u64, u64) {
    let n = name.len();
    let word8 = |b: &[u8]| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
    let word4 = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64;
    if n >= 8 {
        (word8(name), word8(&name[n - 8..]))
    } else if n >= 4 {
        // Two overlapping reads; the shared bytes are the same bytes.
        (word4(name) | (word4(&name[n - 4..]) << (8 * (n - 4))), 0)
    } else {
        (name.iter().rev().fold(0u64, |w, b| (w << 8) | u64::from(*b)), 0)
    }
}

/// A property name's 64-bit hash, from its words and length.
#[inline]
pub fn key_hash(head: u64, tail: u64, n: usize) -> u64 {
    let h = (head ^ 0x9E37_79B9_7F4A_7C15).wrapping_mul(0xBF58_476D_1CE4_E5B9)
        ^ (tail ^ n as u64).wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^ (h >> 31)
}

/// One slot of a state's name table.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    /// The name's first word ([`key_words`]).
    pub head: u64,
    /// Its last word.
    pub tail: u64,
    /// Its length in bytes.
    pub len: u32,
    /// The key's index in [`State::keys`] (`u16::MAX`: empty).
    pub key: u16,
}

/// An open-addressing table of `keys` (linear probing, at most half full).
fn key_table(keys: &[Key]) -> Vec<Slot> {
    let len = (keys.len() * 2).next_power_of_two().max(4);
    let mut table = vec![Slot { head: 0, tail: 0, len: 0, key: u16::MAX }; len];
    for (i, key) in keys.iter().enumerate() {
        let name = key.name.as_bytes();
        let (head, tail) = key_words(name);
        let mut slot = key_hash(head, tail, name.len()) as usize & (len - 1);
        while table[slot].key != u16::MAX {
            slot = (slot + 1) & (len - 1);
        }
        table[slot] = Slot { head, tail, len: name.len() as u32, key: i as u16 };
    }
    table
}

type Intern<'a> =
    dyn FnMut(BTreeSet<NodeId>, &mut Vec<State>, &mut VecDeque<StateId>) -> Result<StateId, NotCompiled> + 'a;

/// The edge to the state of `targets` (none when nothing constrains the value).
fn edge(
    targets: Vec<(u16, NodeId)>,
    states: &mut Vec<State>,
    queue: &mut VecDeque<StateId>,
    intern: &mut Intern<'_>,
) -> Result<Option<Edge>, NotCompiled> {
    if targets.is_empty() {
        return Ok(None);
    }
    let set: BTreeSet<NodeId> = targets.iter().map(|(_, c)| *c).collect();
    let state = intern(set, states, queue)?;
    let members = &states[state].nodes;
    let links = targets.iter().map(|(p, c)| (*p, members.iter().position(|m| m == c).unwrap_or(0) as u16)).collect();
    Ok(Some(Edge { state, links }))
}

/// `set` and every node its applicators reach at the same place, sorted.
fn closure(nodes: &[Node], set: BTreeSet<NodeId>) -> Vec<NodeId> {
    let mut seen = set.clone();
    let mut stack: Vec<NodeId> = set.into_iter().collect();
    while let Some(n) = stack.pop() {
        for m in nodes[n].same_place() {
            if seen.insert(m) {
                stack.push(m);
            }
        }
    }
    seen.into_iter().collect()
}

/// A state of `set`, its nodes ordered members first; a loop makes it cyclic.
fn ordered(nodes: &[Node], set: &[NodeId]) -> State {
    let mut order: Vec<NodeId> = Vec::with_capacity(set.len());
    let mut mark: HashMap<NodeId, u8> = HashMap::new(); // 1 visiting, 2 done
    let mut cyclic = false;
    fn visit(n: NodeId, nodes: &[Node], mark: &mut HashMap<NodeId, u8>, order: &mut Vec<NodeId>, cyclic: &mut bool) {
        match mark.get(&n) {
            Some(2) => return,
            Some(_) => {
                *cyclic = true;
                return;
            }
            None => {}
        }
        mark.insert(n, 1);
        for m in nodes[n].same_place() {
            visit(m, nodes, mark, order, cyclic);
        }
        mark.insert(n, 2);
        order.push(n);
    }
    for n in set {
        visit(*n, nodes, &mut mark, &mut order, &mut cyclic);
    }
    State {
        nodes: order,
        facts: Vec::new(),
        leaf: None,
        combine: Vec::new(),
        cyclic,
        keys: Vec::new(),
        other: None,
        dedupe_other: false,
        required: Vec::new(),
        dependent: Vec::new(),
        too_many_keys: false,
        table: Vec::new(),
        combines: false,
        counts_characters: false,
        positions: Vec::new(),
        rest: None,
        contains: None,
        names: None,
        patterns: Vec::new(),
    }
}
