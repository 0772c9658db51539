//! Keywords judged by whether they appear or disappear: applicators
//! (`if`/`then`/`else`, `not`, `items`, `prefixItems`, `patternProperties`,
//! `dependentSchemas`, `propertyNames`, `unevaluated*`, `contentSchema`),
//! `contains` and its counts, `const`, the content annotations, and the
//! OpenAPI `discriminator`.
//!
//! A keyword that appears constrains more: a request accepts less (breaking
//! for clients), a response returns less (nothing breaks). A keyword that
//! disappears is the other way round. The rule levels in
//! [`crate::registry`] carry that direction; this file only names the change.

use crate::schema::{Comparison, Pair};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Subschema keywords: (keyword, rule kind stem, what it does, in words).
const APPLICATORS: &[(&str, &str, &str)] = &[
    ("if", "if", "an `if` condition"),
    ("then", "then", "a `then` branch"),
    ("else", "else", "an `else` branch"),
    ("not", "not", "a `not` rule"),
    ("items", "items", "an `items` schema"),
    ("prefixItems", "prefix-items", "`prefixItems`"),
    ("propertyNames", "property-names", "a `propertyNames` rule"),
    ("unevaluatedProperties", "unevaluated-properties", "`unevaluatedProperties`"),
    ("unevaluatedItems", "unevaluated-items", "`unevaluatedItems`"),
    ("contentSchema", "content-schema", "a `contentSchema`"),
];

/// Keyed subschema keywords, judged key by key: (keyword, rule kind stem, noun).
const KEYED: &[(&str, &str, &str)] = &[
    ("patternProperties", "pattern-property", "pattern property"),
    ("dependentSchemas", "dependent-schema", "dependent schema for"),
];

impl Comparison<'_, '_> {
    /// Judges the keywords of this file on one pair of schema objects.
    pub(crate) fn keywords(&mut self, p: &Pair) {
        let Pair { o, n, what, path, ol, nl, .. } = *p;
        for (k, stem, words) in APPLICATORS {
            match (o.get(*k), n.get(*k)) {
                (None, Some(_)) => {
                    self.emit(&format!("{stem}-added"), path, format!("{what}: {words} was added"), ol, &nl.join(k))
                }
                (Some(_), None) => {
                    self.emit(&format!("{stem}-removed"), path, format!("{what}: {words} was removed"), &ol.join(k), nl)
                }
                _ => {}
            }
        }
        for (k, stem, noun) in KEYED {
            let keys = |m: &Map<String, Value>| -> BTreeSet<String> {
                m.get(*k).and_then(Value::as_object).map(|x| x.keys().cloned().collect()).unwrap_or_default()
            };
            let (a, b) = (keys(o), keys(n));
            for key in b.difference(&a) {
                let message = format!("{what}: {noun} `{key}` was added");
                self.emit(&format!("{stem}-added"), path, message, ol, &nl.join(k).join(key));
            }
            for key in a.difference(&b) {
                let message = format!("{what}: {noun} `{key}` was removed");
                self.emit(&format!("{stem}-removed"), path, message, &ol.join(k).join(key), nl);
            }
        }
        self.contains_counts(p);
        self.constant(p);
        self.content(p);
        self.discriminator(p);
    }

    /// `minContains` (1 when absent) and `maxContains` (unbounded when absent),
    /// judged only where both versions have a `contains`.
    fn contains_counts(&mut self, p: &Pair) {
        let Pair { o, n, what, path, ol, nl, .. } = *p;
        if !(o.contains_key("contains") && n.contains_key("contains")) {
            return;
        }
        let num = |m: &Map<String, Value>, k: &str, absent: f64| m.get(k).and_then(Value::as_f64).unwrap_or(absent);
        for (k, absent, up, down) in [
            ("minContains", 1.0, "min-contains-increased", "min-contains-decreased"),
            ("maxContains", f64::INFINITY, "max-contains-increased", "max-contains-decreased"),
        ] {
            let (a, b) = (num(o, k, absent), num(n, k, absent));
            let at =
                |m: &Map<String, Value>, l: &crate::Location| if m.contains_key(k) { l.join(k) } else { l.clone() };
            let show = |x: f64| if x.is_infinite() { "none".to_string() } else { x.to_string() };
            let kind = if b > a {
                up
            } else if b < a {
                down
            } else {
                continue;
            };
            self.emit(
                kind,
                path,
                format!("{what}: {k} changed from {} to {}", show(a), show(b)),
                &at(o, ol),
                &at(n, nl),
            );
        }
    }

