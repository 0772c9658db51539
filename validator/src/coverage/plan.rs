//! The units of coverage a catalog defines, numbered once when coverage is
//! switched on: operations and webhooks, documented statuses, media types,
//! parameters and their enum values, body properties and their enum values,
//! `oneOf`/`anyOf` branches, response headers and security requirements.
//!
//! Bodies get a small tree per message slot (operation × request or status
//! × media type): each node lists the documented properties, the enum values
//! and the branches of one place in the schema, with the unit each stands
//! for. The walkers in [`super::body`] follow it over a body's text.

use crate::contract::{Catalog, Location, Operation, OperationKind, ParameterIn};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// A kind of coverage unit; percentages are given per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An operation of `paths`.
    Operation,
    /// An operation of `webhooks`.
    Webhook,
    /// A documented response status key (`200`, `4XX`, `default`) of an operation.
    Status,
    /// A request or response media type of an operation.
    MediaType,
    /// A declared parameter, sent at least once.
    Parameter,
    /// One enum value of a parameter.
    ParameterValue,
    /// A documented body property, present at least once.
    Property,
    /// One enum value of a body field.
    PropertyValue,
    /// One `oneOf`/`anyOf` branch, taken at least once.
    Branch,
    /// A documented response header, sent at least once.
    ResponseHeader,
    /// A security requirement, met by at least one request.
    Security,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 11] = [
        Kind::Operation,
        Kind::Webhook,
        Kind::Status,
        Kind::MediaType,
        Kind::Parameter,
        Kind::ParameterValue,
        Kind::Property,
        Kind::PropertyValue,
        Kind::Branch,
        Kind::ResponseHeader,
        Kind::Security,
    ];

    /// The name used on the command line and in reports (`media-type`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Operation => "operation",
            Kind::Webhook => "webhook",
            Kind::Status => "status",
            Kind::MediaType => "media-type",
            Kind::Parameter => "parameter",
            Kind::ParameterValue => "parameter-value",
            Kind::Property => "property",
            Kind::PropertyValue => "property-value",
            Kind::Branch => "branch",
            Kind::ResponseHeader => "response-header",
            Kind::Security => "security",
        }
    }

    /// The kind named `name` (as [`Kind::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// One unit of coverage.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Its kind.
    pub kind: Kind,
    /// The index of its operation in the catalog.
    pub operation: usize,
    /// A key that stays the same across runs and versions (baselines compare by it).
    pub key: String,
    /// What it is, for people (`200`, `query limit`, `response 200 application/json /items/*/sku`).
    pub label: String,
    /// Where it is declared, for line mapping.
    pub at: Option<Location>,
}

/// A node of a body's unit tree.
pub(crate) type NodeId = usize;

/// One place in a body schema: what is counted when a value reaches it.
#[derive(Debug, Default)]
pub(crate) struct BodyNode {
    /// Documented properties: name → (unit, the node of its value).
    pub props: HashMap<String, (u32, Option<NodeId>)>,
    /// The node of array items.
    pub items: Option<NodeId>,
    /// Enum (or const) values and their units.
    pub enums: Vec<(Value, u32)>,
    /// `oneOf`/`anyOf` branches: unit, the branch's validator, its node.
    pub branches: Vec<Branch>,
}

/// One `oneOf`/`anyOf` branch.
#[derive(Debug)]
pub(crate) struct Branch {
    pub unit: u32,
    pub validator: Option<Arc<jsonschema::Validator>>,
    pub node: Option<NodeId>,
}

/// The units of one media type of a message.
#[derive(Debug)]
pub(crate) struct MediaPlan {
    pub unit: u32,
    pub body: Option<NodeId>,
}

/// The units of one documented response.
#[derive(Debug, Default)]
pub(crate) struct ResponsePlan {
    pub unit: u32,
    /// By media type name, in declaration order.
    pub media: Vec<(String, MediaPlan)>,
    /// Header name (lower case) → unit.
    pub headers: Vec<(String, u32)>,
}

