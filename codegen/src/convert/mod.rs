//! Stage two: schemas → the type model. Every `$defs` entry is given a
//! [`TypeId`] and a name first; converting then fills in shapes, creating
//! named types for inline schemas (`<Parent><Property>`) as it meets them.

mod eval;
mod facets;
mod openapi;
mod pred;

use crate::error::{Error, ErrorKind};
use crate::load::{At, Loc};
use crate::model::*;
use crate::name;
use accord_catalog::{Origin, SchemaRoot};
use facets::{Facets, Part, doc_of, is_empty_schema, pure_ref};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Turns a [`SchemaRoot`] into a [`TypeSpace`].
pub struct Converter<'s> {
    set: &'s SchemaRoot,
    space: TypeSpace,
    type_ids: HashMap<Loc, TypeId>,
    pred_ids: HashMap<Loc, PredId>,
    /// Taken names per module, with the schema that took them.
    names: BTreeMap<(Vec<String>, String), Loc>,
    /// Types being converted (a `$ref` to one of them is recursion).
    following: Vec<Loc>,
    /// Whether `format` is asserted (`None`: as the dialect says).
    assert_formats: Option<bool>,
    /// Inline types by [`Converter::identity`].
    inline_ids: HashMap<String, TypeId>,
    /// Per document: whether it has embedded resources.
    nested_ids: HashMap<String, bool>,
    /// The catalog's rules, read on first use.
    rules: Option<std::sync::Arc<accord_catalog::rules::Rules>>,
}

/// Dialect rules the converter follows at one place of the schemas.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dialect {
    /// Draft-04, -06 or -07: `$ref` overrides its siblings, `dependencies`
    /// holds both dependent forms.
    pub legacy: bool,
    /// Up to 2019-09: `items` may be a tuple, with `additionalItems` for the rest.
    pub tuple_items: bool,
    /// Draft-04: `exclusiveMinimum`/`exclusiveMaximum` are booleans.
    pub draft4: bool,
    /// Whether `format` is an assertion here.
    pub assert_formats: bool,
}

impl Converter<'_> {
    /// The dialect in force at `loc` (its `$schema`, 2020-12 when none is named).
    pub(crate) fn dialect(&self, loc: &Loc) -> Dialect {
        use accord_catalog::Draft;
        let draft = self.set.draft_at(loc);
        let legacy = matches!(draft, Draft::Draft4 | Draft::Draft6 | Draft::Draft7);
        // Draft-07 and before let implementations assert `format`; 2019-09 and
        // 2020-12 make it an annotation. jsonschema follows the same split.
        Dialect {
            legacy,
            tuple_items: legacy || draft == Draft::Draft201909,
            draft4: draft == Draft::Draft4,
            assert_formats: self.assert_formats.unwrap_or(legacy),
        }
    }
}

/// Whether a document holds an `$id` anywhere below its root.
fn has_nested_id(value: &Value, root: bool) -> bool {
    match value {
        Value::Object(m) => {
            (!root && m.get("$id").is_some_and(Value::is_string)) || m.values().any(|v| has_nested_id(v, false))
        }
        Value::Array(items) => items.iter().any(|v| has_nested_id(v, false)),
        _ => false,
    }
}

/// What a schema becomes: a type expression, or a shape that needs a name.
enum Decision {
    Inline(TypeRef),
    Shape(Shape),
}

/// The module path of a schema file: its folders.
pub(crate) fn module_of(file: &str) -> Vec<String> {
    if file.contains("://") {
        return Vec::new(); // a document served by URI (--resolve, --map): the top level
    }
    let mut parts: Vec<String> = file.split('/').map(name::module_name).collect();
    parts.pop();
    parts
}

fn module_display(module: &[String]) -> String {
    if module.is_empty() { "crate".to_string() } else { module.join("::") }
}

impl<'s> Converter<'s> {
    /// The catalog's rules (message, exchange and capture), read once.
    pub(crate) fn rules(&mut self) -> Result<std::sync::Arc<accord_catalog::rules::Rules>, Error> {
        if let Some(r) = &self.rules {
            return Ok(r.clone());
        }
        let operations =
            accord_catalog::openapi::read(self.set).map_err(|e| Error::bare(ErrorKind::Catalog(Box::new(e))))?;
        let rules = accord_catalog::rules::read(self.set, &operations)
            .map_err(|e| Error::bare(ErrorKind::Catalog(Box::new(e))))?;
        let rules = std::sync::Arc::new(rules);
        self.rules = Some(rules.clone());
        Ok(rules)
    }

