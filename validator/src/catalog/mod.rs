//! The catalog: every schema document plus the operations the OpenAPI
//! documents among them declare.
//!
//! A catalog is loaded from a directory laid out like the repository's
//! `schemas/` (one folder per provider, each with an `openapi.json` and the
//! schema files it references) or from the copy embedded in the binary.

mod openapi;
mod operation;
mod sensitive;

pub use operation::is_json_media;
mod source;

pub use operation::{Body, Discriminator, MediaType, Operation, Parameter, ResponseSpec};
pub use source::{Document, SchemaSet};

use crate::diagnostic::Redactor;
use crate::error::CatalogError;
use std::path::Path;

/// Base URI under which catalog documents are registered; a document's URI is
/// this plus its path relative to the schema root.
pub const BASE_URI: &str = "file:///accord/";

/// All documents and operations of one schema root.
#[derive(Debug)]
pub struct Catalog {
    /// The schema documents, keyed by path relative to the root.
    pub schemas: SchemaSet,
    /// Operations, sorted by id.
    pub operations: Vec<Operation>,
    /// Names of sensitive fields and headers.
    pub redactor: Redactor,
    /// How to show the root in schema locations (`schemas` for the built-in catalog).
    pub root_label: String,
}

impl Catalog {
    /// The catalog built into the binary (the repository's `schemas/`).
    pub fn builtin() -> Result<Self, CatalogError> {
        Self::from_set(SchemaSet::embedded()?, "schemas".to_string())
    }

    /// Loads every document under `dir`.
    pub fn load(dir: &Path) -> Result<Self, CatalogError> {
        let label = dir.display().to_string();
        Self::from_set(SchemaSet::from_dir(dir)?, label.trim_end_matches('/').to_string())
    }

    /// A catalog of one schema file (and the files it `$ref`s) for generic
    /// mode; returns the catalog and the schema's URI.
    pub fn from_schema_file(path: &Path) -> Result<(Self, String), CatalogError> {
        let (set, name) = SchemaSet::from_schema_file(path)?;
        let label = path.parent().map(|p| p.display().to_string()).filter(|p| !p.is_empty()).unwrap_or(".".into());
        let uri = format!("{BASE_URI}{name}");
        Ok((Self::from_set(set, label.trim_end_matches('/').to_string())?, uri))
    }

    /// A catalog of one schema given as a value, plus `extra` documents
    /// registered at their own absolute URIs (e.g. a test suite's remotes).
    /// Returns the catalog and the schema's URI.
    pub fn from_schema_value(
        schema: serde_json::Value,
        name: &str,
        extra: impl IntoIterator<Item = (String, serde_json::Value)>,
    ) -> Result<(Self, String), CatalogError> {
        let mut set = SchemaSet::default();
        set.insert_value(name, schema);
        for (uri, value) in extra {
            set.insert_value(&uri, value);
        }
        Ok((Self::from_set(set, ".".to_string())?, format!("{BASE_URI}{name}")))
    }

    fn from_set(schemas: SchemaSet, root_label: String) -> Result<Self, CatalogError> {
        let mut operations = Vec::new();
        for doc in schemas.documents.values() {
            if doc.value.get("openapi").is_some() {
                operations.extend(openapi::operations(doc, &schemas)?);
            }
        }
        operations.sort_by(|a, b| a.id.cmp(&b.id));
        for pair in operations.windows(2) {
            if pair[0].id == pair[1].id {
                return Err(CatalogError::DuplicateOperation { id: pair[0].id.clone() });
            }
        }
        let redactor = sensitive::redactor(&schemas, &operations);
        Ok(Catalog { schemas, operations, redactor, root_label })
    }

    /// The operation with this id.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// Turns an absolute schema URI (`file:///accord/x/y.json#/a`) into the
    /// form shown to people (`schemas/x/y.json#/a`).
    pub fn display_uri(&self, uri: &str) -> String {
        match uri.strip_prefix(BASE_URI) {
            Some(rest) if self.root_label == "." => {
                percent_encoding::percent_decode_str(rest).decode_utf8_lossy().into_owned()
            }
            Some(rest) => {
                format!("{}/{}", self.root_label, percent_encoding::percent_decode_str(rest).decode_utf8_lossy())
            }
            None => uri.to_string(),
        }
    }
}