    /// A `const` on both sides that changed (a `const` appearing or going is
    /// judged as an enum of one value).
    fn constant(&mut self, p: &Pair) {
        let Pair { o, n, what, path, ol, nl, .. } = *p;
        if let (Some(a), Some(b)) = (o.get("const"), n.get("const"))
            && a != b
            && !o.contains_key("enum")
            && !n.contains_key("enum")
        {
            let message = format!("{what}: the constant changed from {a} to {b}");
            self.emit("const-changed", path, message, &ol.join("const"), &nl.join("const"));
        }
    }

    /// `contentMediaType` and `contentEncoding`: how the string's content is
    /// encoded. Either changing (or appearing, or going) changes what both
    /// sides must write and read.
    fn content(&mut self, p: &Pair) {
        let Pair { o, n, what, path, ol, nl, .. } = *p;
        for (k, kind) in
            [("contentMediaType", "content-media-type-changed"), ("contentEncoding", "content-encoding-changed")]
        {
            let (a, b) = (o.get(k), n.get(k));
            if a == b {
                continue;
            }
            let show = |v: Option<&Value>| {
                v.map_or_else(|| "none".to_string(), |v| format!("`{}`", v.as_str().unwrap_or("?")))
            };
            let at =
                |m: &Map<String, Value>, l: &crate::Location| if m.contains_key(k) { l.join(k) } else { l.clone() };
            let message = format!("{what}: {k} changed from {} to {}", show(a), show(b));
            self.emit(kind, path, message, &at(o, ol), &at(n, nl));
        }
    }

    /// The OpenAPI `discriminator`: an annotation for tools (which member to
    /// try), so its changes are information, but a renamed property is worth
    /// a warning: code generators dispatch on it.
    fn discriminator(&mut self, p: &Pair) {
        let Pair { o, n, what, path, ol, nl, .. } = *p;
        let k = "discriminator";
        let (a, b) = (o.get(k).and_then(Value::as_object), n.get(k).and_then(Value::as_object));
        let (a, b) = match (a, b) {
            (None, None) => return,
            (None, Some(_)) => {
                return self.emit(
                    "discriminator-added",
                    path,
                    format!("{what}: a discriminator was added"),
                    ol,
                    &nl.join(k),
                );
            }
            (Some(_), None) => {
                return self.emit(
                    "discriminator-removed",
                    path,
                    format!("{what}: the discriminator was removed"),
                    &ol.join(k),
                    nl,
                );
            }
            (Some(a), Some(b)) => (a, b),
        };
        let (ok, nk) = (ol.join(k), nl.join(k));
        if a.get("propertyName") != b.get("propertyName") {
            let name =
                |m: &Map<String, Value>| m.get("propertyName").and_then(Value::as_str).unwrap_or("?").to_string();
            let message = format!("{what}: the discriminator property changed from `{}` to `{}`", name(a), name(b));
            self.emit("discriminator-property-name-changed", path, message, &ok, &nk);
        }
        let empty = Map::new();
        let mapping = |m: &'_ Map<String, Value>| -> Map<String, Value> {
            m.get("mapping").and_then(Value::as_object).unwrap_or(&empty).clone()
        };
        let (x, y) = (mapping(a), mapping(b));
        let added: Vec<&String> = y.keys().filter(|v| !x.contains_key(*v)).collect();
        let deleted: Vec<&String> = x.keys().filter(|v| !y.contains_key(*v)).collect();
        let changed: Vec<&String> = x.keys().filter(|v| y.get(*v).is_some_and(|t| Some(t) != x.get(*v))).collect();
        let names = |v: &[&String]| v.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
        for (kind, values, verb) in [
            ("discriminator-mapping-added", &added, "added"),
            ("discriminator-mapping-deleted", &deleted, "deleted"),
            ("discriminator-mapping-changed", &changed, "mapped to another schema"),
        ] {
            if !values.is_empty() {
                let message = format!("{what}: discriminator value(s) {} {verb}", names(values));
                self.emit(kind, path, message, &ok, &nk);
            }
        }
    }
}