    /// Converts every schema and operation of `set`.
    pub fn convert(set: &'s SchemaRoot, assert_formats: Option<bool>) -> Result<TypeSpace, Error> {
        // One format policy per schema root, the validator's: a catalog (a root
        // holding OpenAPI documents) asserts the formats it knows; plain JSON
        // Schema follows its dialect.
        let catalog = set.documents().any(|d| d.origin == accord_catalog::Origin::Root && d.is_openapi());
        let assert_formats = assert_formats.or(catalog.then_some(true));
        let mut c = Converter {
            set,
            assert_formats,
            inline_ids: HashMap::new(),
            nested_ids: HashMap::new(),
            space: TypeSpace::default(),
            type_ids: HashMap::new(),
            pred_ids: HashMap::new(),
            names: BTreeMap::new(),
            following: Vec::new(),
            rules: None,
        };
        // Every rule is read and checked first: a bad rule stops the build even
        // where no generated type reaches it.
        c.rules()?;
        for reserved in ["__accord", "operations"] {
            c.names
                .insert((Vec::new(), reserved.to_string()), Loc { file: "(generator)".into(), pointer: String::new() });
        }
        // Names first, so every reference has a target.
        let mut defs = Vec::new();
        for document in set.documents().filter(|d| d.origin == Origin::Root && !d.is_openapi()) {
            let (file, doc) = (&document.path, &*document.value);
            let module = module_of(file);
            let root = Loc { file: file.clone(), pointer: String::new() };
            if c.set.draft_at(&root) == accord_catalog::Draft::Unknown {
                let reason =
                    "a custom meta-schema: its `$vocabulary` is not read, the generated code applies 2020-12's";
                c.unenforced(&root.join("$schema"), "$schema", reason);
            }
            // A document says something about an instance (a boolean schema does too).
            // In a catalog, a document the descriptions reach for other things
            // (a file of parameters, responses or examples) is no schema.
            let says = doc.is_boolean() || doc.as_object().is_some_and(|m| m.keys().any(|k| !facets::is_annotation(k)));
            if says && (!catalog || looks_like_schema(doc)) {
                let stem = file.rsplit('/').next().unwrap_or(file);
                let stem = stem.trim_end_matches(".json").trim_end_matches(".yaml").trim_end_matches(".yml");
                let stem = stem.trim_end_matches(".schema");
                let title = doc.get("title").and_then(Value::as_str).filter(|t| !t.contains(' '));
                let id = c.declare(&root, &module, &name::type_name(title.unwrap_or(stem)), true)?;
                c.space.roots.push((file.clone(), id));
                defs.push(id);
            }
            for key in ["$defs", "definitions"] {
                if let Some(map) = doc.get(key).and_then(Value::as_object) {
                    for def in map.keys() {
                        let loc = root.join(key).join(def);
                        defs.push(c.declare(&loc, &module, &name::type_name(def), true)?);
                    }
                }
            }
        }
        for id in defs {
            c.fill_guarded(id)?;
        }
        c.operations()?;
        c.check_alias_cycles()?;
        c.box_recursion();
        Ok(c.space)
    }

    /// Hands out a name and id for the schema at `loc`. `exact`: a clash is an
    /// error (a `$defs` name); otherwise a number is appended.
    fn declare(&mut self, loc: &Loc, module: &[String], base: &str, exact: bool) -> Result<TypeId, Error> {
        let key = (module.to_vec(), base.to_string());
        let name = match self.names.get(&key) {
            Some(other) if exact => {
                return Err(loc.error(ErrorKind::NameClash {
                    name: base.to_string(),
                    module: module_display(module),
                    other: other.display(),
                }));
            }
            Some(_) => name::unique(base, |n| self.names.contains_key(&(module.to_vec(), n.to_string()))),
            None => base.to_string(),
        };
        self.names.insert((module.to_vec(), name.clone()), loc.clone());
        let id = self.space.types.len();
        let doc = self.set.get(loc).and_then(doc_of);
        self.space.types.push(TypeEntry { name, module: module.to_vec(), origin: loc.clone(), doc, shape: None });
        self.type_ids.entry(loc.clone()).or_insert(id);
        Ok(id)
    }

