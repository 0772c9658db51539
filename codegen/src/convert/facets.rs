//! Gathering what a schema (with its `allOf` members and `$ref` siblings)
//! says about one instance into [`Facets`]: the raw material for deciding
//! which Rust type to emit.

use super::Converter;
use crate::error::{Error, ErrorKind};
use crate::load::{At, Loc};
use crate::model::{Check, Format, PrimCheck, Unenforced, UnionKind};
use serde_json::Value;

/// Keywords that never change which instances are valid.
pub(crate) const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$defs",
    "definitions",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
    "discriminator",
    "xml",
    "externalDocs",
    "example",
    "nullable",
];

/// Keywords that only relate properties of an object to each other: they
/// become checks on a struct, not fields.
const RESIDUAL: &[&str] = &[
    "if",
    "then",
    "else",
    "not",
    "required",
    "dependentRequired",
    "dependentSchemas",
    "minProperties",
    "maxProperties",
    "propertyNames",
];

/// Keywords the generated code does not enforce.
const UNSUPPORTED: &[&str] =
    &["$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "unevaluatedItems"];

/// Whether `key` is an annotation (including every `x-` extension but the two assertion ones).
pub(crate) fn is_annotation(key: &str) -> bool {
    ANNOTATIONS.contains(&key)
        || (key.starts_with("x-")
            && key != "x-accord-maxSerializedLength"
            && key != "x-accord-type"
            && key != "x-accord-rules"
            && key != accord_catalog::openapi::formats::KEYWORD)
}

/// Whether a schema holds only rules between properties (and annotations).
pub(crate) fn residual_only(schema: &Value) -> bool {
    match schema {
        Value::Object(m) => m.iter().all(|(k, v)| {
            is_annotation(k)
                || RESIDUAL.contains(&k.as_str())
                || (matches!(k.as_str(), "allOf" | "anyOf" | "oneOf")
                    && v.as_array().is_some_and(|a| a.iter().all(residual_only)))
        }),
        _ => false,
    }
}

/// Whether a schema is only a `$ref` (plus annotations).
pub(crate) fn pure_ref(schema: &Value) -> Option<&str> {
    let m = schema.as_object()?;
    let r = m.get("$ref")?.as_str()?;
    m.keys().all(|k| k == "$ref" || is_annotation(k)).then_some(r)
}

/// Whether a schema says nothing about its instance.
pub(crate) fn is_empty_schema(schema: &Value) -> bool {
    match schema {
        Value::Bool(b) => *b,
        Value::Object(m) => m.keys().all(|k| is_annotation(k)),
        _ => false,
    }
}

/// Whether a schema looks like a type of its own (for `if`/`then`/`else` branches).
fn type_like(schema: &Value) -> bool {
    schema.as_object().is_some_and(|m| m.contains_key("$ref") || m.contains_key("properties") || m.contains_key("type"))
}

/// A schema together with where it is.
pub(crate) type Part = (Loc, Value);

/// What the parts of one schema say about its instance.
#[derive(Debug, Default)]
pub(crate) struct Facets {
    /// Every part, for compiling the whole schema to a predicate.
    pub whole: Vec<Part>,
    /// Allowed JSON types (`None`: unconstrained).
    pub types: Option<Vec<String>>,
    /// Properties, in order of first appearance, each with every schema it was given.
    pub properties: Vec<(String, Vec<Part>)>,
    /// Required properties.
    pub required: Vec<String>,
    /// `additionalProperties: false` (or `unevaluatedProperties: false`).
    pub deny_additional: bool,
    /// `additionalProperties` schemas.
    pub additional: Vec<Part>,
    /// Schema objects holding `unevaluatedProperties` (decided once all parts are in).
    pub unevaluated: Vec<Part>,
    /// `items` schemas.
    pub items: Vec<Part>,
    /// Array keywords other than `items` are present.
    pub array_rules: bool,
    /// `enum` (intersected).
    pub enumeration: Option<Vec<Value>>,
    /// `const`.
    pub constant: Option<Value>,
    /// String and number constraints.
    pub prim: Vec<PrimCheck>,
    /// `x-accord-knownValues`.
    pub known_values: Option<Vec<Value>>,
    /// `x-accord-type: decimal`.
    pub decimal: bool,
    /// OpenAPI's `format: int32` on an integer, in a catalog: the Rust type is `i32`.
    pub int32: bool,
    /// The first `anyOf`/`oneOf` over types.
    pub union: Option<(UnionKind, Loc, Vec<Part>)>,
    /// `if`/`then`/`else` whose branches are types.
    pub conditional: Option<(Part, Part, Part)>,
    /// Rules between properties.
    pub checks: Vec<Check>,
    /// `false` somewhere: nothing is valid.
    pub never: bool,
    /// `x-accord-sensitive`: a secret or personal value.
    pub sensitive: bool,
    /// Doc comment.
    pub doc: Option<String>,
}

impl Facets {
    /// Whether anything besides types, properties and annotations constrains the instance.
    pub fn has_assertions(&self) -> bool {
        self.types.is_some()
            || !self.properties.is_empty()
            || !self.required.is_empty()
            || self.deny_additional
            || !self.additional.is_empty()
            || !self.unevaluated.is_empty()
            || !self.items.is_empty()
            || self.array_rules
            || self.enumeration.is_some()
            || self.constant.is_some()
            || !self.prim.is_empty()
            || self.decimal
            || self.union.is_some()
            || self.conditional.is_some()
            || !self.checks.is_empty()
            || self.never
    }

    fn property(&mut self, name: &str) -> &mut Vec<Part> {
        if let Some(i) = self.properties.iter().position(|(n, _)| n == name) {
            return &mut self.properties[i].1;
        }
        self.properties.push((name.to_string(), Vec::new()));
        &mut self.properties.last_mut().expect("just pushed").1
    }
}

const TYPES: &[&str] = &["string", "integer", "number", "boolean", "object", "array", "null"];

fn parse_types(loc: &Loc, v: &Value) -> Result<Vec<String>, Error> {
    let list: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    let mut out = Vec::new();
    for t in list {
        match t.as_str() {
            Some(s) if TYPES.contains(&s) => out.push(s.to_string()),
            Some(s) => {
                return Err(
                    loc.keyword_error("type", format!("{s:?} is not a JSON Schema type (one of {})", TYPES.join(", ")))
                );
            }
            None => return Err(loc.keyword_error("type", format!("expected a type name or a list of them, found {t}"))),
        }
    }
    Ok(out)
}

fn intersect_types(a: Option<Vec<String>>, b: Vec<String>) -> Vec<String> {
    let Some(a) = a else { return b };
    let mut out: Vec<String> = Vec::new();
    for t in &a {
        let kept = if b.contains(t) {
            Some(t.as_str())
        } else if (t == "number" && b.iter().any(|x| x == "integer"))
            || (t == "integer" && b.iter().any(|x| x == "number"))
        {
            Some("integer")
        } else {
            None
        };
        if let Some(k) = kept
            && !out.iter().any(|x| x == k)
        {
            out.push(k.to_string());
        }
    }
    out
}

/// A numeric bound keyword as a check; draft-04's boolean `exclusiveMinimum`
/// and `exclusiveMaximum` make `minimum`/`maximum` exclusive and say nothing alone.
pub(crate) fn bound(
    loc: &Loc,
    m: &serde_json::Map<String, Value>,
    key: &str,
    v: &Value,
    draft4: bool,
) -> Result<Option<PrimCheck>, Error> {
    let exclusive = |k: &str| draft4 && m.get(k) == Some(&Value::Bool(true));
    Ok(match key {
        "minimum" if exclusive("exclusiveMinimum") => Some(PrimCheck::ExclusiveMinimum(number(loc, key, v)?)),
        "maximum" if exclusive("exclusiveMaximum") => Some(PrimCheck::ExclusiveMaximum(number(loc, key, v)?)),
        "minimum" => Some(PrimCheck::Minimum(number(loc, key, v)?)),
        "maximum" => Some(PrimCheck::Maximum(number(loc, key, v)?)),
        "exclusiveMinimum" | "exclusiveMaximum" if draft4 || v.is_boolean() => None,
        "exclusiveMinimum" => Some(PrimCheck::ExclusiveMinimum(number(loc, key, v)?)),
        "exclusiveMaximum" => Some(PrimCheck::ExclusiveMaximum(number(loc, key, v)?)),
        _ => None,
    })
}

pub(crate) fn number(loc: &Loc, key: &str, v: &Value) -> Result<f64, Error> {
    v.as_f64().ok_or_else(|| loc.keyword_error(key, format!("expected a number, found {v}")))
}

pub(crate) fn count(loc: &Loc, key: &str, v: &Value) -> Result<u64, Error> {
    // `2.0` is an integer to JSON Schema, as a keyword value too.
    v.as_u64()
        .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64).map(|f| f as u64))
        .ok_or_else(|| loc.keyword_error(key, format!("expected a non-negative integer, found {v}")))
}

