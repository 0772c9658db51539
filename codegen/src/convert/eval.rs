//! The properties a schema evaluates, for `unevaluatedProperties` (2020-12
//! §11.3): its own `properties`, `patternProperties` and
//! `additionalProperties`, and those of every in-place subschema that holds
//! (`allOf`, the `anyOf`/`oneOf` members that match, `if` with `then` or
//! `else`, `dependentSchemas` whose property is present, `$ref`), a nested
//! `unevaluatedProperties` evaluating the rest.

use super::Converter;
use super::pred::all_of;
use crate::error::Error;
use crate::load::{At, Loc};
use crate::model::{Eval, Pred};
use serde_json::Value;

/// How deep in-place `$ref`s are followed (a cycle among them would never end).
const MAX_DEPTH: usize = 32;

impl Converter<'_> {
    /// The evaluated-properties set of the schema at `loc`, leaving out
    /// `unevaluatedProperties` itself at the top (`top`).
    pub(crate) fn eval(&mut self, loc: &Loc, schema: &Value, top: bool, depth: usize) -> Result<Eval, Error> {
        let Value::Object(m) = schema else { return Ok(Eval::Seq(Vec::new())) };
        if depth > MAX_DEPTH {
            self.unenforced(loc, "unevaluatedProperties", "in-place `$ref`s nest too deep to follow");
            return Ok(Eval::All);
        }
        let legacy_ref_only = self.dialect(loc).legacy && m.contains_key("$ref");
        let mut parts = Vec::new();
        for (key, v) in m {
            if legacy_ref_only && key != "$ref" {
                continue;
            }
            let here = loc.join(key);
            match key.as_str() {
                "properties" => {
                    if let Some(props) = v.as_object() {
                        parts.push(Eval::Names(props.keys().cloned().collect()));
                    }
                }
                "patternProperties" => {
                    let mut ids = Vec::new();
                    for p in v.as_object().into_iter().flat_map(|p| p.keys()) {
                        ids.push(self.pattern(loc, p)?);
                    }
                    parts.push(Eval::Patterns(ids));
                }
                "additionalProperties" => parts.push(Eval::All),
                "unevaluatedProperties" if !top => parts.push(Eval::All),
                "$ref" => {
                    let r = v.as_str().ok_or_else(|| loc.keyword_error("$ref", "expected a string"))?;
                    let target = crate::load::resolve(self.set, loc, r)?;
                    let schema = self.set.get(&target).cloned().unwrap_or(Value::Bool(true));
                    parts.push(self.eval(&target, &schema, false, depth + 1)?);
                }
                "$dynamicRef" | "$recursiveRef" => {
                    self.unenforced(&here, "unevaluatedProperties", "properties evaluated through a dynamic reference");
                    parts.push(Eval::All);
                }
                "allOf" => {
                    for (i, s) in v.as_array().into_iter().flatten().enumerate() {
                        parts.push(self.eval(&here.join(&i.to_string()), s, false, depth + 1)?);
                    }
                }
                "anyOf" | "oneOf" => {
                    for (i, s) in v.as_array().into_iter().flatten().enumerate() {
                        let at = here.join(&i.to_string());
                        let inner = self.eval(&at, s, false, depth + 1)?;
                        if !is_empty(&inner) {
                            parts.push(Eval::When(Box::new(self.pred(&at, s)?), Box::new(inner)));
                        }
                    }
                }
                "if" => {
                    let cond = self.pred(&here, v)?;
                    let mut yes = vec![self.eval(&here, v, false, depth + 1)?];
                    if let Some(t) = m.get("then") {
                        yes.push(self.eval(&loc.join("then"), t, false, depth + 1)?);
                    }
                    let no = match m.get("else") {
                        Some(e) => self.eval(&loc.join("else"), e, false, depth + 1)?,
                        None => Eval::Seq(Vec::new()),
                    };
                    parts.push(Eval::IfElse(Box::new(cond), Box::new(Eval::Seq(yes)), Box::new(no)));
                }
                "dependentSchemas" => {
                    for (name, s) in v.as_object().into_iter().flatten() {
                        let inner = self.eval(&here.join(name), s, false, depth + 1)?;
                        let present =
                            all_of(vec![Pred::Type(vec!["object".into()]), Pred::Required(vec![name.clone()])]);
                        parts.push(Eval::When(Box::new(present), Box::new(inner)));
                    }
                }
                _ => {}
            }
        }
        Ok(Eval::Seq(parts))
    }
}

fn is_empty(e: &Eval) -> bool {
    match e {
        Eval::Names(n) => n.is_empty(),
        Eval::Patterns(p) => p.is_empty(),
        Eval::Seq(s) => s.iter().all(is_empty),
        _ => false,
    }
}

/// Whether the set is the same for every instance (no branch decides it) and
/// holds names only: then `unevaluatedProperties: false` means exactly
/// "no properties besides these", which a struct can say.
pub(crate) fn static_names(e: &Eval) -> Option<Vec<String>> {
    match e {
        Eval::Names(n) => Some(n.clone()),
        Eval::Seq(s) => {
            let mut out = Vec::new();
            for part in s {
                out.extend(static_names(part)?);
            }
            Some(out)
        }
        _ => None,
    }
}