    /// Converts the schema of a declared type.
    fn fill(&mut self, id: TypeId) -> Result<(), Error> {
        if self.space.types[id].shape.is_some() {
            return Ok(());
        }
        let loc = self.space.types[id].origin.clone();
        let schema = self.set.get(&loc).cloned().unwrap_or(Value::Bool(true));
        let hint = (self.space.types[id].module.clone(), self.space.types[id].name.clone());
        let shape = if let Some(r) = pure_ref(&schema) {
            Shape::Alias(self.named_for(&loc, r)?)
        } else {
            match self.decide(&[(loc.clone(), schema)], &hint)? {
                // A named plain integer is a newtype, so reading it alone (not only as
                // a field) accepts `1.0` too: `i64`'s own `Deserialize` would not.
                Decision::Inline(TypeRef::Integer) => {
                    Shape::Newtype(NewtypeShape { prim: Prim::Integer, checks: Vec::new(), sensitive: false })
                }
                Decision::Inline(TypeRef::Int32) => {
                    Shape::Newtype(NewtypeShape { prim: Prim::Int32, checks: Vec::new(), sensitive: false })
                }
                Decision::Inline(t) => Shape::Alias(t),
                Decision::Shape(s) => s,
            }
        };
        self.space.types[id].shape = Some(shape);
        Ok(())
    }

    /// The named type of the schema a `$ref` at `from` points to.
    fn named_for(&mut self, from: &Loc, reference: &str) -> Result<TypeRef, Error> {
        let target = crate::load::resolve(self.set, from, reference)?;
        if let Some(&id) = self.type_ids.get(&target) {
            self.fill_guarded(id)?;
            return Ok(TypeRef::Named(id));
        }
        let module = module_of(&target.file);
        let base =
            target.pointer.rsplit('/').next().filter(|s| !s.is_empty()).map(str::to_string).unwrap_or_else(|| {
                target.file.rsplit('/').next().unwrap_or("Root").trim_end_matches(".json").to_string()
            });
        let id = self.declare(&target, &module, &name::type_name(&base), false)?;
        self.fill_guarded(id)?;
        Ok(TypeRef::Named(id))
    }

    fn fill_guarded(&mut self, id: TypeId) -> Result<(), Error> {
        let loc = self.space.types[id].origin.clone();
        if self.following.contains(&loc) {
            return Ok(()); // being converted further up: a recursive type, boxed later
        }
        self.following.push(loc);
        let r = self.fill(id);
        self.following.pop();
        r
    }

    /// The type of an instance described by `parts`, naming new types after `hint`.
    fn type_for(&mut self, parts: &[Part], hint: &(Vec<String>, String)) -> Result<TypeRef, Error> {
        if let [(loc, schema)] = parts {
            if let Some(r) = pure_ref(schema) {
                return self.named_for(loc, r);
            }
            if is_empty_schema(schema) {
                return Ok(TypeRef::Any);
            }
        }
        // Identical inline schemas (same text, same document, so the same
        // references) are one type: GitHub's webhook schema repeats hundreds.
        let key = self.identity(parts);
        if let Some(&id) = key.as_ref().and_then(|k| self.inline_ids.get(k)) {
            return Ok(TypeRef::Named(id));
        }
        match self.decide(parts, hint)? {
            Decision::Inline(t) => Ok(t),
            Decision::Shape(shape) => {
                let id = self.add(parts, hint, shape)?;
                if let Some(k) = key {
                    self.inline_ids.insert(k, id);
                }
                Ok(TypeRef::Named(id))
            }
        }
    }

    /// What makes two inline schemas the same type: their text and document,
    /// unless the document has embedded resources (`$id` below its root),
    /// where the same `$ref` text may land elsewhere.
    fn identity(&mut self, parts: &[Part]) -> Option<String> {
        let mut key = String::new();
        for (loc, schema) in parts {
            let text = serde_json::to_string(schema).ok()?;
            if text.contains("\"$ref\"") || text.contains("\"$dynamicRef\"") {
                let set = self.set;
                let nested = *self
                    .nested_ids
                    .entry(loc.file.clone())
                    .or_insert_with(|| set.document(&loc.file).is_some_and(|d| has_nested_id(&d.value, true)));
                if nested {
                    return None;
                }
            }
            key.push_str(&loc.file);
            key.push('\0');
            key.push_str(&text);
            key.push('\u{1}');
        }
        Some(key)
    }

