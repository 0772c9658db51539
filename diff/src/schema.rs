//! Direction-aware comparison of two schemas: what a request schema that
//! accepts less, or a response schema that can return more, breaks.
//!
//! Both sides are followed through `$ref` (so a schema moved into
//! `components` or another file is no change); properties, items,
//! `allOf`/`oneOf`/`anyOf` members (paired by meaning: resolved structural
//! equality, then `$ref` target, then position) and
//! `additionalProperties` are compared recursively. A keyword that changed
//! and that no rule judges is reported as `…-changed-compatibility-unknown`,
//! never dropped.

use crate::Emit;
use accord_catalog::{Location, SchemaRoot};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Which side of the exchange a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Sent by clients.
    Request,
    /// Sent by the API.
    Response,
}

/// What the schema is the schema of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// A request or response body.
    Body,
    /// A parameter (path, query, header, cookie), or a response header.
    Parameter,
}

/// Keywords that say nothing about which values are valid.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "example",
    "examples",
    "$comment",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "xml",
    "$id",
    "$anchor",
    "$schema",
    "$defs",
    "definitions",
    "x-accord-message",
];

/// Keywords the comparison judges.
const JUDGED: &[&str] = &[
    "type",
    "enum",
    "const",
    "maxLength",
    "minLength",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "maxItems",
    "minItems",
    "pattern",
    "format",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "default",
    "$ref",
    "x-accord-maxSerializedLength",
    "x-accord-knownValues",
    "x-accord-sensitive",
    "nullable",
    "dependentRequired",
    "not",
    "if",
    "then",
    "else",
    "prefixItems",
    "contains",
    "patternProperties",
    "dependentSchemas",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
    "discriminator",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
    "minContains",
    "maxContains",
];

/// Subschema keywords followed when both versions have them (a keyword on one
/// side only is reported as a change of unknown compatibility).
const SUBSCHEMAS: &[&str] = &[
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
    "contentSchema",
];

/// The two versions of one schema object under comparison, and where they are.
#[derive(Clone, Copy)]
pub(crate) struct Pair<'v> {
    /// The old schema object.
    pub o: &'v Map<String, Value>,
    /// The new schema object.
    pub n: &'v Map<String, Value>,
    /// What it is the schema of (`the request body`).
    pub name: &'v str,
    /// `name` with the property path, for messages.
    pub what: &'v str,
    /// The property path below `name` (`` at the top).
    pub path: &'v str,
    /// Where the old schema is.
    pub ol: &'v Location,
    /// Where the new schema is.
    pub nl: &'v Location,
}

/// Compares the schemas at `old` and `new`.
pub struct Comparison<'a, 'e> {
    /// The old root.
    pub old: &'a SchemaRoot,
    /// The new root.
    pub new: &'a SchemaRoot,
    /// Request or response.
    pub side: Side,
    /// Body or parameter.
    pub area: Area,
    /// Where findings go.
    pub emit: &'e mut Emit,
    seen: HashSet<(String, String)>,
}

impl<'a, 'e> Comparison<'a, 'e> {
    /// A comparison of schemas of `side` and `area`.
    pub fn new(old: &'a SchemaRoot, new: &'a SchemaRoot, side: Side, area: Area, emit: &'e mut Emit) -> Self {
        Comparison { old, new, side, area, emit, seen: HashSet::new() }
    }

    /// Compares the schema at `old` with the one at `new`; `name` is what it is
    /// the schema of (`the request body`, `query parameter limit`), `path` the
    /// property path below it (`` at the top, `/items/name` deeper).
    pub fn compare(&mut self, old: &Location, new: &Location, name: &str, path: &str) {
        let (Some((ol, os)), Some((nl, ns))) = (deref(self.old, old), deref(self.new, new)) else { return };
        if !self.seen.insert((ol.display(), nl.display())) || self.seen.len() > 20_000 {
            return; // a cycle (recursive schema) or a runaway comparison
        }
        // `oneOf: [S, {type: null}]` is S made nullable: compare S, and the nullability.
        let (ow, nw) = (nullable_wrapper(self.old, &ol, os), nullable_wrapper(self.new, &nl, ns));
        if ow.is_some() || nw.is_some() {
            let (oi, o_null) = ow.unwrap_or((ol.clone(), false));
            let (ni, n_null) = nw.unwrap_or((nl.clone(), false));
            let o_null =
                o_null || deref(self.old, &oi).is_some_and(|(_, v)| types_of(v).is_some_and(|t| t.contains("null")));
            let n_null =
                n_null || deref(self.new, &ni).is_some_and(|(_, v)| types_of(v).is_some_and(|t| t.contains("null")));
            let what = what(name, path);
            match (o_null, n_null) {
                (false, true) => self.emit("became-nullable", path, format!("{what} can now be null"), &ol, &nl),
                (true, false) => {
                    self.emit("became-not-nullable", path, format!("{what} can no longer be null"), &ol, &nl)
                }
                _ => {}
            }
            self.seen.remove(&(ol.display(), nl.display()));
            self.compare_unwrapped(&oi, &ni, name, path);
            return;
        }
        self.compare_object(&ol, os, &nl, ns, name, path);
    }

