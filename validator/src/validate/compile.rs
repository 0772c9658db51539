//! Compiling the catalog's schemas: one registry holding every document, and
//! one validator per schema location, built once per run.

use super::fast::FastValidator;
use super::keywords;
use crate::contract::Catalog;
use crate::error::CatalogError;
use jsonschema::{Draft, Registry, Validator};
use serde_json::json;
use std::collections::HashMap;

/// Every validator the catalog's operations need, keyed by schema URI.
#[derive(Default)]
pub struct CompiledSchemas {
    validators: HashMap<String, Validator>,
    /// The fast path of each schema that has one.
    fast: HashMap<String, FastValidator>,
    /// Schemas that do not compile (lenient loading), by URI: the compiler's
    /// message. What they describe is reported unchecked.
    broken: std::collections::BTreeMap<String, String>,
}

impl std::fmt::Debug for CompiledSchemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledSchemas").field("count", &self.validators.len()).finish()
    }
}

/// The registry every document of `catalog` is registered in: the one the
/// catalog resolves references with, so validation and the generator agree.
pub fn registry(catalog: &Catalog) -> &Registry<'static> {
    catalog.root.registry()
}

/// Compiles the schema at `uri` against `registry`, with formats asserted and
/// Accord's keywords enforced. Nothing outside the registry is ever fetched.
pub fn compile(
    catalog: &Catalog,
    uri: &str,
    assert_formats: bool,
) -> Result<Validator, jsonschema::ValidationError<'static>> {
    let options = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .with_registry(registry(catalog))
        .should_validate_formats(assert_formats);
    keywords::register(options, catalog.rule_index(), catalog.discriminators()).build(&json!({ "$ref": uri }))
}

/// Compiles the schema at `uri` for generic mode: its own `$schema` picks
/// the draft (2020-12 when it names none), and `format` is asserted only when
/// asked (the drafts' own default is to treat it as an annotation).
///
/// The schema is compiled as itself at its own URI (not behind a `$ref`), so
/// it is the outermost resource of the dynamic scope, as `$recursiveRef` and
/// `$dynamicRef` expect.
pub fn compile_generic(
    catalog: &Catalog,
    uri: &str,
    assert_formats: bool,
) -> Result<Validator, jsonschema::ValidationError<'static>> {
    let options = jsonschema::options().with_registry(registry(catalog)).should_validate_formats(assert_formats);
    let options = keywords::register(options, catalog.rule_index(), catalog.discriminators());
    match catalog.root.locate_uri(uri).and_then(|at| Some((catalog.root.get(&at)?, at))) {
        Some((schema, at)) if at.pointer.is_empty() => {
            let base = uri.split('#').next().unwrap_or(uri).to_string();
            options.with_base_uri(base).build(schema)
        }
        _ => options.build(&json!({ "$ref": uri })),
    }
}

impl CompiledSchemas {
    /// Compiles the one schema of generic mode.
    pub fn single(catalog: &Catalog, uri: &str, assert_formats: bool) -> Result<Self, CatalogError> {
        let validator = compile_generic(catalog, uri, assert_formats).map_err(|e| CatalogError::Compile {
            location: catalog.display_uri(uri),
            message: shown_message(catalog, &e),
        })?;
        let mut compiled =
            CompiledSchemas { validators: HashMap::from([(uri.to_string(), validator)]), ..Self::default() };
        compiled.add_fast(catalog, uri, assert_formats);
        Ok(compiled)
    }

    /// Compiles every schema referenced by the catalog's operations. With
    /// `lenient`, a schema that breaks its meta-schema (an author's slip in
    /// one operation of a large description) is set aside in [`Self::broken`]
    /// instead of failing the whole catalog; a `$ref` that does not resolve
    /// always fails it.
    pub fn compile_all(catalog: &Catalog, lenient: bool) -> Result<Self, CatalogError> {
        let mut uris: Vec<&str> = Vec::new();
        for op in &catalog.operations {
            uris.extend(op.parameters.iter().filter_map(|p| p.schema_uri.as_deref()));
            uris.extend(op.request_schema.as_deref());
            uris.extend(op.responses.values().flat_map(|r| &r.headers).filter_map(|h| h.schema_uri.as_deref()));
            let bodies = op.request_body.iter().chain(op.responses.values().filter_map(|r| r.body.as_ref()));
            let media: Vec<_> = bodies.flat_map(|b| &b.media).collect();
            uris.extend(media.iter().filter_map(|m| m.schema_uri.as_deref()));
            let part_headers = media.iter().flat_map(|m| m.encoding_headers.values().flatten());
            uris.extend(part_headers.filter_map(|h| h.schema_uri.as_deref()));
        }
        uris.sort_unstable();
        uris.dedup();
        let mut compiled = CompiledSchemas::default();
        for uri in uris {
            match compile(catalog, uri, true) {
                Ok(validator) => {
                    compiled.validators.insert(uri.to_string(), validator);
                    compiled.add_fast(catalog, uri, true);
                }
                Err(e) => {
                    let error = CatalogError::Compile {
                        location: catalog.display_uri(uri),
                        message: shown_message(catalog, &e),
                    };
                    // A reference that does not resolve is never set aside: the
                    // contract names a document the root does not hold.
                    let unresolved = matches!(e.kind(), jsonschema::error::ValidationErrorKind::Referencing(_));
                    if !lenient || unresolved {
                        return Err(error);
                    }
                    compiled.broken.insert(uri.to_string(), error.to_string());
                }
            }
        }
        Ok(compiled)
    }

    /// Schemas that did not compile (lenient loading): URI to the message naming its file and pointer.
    pub fn broken(&self) -> &std::collections::BTreeMap<String, String> {
        &self.broken
    }

    fn add_fast(&mut self, catalog: &Catalog, uri: &str, assert_formats: bool) {
        // A schema without a fast path is judged on the full path only.
        if let Ok(fast) = FastValidator::new(catalog, uri, assert_formats) {
            self.fast.insert(uri.to_string(), fast);
        }
    }

    /// The fast path for a schema URI, if it has one.
    pub fn fast(&self, uri: &str) -> Option<&FastValidator> {
        self.fast.get(uri)
    }

    /// The validator for a schema URI.
    pub fn get(&self, uri: &str) -> Option<&Validator> {
        self.validators.get(uri)
    }
}

/// A compiler message with the catalog's internal URIs shown as the files they are.
fn shown_message(catalog: &Catalog, e: &jsonschema::ValidationError<'_>) -> String {
    let label = catalog.root.label();
    let shown = if label == "." || label.is_empty() { String::new() } else { format!("{label}/") };
    let message = e.to_string().replace(crate::contract::BASE_URI, &shown);
    // Where in the schema the offending keyword is (for a schema that breaks its meta-schema).
    match e.instance_path().as_str() {
        "" => message,
        at => format!("{message} (the offending keyword: {at})"),
    }
}