    fn add(&mut self, parts: &[Part], hint: &(Vec<String>, String), shape: Shape) -> Result<TypeId, Error> {
        let loc = parts.first().map(|p| p.0.clone()).unwrap_or(Loc { file: String::new(), pointer: String::new() });
        let id = self.declare(&loc, &hint.0, &hint.1, false)?;
        let entry = &mut self.space.types[id];
        entry.doc = parts.iter().find_map(|(_, s)| doc_of(s));
        entry.shape = Some(shape);
        Ok(id)
    }

    fn whole_checks(&mut self, f: &Facets) -> Result<Vec<Check>, Error> {
        let mut preds = Vec::new();
        for (loc, schema) in &f.whole {
            preds.push(self.pred(loc, schema)?);
        }
        let loc = f.whole.first().map(|p| p.0.display()).unwrap_or_default();
        Ok(vec![Check { pred: pred::all_of(preds), message: format!("does not match the schema at {loc}") }])
    }

    fn decide(&mut self, parts: &[Part], hint: &(Vec<String>, String)) -> Result<Decision, Error> {
        let f = self.facets(parts)?;
        if f.never {
            return Ok(Decision::Shape(Shape::Json(vec![Check {
                pred: Pred::False,
                message: "no value is allowed here".into(),
            }])));
        }
        if f.decimal {
            return Ok(Decision::Shape(Shape::Decimal(self.whole_checks(&f)?)));
        }
        if let Some(((if_loc, if_schema), then, otherwise)) = f.conditional.clone()
            && f.union.is_none()
        {
            let mut checks = Vec::new();
            for (loc, schema) in &f.whole {
                let pred = self.pred_without(loc, schema, &["if", "then", "else"])?;
                if pred != Pred::True {
                    checks.push(Check { pred, message: format!("does not match the schema at {}", loc.display()) });
                }
            }
            let condition = self.pred(&if_loc, &if_schema)?;
            let then = self.variant(&then, hint, "Then")?;
            let otherwise = self.variant(&otherwise, hint, "Else")?;
            return Ok(Decision::Shape(Shape::Conditional(ConditionalShape { checks, condition, then, otherwise })));
        }
        if let Some((kind, union_loc, members)) = f.union.clone() {
            let keyword = if kind == UnionKind::AnyOf { "anyOf" } else { "oneOf" };
            let mut checks = Vec::new();
            for (loc, schema) in &f.whole {
                let skip: &[&str] = if *loc == parent_of(&union_loc) { &[keyword, "x-accord-type"] } else { &[] };
                let pred = self.pred_without(loc, schema, skip)?;
                if pred != Pred::True {
                    checks.push(Check { pred, message: format!("does not match the schema at {}", loc.display()) });
                }
            }
            let mut variants: Vec<Variant> = Vec::new();
            for member in &members {
                let base = variant_base(&member.1);
                let mut v = self.variant(member, hint, &base)?;
                v.name = name::unique(&v.name, |n| variants.iter().any(|x| x.name == n));
                variants.push(v);
            }
            let tag = self.tag(&members);
            return Ok(Decision::Shape(Shape::Union(UnionShape { kind, variants, tag, checks })));
        }
        if let Some(c) = &f.constant {
            return Ok(Decision::Shape(Shape::Const(c.clone())));
        }
        if let Some(values) = &f.enumeration {
            if !values.is_empty() && values.iter().all(Value::is_string) && f.checks.is_empty() {
                let mut variants: Vec<EnumVariant> = Vec::new();
                for v in values.iter().filter_map(Value::as_str) {
                    let n = name::unique(&name::type_name(v), |n| variants.iter().any(|x| x.name == n));
                    variants.push(EnumVariant { name: n, value: v.to_string() });
                }
                return Ok(Decision::Shape(Shape::Enum(variants)));
            }
            if !values.is_empty() && values.iter().all(|v| v.is_i64()) && f.checks.is_empty() {
                let mut checks = vec![PrimCheck::OneOf(values.clone())];
                checks.extend(f.prim.iter().filter(|c| numeric(c)).cloned());
                let sensitive = f.sensitive;
                return Ok(Decision::Shape(Shape::Newtype(NewtypeShape { prim: Prim::Integer, checks, sensitive })));
            }
            return Ok(Decision::Shape(Shape::Json(self.whole_checks(&f)?)));
        }
        let Some(types) = f.types.clone() else {
            return if f.has_assertions() {
                Ok(Decision::Shape(Shape::Json(self.whole_checks(&f)?)))
            } else {
                Ok(Decision::Inline(TypeRef::Any))
            };
        };
        let non_null: Vec<&String> = types.iter().filter(|t| *t != "null").collect();
        if types.len() == 2 && non_null.len() == 1 {
            // `["T", "null"]`: Option of the non-null type.
            let mut inner = f;
            inner.types = Some(vec![non_null[0].clone()]);
            return Ok(Decision::Inline(TypeRef::Option(Box::new(match self.decide_facets(inner, hint)? {
                Decision::Inline(t) => t,
                Decision::Shape(s) => TypeRef::Named(self.add(parts, hint, s)?),
            }))));
        }
        self.decide_facets(f, hint)
    }