/// The units of one parameter.
#[derive(Debug)]
pub(crate) struct ParamPlan {
    pub unit: u32,
    pub values: Vec<(Value, u32)>,
}

/// The units of one operation.
#[derive(Debug, Default)]
pub(crate) struct OperationPlan {
    pub unit: u32,
    pub parameters: Vec<ParamPlan>,
    pub request: Vec<(String, MediaPlan)>,
    pub responses: HashMap<String, ResponsePlan>,
    pub security: Vec<u32>,
}

/// Every unit of a catalog, and how messages reach them.
#[derive(Debug, Default)]
pub struct Plan {
    /// The units, numbered by position.
    pub units: Vec<Unit>,
    pub(crate) operations: Vec<OperationPlan>,
    pub(crate) nodes: Vec<BodyNode>,
    keys: HashMap<String, u32>,
    /// Message slots whose body schema defines more units than
    /// [`MAX_BODY_UNITS`]: (operation, slot as shown, units left out).
    pub truncated: Vec<(usize, String, usize)>,
}

/// How deep a body tree goes (properties within properties).
const MAX_DEPTH: usize = 12;
/// Most units one message slot's body may define (a guard against huge
/// schemas); what is past it is counted in [`Plan::truncated`], never dropped silently.
pub const MAX_BODY_UNITS: usize = 4000;

impl Plan {
    /// The units of `catalog`.
    pub fn new(catalog: &Catalog) -> Plan {
        let mut plan = Plan::default();
        let mut shared = Shared::default();
        for (index, op) in catalog.operations.iter().enumerate() {
            let op_plan = plan.operation(catalog, index, op, &mut shared);
            plan.operations.push(op_plan);
        }
        plan
    }

    /// The unit with `key`, if the catalog defines it.
    pub fn unit_by_key(&self, key: &str) -> Option<&Unit> {
        self.keys.get(key).map(|&i| &self.units[i as usize])
    }

    fn add(&mut self, kind: Kind, operation: usize, key: String, label: String, at: Option<Location>) -> u32 {
        if let Some(&id) = self.keys.get(&key) {
            return id;
        }
        let id = self.units.len() as u32;
        self.keys.insert(key.clone(), id);
        self.units.push(Unit { kind, operation, key, label, at });
        id
    }

