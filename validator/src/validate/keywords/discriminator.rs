//! OpenAPI's `discriminator` (OpenAPI 3.1 §4.8.25) as an assertion: the
//! value of its `propertyName` must name a schema, through `mapping` or
//! implicitly (the name of a `oneOf`/`anyOf` member's schema, or of a schema
//! that extends the base through `allOf`). JSON Schema reads `discriminator`
//! as an annotation, so a value that names nothing passes whenever the
//! branches do not constrain the property themselves; here it is a finding
//! with its own code, `discriminator`, naming the property and the value.
//!
//! The schemas each value may name are found once per catalog, when it is
//! loaded (see [`index`]), and looked up by the address of the keyword's
//! value, as `x-accord-rules` are.

use super::super::rules::message::address;
use accord_catalog::{Location, SchemaRoot};
use jsonschema::paths::Location as KeywordLocation;
use jsonschema::{Keyword, ValidationError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// What one `discriminator` allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    /// `propertyName`.
    pub property: String,
    /// Every value that names a schema.
    pub values: BTreeSet<String>,
}

/// The discriminators of a catalog by the address of their value.
pub type ByAddress = Arc<HashMap<usize, Arc<Allowed>>>;

/// A value that names no schema, as carried in the keyword's error message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Unknown {
    /// `propertyName`.
    pub property: String,
    /// The value sent.
    pub value: String,
    /// The values that name a schema.
    pub allowed: Vec<String>,
}

/// The name a schema at `at` is known by: its key under `components/schemas`
/// (or any other map), or its file's stem for a whole-file schema.
fn name_of(at: &Location) -> String {
    match at.pointer.rsplit_once('/') {
        Some((_, last)) if !last.is_empty() => last.replace("~1", "/").replace("~0", "~"),
        _ => {
            let file = at.file.rsplit('/').next().unwrap_or(&at.file);
            file.split('.').next().unwrap_or(file).to_string()
        }
    }
}

/// Every `discriminator` of the root's documents with the values it allows.
/// A discriminator whose schemas cannot all be named (an inline member and
/// no `mapping` for it) is left out: it is not judged.
pub fn index(root: &SchemaRoot) -> HashMap<usize, Arc<Allowed>> {
    // Who extends whom through `allOf`: base location -> names of the extensions.
    let mut extensions: BTreeMap<Location, BTreeSet<String>> = BTreeMap::new();
    let mut found: Vec<(Location, &Value)> = Vec::new();
    for doc in root.documents() {
        walk(&doc.value, &Location::document(doc.path.clone()), &mut |at, schema| {
            if schema.get("discriminator").and_then(|d| d.get("propertyName")).is_some_and(Value::is_string) {
                found.push((at.clone(), schema));
            }
            for (i, member) in schema.get("allOf").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let Some(r) = member.get("$ref").and_then(Value::as_str) else { continue };
                if let Ok(target) = root.resolve(&at.join("allOf").join(&i.to_string()), r) {
                    extensions.entry(target).or_default().insert(name_of(at));
                }
            }
        });
    }
    let mut out = HashMap::new();
    for (at, schema) in found {
        let Some(discriminator) = schema.get("discriminator") else { continue };
        let property = discriminator.get("propertyName").and_then(Value::as_str).unwrap_or_default().to_string();
        let mut values: BTreeSet<String> = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, _)| k.clone())
            .collect();
        let mut nameless = false;
        let mut branches = 0;
        for keyword in ["oneOf", "anyOf"] {
            for (i, member) in schema.get(keyword).and_then(Value::as_array).into_iter().flatten().enumerate() {
                branches += 1;
                match member.get("$ref").and_then(Value::as_str) {
                    Some(r) => match root.resolve(&at.join(keyword).join(&i.to_string()), r) {
                        Ok(target) => {
                            values.insert(name_of(&target));
                        }
                        Err(_) => nameless = true,
                    },
                    None => nameless = true,
                }
            }
        }
        if branches == 0 {
            // A base schema: its extensions, and itself, are the schemas it chooses from.
            values.insert(name_of(&at));
            values.extend(extensions.get(&at).into_iter().flatten().cloned());
        }
        let has_mapping = discriminator.get("mapping").is_some();
        if (nameless && !has_mapping) || values.is_empty() {
            continue;
        }
        out.insert(address(discriminator), Arc::new(Allowed { property, values }));
    }
    out
}

fn walk<'v>(value: &'v Value, at: &Location, visit: &mut dyn FnMut(&Location, &'v Value)) {
    match value {
        Value::Object(map) => {
            visit(at, value);
            for (k, v) in map {
                walk(v, &at.join(k), visit);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &at.join(&i.to_string()), visit);
            }
        }
        _ => {}
    }
}

struct Discriminator {
    allowed: Option<Arc<Allowed>>,
}

impl Discriminator {
    fn unknown<'v>(&self, instance: &'v Value) -> Option<(&Allowed, &'v str)> {
        let allowed = self.allowed.as_deref()?;
        let value = instance.get(&allowed.property)?.as_str()?;
        (!allowed.values.contains(value)).then_some((allowed, value))
    }
}

impl<'i> Keyword<'i> for Discriminator {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        match self.unknown(instance) {
            None => Ok(()),
            Some((allowed, value)) => {
                let unknown = Unknown {
                    property: allowed.property.clone(),
                    value: value.to_string(),
                    allowed: allowed.values.iter().cloned().collect(),
                };
                Err(ValidationError::custom(serde_json::to_string(&unknown).unwrap_or_default()))
            }
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        self.unknown(instance).is_none()
    }
}

/// What a keyword factory returns.
type Built<'a> = Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>>;

/// A factory that finds what each `discriminator` allows by the address of its value.
pub(super) fn factory(
    index: ByAddress,
) -> impl for<'a> Fn(&'a Map<String, Value>, &'a Value, KeywordLocation) -> Built<'a> + Send + Sync + 'static {
    move |_parent, value, _path| Ok(Box::new(Discriminator { allowed: index.get(&address(value)).cloned() }))
}