    /// The decision for facets with one JSON type (or several, which fall back to `Json`).
    fn decide_facets(&mut self, f: Facets, hint: &(Vec<String>, String)) -> Result<Decision, Error> {
        let types = f.types.clone().unwrap_or_default();
        let only = if types.len() == 1 { types[0].as_str() } else { "" };
        let string_checks: Vec<PrimCheck> = f.prim.iter().filter(|c| !numeric(c)).cloned().collect();
        let number_checks: Vec<PrimCheck> = f.prim.iter().filter(|c| numeric(c)).cloned().collect();
        Ok(match only {
            "object" => {
                if f.properties.is_empty() && !f.deny_additional {
                    if !f.checks.is_empty() {
                        Decision::Shape(Shape::Json(self.whole_checks(&f)?))
                    } else if f.additional.is_empty() {
                        Decision::Inline(TypeRef::Object)
                    } else {
                        let value = self.type_for(&f.additional, &(hint.0.clone(), format!("{}Value", hint.1)))?;
                        Decision::Inline(TypeRef::Map(Box::new(value)))
                    }
                } else {
                    Decision::Shape(Shape::Struct(self.structure(f, hint)?))
                }
            }
            "array" => {
                if f.array_rules || !f.checks.is_empty() {
                    Decision::Shape(Shape::Json(self.whole_checks(&f)?))
                } else if f.items.is_empty() {
                    Decision::Inline(TypeRef::Vec(Box::new(TypeRef::Any)))
                } else {
                    let item = self.type_for(&f.items, &(hint.0.clone(), format!("{}Item", hint.1)))?;
                    Decision::Inline(TypeRef::Vec(Box::new(item)))
                }
            }
            _ if !f.checks.is_empty() => Decision::Shape(Shape::Json(self.whole_checks(&f)?)),
            "string" => {
                let known: Vec<&str> = f.known_values.iter().flatten().filter_map(Value::as_str).collect();
                if !known.is_empty() {
                    let mut variants: Vec<EnumVariant> = Vec::new();
                    for v in known {
                        let n =
                            name::unique(&name::type_name(v), |n| n == "Other" || variants.iter().any(|x| x.name == n));
                        variants.push(EnumVariant { name: n, value: v.to_string() });
                    }
                    Decision::Shape(Shape::OpenEnum(OpenEnumShape { known: variants, checks: string_checks }))
                } else if !string_checks.is_empty() || f.sensitive {
                    let sensitive = f.sensitive;
                    Decision::Shape(Shape::Newtype(NewtypeShape {
                        prim: Prim::String,
                        checks: string_checks,
                        sensitive,
                    }))
                } else {
                    Decision::Inline(TypeRef::String)
                }
            }
            "integer" if number_checks.is_empty() && f.int32 => Decision::Inline(TypeRef::Int32),
            "integer" if number_checks.is_empty() => Decision::Inline(TypeRef::Integer),
            "integer" => Decision::Shape(Shape::Newtype(NewtypeShape {
                prim: if f.int32 { Prim::Int32 } else { Prim::Integer },
                checks: number_checks,
                sensitive: f.sensitive,
            })),
            "number" if number_checks.is_empty() => Decision::Inline(TypeRef::Number),
            "number" => Decision::Shape(Shape::Newtype(NewtypeShape {
                prim: Prim::Number,
                checks: number_checks,
                sensitive: f.sensitive,
            })),
            "boolean" => Decision::Inline(TypeRef::Bool),
            "null" => Decision::Inline(TypeRef::Null),
            _ => Decision::Shape(Shape::Json(self.whole_checks(&f)?)),
        })
    }

