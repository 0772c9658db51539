//! The validator's view of the contract: the schema root and operations that
//! `accord-catalog` reads (the same reading the generator uses), plus what
//! the validator derives from them (the names whose values are never shown).
//!
//! A catalog is loaded from a directory laid out like the repository's
//! `schemas/`, a single OpenAPI document, or the copy embedded in the binary.

mod sensitive;

pub use accord_catalog::openapi::{
    Body, Discriminator, MediaType, Operation, OperationKind, Parameter, ParameterIn, Requirement, ResponseSpec,
    SchemeKind, SecurityScheme, Server, Shape, Style, is_json_media,
};
pub use accord_catalog::{BASE_URI, Location, RootBuilder, SchemaRoot};

use crate::diagnostic::Redactor;
use crate::error::CatalogError;
use crate::validate::rules::message::{ByAddress, address};
use accord_catalog::rules::{RuleSet, Rules};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_schemas.rs"));
}

/// All documents and operations of one schema root.
#[derive(Debug)]
pub struct Catalog {
    /// The schema documents and their resolver.
    pub root: SchemaRoot,
    /// Operations, sorted by id.
    pub operations: Vec<Operation>,
    /// Names of sensitive fields and headers.
    pub redactor: Redactor,
    /// Message, exchange and capture rules, compiled.
    pub rules: Arc<Rules>,
    /// The message rule lists by the address of their `x-accord-rules` value.
    rule_index: ByAddress,
    /// What each OpenAPI `discriminator` allows, by the address of its value.
    discriminators: crate::validate::keywords::discriminator::ByAddress,
    /// The documents' text, for the catalog built into the binary.
    texts: Option<&'static [(&'static str, &'static str)]>,
}

impl Catalog {
    /// The catalog built into the binary (the repository's `schemas/`).
    pub fn builtin() -> Result<Self, CatalogError> {
        let mut catalog = Self::from_root(RootBuilder::new().embedded(embedded::FILES, "schemas")?)?;
        catalog.texts = Some(embedded::FILES);
        Ok(catalog)
    }

    /// Loads every document under `path` (a folder), or one OpenAPI document.
    pub fn load(path: &Path) -> Result<Self, CatalogError> {
        Self::from_root(RootBuilder::new().open(path)?)
    }

    /// A catalog of one schema file (and what it references) for generic
    /// mode, with extra documents from `builder` (`--resolve`, `--map`);
    /// returns the catalog and the schema's URI.
    pub fn from_schema_file(builder: RootBuilder, path: &Path) -> Result<(Self, String), CatalogError> {
        let (root, location) = builder.file(path)?;
        let uri = root.uri_of(&location);
        Ok((Self::from_root(root)?, uri))
    }

    /// A catalog of one schema given as a value, plus `extra` documents
    /// registered at their own absolute URIs (e.g. a test suite's remotes).
    /// Returns the catalog and the schema's URI.
    pub fn from_schema_value(
        schema: serde_json::Value,
        name: &str,
        extra: impl IntoIterator<Item = (String, serde_json::Value)>,
    ) -> Result<(Self, String), CatalogError> {
        let mut builder = RootBuilder::new();
        for (uri, value) in extra {
            builder = builder.extra(uri, value);
        }
        let root = builder.values([(name.to_string(), schema)], ".")?;
        let uri = root.uri_of(&Location::document(name));
        Ok((Self::from_root(root)?, uri))
    }

    /// The catalog of a loaded root.
    pub fn from_root(root: SchemaRoot) -> Result<Self, CatalogError> {
        let operations = accord_catalog::openapi::read(&root)?;
        let redactor = sensitive::redactor(&root, &operations);
        let rules = accord_catalog::rules::read(&root, &operations)?;
        let rule_index: HashMap<usize, Arc<RuleSet>> =
            rules.messages.iter().filter_map(|(at, set)| Some((address(root.get(at)?), Arc::clone(set)))).collect();
        // Only an OpenAPI catalog's discriminators are assertions; a plain JSON Schema's are annotations.
        let discriminators = if root.documents().any(|d| d.is_openapi()) {
            crate::validate::keywords::discriminator::index(&root)
        } else {
            HashMap::new()
        };
        Ok(Catalog {
            root,
            operations,
            redactor,
            rules: Arc::new(rules),
            rule_index: Arc::new(rule_index),
            discriminators: Arc::new(discriminators),
            texts: None,
        })
    }

    /// The compiled message rules, for the `x-accord-rules` keyword.
    pub fn rule_index(&self) -> ByAddress {
        Arc::clone(&self.rule_index)
    }

    /// What each OpenAPI `discriminator` allows, for the `discriminator` keyword.
    pub fn discriminators(&self) -> crate::validate::keywords::discriminator::ByAddress {
        Arc::clone(&self.discriminators)
    }

    /// The text of the document with key `key`, as written: the embedded
    /// copy for the built-in catalog, else the file it was read from (`None`
    /// when it cannot be read again, or was given as a value).
    pub fn document_text(&self, key: &str) -> Option<String> {
        if let Some(files) = self.texts {
            return files.iter().find(|(rel, _)| *rel == key).map(|(_, text)| text.to_string());
        }
        let document = self.root.document(key)?;
        std::fs::read_to_string(&document.shown).ok()
    }

    /// The operation with this id.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// Turns an absolute schema URI (`file:///accord/x/y.json#/a`) into the
    /// form shown to people (`schemas/x/y.json#/a`).
    pub fn display_uri(&self, uri: &str) -> String {
        self.root.display_uri(uri)
    }
}