    fn operation(&mut self, catalog: &Catalog, index: usize, op: &Operation, shared: &mut Shared) -> OperationPlan {
        let id = &op.id;
        let (kind, prefix) = match op.kind {
            OperationKind::Path => (Kind::Operation, "operation"),
            OperationKind::Webhook => (Kind::Webhook, "webhook"),
        };
        let label = format!("{} {}", op.method, op.path);
        let unit = self.add(kind, index, format!("{prefix}:{id}"), label, Some(op.location.clone()));
        let mut out = OperationPlan { unit, ..OperationPlan::default() };
        for param in &op.parameters {
            let at = parameter_location(catalog, op, &param.name, param.location);
            let where_ = location_name(param.location);
            let unit = self.add(
                Kind::Parameter,
                index,
                format!("parameter:{id}:{where_}:{}", param.name),
                format!("{where_} {}", param.name),
                at,
            );
            let mut values = Vec::new();
            if let Some(schema_at) = param.schema.clone() {
                for (value, at) in enum_values(catalog, &schema_at, true) {
                    let shown = short_json(&value);
                    let v = self.add(
                        Kind::ParameterValue,
                        index,
                        format!("parameter-value:{id}:{where_}:{}={shown}", param.name),
                        format!("{where_} {} = {shown}", param.name),
                        Some(at),
                    );
                    values.push((value, v));
                }
            }
            out.parameters.push(ParamPlan { unit, values });
        }
        for (i, requirement) in op.security.iter().enumerate() {
            let at = Some(security_location(catalog, op, i));
            let unit = self.add(Kind::Security, index, format!("security:{id}:{i}"), requirement.describe(), at);
            out.security.push(unit);
        }
        if let Some(body) = &op.request_body {
            let base = op.location.join("requestBody").join("content");
            for media in &body.media {
                let at = nearest(catalog, &base.join(&media.name));
                let unit = self.add(
                    Kind::MediaType,
                    index,
                    format!("media-type:{id}:request:{}", media.name),
                    format!("request {}", media.name),
                    Some(at),
                );
                let slot = format!("{id}:request:{}", media.name);
                let shown = format!("request {}", media.name);
                let body = media.schema.as_ref().and_then(|s| self.body(catalog, index, &slot, &shown, s, shared));
                out.request.push((media.name.clone(), MediaPlan { unit, body }));
            }
        }
        for (status, spec) in &op.responses {
            let at = op.location.join("responses").join(status);
            let unit = self.add(
                Kind::Status,
                index,
                format!("status:{id}:{status}"),
                status.clone(),
                Some(nearest(catalog, &at)),
            );
            let mut response = ResponsePlan { unit, ..ResponsePlan::default() };
            for header in &spec.headers {
                let h_at = nearest(catalog, &spec.location.join("headers").join(&header.name));
                let h = self.add(
                    Kind::ResponseHeader,
                    index,
                    format!("response-header:{id}:{status}:{}", header.name.to_ascii_lowercase()),
                    format!("{status} {}", header.name),
                    Some(h_at),
                );
                response.headers.push((header.name.to_ascii_lowercase(), h));
            }
            for media in spec.body.iter().flat_map(|b| &b.media) {
                let m_at = nearest(catalog, &spec.location.join("content").join(&media.name));
                let unit = self.add(
                    Kind::MediaType,
                    index,
                    format!("media-type:{id}:{status}:{}", media.name),
                    format!("{status} {}", media.name),
                    Some(m_at),
                );
                let slot = format!("{id}:{status}:{}", media.name);
                let shown = format!("{status} {}", media.name);
                let body = media.schema.as_ref().and_then(|s| self.body(catalog, index, &slot, &shown, s, shared));
                response.media.push((media.name.clone(), MediaPlan { unit, body }));
            }
            out.responses.insert(status.clone(), response);
        }
        out
    }

    /// The tree of the body schema at `at` for one message slot.
    fn body(
        &mut self,
        catalog: &Catalog,
        op: usize,
        slot: &str,
        shown: &str,
        at: &Location,
        shared: &mut Shared,
    ) -> Option<NodeId> {
        let mut walk =
            BodyWalk { catalog, op, slot, shown, shared, stack: Vec::new(), budget: MAX_BODY_UNITS, left_out: 0 };
        let node = walk.node(self, at, "", 0);
        if walk.left_out > 0 {
            let left_out = walk.left_out;
            self.truncated.push((op, shown.to_string(), left_out));
        }
        node
    }
}

/// What the walks of all message slots share: branch validators by URI,
/// and where each `$ref` lands (shared schemas are reached again and again).
#[derive(Default)]
struct Shared {
    validators: HashMap<String, Option<Arc<jsonschema::Validator>>>,
    follows: HashMap<(Location, String), Option<Location>>,
}

impl Shared {
    fn follow(&mut self, catalog: &Catalog, at: &Location, reference: &str) -> Option<Location> {
        let key = (at.clone(), reference.to_string());
        self.follows.entry(key).or_insert_with(|| catalog.root.follow(at, reference).ok().map(|(l, _)| l)).clone()
    }
}

struct BodyWalk<'a> {
    catalog: &'a Catalog,
    op: usize,
    slot: &'a str,
    shown: &'a str,
    shared: &'a mut Shared,
    /// Schema places on the way down (a place met again is recursion: not expanded).
    stack: Vec<Location>,
    budget: usize,
    /// Units past the budget.
    left_out: usize,
}