    /// Compares after a nullable wrapper was taken off (nullability already judged).
    fn compare_unwrapped(&mut self, old: &Location, new: &Location, name: &str, path: &str) {
        let (Some((ol, os)), Some((nl, ns))) = (deref(self.old, old), deref(self.new, new)) else { return };
        if !self.seen.insert((ol.display(), nl.display())) {
            return;
        }
        let strip = |v: &Value| -> Value {
            let mut v = v.clone();
            if let Some(Value::Array(ts)) = v.get_mut("type") {
                ts.retain(|t| t != "null");
            }
            if let Some(Value::Array(es)) = v.get_mut("enum") {
                es.retain(|e| !e.is_null());
            }
            v
        };
        let (os, ns) = (strip(os), strip(ns));
        self.compare_object(&ol, &os, &nl, &ns, name, path);
    }

    fn compare_object(&mut self, ol: &Location, os: &Value, nl: &Location, ns: &Value, name: &str, path: &str) {
        let (ol, nl) = (ol.clone(), nl.clone());
        let (Some(o), Some(n)) = (os.as_object(), ns.as_object()) else {
            if os != ns {
                self.emit(
                    "changed-compatibility-unknown",
                    path,
                    format!("{} changed from `{os}` to `{ns}`", what(name, path)),
                    &ol,
                    &nl,
                );
            }
            return;
        };
        let what = what(name, path);
        let p = Pair { o, n, name, what: &what, path, ol: &ol, nl: &nl };
        self.types(&p);
        self.enums(&p);
        self.bounds(&p);
        self.text(&p);
        self.custom(&p);
        self.properties(&p);
        self.members(&p);
        self.keywords(&p);
        if let (Some(_), Some(_)) = (o.get("items"), n.get("items")) {
            self.compare(&ol.join("items"), &nl.join("items"), name, &format!("{path}/items"));
        }
        for k in SUBSCHEMAS {
            match (o.get(*k), n.get(*k)) {
                (Some(a), Some(b)) if a != b || a.get("$ref").is_some() => {
                    self.compare(&ol.join(k), &nl.join(k), name, &format!("{path}/{k}"))
                }
                (None, Some(_)) if *k == "contains" => self.emit(
                    "contains-added",
                    path,
                    format!("{what}: arrays must now contain a matching item"),
                    &ol,
                    &nl.join(k),
                ),
                (Some(_), None) if *k == "contains" => self.emit(
                    "contains-removed",
                    path,
                    format!("{what}: the `contains` rule was removed"),
                    &ol.join(k),
                    &nl,
                ),
                // Judged in `keywords`, but for `additionalItems` (draft 2019-09 and older).
                (Some(_), None) | (None, Some(_)) if *k == "additionalItems" => self.emit(
                    "changed-compatibility-unknown",
                    path,
                    format!(
                        "{what}: `{k}` was {}; Accord cannot judge whether that breaks anyone",
                        if o.contains_key(*k) { "removed" } else { "added" }
                    ),
                    &ol,
                    &nl,
                ),
                _ => {}
            }
        }
        self.dependent_required(&p);
        for k in ["prefixItems", "patternProperties", "dependentSchemas"] {
            let (a, b) = (o.get(k), n.get(k));
            match (a.and_then(Value::as_array), b.and_then(Value::as_array)) {
                (Some(x), Some(y)) => {
                    for i in 0..x.len().min(y.len()) {
                        self.compare(
                            &ol.join(k).join(&i.to_string()),
                            &nl.join(k).join(&i.to_string()),
                            name,
                            &format!("{path}/{i}"),
                        );
                    }
                }
                _ => {
                    if let (Some(x), Some(y)) = (a.and_then(Value::as_object), b.and_then(Value::as_object)) {
                        for key in x.keys().filter(|key| y.contains_key(*key)) {
                            self.compare(&ol.join(k).join(key), &nl.join(k).join(key), name, &format!("{path}/{key}"));
                        }
                    }
                }
            }
            // Keys that appear or go are judged in `keywords`; positions here.
            if let (Some(x), Some(y)) = (a.and_then(Value::as_array), b.and_then(Value::as_array))
                && x.len() != y.len()
            {
                let (kind, verb) = if y.len() > x.len() {
                    ("prefix-items-added", "added")
                } else {
                    ("prefix-items-removed", "removed")
                };
                let message = format!("{what}: `{k}` positions {verb} ({} → {})", x.len(), y.len());
                self.emit(kind, path, message, &ol.join(k), &nl.join(k));
            }
        }
        // Whatever else changed and is not an annotation: say so.
        let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        let unknown: Vec<&str> = keys
            .into_iter()
            .map(String::as_str)
            .filter(|k| !ANNOTATIONS.contains(k) && !JUDGED.contains(k) && !k.starts_with("x-"))
            .filter(|k| o.get(*k) != n.get(*k))
            .collect();
        if !unknown.is_empty() {
            let list = unknown.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
            self.emit(
                "changed-compatibility-unknown",
                path,
                format!("{what}: {list} changed; Accord cannot judge whether that breaks anyone"),
                &ol,
                &nl,
            );
        }
    }

    pub(crate) fn emit(&mut self, kind: &str, path: &str, message: String, old: &Location, new: &Location) {
        let prefix = match (self.side, self.area, path.is_empty()) {
            (Side::Response, Area::Parameter, _) => "response-header",
            (Side::Request, Area::Parameter, _) => "request-parameter",
            (Side::Request, Area::Body, true) => "request-body",
            (Side::Request, Area::Body, false) => "request-property",
            (Side::Response, _, true) => "response-body",
            (Side::Response, _, false) => "response-property",
        };
        self.emit.push(&format!("{prefix}-{kind}"), message, Some(old.clone()), Some(new.clone()));
    }