    fn structure(&mut self, f: Facets, hint: &(Vec<String>, String)) -> Result<StructShape, Error> {
        let mut fields: Vec<Field> = Vec::new();
        for (json_name, parts) in &f.properties {
            let type_hint = (hint.0.clone(), format!("{}{}", hint.1, name::type_name(json_name)));
            let ty = self.type_for(parts, &type_hint)?;
            let rust_name = name::unique(&name::field_name(json_name), |n| {
                n == "additional_properties" || fields.iter().any(|x| x.rust_name == n)
            });
            fields.push(Field {
                rust_name,
                json_name: json_name.clone(),
                ty,
                required: f.required.contains(json_name),
                doc: parts.iter().find_map(|(_, s)| doc_of(s)),
                boxed: false,
            });
        }
        // Required properties with no schema of their own: any value.
        for r in &f.required {
            if !fields.iter().any(|x| &x.json_name == r) {
                let rust_name = name::unique(&name::field_name(r), |n| fields.iter().any(|x| x.rust_name == n));
                let ty = if f.additional.is_empty() {
                    TypeRef::Any
                } else {
                    self.type_for(&f.additional, &(hint.0.clone(), format!("{}Value", hint.1)))?
                };
                fields.push(Field { rust_name, json_name: r.clone(), ty, required: true, doc: None, boxed: false });
            }
        }
        let additional = if f.deny_additional {
            Additional::Deny
        } else if f.additional.is_empty() {
            Additional::Keep(TypeRef::Any)
        } else {
            Additional::Keep(self.type_for(&f.additional, &(hint.0.clone(), format!("{}Value", hint.1)))?)
        };
        Ok(StructShape { fields, additional, checks: f.checks })
    }

    fn variant(&mut self, part: &Part, hint: &(Vec<String>, String), base: &str) -> Result<Variant, Error> {
        let ty = self.type_for(std::slice::from_ref(part), &(hint.0.clone(), format!("{}{base}", hint.1)))?;
        let name = match (&ty, pure_ref(&part.1)) {
            (TypeRef::Named(id), Some(_)) => self.space.types[*id].name.clone(),
            _ => base.to_string(),
        };
        Ok(Variant { name, ty })
    }

    /// A property every member requires with a distinct `const`: the union's tag.
    fn tag(&self, members: &[Part]) -> Option<Tag> {
        let consts: Vec<BTreeMap<String, Value>> = members
            .iter()
            .map(|(l, s)| {
                let (mut consts, mut required) = (BTreeMap::new(), Vec::new());
                self.const_props(l, s, 0, &mut consts, &mut required);
                consts.retain(|name, _| required.contains(name));
                consts
            })
            .collect();
        let first = consts.first()?;
        for property in first.keys() {
            let values: Option<Vec<Value>> = consts.iter().map(|c| c.get(property).cloned()).collect();
            if let Some(values) = values {
                let distinct = values.iter().enumerate().all(|(i, a)| values[i + 1..].iter().all(|b| a != b));
                if distinct {
                    return Some(Tag { property: property.clone(), values });
                }
            }
        }
        None
    }

    /// The `const` properties and the required properties of a schema,
    /// following `$ref` and `allOf` (all of which apply to the same instance).
    fn const_props(
        &self,
        loc: &Loc,
        schema: &Value,
        depth: usize,
        consts: &mut BTreeMap<String, Value>,
        required: &mut Vec<String>,
    ) {
        let Some(m) = schema.as_object() else { return };
        if depth > 16 {
            return;
        }
        if let Some(target) =
            m.get("$ref").and_then(Value::as_str).and_then(|r| crate::load::resolve(self.set, loc, r).ok())
            && let Some(s) = self.set.get(&target)
        {
            self.const_props(&target, s, depth + 1, consts, required);
        }
        for member in m.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.const_props(loc, member, depth + 1, consts, required);
        }
        required.extend(
            m.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string),
        );
        for (name, prop) in m.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if let Some(c) = prop.get("const") {
                consts.insert(name.clone(), c.clone());
            }
        }
    }

    /// `$ref` chains that come back to where they started without a type in between.
    fn check_alias_cycles(&self) -> Result<(), Error> {
        for start in 0..self.space.types.len() {
            let mut seen = vec![start];
            let mut at = start;
            while let Some(Shape::Alias(TypeRef::Named(next))) = &self.space.types[at].shape {
                if seen.contains(next) {
                    let chain: Vec<String> = seen.iter().map(|i| self.space.types[*i].origin.display()).collect();
                    return Err(self.space.types[start].origin.error(ErrorKind::RefCycle(chain.join(" -> "))));
                }
                seen.push(*next);
                at = *next;
            }
        }
        Ok(())
    }

    /// Boxes struct fields that lead back to their own struct.
    fn box_recursion(&mut self) {
        let n = self.space.types.len();
        let edges: Vec<Vec<TypeId>> = (0..n).map(|id| direct_children(self.space.types[id].shape.as_ref())).collect();
        let reaches = |from: TypeId, to: TypeId| -> bool {
            let mut seen = vec![false; n];
            let mut stack = vec![from];
            while let Some(t) = stack.pop() {
                if t == to {
                    return true;
                }
                if std::mem::replace(&mut seen[t], true) {
                    continue;
                }
                stack.extend(edges[t].iter().copied());
            }
            false
        };
        for id in 0..n {
            let boxes: Vec<bool> = match &self.space.types[id].shape {
                Some(Shape::Struct(s)) => {
                    s.fields.iter().map(|f| inline_named(&f.ty).is_some_and(|t| reaches(t, id))).collect()
                }
                _ => continue,
            };
            if let Some(Shape::Struct(s)) = &mut self.space.types[id].shape {
                for (f, b) in s.fields.iter_mut().zip(boxes) {
                    f.boxed = b;
                }
            }
        }
    }
}