impl BodyWalk<'_> {
    fn unit(&mut self, plan: &mut Plan, kind: Kind, key: String, label: String, at: Location) -> Option<u32> {
        let key = format!("{}:{}:{key}", kind.as_str(), self.slot);
        if !plan.keys.contains_key(&key) {
            if self.budget == 0 {
                self.left_out += 1;
                return None;
            }
            self.budget -= 1;
        }
        Some(plan.add(kind, self.op, key, format!("{} {label}", self.shown), Some(at)))
    }

    /// The node for the schema at `at`, reached at body `path`.
    fn node(&mut self, plan: &mut Plan, at: &Location, path: &str, depth: usize) -> Option<NodeId> {
        if depth > MAX_DEPTH || self.stack.contains(at) {
            return None;
        }
        self.stack.push(at.clone());
        let mut node = BodyNode::default();
        let mut seen = Vec::new();
        self.gather(plan, at, path, depth, &mut node, &mut seen);
        self.stack.pop();
        if node.props.is_empty() && node.items.is_none() && node.enums.is_empty() && node.branches.is_empty() {
            return None;
        }
        plan.nodes.push(node);
        Some(plan.nodes.len() - 1)
    }

    /// Adds to `node` what the schema at `at` says, following `$ref` and `allOf`.
    fn gather(
        &mut self,
        plan: &mut Plan,
        at: &Location,
        path: &str,
        depth: usize,
        node: &mut BodyNode,
        seen: &mut Vec<Location>,
    ) {
        if seen.contains(at) || seen.len() > 64 {
            return;
        }
        seen.push(at.clone());
        let catalog = self.catalog;
        let root = &catalog.root;
        let Some(map) = root.get(at).and_then(Value::as_object) else { return };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str)
            && let Some(target) = self.shared.follow(catalog, at, reference)
        {
            self.gather(plan, &target, path, depth, node, seen);
        }
        for (i, _) in map.get("allOf").and_then(Value::as_array).into_iter().flatten().enumerate() {
            self.gather(plan, &at.join("allOf").join(&i.to_string()), path, depth, node, seen);
        }
        if let Some(props) = map.get("properties").and_then(Value::as_object) {
            for name in props.keys() {
                if node.props.contains_key(name) {
                    continue;
                }
                let p_at = at.join("properties").join(name);
                let p_path = format!("{path}/{}", accord_catalog::escape(name));
                let Some(unit) = self.unit(plan, Kind::Property, p_path.clone(), p_path.clone(), p_at.clone()) else {
                    continue;
                };
                let child = self.node(plan, &p_at, &p_path, depth + 1);
                node.props.insert(name.clone(), (unit, child));
            }
        }
        if map.get("items").is_some_and(Value::is_object) && node.items.is_none() {
            node.items = self.node(plan, &at.join("items"), &format!("{path}/*"), depth + 1);
        }
        for (value, v_at) in enum_values(catalog, at, false) {
            if node.enums.iter().any(|(v, _)| *v == value) {
                continue;
            }
            let shown = short_json(&value);
            let place = if path.is_empty() { "(body)".to_string() } else { path.to_string() };
            let key = format!("{path}={shown}");
            if let Some(unit) = self.unit(plan, Kind::PropertyValue, key, format!("{place} = {shown}"), v_at) {
                node.enums.push((value, unit));
            }
        }
        for keyword in ["oneOf", "anyOf"] {
            for (i, _) in map.get(keyword).and_then(Value::as_array).into_iter().flatten().enumerate() {
                let b_at = at.join(keyword).join(&i.to_string());
                let place = if path.is_empty() { "(body)".to_string() } else { path.to_string() };
                let key = format!("{path}/{keyword}/{i}");
                let label = format!("{place} {keyword}[{i}]{}", branch_title(catalog, &b_at));
                let Some(unit) = self.unit(plan, Kind::Branch, key, label, b_at.clone()) else { continue };
                let uri = root.uri_of(&b_at);
                let validator = self
                    .shared
                    .validators
                    .entry(uri.clone())
                    .or_insert_with(|| crate::validate::compile(catalog, &uri, true).ok().map(Arc::new))
                    .clone();
                let child = self.node(plan, &b_at, path, depth + 1);
                node.branches.push(Branch { unit, validator, node: child });
            }
        }
    }
}