    fn types(&mut self, p: &Pair) {
        let Pair { o, n, what, path, ol, nl, .. } = *p;
        let (ot, nt) = (types(o), types(n));
        let (Some(ot), Some(nt)) = (ot, nt) else { return };
        let strip = |t: &BTreeSet<String>| t.iter().filter(|x| *x != "null").cloned().collect::<BTreeSet<_>>();
        let (on, nn) = (strip(&ot), strip(&nt));
        if on != nn && !on.is_empty() && !nn.is_empty() {
            // A parameter travels as text: a string schema admits every number
            // or boolean, and a form-style array admits a single value.
            let text = self.area == Area::Parameter;
            let widen = |a: &BTreeSet<String>, b: &BTreeSet<String>| {
                a.iter().all(|t| {
                    b.contains(t)
                        || (t == "integer" && b.contains("number"))
                        || (text && b.contains("string") && matches!(t.as_str(), "number" | "integer" | "boolean"))
                })
            };
            let items = n.get("items").and_then(types_of).unwrap_or_default();
            let to_array = text && nn.len() == 1 && nn.contains("array") && !on.contains("array") && widen(&on, &items);
            let kind = if widen(&on, &nn) || to_array {
                "type-widened"
            } else if widen(&nn, &on) {
                "type-narrowed"
            } else {
                "type-changed"
            };
            let show = |t: &BTreeSet<String>| t.iter().cloned().collect::<Vec<_>>().join(" or ");
            self.emit(
                kind,
                path,
                format!("{what}: type changed from {} to {}", show(&on), show(&nn)),
                &ol.join("type"),
                &nl.join("type"),
            );
        }
        match (ot.contains("null"), nt.contains("null")) {
            (false, true) => self.emit("became-nullable", path, format!("{what} can now be null"), ol, nl),
            (true, false) => self.emit("became-not-nullable", path, format!("{what} can no longer be null"), ol, nl),
            _ => {}
        }
    }

    fn enums(&mut self, p: &Pair) {
        let Pair { o, n, what, path, ol, nl, .. } = *p;
        let values = |m: &Map<String, Value>| -> Option<Vec<Value>> {
            match (m.get("enum"), m.get("const")) {
                (Some(Value::Array(v)), _) => Some(v.iter().filter(|x| !x.is_null()).cloned().collect()),
                (_, Some(c)) => Some(vec![c.clone()]),
                _ => None,
            }
        };
        let key = |m: &Map<String, Value>| if m.contains_key("enum") { "enum" } else { "const" };
        match (values(o), values(n)) {
            (None, Some(_)) => self.emit(
                "became-enum",
                path,
                format!("{what} is now restricted to listed values"),
                ol,
                &nl.join(key(n)),
            ),
            (Some(_), None) => self.emit(
                "enum-removed",
                path,
                format!("{what} is no longer restricted to listed values"),
                &ol.join(key(o)),
                nl,
            ),
            // Two constants are judged as `const-changed` (see `keywords`).
            (Some(_), Some(_)) if key(o) == "const" && key(n) == "const" => {}
            (Some(ov), Some(nv)) => {
                let removed: Vec<String> = ov.iter().filter(|v| !nv.contains(v)).map(Value::to_string).collect();
                let added: Vec<String> = nv.iter().filter(|v| !ov.contains(v)).map(Value::to_string).collect();
                if !removed.is_empty() {
                    self.emit(
                        "enum-value-removed",
                        path,
                        format!("{what}: value(s) {} removed", removed.join(", ")),
                        &ol.join(key(o)),
                        &nl.join(key(n)),
                    );
                }
                if !added.is_empty() {
                    self.emit(
                        "enum-value-added",
                        path,
                        format!("{what}: value(s) {} added", added.join(", ")),
                        &ol.join(key(o)),
                        &nl.join(key(n)),
                    );
                }
            }
            _ => {}
        }
    }

