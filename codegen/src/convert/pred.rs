//! Compiling JSON Schema assertions into [`Pred`]icates: the rules the type
//! model cannot express as Rust types (if/then/else, not, dependentRequired,
//! anything in a schema that falls back to `serde_json::Value`), checked on
//! the JSON value when a generated type is read.

use super::Converter;
use super::facets::{bound, count, number, strings};
use crate::error::{Error, ErrorKind};
use crate::load::{At, Loc};
use crate::model::{Format, PatternId, Pred, PredEntry, PrimCheck};
use serde_json::{Map, Value};

/// `AllOf`, simplified: no `True`s, one member stands alone.
pub(crate) fn all_of(mut preds: Vec<Pred>) -> Pred {
    preds.retain(|p| *p != Pred::True);
    if preds.contains(&Pred::False) {
        return Pred::False;
    }
    match preds.len() {
        0 => Pred::True,
        1 => preds.pop().expect("one"),
        _ => Pred::AllOf(preds),
    }
}

impl Converter<'_> {
    /// The whole schema at `loc` as a predicate.
    pub(crate) fn pred(&mut self, loc: &Loc, schema: &Value) -> Result<Pred, Error> {
        match schema {
            Value::Bool(true) => Ok(Pred::True),
            Value::Bool(false) => Ok(Pred::False),
            Value::Object(m) => {
                let mut preds = Vec::new();
                let ref_only = self.dialect(loc).legacy && m.contains_key("$ref");
                for key in m.keys().filter(|k| !ref_only || *k == "$ref") {
                    if let Some(p) = self.keyword_pred(loc, m, key)? {
                        preds.push(p);
                    }
                }
                Ok(all_of(preds))
            }
            other => Err(loc.keyword_error("schema", format!("a schema is an object or a boolean, found {other}"))),
        }
    }

    /// The schema at `loc` minus some keywords, as a predicate.
    pub(crate) fn pred_without(&mut self, loc: &Loc, schema: &Value, skip: &[&str]) -> Result<Pred, Error> {
        match schema {
            Value::Object(m) => {
                let mut preds = Vec::new();
                for key in m.keys().filter(|k| !skip.contains(&k.as_str())) {
                    if let Some(p) = self.keyword_pred(loc, m, key)? {
                        preds.push(p);
                    }
                }
                Ok(all_of(preds))
            }
            other => self.pred(loc, other),
        }
    }

    /// Registers a regular expression, checking that the generated code can compile it.
    pub(crate) fn pattern(&mut self, loc: &Loc, pattern: &str) -> Result<PatternId, Error> {
        if let Some(i) = self.space.pattern_sources.iter().position(|p| p == pattern) {
            return Ok(i);
        }
        self.space.pattern_sources.push(pattern.to_string());
        // ECMA-262 syntax, translated to the Rust engine's exactly as the validator translates it.
        let bad = |message: String| loc.error(ErrorKind::Pattern { pattern: pattern.to_string(), message });
        let translated = jsonschema_regex::to_rust_regex(pattern)
            .map_err(|()| bad("not an ECMA-262 regular expression".into()))?
            .into_owned();
        fancy_regex::Regex::new(&translated).map_err(|e| bad(e.to_string()))?;
        self.space.patterns.push(translated);
        Ok(self.space.patterns.len() - 1)
    }

    /// The `x-accord-rules` of the schema at `loc`, compiled and checked by
    /// the catalog (a bad rule stops the build), registered once.
    fn rule_set(&mut self, loc: &Loc, m: &Map<String, Value>) -> Result<Pred, Error> {
        let at = loc.join("x-accord-rules");
        if let Some(i) = self.space.rule_sets.iter().position(|s| s.origin == at) {
            return Ok(Pred::Rules(i));
        }
        let rules = self.rules()?;
        let Some(set) = rules.messages.get(&at) else {
            return Err(loc.keyword_error("x-accord-rules", "a rule list the catalog did not read"));
        };
        let rules = set
            .rules
            .iter()
            .map(|r| {
                let spec = &m["x-accord-rules"][set.rules.iter().position(|x| x.id == r.id).unwrap_or(0)];
                let text = |k: &str| spec.get(k).and_then(Value::as_str).map(str::to_string);
                crate::model::RuleDef {
                    id: r.id.clone(),
                    rule: r.source.clone(),
                    message: r.message.clone(),
                    message_expression: text("messageExpression"),
                    field_path: r.field_path.clone(),
                }
            })
            .collect();
        let types = match m.get("type") {
            Some(Value::String(t)) => Some(vec![t.clone()]),
            Some(Value::Array(ts)) => Some(ts.iter().filter_map(Value::as_str).map(str::to_string).collect()),
            _ => None,
        };
        let def = crate::model::RuleSetDef { origin: at, rules, decimals: set.decimals.paths().to_vec(), types };
        self.space.rule_sets.push(def);
        Ok(Pred::Rules(self.space.rule_sets.len() - 1))
    }

    fn call(&mut self, loc: &Loc, reference: &str) -> Result<Pred, Error> {
        let target = crate::load::resolve(self.set, loc, reference)?;
        if let Some(&id) = self.pred_ids.get(&target) {
            return Ok(Pred::Call(id));
        }
        let id = self.space.preds.len();
        self.space.preds.push(PredEntry { origin: target.clone(), pred: None });
        self.pred_ids.insert(target.clone(), id);
        let schema = self.set.get(&target).cloned().unwrap_or(Value::Bool(true));
        let pred = self.pred(&target, &schema)?;
        self.space.preds[id].pred = Some(pred);
        Ok(Pred::Call(id))
    }

    fn sub(&mut self, loc: &Loc, key: &str, v: &Value) -> Result<Pred, Error> {
        self.pred(&loc.join(key), v)
    }

    fn subs(&mut self, loc: &Loc, key: &str, v: &Value) -> Result<Vec<Pred>, Error> {
        let list = v.as_array().ok_or_else(|| loc.keyword_error(key, "expected a list of schemas"))?;
        let here = loc.join(key);
        list.iter().enumerate().map(|(i, s)| self.pred(&here.join(&i.to_string()), s)).collect()
    }

    fn named_subs(&mut self, loc: &Loc, key: &str, v: &Value) -> Result<Vec<(String, Pred)>, Error> {
        let map = v.as_object().ok_or_else(|| loc.keyword_error(key, "expected an object"))?;
        let here = loc.join(key);
        map.iter().map(|(name, s)| Ok((name.clone(), self.pred(&here.join(name), s)?))).collect()
    }

    /// One keyword of the schema object `m` at `loc` as a predicate; `None`
    /// for annotations and keywords handled with another one.
    pub(crate) fn keyword_pred(&mut self, loc: &Loc, m: &Map<String, Value>, key: &str) -> Result<Option<Pred>, Error> {
        let Some(v) = m.get(key) else { return Ok(None) };
        let prim = |c: PrimCheck| Ok(Some(Pred::Prim(c)));
        let dialect = self.dialect(loc);
        let tuple = dialect.tuple_items && m.get("items").is_some_and(Value::is_array);
        match key {
            "$ref" => {
                let r = v.as_str().ok_or_else(|| loc.keyword_error(key, "expected a string"))?;
                Ok(Some(self.call(loc, r)?))
            }
            "type" => {
                let types = match v {
                    Value::Array(a) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                    Value::String(s) => vec![s.clone()],
                    _ => return Err(loc.keyword_error(key, "expected a type name or a list of them")),
                };
                Ok(Some(Pred::Type(types)))
            }
            "const" => Ok(Some(Pred::Const(v.clone()))),
            "enum" => {
                Ok(Some(Pred::Enum(v.as_array().ok_or_else(|| loc.keyword_error(key, "expected a list"))?.clone())))
            }
            "minLength" => prim(PrimCheck::MinLength(count(loc, key, v)?)),
            "maxLength" => prim(PrimCheck::MaxLength(count(loc, key, v)?)),
            "pattern" => {
                let p = v.as_str().ok_or_else(|| loc.keyword_error(key, "expected a string"))?;
                prim(PrimCheck::Pattern(self.pattern(loc, p)?))
            }
            "format" if !dialect.assert_formats => Ok(None),
            // OpenAPI's numeric formats: enforced by the range the catalog marks beside them.
            "format" if m.contains_key(accord_catalog::openapi::formats::KEYWORD) => Ok(None),
            accord_catalog::openapi::formats::KEYWORD if !dialect.assert_formats => Ok(None),
            accord_catalog::openapi::formats::KEYWORD => Ok(match v.as_str() {
                Some("int32") => Some(all_of(vec![
                    Pred::Prim(PrimCheck::Minimum(f64::from(i32::MIN))),
                    Pred::Prim(PrimCheck::Maximum(f64::from(i32::MAX))),
                ])),
                Some("float") => Some(all_of(vec![
                    Pred::Prim(PrimCheck::Minimum(-f64::from(f32::MAX))),
                    Pred::Prim(PrimCheck::Maximum(f64::from(f32::MAX))),
                ])),
                _ => None,
            }),
            "format" => match v.as_str().and_then(Format::parse) {
                Some(f) => prim(PrimCheck::Format(f)),
                None => {
                    self.unenforced(&loc.join(key), key, &format!("format {v} is not checked by generated code"));
                    Ok(None)
                }
            },
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                Ok(bound(loc, m, key, v, dialect.draft4)?.map(Pred::Prim))
            }
            "multipleOf" => prim(PrimCheck::MultipleOf(number(loc, key, v)?)),
            "required" => Ok(Some(Pred::Required(strings(loc, key, v)?))),
            "properties" => {
                let props = self.named_subs(loc, key, v)?;
                Ok(Some(all_of(props.into_iter().map(|(n, p)| Pred::Property(n, Box::new(p))).collect())))
            }
            "patternProperties" => {
                let mut preds = Vec::new();
                for (pattern, p) in self.named_subs(loc, key, v)? {
                    preds.push(Pred::PatternProperty(self.pattern(loc, &pattern)?, Box::new(p)));
                }
                Ok(Some(all_of(preds)))
            }
            "unevaluatedProperties" => {
                if v == &Value::Bool(true) {
                    return Ok(None);
                }
                let eval = self.eval(loc, &Value::Object(m.clone()), true, 0)?;
                let pred = self.sub(loc, key, v)?;
                Ok(Some(Pred::Unevaluated { eval, pred: Box::new(pred) }))
            }
            "additionalProperties" => {
                if v == &Value::Bool(true) {
                    return Ok(None);
                }
                let known: Vec<String> = m
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default();
                let mut patterns = Vec::new();
                for p in m.get("patternProperties").and_then(Value::as_object).into_iter().flat_map(|p| p.keys()) {
                    patterns.push(self.pattern(loc, p)?);
                }
                let pred = self.sub(loc, key, v)?;
                Ok(Some(Pred::Additional { known, patterns, pred: Box::new(pred) }))
            }
            "dependentRequired" => {
                let map = v.as_object().ok_or_else(|| loc.keyword_error(key, "expected an object"))?;
                let mut preds = Vec::new();
                for (name, deps) in map {
                    preds.push(Pred::DependentRequired(name.clone(), strings(&loc.join(key), name, deps)?));
                }
                Ok(Some(all_of(preds)))
            }
            "dependentSchemas" => {
                let subs = self.named_subs(loc, key, v)?;
                Ok(Some(all_of(subs.into_iter().map(|(n, p)| Pred::DependentSchema(n, Box::new(p))).collect())))
            }
            "minProperties" => Ok(Some(Pred::Properties { min: Some(count(loc, key, v)?), max: None })),
            "maxProperties" => Ok(Some(Pred::Properties { min: None, max: Some(count(loc, key, v)?) })),
            "propertyNames" => Ok(Some(Pred::PropertyNames(Box::new(self.sub(loc, key, v)?)))),
            "items" if tuple => Ok(Some(Pred::PrefixItems(self.subs(loc, key, v)?))),
            "additionalItems" if tuple => {
                let from = m.get("items").and_then(Value::as_array).map_or(0, Vec::len);
                Ok(Some(Pred::Items { from, pred: Box::new(self.sub(loc, key, v)?) }))
            }
            "dependencies" => {
                let map = v.as_object().ok_or_else(|| loc.keyword_error(key, "expected an object"))?;
                let here = loc.join(key);
                let mut preds = Vec::new();
                for (name, dep) in map {
                    preds.push(match dep {
                        Value::Array(_) => Pred::DependentRequired(name.clone(), strings(&here, name, dep)?),
                        schema => Pred::DependentSchema(name.clone(), Box::new(self.pred(&here.join(name), schema)?)),
                    });
                }
                Ok(Some(all_of(preds)))
            }
            "items" => {
                let from = m.get("prefixItems").and_then(Value::as_array).map_or(0, Vec::len);
                Ok(Some(Pred::Items { from, pred: Box::new(self.sub(loc, key, v)?) }))
            }
            "prefixItems" => Ok(Some(Pred::PrefixItems(self.subs(loc, key, v)?))),
            "minItems" => Ok(Some(Pred::ItemCount { min: Some(count(loc, key, v)?), max: None })),
            "maxItems" => Ok(Some(Pred::ItemCount { min: None, max: Some(count(loc, key, v)?) })),
            "uniqueItems" => Ok((v == &Value::Bool(true)).then_some(Pred::UniqueItems)),
            "contains" => {
                let min = m.get("minContains").map(|c| count(loc, "minContains", c)).transpose()?.unwrap_or(1);
                let max = m.get("maxContains").map(|c| count(loc, "maxContains", c)).transpose()?;
                Ok(Some(Pred::Contains { pred: Box::new(self.sub(loc, key, v)?), min, max }))
            }
            "allOf" => Ok(Some(all_of(self.subs(loc, key, v)?))),
            "anyOf" => Ok(Some(Pred::AnyOf(self.subs(loc, key, v)?))),
            "oneOf" => Ok(Some(Pred::OneOf(self.subs(loc, key, v)?))),
            "not" => Ok(Some(Pred::Not(Box::new(self.sub(loc, key, v)?)))),
            "if" => {
                let cond = self.sub(loc, key, v)?;
                let then = match m.get("then") {
                    Some(t) => self.sub(loc, "then", t)?,
                    None => Pred::True,
                };
                let otherwise = match m.get("else") {
                    Some(e) => self.sub(loc, "else", e)?,
                    None => Pred::True,
                };
                Ok(Some(Pred::If(Box::new(cond), Box::new(then), Box::new(otherwise))))
            }
            "x-accord-maxSerializedLength" => Ok(Some(Pred::MaxSerializedLength(count(loc, key, v)?))),
            "x-accord-rules" => Ok(Some(self.rule_set(loc, m)?)),
            "$dynamicRef" | "$recursiveRef" | "unevaluatedItems" => {
                self.unenforced(&loc.join(key), key, "not supported by the generator");
                Ok(None)
            }
            _ => Ok(None),
        }
    }
}