pub(crate) fn strings(loc: &Loc, key: &str, v: &Value) -> Result<Vec<String>, Error> {
    let bad = || loc.keyword_error(key, format!("expected a list of strings, found {v}"));
    v.as_array().ok_or_else(bad)?.iter().map(|s| s.as_str().map(str::to_string).ok_or_else(bad)).collect()
}

impl Converter<'_> {
    /// Gathers the facets of all `parts` (which all describe the same instance).
    pub(crate) fn facets(&mut self, parts: &[Part]) -> Result<Facets, Error> {
        let mut f = Facets::default();
        for (loc, schema) in parts {
            self.collect(loc, schema, &mut f, 0)?;
        }
        // `unevaluatedProperties: false` over a set of names that does not depend
        // on the instance, and that is exactly the struct's fields, is what
        // rejecting unknown fields says; anything else is checked as a rule.
        for (loc, schema) in std::mem::take(&mut f.unevaluated) {
            let Value::Object(m) = &schema else { continue };
            let eval = self.eval(&loc, &schema, true, 0)?;
            let mut names = super::eval::static_names(&eval);
            if let Some(n) = &mut names {
                n.sort();
                n.dedup();
            }
            let mut fields: Vec<String> = f.properties.iter().map(|(n, _)| n.clone()).collect();
            fields.sort();
            if m.get("unevaluatedProperties") == Some(&Value::Bool(false)) && names.as_ref() == Some(&fields) {
                f.deny_additional = true;
            } else {
                f.checks.extend(self.keyword_check(&loc, m, "unevaluatedProperties")?);
            }
        }
        f.whole = parts.to_vec();
        Ok(f)
    }

    fn collect(&mut self, loc: &Loc, schema: &Value, f: &mut Facets, depth: usize) -> Result<(), Error> {
        if depth > 64 {
            return Err(loc.error(ErrorKind::RefCycle(loc.display())));
        }
        let m = match schema {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => {
                f.never = true;
                return Ok(());
            }
            Value::Object(m) => m,
            other => {
                return Err(loc.keyword_error("schema", format!("a schema is an object or a boolean, found {other}")));
            }
        };
        if f.doc.is_none() {
            f.doc = doc_of(schema);
        }
        let has_if = m.contains_key("if");
        let dialect = self.dialect(loc);
        let tuple = dialect.tuple_items && m.get("items").is_some_and(Value::is_array);
        for (key, v) in m {
            let here = loc.join(key);
            if dialect.legacy && key != "$ref" && m.contains_key("$ref") {
                continue; // before 2019-09, `$ref` overrides every sibling keyword
            }
            match key.as_str() {
                "$ref" => {
                    let r = v.as_str().ok_or_else(|| loc.keyword_error("$ref", "expected a string"))?;
                    let target = crate::load::resolve(self.set, loc, r)?;
                    let schema = self.set.get(&target).cloned().unwrap_or(Value::Bool(true));
                    self.collect(&target, &schema, f, depth + 1)?;
                }
                "type" => {
                    let t = parse_types(loc, v)?;
                    f.types = Some(intersect_types(f.types.take(), t));
                }
                "properties" => {
                    let props = v.as_object().ok_or_else(|| loc.keyword_error(key, "expected an object"))?;
                    for (name, sub) in props {
                        f.property(name).push((here.join(name), sub.clone()));
                    }
                }
                "required" => {
                    for name in strings(loc, key, v)? {
                        if !f.required.contains(&name) {
                            f.required.push(name);
                        }
                    }
                }
                "additionalProperties" => match v {
                    Value::Bool(false) => f.deny_additional = true,
                    Value::Bool(true) => {}
                    Value::Object(_) => f.additional.push((here, v.clone())),
                    _ => return Err(loc.keyword_error(key, "expected a schema")),
                },
                "unevaluatedProperties" => match v {
                    Value::Bool(true) => {}
                    Value::Bool(_) | Value::Object(_) => f.unevaluated.push((loc.clone(), schema.clone())),
                    _ => return Err(loc.keyword_error(key, "expected a schema")),
                },
                "items" if tuple => f.array_rules = true,
                "items" => f.items.push((here, v.clone())),
                "additionalItems" if tuple => f.array_rules = true,
                "additionalItems" => {}
                "dependencies" => f.checks.extend(self.keyword_check(loc, m, key)?),
                "prefixItems" | "contains" | "minItems" | "maxItems" | "uniqueItems" | "minContains"
                | "maxContains" => f.array_rules = true,
                "enum" => {
                    let vals = v.as_array().ok_or_else(|| loc.keyword_error(key, "expected a list"))?.clone();
                    f.enumeration = Some(match f.enumeration.take() {
                        None => vals,
                        Some(prev) => prev.into_iter().filter(|x| vals.contains(x)).collect(),
                    });
                }
                "const" => f.constant = Some(v.clone()),
                "minLength" => f.prim.push(PrimCheck::MinLength(count(loc, key, v)?)),
                "maxLength" => f.prim.push(PrimCheck::MaxLength(count(loc, key, v)?)),
                "pattern" => {
                    let p = v.as_str().ok_or_else(|| loc.keyword_error(key, "expected a string"))?;
                    f.prim.push(PrimCheck::Pattern(self.pattern(loc, p)?));
                }
                "format" if !dialect.assert_formats => {}
                // OpenAPI's numeric formats: enforced by the range the catalog marks beside them.
                "format" if m.contains_key(accord_catalog::openapi::formats::KEYWORD) => {}
                accord_catalog::openapi::formats::KEYWORD if !dialect.assert_formats => {}
                accord_catalog::openapi::formats::KEYWORD => match v.as_str() {
                    // An integer's range is its type's: `i32` reads only values that fit.
                    Some("int32") if m.get("type").and_then(Value::as_str) == Some("integer") => f.int32 = true,
                    Some("int32") => f
                        .prim
                        .extend([PrimCheck::Minimum(f64::from(i32::MIN)), PrimCheck::Maximum(f64::from(i32::MAX))]),
                    Some("float") => f
                        .prim
                        .extend([PrimCheck::Minimum(-f64::from(f32::MAX)), PrimCheck::Maximum(f64::from(f32::MAX))]),
                    // `int64` is the range of the generated `i64`; `double`, of any JSON number.
                    _ => {}
                },
                "format" => {
                    let name = v.as_str().ok_or_else(|| loc.keyword_error(key, "expected a string"))?;
                    match Format::parse(name) {
                        Some(fmt) => f.prim.push(PrimCheck::Format(fmt)),
                        None => {
                            self.unenforced(&here, key, &format!("format {name:?} is not checked by generated code"))
                        }
                    }
                }
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                    f.prim.extend(bound(loc, m, key, v, dialect.draft4)?);
                }
                "multipleOf" => f.prim.push(PrimCheck::MultipleOf(number(loc, key, v)?)),
                "x-accord-knownValues" => f.known_values = v.as_array().cloned(),
                "x-accord-type" => f.decimal = v == "decimal",
                "x-accord-sensitive" => f.sensitive = true,
                "x-accord-maxSerializedLength" | "x-accord-rules" => {
                    let check = self.keyword_check(loc, m, key)?;
                    f.checks.extend(check);
                }
                "allOf" => {
                    let members = v.as_array().ok_or_else(|| loc.keyword_error(key, "expected a list of schemas"))?;
                    for (i, member) in members.iter().enumerate() {
                        let at = here.join(&i.to_string());
                        if residual_only(member) {
                            let pred = self.pred(&at, member)?;
                            f.checks.push(Check { pred, message: message_for(&at, member, key) });
                        } else {
                            self.collect(&at, member, f, depth + 1)?;
                        }
                    }
                }
                "anyOf" | "oneOf" => {
                    let members = v.as_array().ok_or_else(|| loc.keyword_error(key, "expected a list of schemas"))?;
                    if members.iter().all(residual_only) || f.union.is_some() {
                        f.checks.extend(self.keyword_check(loc, m, key)?);
                    } else {
                        let kind = if key == "anyOf" { UnionKind::AnyOf } else { UnionKind::OneOf };
                        let parts = members.iter().enumerate().map(|(i, s)| (here.join(&i.to_string()), s.clone()));
                        f.union = Some((kind, here.clone(), parts.collect()));
                    }
                }
                "if" => {
                    let (then, otherwise) = (m.get("then"), m.get("else"));
                    match (then, otherwise) {
                        (Some(t), Some(e)) if type_like(t) && type_like(e) && f.conditional.is_none() => {
                            f.conditional =
                                Some(((here, v.clone()), (loc.join("then"), t.clone()), (loc.join("else"), e.clone())));
                        }
                        _ => f.checks.extend(self.keyword_check(loc, m, key)?),
                    }
                }
                "then" | "else" if has_if => {}
                "not" | "dependentRequired" | "dependentSchemas" | "minProperties" | "maxProperties"
                | "propertyNames" | "patternProperties" => f.checks.extend(self.keyword_check(loc, m, key)?),
                k if UNSUPPORTED.contains(&k) => self.unenforced(&here, k, "not supported by the generator"),
                _ => {}
            }
        }
        Ok(())
    }

    /// A check for one keyword of `m` (with `m`'s `x-accord-message`, if any).
    pub(crate) fn keyword_check(
        &mut self,
        loc: &Loc,
        m: &serde_json::Map<String, Value>,
        key: &str,
    ) -> Result<Option<Check>, Error> {
        let Some(pred) = self.keyword_pred(loc, m, key)? else { return Ok(None) };
        Ok(Some(Check { pred, message: message_for(loc, &Value::Object(m.clone()), key) }))
    }

    pub(crate) fn unenforced(&mut self, loc: &Loc, keyword: &str, reason: &str) {
        let u = Unenforced { loc: loc.clone(), keyword: keyword.to_string(), reason: reason.to_string() };
        if !self.space.validator_only.contains(&u) {
            self.space.validator_only.push(u);
        }
    }
}

/// The error message of a failed rule: the schema's `x-accord-message`, or where the rule is.
pub(crate) fn message_for(loc: &Loc, schema: &Value, keyword: &str) -> String {
    match schema.get("x-accord-message").and_then(Value::as_str) {
        Some(m) => m.to_string(),
        None => format!("breaks the `{keyword}` rule at {}", loc.display()),
    }
}

/// `title` and `description` as a doc comment.
pub(crate) fn doc_of(schema: &Value) -> Option<String> {
    let description = schema.get("description").and_then(Value::as_str);
    let title = schema.get("title").and_then(Value::as_str);
    match (title, description) {
        (_, Some(d)) => Some(d.to_string()),
        (Some(t), None) => Some(t.to_string()),
        _ => None,
    }
}