    fn bounds(&mut self, p: &Pair) {
        let Pair { o, n, what, path, ol, nl, .. } = *p;
        let num = |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_f64);
        // Upper bounds: (keyword, decreased, increased, set); lower bounds likewise.
        for (k, lowered, raised, set) in [
            ("maxLength", "max-length-decreased", "max-length-increased", "max-length-set"),
            ("maxItems", "max-items-decreased", "max-items-increased", "max-items-decreased"),
        ] {
            match (num(o, k), num(n, k)) {
                (Some(a), Some(b)) if b < a => {
                    self.emit(lowered, path, format!("{what}: {k} lowered from {a} to {b}"), &ol.join(k), &nl.join(k))
                }
                (Some(a), Some(b)) if b > a => {
                    self.emit(raised, path, format!("{what}: {k} raised from {a} to {b}"), &ol.join(k), &nl.join(k))
                }
                (None, Some(b)) => self.emit(set, path, format!("{what}: {k} {b} added"), ol, &nl.join(k)),
                (Some(a), None) => {
                    let unset = if k == "maxLength" { "max-length-unset" } else { raised };
                    self.emit(unset, path, format!("{what}: {k} {a} removed"), &ol.join(k), nl)
                }
                _ => {}
            }
        }
        for (k, raised, lowered) in [
            ("minLength", "min-length-increased", "min-length-decreased"),
            ("minItems", "min-items-increased", "min-items-decreased"),
        ] {
            let (a, b) = (num(o, k).unwrap_or(0.0), num(n, k).unwrap_or(0.0));
            if b > a {
                self.emit(raised, path, format!("{what}: {k} raised from {a} to {b}"), ol, &nl.join(k));
            } else if b < a {
                self.emit(lowered, path, format!("{what}: {k} lowered from {a} to {b}"), &ol.join(k), nl);
            }
        }
        // Numbers: an exclusive bound is tighter than an inclusive one at the same value.
        // (inclusive keyword, exclusive keyword, +1 for an upper bound / -1 for a lower one, rule ids, word)
        for (inclusive, exclusive, sign, tighter, looser, set, word) in [
            ("maximum", "exclusiveMaximum", 1.0, "max-decreased", "max-increased", "max-set", "maximum"),
            ("minimum", "exclusiveMinimum", -1.0, "min-increased", "min-decreased", "min-set", "minimum"),
        ] {
            // The bound as (value, exclusive), the tighter of the two keywords when both are there.
            let bound = |m: &Map<String, Value>| match (num(m, inclusive), num(m, exclusive)) {
                (Some(a), Some(b)) => Some(if sign * b <= sign * a { (b, true) } else { (a, false) }),
                (Some(a), None) => Some((a, false)),
                (None, Some(b)) => Some((b, true)),
                _ => None,
            };
            let key = |m: &Map<String, Value>| if m.contains_key(exclusive) { exclusive } else { inclusive };
            let narrower = |a: (f64, bool), b: (f64, bool)| sign * b.0 < sign * a.0 || (b.0 == a.0 && b.1 && !a.1);
            let (ok, nk) = (ol.join(key(o)), nl.join(key(n)));
            // An exclusive bound that stays exclusive has rule ids of its own
            // (`exclusive-max-decreased`); a bound that turns exclusive or
            // inclusive keeps the plain ones.
            let id =
                |rule: &str, exclusive: bool| if exclusive { format!("exclusive-{rule}") } else { rule.to_string() };
            let strict = |x: Option<(f64, bool)>| x.is_none_or(|b| b.1);
            let (a, b) = (bound(o), bound(n));
            let both = strict(a) && strict(b);
            let word = if both { format!("exclusive {word}") } else { word.to_string() };
            match (a, b) {
                (Some(a), Some(b)) if narrower(a, b) => self.emit(
                    &id(tighter, both),
                    path,
                    format!("{what}: {word} tightened from {} to {}", a.0, b.0),
                    &ok,
                    &nk,
                ),
                (Some(a), Some(b)) if narrower(b, a) => self.emit(
                    &id(looser, both),
                    path,
                    format!("{what}: {word} relaxed from {} to {}", a.0, b.0),
                    &ok,
                    &nk,
                ),
                (None, Some(b)) => self.emit(&id(set, both), path, format!("{what}: {word} {} added", b.0), ol, &nk),
                (Some(a), None) => {
                    self.emit(&id(looser, both), path, format!("{what}: {word} {} removed", a.0), &ok, nl)
                }
                _ => {}
            }
        }
    }

    fn text(&mut self, p: &Pair) {
        let Pair { o, n, what, path, ol, nl, .. } = *p;
        for (k, added, changed, removed) in [
            ("pattern", "pattern-added", "pattern-changed", "pattern-removed"),
            ("format", "format-added", "format-changed", "format-removed"),
        ] {
            // A pattern that matches any string is no pattern.
            let any = |p: &&str| k == "pattern" && matches!(*p, "" | ".*" | "^.*$" | "^.*" | ".*$" | "[\\s\\S]*");
            match (
                o.get(k).and_then(Value::as_str).filter(|p| !any(p)),
                n.get(k).and_then(Value::as_str).filter(|p| !any(p)),
            ) {
                (None, Some(b)) => self.emit(added, path, format!("{what}: {k} `{b}` added"), ol, &nl.join(k)),
                (Some(a), None) => self.emit(removed, path, format!("{what}: {k} `{a}` removed"), &ol.join(k), nl),
                (Some(a), Some(b)) if a != b => self.emit(
                    changed,
                    path,
                    format!("{what}: {k} changed from `{a}` to `{b}`"),
                    &ol.join(k),
                    &nl.join(k),
                ),
                _ => {}
            }
        }
        if o.get("default") != n.get("default") && o.contains_key("default") && n.contains_key("default") {
            self.emit(
                "default-value-changed",
                path,
                format!("{what}: default changed from {} to {}", o["default"], n["default"]),
                &ol.join("default"),
                &nl.join("default"),
            );
        }
        let deprecated = |m: &Map<String, Value>| m.get("deprecated").and_then(Value::as_bool) == Some(true);
        if deprecated(n) && !deprecated(o) {
            self.emit("deprecated", path, format!("{what} is now deprecated"), ol, &nl.join("deprecated"));
        } else if deprecated(o) && !deprecated(n) {
            self.emit("reactivated", path, format!("{what} is no longer deprecated"), &ol.join("deprecated"), nl);
        }
    }

    fn custom(&mut self, p: &Pair) {
        let Pair { o, n, what, path, ol, nl, .. } = *p;
        let k = "x-accord-maxSerializedLength";
        match (o.get(k).and_then(Value::as_f64), n.get(k).and_then(Value::as_f64)) {
            (Some(a), Some(b)) if b < a => self.emit(
                "max-serialized-length-decreased",
                path,
                format!("{what}: serialized length limit lowered from {a} to {b}"),
                &ol.join(k),
                &nl.join(k),
            ),
            (None, Some(b)) => self.emit(
                "max-serialized-length-decreased",
                path,
                format!("{what}: serialized length limit {b} added"),
                ol,
                &nl.join(k),
            ),
            (Some(a), Some(b)) if b > a => self.emit(
                "max-serialized-length-increased",
                path,
                format!("{what}: serialized length limit raised from {a} to {b}"),
                &ol.join(k),
                &nl.join(k),
            ),
            (Some(a), None) => self.emit(
                "max-serialized-length-increased",
                path,
                format!("{what}: serialized length limit {a} removed"),
                &ol.join(k),
                nl,
            ),
            _ => {}
        }
        let k = "x-accord-knownValues";
        let list = |m: &Map<String, Value>| m.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
        let (a, b) = (list(o), list(n));
        let removed: Vec<String> = a.iter().filter(|v| !b.contains(v)).map(Value::to_string).collect();
        let added: Vec<String> = b.iter().filter(|v| !a.contains(v)).map(Value::to_string).collect();
        if !removed.is_empty() {
            self.emit(
                "known-value-removed",
                path,
                format!("{what}: known value(s) {} removed", removed.join(", ")),
                &ol.join(k),
                nl,
            );
        }
        if !added.is_empty() && !a.is_empty() {
            self.emit(
                "known-value-added",
                path,
                format!("{what}: known value(s) {} added", added.join(", ")),
                ol,
                &nl.join(k),
            );
        }
        self.rules(p);
        let k = "x-accord-sensitive";
        if o.contains_key(k) && !n.contains_key(k) {
            self.emit(
                "sensitive-removed",
                path,
                format!("{what} is no longer marked sensitive: its values will appear in diagnostics"),
                &ol.join(k),
                nl,
            );
        } else if n.contains_key(k) && !o.contains_key(k) {
            self.emit("sensitive-added", path, format!("{what} is now marked sensitive"), ol, &nl.join(k));
        }
    }

    /// `x-accord-rules`, matched by id: a rule added to a request schema
    /// rejects what clients sent before; one removed from a response no longer
    /// holds for consumers.
    fn rules(&mut self, p: &Pair) {
        let Pair { o, n, what, path, ol, nl, .. } = *p;
        let k = "x-accord-rules";
        let by_id = |m: &Map<String, Value>| -> BTreeMap<String, (usize, Value)> {
            m.get(k)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .filter_map(|(i, r)| Some((r.get("id")?.as_str()?.to_string(), (i, r.clone()))))
                .collect()
        };
        let (a, b) = (by_id(o), by_id(n));
        for (id, (j, _)) in b.iter().filter(|(id, _)| !a.contains_key(*id)) {
            let at = nl.join(k).join(&j.to_string());
            self.emit("rule-added", path, format!("{what}: rule `{id}` was added"), ol, &at);
        }
        for (id, (i, _)) in a.iter().filter(|(id, _)| !b.contains_key(*id)) {
            let at = ol.join(k).join(&i.to_string());
            self.emit("rule-removed", path, format!("{what}: rule `{id}` was removed"), &at, nl);
        }
        for (id, (i, x)) in &a {
            let Some((j, y)) = b.get(id) else { continue };
            if x.get("rule") != y.get("rule") || x.get("fieldPath") != y.get("fieldPath") {
                let (oa, na) = (ol.join(k).join(&i.to_string()), nl.join(k).join(&j.to_string()));
                self.emit("rule-changed", path, format!("{what}: rule `{id}` now says something else"), &oa, &na);
            }
        }
    }

    fn properties(&mut self, p: &Pair) {
        let Pair { o, n, name, path, ol, nl, .. } = *p;
        let empty = Map::new();
        let (op, np) = (
            o.get("properties").and_then(Value::as_object).unwrap_or(&empty),
            n.get("properties").and_then(Value::as_object).unwrap_or(&empty),
        );
        let required = |m: &Map<String, Value>| -> BTreeSet<String> {
            m.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        };
        let request = self.side == Side::Request;
        // A `readOnly` property is never sent in a request, a `writeOnly` one never
        // returned in a response: requiring or dropping them there breaks nobody.
        let hidden = |root: &SchemaRoot, at: &Location, props: &Map<String, Value>, prop: &str| {
            let flag = if request { "readOnly" } else { "writeOnly" };
            props.get(prop).is_some()
                && deref(root, &at.join("properties").join(prop))
                    .is_some_and(|(_, v)| v.get(flag).and_then(Value::as_bool) == Some(true))
        };
        let (old_root, new_root) = (self.old, self.new);
        let visible = |prop: &str| !hidden(old_root, ol, op, prop) && !hidden(new_root, nl, np, prop);
        let (or, nr): (BTreeSet<String>, BTreeSet<String>) = (
            required(o).into_iter().filter(|p| visible(p)).collect(),
            required(n).into_iter().filter(|p| visible(p)).collect(),
        );
        for (prop, _) in np.iter().filter(|(k, _)| !op.contains_key(*k) && visible(k)) {
            let child = format!("{path}/{prop}");
            let what = what(name, &child);
            let defaulted = self.has_default(&nl.join("properties").join(prop));
            let (id, text) = match (request, nr.contains(prop)) {
                (true, true) if defaulted => (
                    "new-required-request-property-with-default",
                    format!(
                        "{what} was added and is required (it declares a default, which a required property never uses)"
                    ),
                ),
                (true, true) => ("new-required-request-property", format!("{what} was added and is required")),
                (true, false) => ("new-optional-request-property", format!("{what} was added (optional)")),
                (false, true) => ("response-required-property-added", format!("{what} was added (always present)")),
                (false, false) => ("response-optional-property-added", format!("{what} was added (optional)")),
            };
            self.emit.push(id, text, Some(ol.clone()), Some(nl.join("properties").join(prop)));
        }
        for (prop, _) in op.iter().filter(|(k, _)| !np.contains_key(*k) && visible(k)) {
            let what = what(name, &format!("{path}/{prop}"));
            let (id, text) = match (request, or.contains(prop)) {
                (true, _) => ("request-property-removed", format!("{what} was removed")),
                (false, true) => (
                    "response-required-property-removed",
                    format!("{what} was removed; consumers rely on it being present"),
                ),
                (false, false) => ("response-optional-property-removed", format!("{what} was removed")),
            };
            self.emit.push(id, text, Some(ol.join("properties").join(prop)), Some(nl.clone()));
        }
        // A required response property turning write-only (or back): it leaves
        // (or joins) every response.
        if !request {
            let required_both = |prop: &str| required(o).contains(prop) && required(n).contains(prop);
            for (prop, _) in op.iter().filter(|(k, _)| np.contains_key(*k) && required_both(k)) {
                let what = what(name, &format!("{path}/{prop}"));
                let at = (Some(ol.join("properties").join(prop)), Some(nl.join("properties").join(prop)));
                match (hidden(old_root, ol, op, prop), hidden(new_root, nl, np, prop)) {
                    (true, false) => self.emit.push(
                        "response-required-property-became-not-write-only",
                        format!("{what} is no longer write-only: responses now carry it"),
                        at.0,
                        at.1,
                    ),
                    (false, true) => self.emit.push(
                        "response-required-property-became-write-only",
                        format!("{what} became write-only: responses no longer carry it"),
                        at.0,
                        at.1,
                    ),
                    _ => {}
                }
            }
        }
        for (prop, _) in op.iter().filter(|(k, _)| np.contains_key(*k)) {
            let child = format!("{path}/{prop}");
            let what = what(name, &child);
            let defaulted = self.has_default(&nl.join("properties").join(prop));
            match (or.contains(prop), nr.contains(prop), request) {
                (false, true, true) => self.emit.push(
                    if defaulted {
                        "request-property-became-required-with-default"
                    } else {
                        "request-property-became-required"
                    },
                    format!("{what} became required"),
                    Some(ol.join("required")),
                    Some(nl.join("required")),
                ),
                (true, false, true) => self.emit.push(
                    "request-property-became-optional",
                    format!("{what} became optional"),
                    Some(ol.join("required")),
                    Some(nl.join("required")),
                ),
                (true, false, false) => self.emit.push(
                    "response-property-became-optional",
                    format!("{what} may now be absent"),
                    Some(ol.join("required")),
                    Some(nl.join("required")),
                ),
                (false, true, false) => self.emit.push(
                    "response-property-became-required",
                    format!("{what} is now always present"),
                    Some(ol.join("required")),
                    Some(nl.join("required")),
                ),
                _ => {}
            }
            self.compare(&ol.join("properties").join(prop), &nl.join("properties").join(prop), name, &child);
        }
        // Required names without a property schema here (any value will do) changing.
        for prop in nr.iter().filter(|p| !or.contains(*p) && !np.contains_key(*p)) {
            let what = what(name, &format!("{path}/{prop}"));
            let (id, text) = if request {
                ("new-required-request-property", format!("{what} is now required"))
            } else {
                ("response-required-property-added", format!("{what} is now always present"))
            };
            self.emit.push(id, text, Some(ol.clone()), Some(nl.join("required")));
        }
        for prop in or.iter().filter(|p| !nr.contains(*p) && !op.contains_key(*p)) {
            let what = what(name, &format!("{path}/{prop}"));
            let (id, text) = if request {
                ("request-property-became-optional", format!("{what} is no longer required"))
            } else {
                ("response-property-became-optional", format!("{what} may now be absent"))
            };
            self.emit.push(id, text, Some(ol.join("required")), Some(nl.clone()));
        }
        let what_here = what(name, path);
        match (o.get("additionalProperties"), n.get("additionalProperties")) {
            (None | Some(Value::Bool(true)), Some(Value::Bool(false))) => self.emit(
                "additional-properties-closed",
                path,
                format!("{what_here} no longer allows unknown properties"),
                ol,
                &nl.join("additionalProperties"),
            ),
            (Some(Value::Bool(false)), None | Some(Value::Bool(true))) => self.emit(
                "additional-properties-opened",
                path,
                format!("{what_here} now allows unknown properties"),
                &ol.join("additionalProperties"),
                nl,
            ),
            (None | Some(Value::Bool(true)), Some(b)) if b.is_object() => self.emit(
                "additional-properties-restricted",
                path,
                format!("{what_here}: unknown properties must now match a schema"),
                ol,
                &nl.join("additionalProperties"),
            ),
            (Some(a), None | Some(Value::Bool(true))) if a.is_object() => self.emit(
                "additional-properties-opened",
                path,
                format!("{what_here}: unknown properties no longer need to match a schema"),
                &ol.join("additionalProperties"),
                nl,
            ),
            (Some(a), Some(Value::Bool(false))) if a.is_object() => self.emit(
                "additional-properties-closed",
                path,
                format!("{what_here} no longer allows unknown properties"),
                &ol.join("additionalProperties"),
                &nl.join("additionalProperties"),
            ),
            (Some(Value::Bool(false)), Some(b)) if b.is_object() => self.emit(
                "additional-properties-opened",
                path,
                format!("{what_here} now allows unknown properties that match a schema"),
                &ol.join("additionalProperties"),
                &nl.join("additionalProperties"),
            ),
            (Some(a), Some(b)) if a.is_object() && b.is_object() => {
                self.compare(
                    &ol.join("additionalProperties"),
                    &nl.join("additionalProperties"),
                    name,
                    &format!("{path}/*"),
                );
            }
            _ => {}
        }
    }

    /// Whether the schema at `at` (after `$ref`s) declares a `default`.
    fn has_default(&self, at: &Location) -> bool {
        deref(self.new, at).is_some_and(|(_, v)| v.get("default").is_some())
    }

    fn dependent_required(&mut self, p: &Pair) {
        let Pair { o, n, what, path, ol, nl, .. } = *p;
        let k = "dependentRequired";
        let rules = |m: &Map<String, Value>| -> BTreeMap<String, BTreeSet<String>> {
            m.get(k)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(key, deps)| {
                    let deps =
                        deps.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
                    (key.clone(), deps)
                })
                .collect()
        };
        let (a, b) = (rules(o), rules(n));
        let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for key in keys {
            let (kind, text) = match (a.get(key), b.get(key)) {
                (None, Some(d)) => ("dependent-required-added", format!("`{key}` now requires {}", list(d))),
                (Some(d), None) => ("dependent-required-removed", format!("`{key}` no longer requires {}", list(d))),
                (Some(d), Some(e)) if d == e => continue,
                (Some(d), Some(e)) if e.is_superset(d) => {
                    ("dependent-required-added", format!("`{key}` now requires {}", list(e)))
                }
                (Some(d), Some(e)) if e.is_subset(d) => {
                    ("dependent-required-removed", format!("`{key}` now requires only {}", list(e)))
                }
                (Some(d), Some(e)) => {
                    ("dependent-required-changed", format!("`{key}` requires {} instead of {}", list(e), list(d)))
                }
                (None, None) => continue,
            };
            self.emit(kind, path, format!("{what}: {text}"), &ol.join(k), &nl.join(k));
        }
    }

    fn members(&mut self, p: &Pair) {
        let Pair { o, n, name, path, ol, nl, .. } = *p;
        for (k, added, removed) in [
            ("allOf", "all-of-added", "all-of-removed"),
            ("oneOf", "one-of-added", "one-of-removed"),
            ("anyOf", "any-of-added", "any-of-removed"),
        ] {
            let members = |m: &Map<String, Value>| m.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
            let (a, b) = (members(o), members(n));
            // Members that are references pair by their target (a discriminated
            // `oneOf` reordered is no change); the others by position.
            // Inline members of a schema with a `discriminator` pair by the
            // constant their discriminating property takes.
            let tag_of = |m: &Map<String, Value>, v: &Value| -> Option<String> {
                let property = m.get("discriminator")?.get("propertyName")?.as_str()?;
                let p = v.get("properties")?.get(property)?;
                let tag = p.get("const").or_else(|| p.get("enum").and_then(|e| e.get(0)))?;
                Some(format!("{property}={tag}"))
            };
            let (o_tag, n_tag) = (|v: &Value| tag_of(o, v), |v: &Value| tag_of(n, v));
            let target_in = |v: &Value, tag: &dyn Fn(&Value) -> Option<String>| {
                v.get("$ref")
                    .and_then(Value::as_str)
                    .map(|r| r.rsplit('/').next().unwrap_or(r).to_string())
                    .or_else(|| tag(v))
            };
            let target_old = |v: &Value| target_in(v, &o_tag);
            let target_new = |v: &Value| target_in(v, &n_tag);
            let mut pairs: Vec<(usize, usize)> = Vec::new();
            let mut used_new = vec![false; b.len()];
            let mut used_old = vec![false; a.len()];
            // First by meaning: members whose resolved schemas are equal (an inline
            // member moved into `components` and referenced, or back, is no change).
            if !a.is_empty() && !b.is_empty() {
                let meaning = |root: &SchemaRoot, at: &Location, len: usize| -> Vec<Value> {
                    (0..len)
                        .map(|i| {
                            let at = at.join(k).join(&i.to_string());
                            root.get(&at).map_or(Value::Null, |v| resolved(root, &at, v, 0))
                        })
                        .collect()
                };
                let (ma, mb) = (meaning(self.old, ol, a.len()), meaning(self.new, nl, b.len()));
                for (i, x) in ma.iter().enumerate() {
                    if let Some(j) = (0..b.len()).find(|&j| !used_new[j] && mb[j] == *x) {
                        pairs.push((i, j));
                        used_new[j] = true;
                        used_old[i] = true;
                    }
                }
            }
            for (i, x) in a.iter().enumerate() {
                if used_old[i] {
                    continue;
                }
                if let Some(t) = target_old(x)
                    && let Some(j) = (0..b.len()).find(|&j| !used_new[j] && target_new(&b[j]).as_ref() == Some(&t))
                {
                    pairs.push((i, j));
                    used_new[j] = true;
                    used_old[i] = true;
                }
            }
            // Then by position: what is left, except two members that both name a
            // target (a `$ref`, or a discriminator tag) and differ in it: one removed,
            // another added. An inline member and a reference pair, so a member moved
            // into `components` and changed on the way shows what changed.
            for i in 0..a.len() {
                if used_old[i] {
                    continue;
                }
                let named = target_old(&a[i]).is_some();
                if let Some(j) = (0..b.len()).find(|&j| !(used_new[j] || named && target_new(&b[j]).is_some())) {
                    pairs.push((i, j));
                    used_new[j] = true;
                    used_old[i] = true;
                }
            }
            let paired_old: Vec<usize> = pairs.iter().map(|p| p.0).collect();
            let paired_new: Vec<usize> = pairs.iter().map(|p| p.1).collect();
            let what = what(name, path);
            for j in (0..b.len()).filter(|j| !paired_new.contains(j)) {
                let label = target_new(&b[j]).map_or_else(|| format!("#{}", j + 1), |t| format!("`{t}`"));
                // An `allOf` member of annotations only (a description) constrains nothing.
                let at = nl.join(k).join(&j.to_string());
                let annotation_only = k == "allOf"
                    && deref(self.new, &at).is_some_and(|(_, v)| {
                        v.as_object().is_some_and(|m| m.keys().all(|x| ANNOTATIONS.contains(&x.as_str())))
                    });
                let added = if annotation_only { "all-of-added-annotation-only" } else { added };
                self.emit(
                    added,
                    path,
                    format!("{what}: {k} member {label} was added"),
                    ol,
                    &nl.join(k).join(&j.to_string()),
                );
            }
            for i in (0..a.len()).filter(|i| !paired_old.contains(i)) {
                let label = target_old(&a[i]).map_or_else(|| format!("#{}", i + 1), |t| format!("`{t}`"));
                self.emit(
                    removed,
                    path,
                    format!("{what}: {k} member {label} was removed"),
                    &ol.join(k).join(&i.to_string()),
                    nl,
                );
            }
            for (i, j) in pairs {
                self.compare(&ol.join(k).join(&i.to_string()), &nl.join(k).join(&j.to_string()), name, path);
            }
        }
    }
}

