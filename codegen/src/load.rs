//! Stage one: the schema root, as `accord-catalog` reads it (the same
//! documents, resolved references and operations the validator sees).
//! This module only turns the catalog's errors into generator errors that
//! name the file relative to the root and the JSON pointer.

use crate::error::{Error, ErrorKind};
use accord_catalog::{CatalogError, SchemaRoot};

pub use accord_catalog::Location as Loc;

/// Generator errors at a location.
pub(crate) trait At {
    /// An error at this location.
    fn error(&self, kind: ErrorKind) -> Error;
    /// An error about `keyword` at this location.
    fn keyword_error(&self, keyword: &str, message: impl Into<String>) -> Error;
}

impl At for Loc {
    fn error(&self, kind: ErrorKind) -> Error {
        Error::at(&self.file, &self.pointer, kind)
    }

    fn keyword_error(&self, keyword: &str, message: impl Into<String>) -> Error {
        Error::keyword(&self.file, &self.pointer, keyword, message)
    }
}

/// Resolves a `$ref` written at `from`, with the error naming `from`.
pub(crate) fn resolve(root: &SchemaRoot, from: &Loc, reference: &str) -> Result<Loc, Error> {
    root.resolve(from, reference).map_err(|e| match e {
        CatalogError::DanglingRef { .. } => from.error(ErrorKind::DanglingRef(reference.to_string())),
        CatalogError::OutsideRoot { uri, .. } => {
            from.error(ErrorKind::RefOutsideRoot(format!("{reference} (it resolves to {uri})")))
        }
        other => Error::bare(ErrorKind::Catalog(Box::new(other))),
    })
}

/// A loading error, with paths shown relative to the schema root `dir`.
pub(crate) fn load_error(e: CatalogError, dir: &std::path::Path) -> Error {
    let relative = |path: &str| {
        std::path::Path::new(path)
            .strip_prefix(dir)
            .map(|p| p.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/"))
            .unwrap_or_else(|_| path.to_string())
    };
    match e {
        CatalogError::Json { path, line, column, message } => Error {
            file: Some(relative(&path)),
            pointer: None,
            kind: ErrorKind::Json(format!("{message} (line {line}, column {column})")),
        },
        CatalogError::Yaml { path, message, .. } => {
            Error { file: Some(relative(&path)), pointer: None, kind: ErrorKind::Json(message) }
        }
        CatalogError::DanglingRef { from, reference, .. } => {
            Error { file: Some(relative(&from)), pointer: None, kind: ErrorKind::DanglingRef(reference) }
        }
        CatalogError::OutsideRoot { from, reference, uri } => Error {
            file: Some(relative(&from)),
            pointer: None,
            kind: ErrorKind::RefOutsideRoot(format!("{reference} (it resolves to {uri})")),
        },
        other => Error::bare(ErrorKind::Catalog(Box::new(other))),
    }
}