fn parent_of(loc: &Loc) -> Loc {
    let pointer = loc.pointer.rsplit_once('/').map(|(p, _)| p.to_string()).unwrap_or_default();
    Loc { file: loc.file.clone(), pointer }
}

fn numeric(c: &PrimCheck) -> bool {
    matches!(
        c,
        PrimCheck::Minimum(_)
            | PrimCheck::Maximum(_)
            | PrimCheck::ExclusiveMinimum(_)
            | PrimCheck::ExclusiveMaximum(_)
            | PrimCheck::MultipleOf(_)
            | PrimCheck::OneOf(_)
    )
}

/// A variant name from a member schema's single `type`.
fn variant_base(schema: &Value) -> String {
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => name::type_name(t),
        None => "Variant".into(),
    }
}

/// The named type a field holds directly (through `Option` only: `Vec` and maps already box).
fn inline_named(t: &TypeRef) -> Option<TypeId> {
    match t {
        TypeRef::Named(id) => Some(*id),
        TypeRef::Option(inner) => inline_named(inner),
        _ => None,
    }
}

fn direct_children(shape: Option<&Shape>) -> Vec<TypeId> {
    match shape {
        Some(Shape::Struct(s)) => s.fields.iter().filter(|f| !f.boxed).filter_map(|f| inline_named(&f.ty)).collect(),
        Some(Shape::Alias(t)) => inline_named(t).into_iter().collect(),
        Some(Shape::Union(u)) => u.variants.iter().filter_map(|v| inline_named(&v.ty)).collect(),
        Some(Shape::Conditional(c)) => [&c.then, &c.otherwise].iter().filter_map(|v| inline_named(&v.ty)).collect(),
        _ => Vec::new(),
    }
}

/// Whether a document of a catalog is a schema: a boolean, or an object with
/// at least one JSON Schema keyword whose value has the keyword's JSON type.
/// (DigitalOcean's `parameters.yml` maps names to parameter objects, one of
/// them named `type`: not a schema.)
fn looks_like_schema(doc: &Value) -> bool {
    let Some(map) = doc.as_object() else { return doc.is_boolean() };
    let mut keyword = false;
    for (k, v) in map {
        let fits = match k.as_str() {
            "type" => v.is_string() || v.is_array(),
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => v.is_object(),
            "required" | "enum" | "allOf" | "anyOf" | "oneOf" | "prefixItems" => v.is_array(),
            "$ref" | "$id" | "$schema" | "$anchor" | "format" | "pattern" => v.is_string(),
            "items"
            | "additionalProperties"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "unevaluatedProperties"
            | "propertyNames" => v.is_object() || v.is_boolean() || v.is_array(),
            "const" | "minimum" | "maximum" | "minLength" | "maxLength" | "minItems" | "maxItems" | "multipleOf"
            | "exclusiveMinimum" | "exclusiveMaximum" | "minProperties" | "maxProperties" => true,
            _ => continue,
        };
        if !fits {
            return false;
        }
        keyword = true;
    }
    keyword
}