/// What a schema means, for pairing composition members: the schema with
/// every `$ref` replaced by what it lands on and annotations left out.
/// Recursion stops after a few levels at a marker naming the place.
fn resolved(root: &SchemaRoot, at: &Location, value: &Value, depth: usize) -> Value {
    match value {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                let target = match root.follow(at, r) {
                    Ok((loc, v)) if depth < 12 => resolved(root, &loc, v, depth + 1),
                    Ok((loc, _)) => serde_json::json!({ "$recursive": loc.display() }),
                    Err(_) => Value::String(r.to_string()),
                };
                let siblings: Map<String, Value> = m
                    .iter()
                    .filter(|(k, _)| *k != "$ref" && !ANNOTATIONS.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), resolved(root, &at.join(k), v, depth)))
                    .collect();
                if siblings.is_empty() {
                    return target;
                }
                return serde_json::json!({ "allOf": [target, Value::Object(siblings)] });
            }
            Value::Object(
                m.iter()
                    .filter(|(k, _)| !ANNOTATIONS.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), resolved(root, &at.join(k), v, depth)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(
            items.iter().enumerate().map(|(i, v)| resolved(root, &at.join(&i.to_string()), v, depth)).collect(),
        ),
        other => other.clone(),
    }
}

/// `` `a`, `b` `` (or `nothing`).
fn list(names: &BTreeSet<String>) -> String {
    if names.is_empty() {
        "nothing".into()
    } else {
        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    }
}