/// ` (Name)` for a branch that is a `$ref` to a named schema, or has a title.
fn branch_title(catalog: &Catalog, at: &Location) -> String {
    let Some(map) = catalog.root.get(at).and_then(Value::as_object) else { return String::new() };
    if let Some(title) = map.get("title").and_then(Value::as_str) {
        return format!(" ({title})");
    }
    match map.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit(['/', '#']).next().unwrap_or(r).trim_end_matches(".json").trim_end_matches(".yaml");
            format!(" ({name})")
        }
        None => String::new(),
    }
}

/// The enum (or const) values of the schema at `at`, following `$ref` (and,
/// for parameters, into `items`: each item is one of the values).
fn enum_values(catalog: &Catalog, at: &Location, into_items: bool) -> Vec<(Value, Location)> {
    let root = &catalog.root;
    let mut at = at.clone();
    for _ in 0..16 {
        let Some(map) = root.get(&at).and_then(Value::as_object) else { return Vec::new() };
        if let Some(Value::Array(values)) = map.get("enum") {
            return values.iter().enumerate().map(|(i, v)| (v.clone(), at.join("enum").join(&i.to_string()))).collect();
        }
        if let Some(value) = map.get("const") {
            return vec![(value.clone(), at.join("const"))];
        }
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            match root.follow(&at, reference) {
                Ok((target, _)) => at = target,
                Err(_) => return Vec::new(),
            }
        } else if into_items && map.get("items").is_some_and(Value::is_object) {
            at = at.join("items");
        } else {
            return Vec::new();
        }
    }
    Vec::new()
}

/// A JSON value as a short text for keys and labels.
pub(crate) fn short_json(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 { format!("{}…", text.chars().take(59).collect::<String>()) } else { text }
}

fn location_name(location: ParameterIn) -> &'static str {
    match location {
        ParameterIn::Path => "path",
        ParameterIn::Query => "query",
        ParameterIn::Header => "header",
        ParameterIn::Cookie => "cookie",
    }
}

/// `at`, or its nearest ancestor that exists in the documents (a place reached through a `$ref`).
fn nearest(catalog: &Catalog, at: &Location) -> Location {
    let mut at = at.clone();
    while catalog.root.get(&at).is_none() && !at.pointer.is_empty() {
        let cut = at.pointer.rfind('/').unwrap_or(0);
        at.pointer.truncate(cut);
    }
    at
}

/// Where a parameter is declared: its entry in the operation's or its path
/// item's `parameters` (following a `$ref` entry to find its name), else the operation.
fn parameter_location(catalog: &Catalog, op: &Operation, name: &str, location: ParameterIn) -> Option<Location> {
    let root = &catalog.root;
    let path_item = Location {
        file: op.location.file.clone(),
        pointer: op.location.pointer.rsplit_once('/').map_or(String::new(), |(p, _)| p.to_string()),
    };
    for owner in [&op.location, &path_item] {
        let list = owner.join("parameters");
        let Some(items) = root.get(&list).and_then(Value::as_array) else { continue };
        for i in 0..items.len() {
            let at = list.join(&i.to_string());
            let mut target = root.get(&at);
            if let Some(reference) = target.and_then(|v| v.get("$ref")).and_then(Value::as_str) {
                target = root.follow(&at, reference).ok().map(|(_, v)| v);
            }
            let Some(t) = target else { continue };
            let same_name = t.get("name").and_then(Value::as_str) == Some(name);
            let same_in = t.get("in").and_then(Value::as_str) == Some(location_name(location));
            if same_name && same_in {
                return Some(at);
            }
        }
    }
    Some(op.location.clone())
}

/// Where security requirement `i` of an operation is declared (its own list, else the document's).
fn security_location(catalog: &Catalog, op: &Operation, i: usize) -> Location {
    let own = op.location.join("security").join(&i.to_string());
    if catalog.root.get(&own).is_some() {
        return own;
    }
    let document = Location { file: op.document.clone(), pointer: format!("/security/{i}") };
    if catalog.root.get(&document).is_some() { document } else { op.location.clone() }
}