/// `the request body`, or `the request body property items/name`.
fn what(name: &str, path: &str) -> String {
    if path.is_empty() { name.to_string() } else { format!("{name}, property `{}`", path.trim_start_matches('/')) }
}

/// The schema at `at` after following `$ref`s (siblings of a `$ref` are kept
/// only when it has none to follow).
fn deref<'r>(root: &'r SchemaRoot, at: &Location) -> Option<(Location, &'r Value)> {
    let mut at = at.clone();
    let mut value = root.get(&at)?;
    for _ in 0..32 {
        let Some(r) = value.get("$ref").and_then(Value::as_str) else { return Some((at, value)) };
        let (next, v) = root.follow(&at, r).ok()?;
        at = next;
        value = v;
    }
    None
}

/// `oneOf`/`anyOf` of exactly two members, one of them `{type: null}`: the
/// other member's location, and `true` (the value may be null).
fn nullable_wrapper(root: &SchemaRoot, at: &Location, schema: &Value) -> Option<(Location, bool)> {
    let m = schema.as_object()?;
    for k in ["oneOf", "anyOf"] {
        let Some(members) = m.get(k).and_then(Value::as_array) else { continue };
        if members.len() != 2 || m.keys().any(|x| !ANNOTATIONS.contains(&x.as_str()) && x != k) {
            continue;
        }
        let is_null = |i: usize| {
            deref(root, &at.join(k).join(&i.to_string()))
                .is_some_and(|(_, v)| v.get("type").and_then(Value::as_str) == Some("null"))
        };
        match (is_null(0), is_null(1)) {
            (true, false) => return Some((at.join(k).join("1"), true)),
            (false, true) => return Some((at.join(k).join("0"), true)),
            _ => {}
        }
    }
    None
}

fn types_of(v: &Value) -> Option<BTreeSet<String>> {
    types(v.as_object()?)
}

/// The JSON types a schema names (with `null` for 3.0's `nullable`), if it names any.
fn types(m: &Map<String, Value>) -> Option<BTreeSet<String>> {
    let mut out: BTreeSet<String> = match m.get("type") {
        Some(Value::String(t)) => [t.clone()].into(),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        _ => return None,
    };
    if m.get("nullable").and_then(Value::as_bool) == Some(true) {
        out.insert("null".into());
    }
    Some(out)
}
